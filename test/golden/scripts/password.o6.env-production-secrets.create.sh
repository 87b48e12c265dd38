set -euo pipefail
fail() { printf 'Secrets: %s\n' "$*" >&2; exit 1; }
IFS= read -r BACKUP_GPG_FPR || fail "BACKUP_GPG_FPR missing on stdin"
IFS= read -r GOVERNANCE_PRINCIPAL || fail "governance principal missing on stdin"
IFS= read -r DB_PASSWORD || fail "the database password (databasePassword) is missing on stdin"
passfile="$(mktemp /tmp/iucutter-pgpass.XXXXXXXXXX)"
trap 'rm -- "$passfile"' EXIT
printf '%s:%s:%s:%s:%s\n' 127.0.0.1 5432 live context_pack_readonly "$DB_PASSWORD" > "$passfile"
gpg --batch --with-colons --list-keys "$BACKUP_GPG_FPR" 2>/dev/null | grep -q '^fpr:' \
  || fail "GAP-3: the BACKUP_GPG_FPR key is not in the host's GnuPG keyring; import it first"
GRANTS="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live -v principal="$GOVERNANCE_PRINCIPAL" <<'SQL'
BEGIN READ ONLY;
SELECT n.nspname || '.' || k.relname || ':' || a.privilege_type
  FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace,
       LATERAL aclexplode(k.relacl) a
 WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = :'principal')
 ORDER BY 1;
ROLLBACK;
SQL
)" || fail 'GAP-4: cannot read the grant matrix as context_pack_readonly via tcp 127.0.0.1:5432/live (database.access; database unreachable?)'
PINNED="$(cat <<'IUCUTTER_EOF'
cutter.documents:SELECT
IUCUTTER_EOF
)"
[ -n "$GRANTS" ] || fail "GAP-4: the governance principal has no grants or does not exist"
[ "$GRANTS" = "$PINNED" ] || fail "GAP-4: the governance principal's grants differ from governance.grants (pinned)"
install -d -m 0700 /var/lib/cutter/artifacts/env-production
if [ ! -e /var/lib/cutter/artifacts/env-production/original ]; then cp -p -- /opt/incomex/dot/.env.production /var/lib/cutter/artifacts/env-production/original; fi
umask 077
{ grep -v -e '^BACKUP_GPG_FPR=' -e '^GOVERNANCE_PRINCIPAL=' /var/lib/cutter/artifacts/env-production/original || true
  printf 'BACKUP_GPG_FPR=%s\nGOVERNANCE_PRINCIPAL=%s\n' "$BACKUP_GPG_FPR" "$GOVERNANCE_PRINCIPAL"; } > /opt/incomex/dot/.env.production.iucutter-tmp
chmod 0600 /opt/incomex/dot/.env.production.iucutter-tmp
mv -T /opt/incomex/dot/.env.production.iucutter-tmp /opt/incomex/dot/.env.production
echo "Secrets: BACKUP_GPG_FPR and GOVERNANCE_PRINCIPAL set in /opt/incomex/dot/.env.production (0600); key and grants verified"
