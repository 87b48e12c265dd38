set -euo pipefail
tree_digest() { python3 - "$1" <<'PY'
import hashlib, os, stat, sys
# The one tree digest (the manifest's, lib/core/digest.ts): every regular file
# and symlink under ROOT, bytecode included. Prints "<sha256> <count>".
#   ROOT                          hash every file (guards, the swap's checks)
#   ROOT --cached CACHE           reads only: CACHE's digest when it was recorded
#                                 for exactly this stat signature (path, mode,
#                                 size, mtime, ctime, inode, device of every
#                                 entry), else hash (the probe only)
#   ROOT --record EXPECTED CACHE  hash; write CACHE (argument 4) only when the
#                                 digest is EXPECTED and no entry changed meanwhile
root = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else ""
def walk():
    rows = []
    for dirpath, dirnames, filenames in os.walk(root):
        names = filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
        for name in names:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            rows.append((rel.encode(), full, rel, os.lstat(full)))
    rows.sort(key=lambda r: r[0])
    return rows
def signature(rows):
    sig = hashlib.sha256()
    for relb, full, rel, st in rows:
        sig.update(b"%s\0%o\0%d\0%d\0%d\0%d\0%d\n" % (relb, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev))
    return sig.hexdigest()
def digest(rows):
    total = hashlib.sha256()
    n = 0
    for relb, full, rel, st in rows:
        if stat.S_ISLNK(st.st_mode):
            line = "l %s %s\n" % (os.readlink(full), rel)
        elif stat.S_ISREG(st.st_mode):
            h = hashlib.sha256()
            with open(full, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            line = "f %04o %s %s\n" % (stat.S_IMODE(st.st_mode), h.hexdigest(), rel)
        else:
            continue
        total.update(line.encode())
        n += 1
    return "%s %d" % (total.hexdigest(), n)
rows = walk()
if mode == "--cached":
    try:
        with open(sys.argv[3]) as fh:
            c = fh.read().split()
        if len(c) == 4 and c[0] == "v1" and c[1] == signature(rows):
            print("%s %s" % (c[2], c[3]))
            sys.exit(0)
    except OSError:
        pass
    print(digest(rows))
elif mode == "--record":
    expected, cache = sys.argv[3], sys.argv[4]
    before = signature(rows)
    got = digest(rows)
    print(got)
    if got == expected and signature(walk()) == before:
        with open(cache + ".tmp", "w") as fh:
            fh.write("v1 %s %s\n" % (before, got))
        os.replace(cache + ".tmp", cache)
else:
    print(digest(rows))
PY
}
if [ -f /var/lib/cutter/deployed-release ]; then printf 'ledgerDigest=%s\n' "$(sha256sum < /var/lib/cutter/deployed-release | cut -c1-64)"; printf 'ledgerRelease=%s\n' "$(sed -n 's/^digest=//p' /var/lib/cutter/deployed-release)"; else echo ledgerDigest=absent; echo ledgerRelease=; fi
printf 'dotCommit=%s\n' "$(git --no-optional-locks -C /opt/incomex/dot rev-parse HEAD 2>/dev/null || true)"
if [ -d /opt/incomex/dot/iu-cutter ]; then printf 'tree=%s\n' "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)"; else echo tree=absent; fi
if [ -e /var/lib/cutter/deploy.journal ]; then echo journal=present; else echo journal=absent; fi
