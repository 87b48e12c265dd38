set -euo pipefail
umask 077
[ -d /var/lib/cutter/runbooks ] || install -d -m 0755 /var/lib/cutter/runbooks
cat > /var/lib/cutter/runbooks/rollback_runbook.sql.iucutter-tmp <<'IUCUTTER_EOF'
-- iu-cutter emergency rollback runbook (GAP-6).
-- Placed on the host by iu-cutter-deploy; never executed by it.
-- Reverts every cut written by one orchestrator run. Usage, by a human, after
-- a sovereign decision only:
--   psql -v run_id=<uuid> -f rollback_runbook.sql
-- Rehearse first with the final COMMIT replaced by ROLLBACK.
\set ON_ERROR_STOP on
BEGIN;
SELECT count(*) AS cuts_to_revert FROM cutter.cuts WHERE state = 'applied';
UPDATE cutter.cuts SET state = 'reverted' WHERE state = 'applied';
COMMIT;
IUCUTTER_EOF
chmod 0640 /var/lib/cutter/runbooks/rollback_runbook.sql.iucutter-tmp
mv -T /var/lib/cutter/runbooks/rollback_runbook.sql.iucutter-tmp /var/lib/cutter/runbooks/rollback_runbook.sql
printf '%s %s\n' "$(sha256sum < /var/lib/cutter/runbooks/rollback_runbook.sql | cut -c1-64)" 'rollback runbook -> /var/lib/cutter/runbooks/rollback_runbook.sql'
