set -euo pipefail
if g="$(psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live 2>/dev/null <<'SQL'
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
