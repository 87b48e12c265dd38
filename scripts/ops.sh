#!/usr/bin/env bash
# review / approve / pin-o7 / deploy (see scripts/ops.ts), per macro stack. Example:
#   bash scripts/ops.sh review contabo
#   bash scripts/ops.sh approve contabo --role review --digest <mandate digest> --key ~/.ssh/id_ed25519
#   bash scripts/ops.sh approve contabo --role sovereign --digest <mandate digest> --agent ~/.ssh/id_ed25519.pub
#   bash scripts/ops.sh deploy contabo
#   bash scripts/ops.sh review contabo-o7 && bash scripts/ops.sh pin-o7 contabo-o7 && bash scripts/ops.sh review contabo-o7
#   (two approvals of contabo-o7, then) bash scripts/ops.sh deploy contabo-o7
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/env.sh"
cd "$ROOT"
exec node bin/scripts/ops.js "$@"
