#!/usr/bin/env bash
# The demo (README): on a fresh machine, installs everything, brings up the
# sandbox host, and walks the O6 flow on the `sandbox` stack: first review
# (anchors unpinned: the observation is shown), pin the reviewed anchors,
# review again with the policy pack, deploy, show the outputs and the host.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/prepare.sh
. scripts/prepare.sh
step() { printf '\n==> %s\n' "$*"; }
STACK=sandbox
REVIEW="$ROOT/review/$STACK"

step "configure the '$STACK' stack for the sandbox host (host key pinned, secrets encrypted)"
node bin/scripts/sandboxStack.js "$STACK"

step "first review: nothing pinned yet, so the package shows what the host looks like now"
IUCUTTER_REVIEW_ROOT="$ROOT/review" node bin/scripts/ops.js review "$STACK"
grep -A7 '^## Pre-state anchors' "$REVIEW/review.md"

step "pin the observed anchors (what the reviewer approves), review again with every policy"
node bin/scripts/sandboxStack.js "$STACK" --pin
node bin/scripts/ops.js review "$STACK"
grep -A14 '^## Forbidden actions' "$REVIEW/review.md"
DIGEST="$(node -e 'console.log(require(process.argv[1]).mandateDigest)' "$REVIEW/review.json")"

step "the reviewer approves mandate $DIGEST"
node bin/scripts/ops.js approve "$STACK" --by "demo reviewer" --digest "$DIGEST"

step "deploy the reviewed plan (O6), then the O7 dry run"
node bin/scripts/ops.js deploy "$STACK"

step "outputs"
pulumi stack output --stack "$STACK" --json | node -e 'const o=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(JSON.stringify({mandateDigest:o.mandateDigest, hostState:o.hostState, release:o.release}, null, 2))'

step "execution-enable readiness checklist (review/$STACK/readiness.md)"
cat "$REVIEW/readiness.md"

step "the host after the deploy"
SBH="$ROOT/.sandbox/host"
echo "iu-cutter version: $(grep __version__ "$SBH/opt-incomex/dot/iu-cutter/cutter_agent/__init__.py")"
echo "dot repo:"; git -C "$SBH/opt-incomex/dot" log --format='  %h %s' | head -3
echo "restart shims called: $(wc -l < "$ROOT/.sandbox/log/shim-calls.log") times"
echo
echo "Roll back: set rollback true, review, approve, deploy (README), or on the sandbox simply:"
echo "  . scripts/env.sh && pulumi destroy --stack $STACK --yes"
