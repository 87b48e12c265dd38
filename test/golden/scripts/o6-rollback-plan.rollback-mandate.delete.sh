set -euo pipefail
if [ -e /var/lib/cutter/rollback-mandate ]; then rm -- /var/lib/cutter/rollback-mandate; fi
