#!/usr/bin/env bash
# The demo (README): on a fresh machine, installs everything, brings up the
# sandbox host, and walks the O6 flow on the `sandbox` stack: first review
# (anchors unpinned: the observation is shown), pin the reviewed anchors,
# review again with the policy pack, deploy, show the outputs and the host.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
bash sandbox/up.sh
# After sandbox/up.sh: env.sh picks up the sandbox stack's passphrase file.
. scripts/env.sh
step() { printf '\n==> %s\n' "$*"; }
STACK=sandbox
REVIEW="$ROOT/review/$STACK"

step "configure the '$STACK' stack for the sandbox host (host key pinned, secrets encrypted)"
node bin/scripts/sandboxStack.js "$STACK"

step "first review: nothing pinned yet, so the preview shows what the host looks like"
IUCUTTER_REVIEW_DIR="$REVIEW" pulumi preview --stack "$STACK" --non-interactive --policy-pack policies --suppress-outputs >/dev/null
grep -A6 '^## Pre-state anchors' "$REVIEW/review.md"

step "pin the observed anchors (what the reviewer approves), review again with every policy"
node bin/scripts/sandboxStack.js "$STACK" --pin
IUCUTTER_REVIEW_DIR="$REVIEW" pulumi preview --stack "$STACK" --non-interactive --policy-pack policies --suppress-outputs | tail -25
echo "review package: $REVIEW/review.md (mandate digest $(grep -o 'Mandate digest: `[0-9a-f]*`' "$REVIEW/review.md" | tr -d '`' | cut -d' ' -f3))"

step "deploy the reviewed plan"
IUCUTTER_REVIEW_DIR="$REVIEW" pulumi up --stack "$STACK" --non-interactive --yes --policy-pack policies --suppress-outputs | tail -20

step "outputs"
pulumi stack output --stack "$STACK" --json | head -40

step "the host after the deploy"
SBH="$ROOT/.sandbox/host"
echo "iu-cutter version: $(grep __version__ "$SBH/opt-incomex/dot/iu-cutter/cutter_agent/__init__.py")"
echo "dot repo:"; git -C "$SBH/opt-incomex/dot" log --format='  %h %s' | head -3
echo "restart shims called: $(wc -l < "$ROOT/.sandbox/log/shim-calls.log") times"
echo
echo "Roll back with: . scripts/env.sh && pulumi destroy --stack $STACK --yes"
