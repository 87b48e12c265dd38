set -euo pipefail
if [ -e /var/lib/cutter/config/orchestrator.ini ]; then rm -- /var/lib/cutter/config/orchestrator.ini; fi
