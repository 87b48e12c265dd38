set -euo pipefail
tree_digest() { python3 - "$1" <<'PY'
# [pinned helper tree_digest.py, sha256 9ad9baebb7055bcd…: shown once under "Pinned helpers"]
PY
}
fail() { printf 'RollbackGate: %s\n' "$*" >&2; exit 1; }
if [ -f /var/lib/cutter/deploy.lock ]; then
  exec 9</var/lib/cutter/deploy.lock
  flock -n -s 9 || fail "DeployLock: another deploy or rollback holds /var/lib/cutter/deploy.lock ($(cat /var/lib/cutter/deploy.lock.holder 2>/dev/null || echo 'holder unknown')); RollbackGate: nothing was written. Wait for it to finish, then re-run"
  flock -u 9
fi
if [ -f /var/lib/cutter/deployed-release ] && [ "$(sha256sum < /var/lib/cutter/deployed-release | cut -c1-64)" != ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff ]; then
  fail "the host's ledger /var/lib/cutter/deployed-release records another O6 deploy than the one this O7 verified (ledger sha256 ffffffffffff); nothing was changed. Review the O7 rollback again against the host's deploy"
fi
[ ! -e /var/lib/cutter/deploy.journal ] || fail "an interrupted O6 deploy journal is present (/var/lib/cutter/deploy.journal); finish or roll back O6 first; nothing was changed"
echo "RollbackGate: the O6 deploy this O7 verified (or none) is on the host; the O7 rollback may proceed"
