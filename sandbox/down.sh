#!/usr/bin/env bash
# Stops the sandbox host (sshd namespace, PostgreSQL). --purge also deletes
# .sandbox/ so that the next up.sh builds a fresh host.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ -f "$SB/ns.pid" ]; then
  pid="$(cat "$SB/ns.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    pkill -TERM -P "$pid" 2>/dev/null || true
    [ -f "$SB/sshd.pid" ] && kill -TERM "$(cat "$SB/sshd.pid")" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$SB/ns.pid" "$SB/sshd.pid"
fi
if [ -d "$SB/pg/data" ]; then
  PGBIN="$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$SB/pg/data" -m fast stop >/dev/null 2>&1 || true
fi
if [ "${1:-}" = "--purge" ]; then rm -rf "$SB"; sb_log "purged $SB"; else sb_log "down"; fi
