set -euo pipefail
IFS= read -r DB_PASSWORD || exit 3
passfile="$(mktemp /tmp/iucutter-pgpass.XXXXXXXXXX)"
trap 'rm -- "$passfile"' EXIT
printf '%s:%s:%s:%s:%s\n' 127.0.0.1 5432 live context_pack_readonly "$DB_PASSWORD" > "$passfile"
if g="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live 2>/dev/null <<'SQL'
BEGIN READ ONLY;
SELECT g FROM (
  SELECT coalesce(r.rolname, 'PUBLIC') || '|' || n.nspname || '|' || c.relname || '|' || a.privilege_type AS g
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    CROSS JOIN LATERAL aclexplode(c.relacl) a
    LEFT JOIN pg_roles r ON r.oid = a.grantee
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
     AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
) m ORDER BY g COLLATE "C";
ROLLBACK;
SQL
)"; then printf 'grantMatrix=%s\n' "$(printf '%s\n' "$g" | sha256sum | cut -c1-64)"; else echo grantMatrix=unreadable; fi
