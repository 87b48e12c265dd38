set -euo pipefail
umask 077
[ -d /var/lib/cutter/runbooks ] || install -d -m 0755 /var/lib/cutter/runbooks
cat > /var/lib/cutter/runbooks/rollback_runbook.sql.iucutter-tmp <<'IUCUTTER_EOF'
-- iu-cutter rollback runbook (GAP-6), owned and shipped by the iu-cutter
-- release (fixture stand-in). The deploy program places it on the host and
-- never executes it.
-- Reverts the cuts applied by ONE orchestrator run. Usage, by a human, after a
-- sovereign decision only:
--   psql -v ON_ERROR_STOP=1 -v run_id=<uuid> -f rollback_runbook.sql
-- Rehearse first with the final COMMIT replaced by ROLLBACK.
\set ON_ERROR_STOP on
BEGIN;
SELECT count(*) AS cuts_to_revert FROM cutter.cuts WHERE state = 'applied' AND run_id = :'run_id';
UPDATE cutter.cuts SET state = 'reverted' WHERE state = 'applied' AND run_id = :'run_id';
COMMIT;
IUCUTTER_EOF
chmod 0640 /var/lib/cutter/runbooks/rollback_runbook.sql.iucutter-tmp
mv -T /var/lib/cutter/runbooks/rollback_runbook.sql.iucutter-tmp /var/lib/cutter/runbooks/rollback_runbook.sql
printf '%s %s\n' "$(sha256sum < /var/lib/cutter/runbooks/rollback_runbook.sql | cut -c1-64)" 'rollback runbook -> /var/lib/cutter/runbooks/rollback_runbook.sql'
