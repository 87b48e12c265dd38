# Sourced by the test, demo and bench commands: installs what is missing
# (scripts/setup.sh), brings up the sandbox host, then sets the environment.
# env.sh comes after sandbox/up.sh so that it picks up the sandbox stack's
# passphrase file.
IUCUTTER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$IUCUTTER_ROOT/scripts/setup.sh"
bash "$IUCUTTER_ROOT/sandbox/up.sh"
# shellcheck source=scripts/env.sh
. "$IUCUTTER_ROOT/scripts/env.sh"
