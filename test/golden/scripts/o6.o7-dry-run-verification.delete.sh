set -euo pipefail
if [ -e /var/lib/cutter/state/run-o7-eeeeeeeeeeee-da1c51ef-1.json ]; then rm -- /var/lib/cutter/state/run-o7-eeeeeeeeeeee-da1c51ef-1.json; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-before.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-before.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.1-start.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.1-start.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.2-resume-sg1.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.2-resume-sg1.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-during.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-during.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.3-resume-sg2.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.3-resume-sg2.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.4-closeout-again.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.4-closeout-again.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-after.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1.live-after.log; fi
echo "DryRunVerification: run o7-eeeeeeeeeeee-da1c51ef-1 forgotten"
