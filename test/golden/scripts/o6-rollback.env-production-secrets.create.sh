set -euo pipefail
if [ -e /var/lib/cutter/artifacts/env-production/original ]; then cp -p -- /var/lib/cutter/artifacts/env-production/original /opt/incomex/dot/.env.production.iucutter-tmp && mv -T /opt/incomex/dot/.env.production.iucutter-tmp /opt/incomex/dot/.env.production && rm -- /var/lib/cutter/artifacts/env-production/original; fi
echo "Secrets: /opt/incomex/dot/.env.production restored to its pre-deploy content"
