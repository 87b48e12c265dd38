set -euo pipefail
if [ -e /var/lib/cutter/runbooks/rollback_runbook.sql ]; then rm -- /var/lib/cutter/runbooks/rollback_runbook.sql; fi
