set -euo pipefail
tree_digest() { python3 - "$1" <<'PY'
# [pinned helper tree_digest.py, sha256 9ad9baebb7055bcd…: shown once under "Pinned helpers"]
PY
}
fail() { printf 'PreStateAnchor: %s\n' "$*" >&2; exit 1; }
if [ -f /var/lib/cutter/deploy.lock ]; then
  exec 9</var/lib/cutter/deploy.lock
  flock -n -s 9 || fail "DeployLock: another deploy or rollback holds /var/lib/cutter/deploy.lock ($(cat /var/lib/cutter/deploy.lock.holder 2>/dev/null || echo 'holder unknown')); PreStateAnchor: nothing was written. Wait for it to finish, then re-run"
  flock -u 9
fi
if [ -f /var/lib/cutter/deployed-release ] && grep -qx digest=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee /var/lib/cutter/deployed-release \
   && [ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ]; then
  echo "PreStateAnchor: release eeeeeeeeeeee already in place"; exit 0
fi
if [ -f /var/lib/cutter/deploy.journal ]; then
  grep -qx pre_tree=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa /var/lib/cutter/deploy.journal || fail "an incomplete deploy journal /var/lib/cutter/deploy.journal is not from this reviewed deploy; inspect it by hand"
  echo "PreStateAnchor: resuming an interrupted deploy of this release"; exit 0
fi
[ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ] || fail "anchors.tree drifted: observed $(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1), pinned aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa. Re-run the review; nothing was written"
[ "$(sha256sum < /opt/incomex/dot/docker-compose.yml | cut -c1-64)" = bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb ] || fail "anchors.compose drifted: observed $(sha256sum < /opt/incomex/dot/docker-compose.yml | cut -c1-64), pinned bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb. Re-run the review; nothing was written"
[ "$(if [ -f /var/lib/cutter/artifacts/env-production/original ]; then sha256sum < /var/lib/cutter/artifacts/env-production/original; else sha256sum < /opt/incomex/dot/.env.production; fi | cut -c1-64)" = cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc ] || fail "anchors.envProduction drifted: observed $(if [ -f /var/lib/cutter/artifacts/env-production/original ]; then sha256sum < /var/lib/cutter/artifacts/env-production/original; else sha256sum < /opt/incomex/dot/.env.production; fi | cut -c1-64), pinned cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc. Re-run the review; nothing was written"
[ "$({ git -C /opt/incomex/dot rev-parse HEAD; git --no-optional-locks -C /opt/incomex/dot status --porcelain=v1 --untracked-files=all -- . ':(exclude)iu-cutter'; git --no-optional-locks -C /opt/incomex/dot -c core.checkStat=minimal -c core.trustctime=false status --porcelain=v1 --untracked-files=all -- iu-cutter; } | sha256sum | cut -c1-64)" = dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd ] || fail "anchors.dotGitStatus drifted: observed $({ git -C /opt/incomex/dot rev-parse HEAD; git --no-optional-locks -C /opt/incomex/dot status --porcelain=v1 --untracked-files=all -- . ':(exclude)iu-cutter'; git --no-optional-locks -C /opt/incomex/dot -c core.checkStat=minimal -c core.trustctime=false status --porcelain=v1 --untracked-files=all -- iu-cutter; } | sha256sum | cut -c1-64), pinned dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd. Re-run the review; nothing was written"
echo "PreStateAnchor: all anchors match"
