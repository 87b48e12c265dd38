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
if [ -f /var/lib/cutter/deployed-release ]; then printf 'ledgerDigest=%s\n' "$(sha256sum < /var/lib/cutter/deployed-release | cut -c1-64)"; printf 'ledgerRelease=%s\n' "$(sed -n 's/^digest=//p' /var/lib/cutter/deployed-release)"; else echo ledgerDigest=absent; echo ledgerRelease=; fi
printf 'dotCommit=%s\n' "$(git --no-optional-locks -C /opt/incomex/dot rev-parse HEAD 2>/dev/null || true)"
if [ -d /opt/incomex/dot/iu-cutter ]; then printf 'tree=%s\n' "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)"; else echo tree=absent; fi
if [ -e /var/lib/cutter/deploy.journal ]; then echo journal=present; else echo journal=absent; fi
