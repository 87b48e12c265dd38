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
