import hashlib, os, stat, sys
# Prints "<sha256> <count>" of ROOT like tree_digest.py (every file read and
# hashed). Writes CACHE (ROOT's stat signature and that digest) only when the
# digest is EXPECTED and no entry's stat changed while it was hashed.
root, cache, expected = sys.argv[1], sys.argv[2], sys.argv[3]
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
rows = walk()
before = signature(rows)
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
got = "%s %d" % (total.hexdigest(), n)
print(got)
if got == expected and signature(walk()) == before:
    with open(cache + ".tmp", "w") as fh:
        fh.write("v1 %s %s\n" % (before, got))
    os.replace(cache + ".tmp", cache)
