# Shared settings of the sandbox host. Sourced by sandbox/*.sh.
SANDBOX_ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SB="${IUCUTTER_SANDBOX_DIR:-$SANDBOX_ROOT_DIR/.sandbox}"
SB_SSH_PORT="${IUCUTTER_SANDBOX_SSH_PORT:-2222}"
SB_PG_PORT="${IUCUTTER_SANDBOX_PG_PORT:-55432}"
# Contabo VPS hostnames look like vmiNNNNNNN.contaboserver.net; the sandbox's
# says it is a sandbox so that it can never be mistaken for the real host.
SB_HOSTNAME="${IUCUTTER_SANDBOX_HOSTNAME:-vmi0000000.sandbox.invalid}"
sb_log() { printf '[sandbox] %s\n' "$*" >&2; }

# contabo-like: gives the (re)created context_pack_readonly its password
# ($SB/db-password) on stdin, with statement logging off for this session, so
# the password reaches neither argv nor the server log. Default flavour: nothing.
sb_set_db_password() {
  [ -f "$SB/db-password" ] || return 0
  { echo "SET log_statement = 'none';"; printf "ALTER ROLE context_pack_readonly PASSWORD '%s';\n" "$(cat "$SB/db-password")"; } | "$@" -d postgres >/dev/null
}
