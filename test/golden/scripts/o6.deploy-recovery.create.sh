set -euo pipefail
echo "DeployRecovery: armed (a destroy reverts an unfinished deploy from its journal)"
