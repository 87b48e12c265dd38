set -euo pipefail
tree_digest() { python3 - "$1" <<'PY'
# [pinned helper tree_digest.py, sha256 9ad9baebb7055bcd…: shown once under "Pinned helpers"]
PY
}
if [ -f /var/lib/cutter/deployed-release ]; then printf 'ledgerDigest=%s\n' "$(sha256sum < /var/lib/cutter/deployed-release | cut -c1-64)"; printf 'ledgerRelease=%s\n' "$(sed -n 's/^digest=//p' /var/lib/cutter/deployed-release)"; else echo ledgerDigest=absent; echo ledgerRelease=; fi
printf 'dotCommit=%s\n' "$(git --no-optional-locks -C /opt/incomex/dot rev-parse HEAD 2>/dev/null || true)"
if [ -d /opt/incomex/dot/iu-cutter ]; then printf 'tree=%s\n' "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)"; else echo tree=absent; fi
if [ -e /var/lib/cutter/deploy.journal ]; then echo journal=present; else echo journal=absent; fi
