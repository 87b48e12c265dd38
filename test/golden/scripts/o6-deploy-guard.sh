set -euo pipefail
tree_digest() { python3 - "$1" <<'PY'
import hashlib, os, stat, sys
root = sys.argv[1]
rows = []
for dirpath, dirnames, filenames in os.walk(root):
    names = filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
    for name in names:
        full = os.path.join(dirpath, name)
        rel = os.path.relpath(full, root)
        st = os.lstat(full)
        if stat.S_ISLNK(st.st_mode):
            rows.append((rel.encode(), "l %s %s\n" % (os.readlink(full), rel)))
        elif stat.S_ISREG(st.st_mode):
            h = hashlib.sha256()
            with open(full, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            rows.append((rel.encode(), "f %04o %s %s\n" % (stat.S_IMODE(st.st_mode), h.hexdigest(), rel)))
rows.sort(key=lambda r: r[0])
total = hashlib.sha256()
for _, line in rows:
    total.update(line.encode())
print("%s %d" % (total.hexdigest(), len(rows)))
PY
}
fail() { printf 'O6DeployGuard: %s\n' "$*" >&2; exit 1; }
[ -f /var/lib/cutter/deployed-release ] || fail "no O6 deploy recorded on the host (/var/lib/cutter/deployed-release); O7 refused, nothing was run"
[ "$(sha256sum < /var/lib/cutter/deployed-release | cut -c1-64)" = ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff ] || fail "the ledger /var/lib/cutter/deployed-release is not the reviewed O6 deploy's (sha256 ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff); O7 refused"
grep -qx digest=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee /var/lib/cutter/deployed-release || fail "the ledger does not record release eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee; O7 refused"
[ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ] || fail "the deployed tree is not release eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee; O7 refused"
[ "$(git --no-optional-locks -C /opt/incomex/dot rev-parse HEAD)" = 1111111111111111111111111111111111111111 ] || fail "the dot repo HEAD is not the O6 deploy commit 1111111111111111111111111111111111111111; O7 refused"
[ ! -e /var/lib/cutter/deploy.journal ] || fail "an interrupted deploy journal is present; O7 refused"
echo "O6DeployGuard: ok (release eeeeeeeeeeee, dot 111111111111)"
