set -euo pipefail
IFS= read -r DB_PASSWORD || exit 3
passfile="$(mktemp /tmp/iucutter-pgpass.XXXXXXXXXX)"
trap 'rm -- "$passfile"' EXIT
printf '%s:%s:%s:%s:%s\n' 127.0.0.1 5432 live context_pack_readonly "$DB_PASSWORD" > "$passfile"
printf 'python=%s\n' "$(python3 --version 2>&1 | head -n 1 || true)"
agent=""; if [ -d /opt/incomex/dot/iu-cutter ]; then agent="$(cd /opt/incomex/dot/iu-cutter && PYTHONDONTWRITEBYTECODE=1 python3 -m cutter_agent.cli --version 2>/dev/null | head -n 1)" || agent=""; fi
printf 'agent=%s\n' "$agent"
printf 'psql=%s\n' "$(command -v psql || true)"
db=""; if command -v psql >/dev/null; then db="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live 2>/dev/null <<'SQL'
BEGIN READ ONLY;
SELECT 'iucutter-db-answered';
ROLLBACK;
SQL
)" || db=""; fi
if [ "$db" = iucutter-db-answered ]; then echo database=reachable; else echo database=unreachable; fi
if [ -f /opt/incomex/dot/docker-compose.yml ]; then echo composeMarker=present; else echo composeMarker=missing; fi
if [ -f /opt/incomex/dot/.env ]; then echo envFile=present; else echo envFile=missing; fi
s=/opt/incomex/.iu-cutter-staging; while [ ! -e "$s" ]; do s="$(dirname "$s")"; done
printf 'stagingFreeKiB=%s\n' "$(df -Pk "$s" | tail -n 1 | tr -s ' ' | cut -d' ' -f4)"
printf 'stagingDevice=%s\n' "$(stat -c %d "$s")"
printf 'liveDevice=%s\n' "$(stat -c %d /opt/incomex/dot 2>/dev/null || echo none)"
