#!/usr/bin/env bash
# Benchmarks: bash bench/run.sh [runs=3] [sizes=100,1000,10000]
# Writes bench/results.md (copied into the README by hand, with commentary).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v rsync >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null; }
# Ansible as a peer row: Debian's ansible-core (bench only, never a dependency of the program).
command -v ansible-playbook >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ansible-core >/dev/null; }
. scripts/prepare.sh
exec node bin/bench/run.js "$@"
