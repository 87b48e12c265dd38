set -euo pipefail
fail() { printf 'DryRunVerification: %s\n' "$*" >&2; exit 1; }
IFS= read -r BACKUP_GPG_FPR || fail "BACKUP_GPG_FPR missing on stdin"
IFS= read -r GOVERNANCE_PRINCIPAL || fail "governance principal missing on stdin"
IFS= read -r DB_PASSWORD || fail "the database password (databasePassword) is missing on stdin"
passfile="$(mktemp /tmp/iucutter-pgpass.XXXXXXXXXX)"
trap 'rm -- "$passfile"' EXIT
printf '%s:%s:%s:%s:%s\n' 127.0.0.1 5432 live context_pack_readonly "$DB_PASSWORD" > "$passfile"
all=""
# --- before: kill-switch, row counts, grant matrix ---------------------
python3 - /opt/incomex/dot/iu-cutter 0.6.0 <<'PY' || fail "execution_enabled is not False (or the deployed tree is not 0.6.0) before the dry run"
# [pinned helper assert_release.py, sha256 dde317dfc2d1a0a2…: shown once under "Pinned helpers"]
PY
counts_before="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live <<'SQL'
BEGIN READ ONLY;
SELECT 'cutter.documents ' || count(*) FROM cutter.documents;
SELECT 'cutter.candidates ' || count(*) FROM cutter.candidates;
SELECT 'cutter.cuts ' || count(*) FROM cutter.cuts;
SELECT 'cutter.review_decisions ' || count(*) FROM cutter.review_decisions;
ROLLBACK;
SQL
)" || fail "cannot read the row counts as context_pack_readonly"
grants_before="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live <<'SQL'
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
)" || fail "cannot read the grant matrix"
grant_sha="$(printf '%s\n' "$grants_before" | sha256sum | cut -c1-64)"
[ "$grant_sha" = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ] || fail "grant matrix sha256 is $grant_sha, pinned aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: grants changed"
# --- the dry run: SG1 pause, resume, SG2 pause, resume, closeout, idempotent closeout ---
set +e; out="$(cd /opt/incomex/dot/iu-cutter && PYTHONDONTWRITEBYTECODE=1 PGPASSFILE="$passfile" python3 -m cutter_agent.cli orchestrate --check-live-refused 2>&1)"; rc=$?; set -e
printf '%s\n' "$out" > /var/lib/cutter/state/o7-eeeeeeeeeeee-48c33e5c-1-ffffffff.live-before.log
all="$all$out"$'\n'
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -Eqx 'LIVE refused' || fail "live mode was not refused before the dry run (exit $rc): $(printf '%s' "$out" | tail -1)"
set +e; out="$(cd /opt/incomex/dot/iu-cutter && PYTHONDONTWRITEBYTECODE=1 PGPASSFILE="$passfile" python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id o7-eeeeeeeeeeee-48c33e5c-1-ffffffff --document 2 --config /var/lib/cutter/config/orchestrator.ini 2>&1)"; rc=$?; set -e
printf '%s\n' "$out" > /var/lib/cutter/state/o7-eeeeeeeeeeee-48c33e5c-1-ffffffff.1-start.log
all="$all$out"$'\n'
[ "$rc" = 10 ] && printf '%s\n' "$out" | grep -Eqx 'PAUSE SG1' || fail "start did not pause at SG1 (exit $rc)"
printf '%s\n' "$out" | grep -Eqx 'MODE DRYRUN' || fail "the orchestrator did not run in Mode.DRYRUN"
set +e; out="$(cd /opt/incomex/dot/iu-cutter && PYTHONDONTWRITEBYTECODE=1 PGPASSFILE="$passfile" python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id o7-eeeeeeeeeeee-48c33e5c-1-ffffffff --document 2 --config /var/lib/cutter/config/orchestrator.ini --resume 2>&1)"; rc=$?; set -e
printf '%s\n' "$out" > /var/lib/cutter/state/o7-eeeeeeeeeeee-48c33e5c-1-ffffffff.2-resume-sg1.log
all="$all$out"$'\n'
[ "$rc" = 10 ] && printf '%s\n' "$out" | grep -Eqx 'RESUMED SG1' && printf '%s\n' "$out" | grep -Eqx 'PAUSE SG2' || fail "resume after SG1 did not pause at SG2 (exit $rc)"
set +e; out="$(cd /opt/incomex/dot/iu-cutter && PYTHONDONTWRITEBYTECODE=1 PGPASSFILE="$passfile" python3 -m cutter_agent.cli orchestrate --check-live-refused 2>&1)"; rc=$?; set -e
printf '%s\n' "$out" > /var/lib/cutter/state/o7-eeeeeeeeeeee-48c33e5c-1-ffffffff.live-during.log
all="$all$out"$'\n'
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -Eqx 'LIVE refused' || fail "live mode was not refused during the dry run (exit $rc): $(printf '%s' "$out" | tail -1)"
set +e; out="$(cd /opt/incomex/dot/iu-cutter && PYTHONDONTWRITEBYTECODE=1 PGPASSFILE="$passfile" python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id o7-eeeeeeeeeeee-48c33e5c-1-ffffffff --document 2 --config /var/lib/cutter/config/orchestrator.ini --resume 2>&1)"; rc=$?; set -e
printf '%s\n' "$out" > /var/lib/cutter/state/o7-eeeeeeeeeeee-48c33e5c-1-ffffffff.3-resume-sg2.log
all="$all$out"$'\n'
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -Eqx 'RESUMED SG2' && printf '%s\n' "$out" | grep -Eqx 'CLOSEOUT done' || fail "resume after SG2 did not close out (exit $rc)"
set +e; out="$(cd /opt/incomex/dot/iu-cutter && PYTHONDONTWRITEBYTECODE=1 PGPASSFILE="$passfile" python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id o7-eeeeeeeeeeee-48c33e5c-1-ffffffff --document 2 --config /var/lib/cutter/config/orchestrator.ini --resume 2>&1)"; rc=$?; set -e
printf '%s\n' "$out" > /var/lib/cutter/state/o7-eeeeeeeeeeee-48c33e5c-1-ffffffff.4-closeout-again.log
all="$all$out"$'\n'
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -Eqx 'CLOSEOUT already-closed' && ! printf '%s\n' "$out" | grep -Eqx 'PHASE ([0-9]+)/11 .*' || fail "closeout resume is not idempotent (exit $rc)"
set +e; out="$(cd /opt/incomex/dot/iu-cutter && PYTHONDONTWRITEBYTECODE=1 PGPASSFILE="$passfile" python3 -m cutter_agent.cli orchestrate --check-live-refused 2>&1)"; rc=$?; set -e
printf '%s\n' "$out" > /var/lib/cutter/state/o7-eeeeeeeeeeee-48c33e5c-1-ffffffff.live-after.log
all="$all$out"$'\n'
[ "$rc" = 0 ] && printf '%s\n' "$out" | grep -Eqx 'LIVE refused' || fail "live mode was not refused after the dry run (exit $rc): $(printf '%s' "$out" | tail -1)"
phases="$(printf '%s' "$all" | sed -n -E 's#^(PHASE ([0-9]+)/11 .*)$#\2/11 #p' | tr -d '\n')"
[ "$phases" = '1/11 2/11 3/11 4/11 5/11 6/11 7/11 8/11 9/11 10/11 11/11 ' ] || fail "phases run were: $phases (expected 1/11 .. 11/11 once each, in order)"
# --- after: the same counts and grants (non-mutation proof), kill-switch --------
counts_after="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live <<'SQL'
BEGIN READ ONLY;
SELECT 'cutter.documents ' || count(*) FROM cutter.documents;
SELECT 'cutter.candidates ' || count(*) FROM cutter.candidates;
SELECT 'cutter.cuts ' || count(*) FROM cutter.cuts;
SELECT 'cutter.review_decisions ' || count(*) FROM cutter.review_decisions;
ROLLBACK;
SQL
)" || fail "cannot read the row counts"
[ "$counts_after" = "$counts_before" ] || fail "row counts changed during the dry run: before [$(printf '%s' "$counts_before" | tr '\n' ' ')] after [$(printf '%s' "$counts_after" | tr '\n' ' ')]"
grants_after="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live <<'SQL'
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
)"
[ "$grants_after" = "$grants_before" ] || fail "the grant matrix changed during the dry run"
python3 - /opt/incomex/dot/iu-cutter 0.6.0 <<'PY' || fail "execution_enabled is not False after the dry run"
# [pinned helper assert_release.py, sha256 dde317dfc2d1a0a2…: shown once under "Pinned helpers"]
PY
# --- readiness evidence (GAP-3..6, GAP-8), all read-only ----------------------
if gpg --batch --with-colons --list-keys "$BACKUP_GPG_FPR" 2>/dev/null | grep -q '^fpr:' && grep -qxF "BACKUP_GPG_FPR=$BACKUP_GPG_FPR" /opt/incomex/dot/.env.production; then gap3=ok; else gap3=missing; fi
gov="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live -v principal="$GOVERNANCE_PRINCIPAL" <<'SQL'
BEGIN READ ONLY;
SELECT n.nspname || '.' || k.relname || ':' || a.privilege_type
  FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace,
       LATERAL aclexplode(k.relacl) a
 WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = :'principal')
 ORDER BY 1;
ROLLBACK;
SQL
)" || gov=""
pinned_gov="$(cat <<'IUCUTTER_EOF'
cutter.documents:SELECT
IUCUTTER_EOF
)"
if [ -n "$gov" ] && [ "$gov" = "$pinned_gov" ] && grep -q '^GOVERNANCE_PRINCIPAL=' /opt/incomex/dot/.env.production; then gap4=ok; else gap4=mismatch; fi
gap5=ok
[ "$(stat -c '%a %U:%G' /var/lib/cutter/state 2>/dev/null)" = '750 root:root' ] || gap5=dirs
grep -qx 'execution_enabled = false' /var/lib/cutter/config/orchestrator.ini || gap5=config
runbook_sha="$(sha256sum < /var/lib/cutter/runbooks/rollback_runbook.sql | cut -c1-64)" || runbook_sha=absent
if [ "$runbook_sha" = 6bd6cf282910c08657601672d661fdaf8d388f34fe93ac78a21a76d35bdc8514 ] && PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -v run_id=00000000-0000-4000-8000-000000000000 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live >/dev/null <<'SQL'
BEGIN READ ONLY;
PREPARE iucutter_revert_1 AS SELECT count(*) AS cuts_to_revert FROM cutter.cuts WHERE state = 'applied' AND run_id = :'run_id';
PREPARE iucutter_revert_2 AS UPDATE cutter.cuts SET state = 'reverted' WHERE state = 'applied' AND run_id = :'run_id';
ROLLBACK;
SQL
then gap6=ok; else gap6=failed; fi
doc="$(PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live <<'SQL'
BEGIN READ ONLY;
SELECT d.title || '|' || (SELECT count(*) FROM cutter.candidates c WHERE c.document_id = d.id) FROM cutter.documents d WHERE d.id = 2;
ROLLBACK;
SQL
)" || doc=""
printf 'EVIDENCE counts=%s\n' "$(printf '%s\n' "$counts_before" | sha256sum | cut -c1-64)"
printf 'EVIDENCE countsDetail=%s\n' "$(printf '%s' "$counts_before" | tr '\n' ',')"
printf 'EVIDENCE grantMatrix=%s\n' "$grant_sha"
printf 'EVIDENCE phases=%s\n' "$phases"
printf 'EVIDENCE dryRun=passed\nEVIDENCE liveRefused=before,during,after\nEVIDENCE killSwitch=off\n'
printf 'EVIDENCE gap3=%s\nEVIDENCE gap4=%s\nEVIDENCE gap5=%s\nEVIDENCE gap6=%s\n' "$gap3" "$gap4" "$gap5" "$gap6"
printf 'EVIDENCE runbook=%s\n' "$runbook_sha"
printf 'EVIDENCE document=%s\n' "$doc"
printf 'EVIDENCE checkedAt=%s\n' "$(date -u +%FT%TZ)"
