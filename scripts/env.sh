# Sourced by every project script: the pinned toolchain first on PATH, an
# isolated PULUMI_HOME, the local file backend, no update checks, no Cloud.
IUCUTTER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export IUCUTTER_ROOT
export PATH="$IUCUTTER_ROOT/.toolchain/bin:$IUCUTTER_ROOT/node_modules/.bin:$PATH"
export PULUMI_HOME="${PULUMI_HOME:-$IUCUTTER_ROOT/.toolchain/pulumi-home}"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$IUCUTTER_ROOT/.pulumi-state}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=false
# The sandbox stack's passphrase is generated per machine by sandbox/up.sh.
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ] && [ -f "$IUCUTTER_ROOT/.sandbox/passphrase" ]; then
  export PULUMI_CONFIG_PASSPHRASE_FILE="$IUCUTTER_ROOT/.sandbox/passphrase"
fi
mkdir -p "$IUCUTTER_ROOT/.pulumi-state" "$PULUMI_HOME"
