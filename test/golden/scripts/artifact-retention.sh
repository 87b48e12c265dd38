set -euo pipefail
if [ -d /opt/incomex/.iu-cutter-staging/artifacts/20250101T000000Z-000000000000 ]; then rm -r -- /opt/incomex/.iu-cutter-staging/artifacts/20250101T000000Z-000000000000; fi
if [ -d /opt/incomex/.iu-cutter-staging/artifacts/20250102T000000Z-000000000000-1 ]; then rm -r -- /opt/incomex/.iu-cutter-staging/artifacts/20250102T000000Z-000000000000-1; fi
echo "ArtifactRetention: 2 previous tree(s) pruned; keeping the newest 5 and every rollback target"
