set -euo pipefail
fail() { printf 'RollbackGate: %s\n' "$*" >&2; exit 1; }
[ -f /var/lib/cutter/o7-rollback-mandate ] && grep -qx run=o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff /var/lib/cutter/o7-rollback-mandate \
  || fail "vmi1234567.contaboserver.net is protected and no approved O7 rollback mandate for run o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff is on the host (/var/lib/cutter/o7-rollback-mandate); a plain destroy is refused and nothing was changed. Roll back through the reviewed workflow: set rollback: true on the O7 stack, review, approve, deploy"
if [ -e /var/lib/cutter/state/run-o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.json ]; then rm -- /var/lib/cutter/state/run-o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.json; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.live-before.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.live-before.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.1-start.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.1-start.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.2-resume-sg1.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.2-resume-sg1.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.live-during.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.live-during.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.3-resume-sg2.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.3-resume-sg2.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.4-closeout-again.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.4-closeout-again.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.live-after.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff.live-after.log; fi
if [ -e /var/lib/cutter/o7-rollback-mandate ]; then rm -- /var/lib/cutter/o7-rollback-mandate; fi
echo "DryRunVerification: run o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff forgotten"
