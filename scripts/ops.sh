#!/usr/bin/env bash
# review / approve / deploy (see scripts/ops.ts). Example:
#   bash scripts/ops.sh review contabo
#   bash scripts/ops.sh approve contabo --by "A. Reviewer" --digest <mandate digest>
#   bash scripts/ops.sh deploy contabo
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/env.sh"
cd "$ROOT"
exec node bin/scripts/ops.js "$@"
