#!/usr/bin/env bash
# The test command (README): sets everything up on a fresh machine, brings up
# the sandbox host, then runs unit tests, the policy pack's tests and the
# real-engine integration tests in one mocha run, ending with one line
# "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The tests run on the pinned toolchain, even where an operator's newer CLI is installed.
export IUCUTTER_PINNED_TOOLCHAIN=1
# shellcheck source=scripts/prepare.sh
. scripts/prepare.sh
specs=("bin/test/unit" "policies/bin/test" "bin/test/integration")
if [ "${1:-}" = "--unit" ]; then specs=("bin/test/unit" "policies/bin/test"); fi
files=()
for d in "${specs[@]}"; do
  # Only tests whose TypeScript source still exists (a stale compiled file of a
  # deleted test must not run).
  while IFS= read -r f; do
    src="${f#bin/}"; src="${src#policies/bin/}"; src="${src%.js}.ts"
    case "$f" in policies/*) src="policies/$src" ;; esac
    [ -f "$src" ] && files+=("$f")
  done < <(find "$d" -name '*.test.js' | sort)
done
exec npx --no-install mocha --exit --reporter ./test/reporter.js "${files[@]}"
