#!/usr/bin/env bash
# The test command (README): sets everything up on a fresh machine, brings up
# the sandbox host, then runs unit tests, the policy pack's tests and the
# real-engine integration tests in one mocha run on the default sandbox
# flavour, then brings the sandbox up again as the contabo-like flavour
# (sandbox/up.sh --reset --flavour contabo-like: other layout, other
# orchestrator dialect, password auth for the database), runs the flavour test
# there, and leaves the sandbox in the default flavour again (demo.sh, bench
# and the next run expect it). Ends with one line "N passed, N failed" over
# both runs; the exit status is 0 only if every test passed. --unit: unit and
# pack tests only (no second flavour).
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
if [ "${1:-}" = "--unit" ]; then
  exec npx --no-install mocha --exit --reporter ./test/reporter.js "${files[@]}"
fi
# The flavour the default run needs: a sandbox left as contabo-like is rebuilt.
if [ "$(cat "${IUCUTTER_SANDBOX_DIR:-$ROOT/.sandbox}/flavour" 2>/dev/null || echo default)" != default ]; then bash sandbox/up.sh --reset; fi
totals="$(mktemp /tmp/iucutter-test-totals.XXXXXX)"
trap 'rm -f -- "$totals"' EXIT
export IUCUTTER_TOTALS_FILE="$totals"
extra_failures=0
IUCUTTER_TOTALS_PART="default flavour" npx --no-install mocha --exit --reporter ./test/reporter.js "${files[@]}" || true
if bash sandbox/up.sh --reset --flavour contabo-like; then
  IUCUTTER_TOTALS_PART="contabo-like flavour" npx --no-install mocha --exit --reporter ./test/reporter.js bin/test/integration/flavour.test.js || true
else
  echo "the contabo-like sandbox did not come up: its flavour test counts as failed" >&2; extra_failures=$((extra_failures + 1))
fi
bash sandbox/up.sh --reset || { echo "the sandbox did not come back up in the default flavour" >&2; extra_failures=$((extra_failures + 1)); }
# The one closing line over both runs, and the exit status.
node test/reporter.js --totals "$totals" "$extra_failures"
