set -euo pipefail
fail() { printf 'RollbackGate: %s\n' "$*" >&2; exit 1; }
[ -f /var/lib/cutter/rollback-mandate-o7 ] && grep -qx run=o7-eeeeeeeeeeee-da1c51ef-1 /var/lib/cutter/rollback-mandate-o7 || fail "vmi1234567.contaboserver.net is protected and no approved O7 rollback mandate for run o7-eeeeeeeeeeee-da1c51ef-1 is on the host (/var/lib/cutter/rollback-mandate-o7); a plain destroy is refused and the run's evidence is kept. Roll back through the reviewed workflow: set rollback: true on the O7 stack, review, approve, deploy"
if [ -e /var/lib/cutter/state/run-o7-eeeeeeeeeeee-da1c51ef-1.json ]; then rm -- /var/lib/cutter/state/run-o7-eeeeeeeeeeee-da1c51ef-1.json; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-before.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-before.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.1-start.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.1-start.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.2-resume-sg1.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.2-resume-sg1.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-during.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-during.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.3-resume-sg2.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.3-resume-sg2.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.4-closeout-again.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.4-closeout-again.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-after.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-after.log; fi
rm -- /var/lib/cutter/rollback-mandate-o7
echo "DryRunVerification: run o7-eeeeeeeeeeee-da1c51ef-1 forgotten"
