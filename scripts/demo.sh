#!/usr/bin/env bash
# The demo (README): on a fresh machine, installs everything, brings up the
# sandbox host, and walks both macros on protected stacks with two generated
# demo signer keys: O6 on `sandbox` (first review with the anchors unpinned,
# pin, review with the policy pack, a bare `up` refused, two signed approvals,
# deploy), then O7 on `sandbox-o7` (review showing the O6 deploy it verifies,
# pin it, an O6 approval refused, two signed approvals, deploy), then the
# outputs, the readiness checklist and the host.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/prepare.sh
. scripts/prepare.sh
step() { printf '\n==> %s\n' "$*"; }
STACK=sandbox          # macro O6
O7STACK=sandbox-o7     # macro O7: its own stack, its own review, approvals and deploy
REVIEW="$ROOT/review/$STACK"
REVIEW7="$ROOT/review/$O7STACK"
KEYS="$ROOT/.sandbox/demo-signers"   # two demo signer keys, generated on the first run
export IUCUTTER_REVIEW_ROOT="$ROOT/review"
digest() { node -e 'console.log(require(process.argv[1]).mandateDigest)' "$1/review.json"; }

step "configure the '$STACK' stack (macro O6) for the sandbox host: protected, two demo signers (review, sovereign) in ${KEYS#$ROOT/}"
node bin/scripts/sandboxStack.js "$STACK" --protect "$KEYS"
echo "allowed signers and roles pinned in Pulumi.$STACK.yaml:"
node -e 'const y=require("fs").readFileSync(process.argv[1],"utf8"); const m=/iu-cutter-deploy:approvals: (.*)/.exec(y); const a=JSON.parse(m[1]); for (const l of a.allowedSigners) console.log("  "+l.slice(0,90)+"..."); console.log("  roles: "+JSON.stringify(a.roles));' "Pulumi.$STACK.yaml"

step "first O6 review: nothing pinned yet, so the package shows what the host looks like now"
node bin/scripts/ops.js review "$STACK"
grep -A7 '^## Pre-state anchors' "$REVIEW/review.md"

step "pin the observed anchors (what the reviewer approves), review again with every policy"
node bin/scripts/sandboxStack.js "$STACK" --pin --protect "$KEYS"
node bin/scripts/ops.js review "$STACK"
grep -A15 '^## Forbidden actions' "$REVIEW/review.md"
DIGEST="$(digest "$REVIEW")"

step "a bare \`pulumi up\` is refused by the program itself (no reviewed plan, no signatures)"
out="$(pulumi up --stack "$STACK" --yes --skip-preview --non-interactive --color never 2>&1 || true)"
printf '%s\n' "$out" | grep -m1 'error: ApprovalGate' || true

step "the reviewer (role review) and the sovereign (role sovereign) each sign the O6 approval line"
node bin/scripts/ops.js approve "$STACK" --role review --digest "$DIGEST" --key "$KEYS/sandbox-reviewer"
node bin/scripts/ops.js approve "$STACK" --role sovereign --digest "$DIGEST" --key "$KEYS/sandbox-sovereign"

step "deploy O6: both signatures verified by deploy and by the program, then up --plan of the reviewed plan"
node bin/scripts/ops.js deploy "$STACK"

step "configure the '$O7STACK' stack (macro O7): same host and release, same signers"
node bin/scripts/sandboxStack.js "$O7STACK" --o7 --protect "$KEYS"

step "first O7 review: shows the dry-run commands and the O6 deploy they would verify (observed, not pinned yet)"
node bin/scripts/ops.js review "$O7STACK"
grep -A7 '^## The O6 deploy this dry run verifies' "$REVIEW7/review.md"

step "pin the O6 deploy the reviewer saw, review again"
node bin/scripts/ops.js pin-o7 "$O7STACK"
node bin/scripts/ops.js review "$O7STACK"
DIGEST7="$(digest "$REVIEW7")"

step "an O6 approval authorizes nothing on O7"
mkdir -p "$REVIEW7/approvals" && cp "$REVIEW/approvals/"* "$REVIEW7/approvals/"
out="$(node bin/scripts/ops.js deploy "$O7STACK" 2>&1 || true)"
printf '%s\n' "$out" | grep -m1 'approval for another macro' || true
rm -r "$REVIEW7/approvals"

step "the two O7 approvals, then deploy O7: the dry run of exactly that O6 deploy"
node bin/scripts/ops.js approve "$O7STACK" --role review --digest "$DIGEST7" --key "$KEYS/sandbox-reviewer"
node bin/scripts/ops.js approve "$O7STACK" --role sovereign --digest "$DIGEST7" --key "$KEYS/sandbox-sovereign"
node bin/scripts/ops.js deploy "$O7STACK"

step "outputs"
pulumi stack output --stack "$STACK" --json | node -e 'const o=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(JSON.stringify({macro:o.macro, mandateDigest:o.mandateDigest, hostState:o.hostState, release:o.release}, null, 2))'
pulumi stack output --stack "$O7STACK" --json | node -e 'const o=JSON.parse(require("fs").readFileSync(0,"utf8")); console.log(JSON.stringify({macro:o.macro, mandateDigest:o.mandateDigest, verifiesDeploy:o.verifiesDeploy}, null, 2))'

step "execution-enable readiness checklist (review/$O7STACK/readiness.md)"
cat "$REVIEW7/readiness.md"

step "the host after O6 and O7"
SBH="$ROOT/.sandbox/host"
echo "iu-cutter version: $(grep __version__ "$SBH/opt-incomex/dot/iu-cutter/cutter_agent/__init__.py")"
echo "dot repo:"; git -C "$SBH/opt-incomex/dot" log --format='  %h %s' | head -3
echo "restart shims called: $(wc -l < "$ROOT/.sandbox/log/shim-calls.log") times"
echo
echo "Roll back through the same path (README): rollback true on $O7STACK, then on $STACK; review, two approvals, deploy each."
