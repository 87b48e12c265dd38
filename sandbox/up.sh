#!/usr/bin/env bash
# Brings up the sandbox host: a stand-in for the Contabo VPS on this machine.
#   - OpenSSH on 127.0.0.1:$SB_SSH_PORT in its own mount + UTS namespaces, whose
#     sessions see a private /opt/incomex, /var/lib/cutter and /root;
#   - /opt/incomex/dot: a git repo (no remote) with the fixture v0.4 tree, a
#     compose marker, .env and .env.production with placeholder keys;
#   - PostgreSQL on 127.0.0.1:$SB_PG_PORT with the fixture database and roles;
#   - restart shims (systemctl, service, docker, ...) first on the sessions'
#     PATH that log every call and change nothing;
#   - the fixture v0.6 source repo with a pinned commit;
#   - a GnuPG key in the sandbox root's keyring (GAP-3's BACKUP_GPG_FPR).
# Writes .sandbox/facts.json for the stack config. Idempotent; --reset rebuilds.
#
# Flavours (--flavour NAME, kept until the next --reset):
#   default       compose marker and .env in /opt/incomex/dot, the fixture
#                 orchestrator's own dialect;
#   contabo-like  compose marker and .env under /opt/incomex/docker (where the
#                 seeds' v0.4 wrapper lives), an orchestrator that speaks
#                 another dialect (fixtures/iu-cutter-v0.6-contabo-like, read
#                 through sandbox/stack-config.contabo-like.json's adapter) and
#                 its own pytest suite, and password auth for the database:
#                 context_pack_readonly has a random password (.sandbox/db-password,
#                 0600; facts.json dbPassword) and pg_hba asks it for
#                 scram-sha-256 on TCP (no trust for that role), so the stack's
#                 databasePassword secret path is what lets the deploy read.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ROOT="$SANDBOX_ROOT_DIR"

reset=no; flavour=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reset) reset=yes ;;
    --flavour) flavour="${2:-}"; shift ;;
    *) sb_log "unknown argument $1 (usage: up.sh [--reset] [--flavour default|contabo-like])"; exit 2 ;;
  esac
  shift
done
if [ "$reset" = yes ]; then bash "$ROOT/sandbox/down.sh" --purge; fi
built_flavour="$(cat "$SB/flavour" 2>/dev/null || echo default)"
if [ -f "$SB/.built" ] && [ -n "$flavour" ] && [ "$flavour" != "$built_flavour" ]; then
  sb_log "the sandbox is built as flavour $built_flavour; rebuild it: sandbox/up.sh --reset --flavour $flavour"; exit 1
fi
flavour="${flavour:-$built_flavour}"
case "$flavour" in default|contabo-like) ;; *) sb_log "unknown flavour $flavour (default, contabo-like)"; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { sb_log "the sandbox needs root (namespaces, bind mounts, a second sshd); run as root"; exit 1; }
for t in /usr/sbin/sshd unshare git gpg ssh-keygen; do
  command -v "$t" >/dev/null || [ -x "$t" ] || { sb_log "missing $t: run scripts/setup.sh first"; exit 1; }
done
PGBIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")"

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ ! -f "$SB/.built" ]; then
  sb_log "building sandbox host in $SB"
  rm -rf "$SB"; mkdir -p "$SB"/{etc,host/opt-incomex,host/var-lib-cutter,host/root-home,shims,src,ns,log}
  echo "$flavour" > "$SB/flavour"
  chmod 0700 "$SB/host/root-home"

  # --- SSH keys: the host key is what the stack pins -----------------------
  ssh-keygen -q -t ed25519 -N '' -C "sandbox-host" -f "$SB/etc/ssh_host_ed25519_key"
  ssh-keygen -q -t ed25519 -N '' -C "iu-cutter-deploy@sandbox" -f "$SB/etc/operator_key"
  cp "$SB/etc/operator_key.pub" "$SB/etc/authorized_keys"

  # --- restart shims --------------------------------------------------------
  for s in systemctl service docker docker-compose supervisorctl reboot shutdown; do
    cat > "$SB/shims/$s" <<SHIM
#!/bin/sh
# Sandbox shim: records the call, changes nothing.
printf '%s\t%s\t%s\n' "\$(date -u +%FT%TZ)" "$s" "\$*" >> "$SB/log/shim-calls.log"
exit 0
SHIM
    chmod 0755 "$SB/shims/$s"
  done
  : > "$SB/log/shim-calls.log"

  cat > "$SB/etc/sshd_config" <<CFG
Port $SB_SSH_PORT
ListenAddress 127.0.0.1
HostKey $SB/etc/ssh_host_ed25519_key
PidFile $SB/sshd.pid
AuthorizedKeysFile $SB/etc/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
AcceptEnv none
SetEnv PATH=$SB/shims:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PGHOST=127.0.0.1 PGPORT=$SB_PG_PORT
MaxStartups 64:30:128
MaxSessions 64
LogLevel INFO
CFG

  # --- /opt/incomex/dot: the vendoring repo, v0.4 inside, no remote --------
  DOT="$SB/host/opt-incomex/dot"
  mkdir -p "$DOT"
  cp -R "$ROOT/fixtures/iu-cutter-v0.4" "$DOT/iu-cutter"
  # Where the incomex stack's compose file and .env live (the flavour's layout).
  WRAP="$DOT"; [ "$flavour" = contabo-like ] && WRAP="$SB/host/opt-incomex/docker"
  mkdir -p "$WRAP"
  cat > "$WRAP/docker-compose.yml" <<'YML'
# Compose marker of the incomex stack (sandbox copy). Nothing here is started.
services:
  iu-cutter:
    image: incomex/iu-cutter:0.4
    env_file: [.env, .env.production]
YML
  printf 'COMPOSE_PROJECT_NAME=incomex\nCUTTER_LOG_LEVEL=info\n' > "$WRAP/.env"
  printf '# production-only settings (placeholders in the sandbox)\nCUTTER_DB_DSN_FILE=/run/secrets/cutter_db\n' > "$DOT/.env.production"
  chmod 0600 "$WRAP/.env" "$DOT/.env.production"
  printf '.env\n.env.*\n' > "$DOT/.gitignore"
  fixed_git() { GIT_AUTHOR_NAME="incomex ops" GIT_AUTHOR_EMAIL="ops@incomex.invalid" \
    GIT_COMMITTER_NAME="incomex ops" GIT_COMMITTER_EMAIL="ops@incomex.invalid" \
    GIT_AUTHOR_DATE="2026-05-01T00:00:00Z" GIT_COMMITTER_DATE="2026-05-01T00:00:00Z" git "$@"; }
  (cd "$DOT" && git init -q -b main && fixed_git add -A && fixed_git commit -q -m "vendor iu-cutter v0.4")

  # --- the v0.6 source repo (stands in for the dev repo at 6625f76) --------
  SRC="$SB/src/iu-cutter"
  mkdir -p "$SRC"; cp -R "$ROOT/fixtures/iu-cutter-v0.6/." "$SRC/"
  if [ "$flavour" = contabo-like ]; then cp -R "$ROOT/fixtures/iu-cutter-v0.6-contabo-like/." "$SRC/"; fi
  (cd "$SRC" && git init -q -b main && fixed_git add -A && fixed_git commit -q -m "iu-cutter v0.6.0 (O4 live dry-run HEAD)")

  # --- GnuPG key in the sandbox root's keyring (GAP-3) ---------------------
  mkdir -p "$SB/host/root-home/.gnupg"; chmod 0700 "$SB/host/root-home/.gnupg"
  # gpg-agent's socket lives in GNUPGHOME and a unix socket path is limited to
  # 108 bytes: reach the keyring through a short link, whatever the clone path.
  export GNUPGHOME; GNUPGHOME="$(mktemp -u /tmp/iucutter-gnupg.XXXXXX)"; ln -s "$SB/host/root-home/.gnupg" "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-gen-key "iu-cutter sandbox backup <backup@sandbox.invalid>" ed25519 sign never 2>/dev/null
  gpgconf --kill all 2>/dev/null || true
  rm -- "$GNUPGHOME"; unset GNUPGHOME

  # --- PostgreSQL -----------------------------------------------------------
  mkdir -p "$SB/pg"; chown postgres:postgres "$SB/pg"
  runuser -u postgres -- "$PGBIN/initdb" -D "$SB/pg/data" -U postgres --auth-local=trust --auth-host=trust >/dev/null
  if [ "$flavour" = contabo-like ]; then
    # The read-only role logs in with a password (scram-sha-256), never by trust: the first matching line wins.
    sed -i '1i host all context_pack_readonly 127.0.0.1/32 scram-sha-256\nhost all context_pack_readonly ::1/128 scram-sha-256' "$SB/pg/data/pg_hba.conf"
    # Random per build; letters and digits only (the pgpass format's ':' and '\\' never occur).
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 > "$SB/db-password")
  fi
  # Passphrase of the sandbox stack's secrets provider: random, per machine.
  head -c 32 /dev/urandom | base64 > "$SB/passphrase"; chmod 0600 "$SB/passphrase"
  # Pristine copy of the host, so tests can reset it in place (sshd's bind
  # mounts point at these directories, so they are refilled, never replaced).
  mkdir -p "$SB/pristine"
  cp -a "$SB/host/." "$SB/pristine/"
  cp -a "$SB/src" "$SB/pristine-src"
  touch "$SB/.built"
fi

# --- start PostgreSQL -------------------------------------------------------
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$SB/pg/data" status >/dev/null 2>&1; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$SB/pg/data" -w -l "$SB/pg/server.log" \
    -o "-c listen_addresses=127.0.0.1 -c port=$SB_PG_PORT -c unix_socket_directories='' -c log_statement=mod" start >/dev/null
fi
PSQL=(psql -X -q -h 127.0.0.1 -p "$SB_PG_PORT" -U postgres -v ON_ERROR_STOP=1)
if [ "$("${PSQL[@]}" -At -d postgres -c "select 1 from pg_database where datname='cutter_live'")" != 1 ]; then
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE cutter_live"
  "${PSQL[@]}" -d cutter_live -f "$ROOT/sandbox/fixture-db.sql" >/dev/null
  sb_set_db_password "${PSQL[@]}"
fi
DB_PASSWORD_JSON=""; [ -f "$SB/db-password" ] && DB_PASSWORD_JSON="\"dbPassword\": \"$(cat "$SB/db-password")\","

# --- start sshd in its own namespaces --------------------------------------
if ! alive "$SB/ns.pid"; then
  rm -f "$SB/sshd.pid"
  setsid unshare --mount --uts --propagation private bash "$ROOT/sandbox/ns-init.sh" \
    >>"$SB/log/sshd.log" 2>&1 < /dev/null &
  echo $! > "$SB/ns.pid"
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$SB_SSH_PORT") 2>/dev/null && break
    sleep 0.1
  done
  (exec 3<>"/dev/tcp/127.0.0.1/$SB_SSH_PORT") 2>/dev/null || { sb_log "sshd did not start; see $SB/log/sshd.log"; tail -5 "$SB/log/sshd.log" >&2; exit 1; }
fi

# --- facts for the sandbox stack config -------------------------------------
GPG_LINK="$(mktemp -u /tmp/iucutter-gnupg.XXXXXX)"; ln -s "$SB/host/root-home/.gnupg" "$GPG_LINK"
GPG_FPR="$(GNUPGHOME="$GPG_LINK" gpg --batch --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr:/ {print $10; exit}')"
GNUPGHOME="$GPG_LINK" gpgconf --kill all 2>/dev/null || true
rm -- "$GPG_LINK"
[ -n "$GPG_FPR" ] || { sb_log "no GnuPG key in the sandbox keyring; rebuild with sandbox/up.sh --reset"; exit 1; }
SRC_COMMIT="$(git -C "$SB/pristine-src/iu-cutter" rev-parse HEAD)"  # the pristine commit, whatever tests left in src
HOST_KEY="$(cut -d' ' -f1,2 "$SB/etc/ssh_host_ed25519_key.pub")"
cat > "$SB/facts.json" <<JSON
{
  "hostname": "$SB_HOSTNAME",
  "flavour": "$flavour",
  "address": "127.0.0.1",
  "sshPort": $SB_SSH_PORT,
  "user": "root",
  "hostKey": "$HOST_KEY",
  "privateKeyPath": "$SB/etc/operator_key",
  "sourceRepo": "$SB/src/iu-cutter",
  "sourceCommit": "$SRC_COMMIT",
  "pgPort": $SB_PG_PORT,
  "backupGpgFpr": "$GPG_FPR",
  $DB_PASSWORD_JSON
  "shimLog": "$SB/log/shim-calls.log",
  "hostDirs": { "/opt/incomex": "$SB/host/opt-incomex", "/var/lib/cutter": "$SB/host/var-lib-cutter", "/root": "$SB/host/root-home" }
}
JSON
chmod 0600 "$SB/facts.json"
sb_log "up ($flavour): ssh root@127.0.0.1 -p $SB_SSH_PORT (host $SB_HOSTNAME), postgres 127.0.0.1:$SB_PG_PORT"
