import hashlib, os, stat, sys
# Reads only. Prints "<sha256> <count>" of ROOT like tree_digest.py (every file, bytecode included); when CACHE
# holds the digest recorded for exactly this stat signature (path, mode, size,
# mtime, ctime, inode, device of every entry), no file is read or hashed.
root, cache = sys.argv[1], sys.argv[2]
rows = []
for dirpath, dirnames, filenames in os.walk(root):
    names = filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
    for name in names:
        full = os.path.join(dirpath, name)
        rel = os.path.relpath(full, root)
        rows.append((rel.encode(), full, rel, os.lstat(full)))
rows.sort(key=lambda r: r[0])
sig = hashlib.sha256()
for relb, full, rel, st in rows:
    sig.update(b"%s\0%o\0%d\0%d\0%d\0%d\0%d\n" % (relb, st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev))
try:
    with open(cache) as fh:
        c = fh.read().split()
    if len(c) == 4 and c[0] == "v1" and c[1] == sig.hexdigest():
        print("%s %s" % (c[2], c[3]))
        sys.exit(0)
except OSError:
    pass
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
print("%s %d" % (total.hexdigest(), n))
