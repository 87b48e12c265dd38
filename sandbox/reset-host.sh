#!/usr/bin/env bash
# Puts the sandbox host back to its pristine state (v0.4 tree, fresh dot repo,
# empty /var/lib/cutter, untagged source repo, empty shim log) without
# restarting sshd or PostgreSQL. The database is re-created from the fixture.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ -d "$SB/pristine" ] || { sb_log "no pristine copy: run sandbox/up.sh --reset"; exit 1; }
for d in opt-incomex var-lib-cutter root-home; do
  find "$SB/host/$d" -mindepth 1 -delete
  cp -a "$SB/pristine/$d/." "$SB/host/$d/"
done
find "$SB/src" -mindepth 1 -delete
cp -a "$SB/pristine-src/." "$SB/src/"
: > "$SB/log/shim-calls.log"
PSQL=(psql -X -q -h 127.0.0.1 -p "$SB_PG_PORT" -U postgres -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS cutter_live WITH (FORCE)" >/dev/null 2>&1 || "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS cutter_live" >/dev/null
"${PSQL[@]}" -d postgres -c "DROP ROLE IF EXISTS context_pack_readonly" -c "DROP ROLE IF EXISTS cutter_governance" >/dev/null
"${PSQL[@]}" -d postgres -c "CREATE DATABASE cutter_live" >/dev/null
"${PSQL[@]}" -d cutter_live -f "$(dirname "${BASH_SOURCE[0]}")/fixture-db.sql" >/dev/null
sb_set_db_password "${PSQL[@]}"
