#!/usr/bin/env bash
# The test command (README): sets everything up on a fresh machine, brings up
# the sandbox host, then runs unit tests, the policy pack's tests and the
# real-engine integration tests in one mocha run, ending with one line
# "N passed, N failed".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/prepare.sh
. scripts/prepare.sh
specs=("bin/test/unit" "policies/bin/test" "bin/test/integration")
if [ "${1:-}" = "--unit" ]; then specs=("bin/test/unit" "policies/bin/test"); fi
files=()
for d in "${specs[@]}"; do
  while IFS= read -r f; do files+=("$f"); done < <(find "$d" -name '*.test.js' | sort)
done
exec npx --no-install mocha --exit --reporter ./test/reporter.js "${files[@]}"
