set -euo pipefail
if [ -e /var/lib/cutter/o7-rollback-mandate ]; then rm -- /var/lib/cutter/o7-rollback-mandate; fi
