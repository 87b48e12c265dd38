set -euo pipefail
if [ -e /var/lib/cutter/state/run-o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.json ]; then rm -- /var/lib/cutter/state/run-o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.json; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.live-before.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.live-before.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.1-start.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.1-start.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.2-resume-sg1.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.2-resume-sg1.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.live-during.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.live-during.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.3-resume-sg2.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.3-resume-sg2.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.4-closeout-again.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.4-closeout-again.log; fi
if [ -e /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.live-after.log ]; then rm -- /var/lib/cutter/state/o7-eeeeeeeeeeee-da1c51ef-1-ffffffff.live-after.log; fi
echo "DryRunVerification: run o7-eeeeeeeeeeee-da1c51ef-1-ffffffff forgotten"
