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
#   ROOT --stage EXPECTED CACHE STAGE [DROPPED...]
#                                 delta staging, each file read and hashed once:
#                                 STAGE/tree (argument 5, new) is built from the
#                                 live tree ROOT (every file but the DROPPED and
#                                 those in STAGE/delta is copied, its sha256 taken
#                                 from the very bytes written) and the changed
#                                 files unpacked in STAGE/delta (renamed in, then
#                                 read and hashed). A copy keeps its source's
#                                 mtime, so that git's index, which compares
#                                 size and mtime (prelude.ts GIT_STAT_TRUST), need
#                                 not read it again. Prints "<live sha256>
#                                 <count> <staged sha256> <count>": ROOT as read
#                                 (what a revert brings back) and STAGE/tree as
#                                 written. CACHE (argument 4) as with --record,
#                                 with the stat signature of what was written,
#                                 and STAGE/listing: the staged tree's digest
#                                 lines (its sha256 is the staged digest), which
#                                 the assertions use as their cache keys.
# A path that cannot be read (or, staging, written) fails the run with its name
# and the cause: never a silently smaller tree.
root = os.fsencode(sys.argv[1])
mode = sys.argv[2] if len(sys.argv) > 2 else ""
RD = os.O_RDONLY | os.O_NOFOLLOW
WR = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
def walk(top):
    # (path relative to top, lstat) of every entry that is not a directory, sorted by path bytes
    rows, todo = [], [(b"", top)]
    while todo:
        prefix, d = todo.pop()
        with os.scandir(d) as it:
            for e in it:
                st = e.stat(follow_symlinks=False)
                if stat.S_ISDIR(st.st_mode):
                    todo.append((prefix + e.name + b"/", e.path))
                else:
                    rows.append((prefix + e.name, st))
    rows.sort(key=lambda r: r[0])
    return rows
def stat_key(st):
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
def signature(rows):
    sig = hashlib.sha256()
    for rel, st in rows:
        sig.update(b"%s\0%o\0%d\0%d\0%d\0%d\0%d\n" % ((rel,) + stat_key(st)))
    return sig.hexdigest()
def file_line(rel, perm, sha):
    return b"f %04o %s %s\n" % (perm, sha, rel)
def link_line(rel, target):
    return b"l %s %s\n" % (target, rel)
def copy(src, dst, perm, st):
    # sha256 of src's bytes, each chunk written to dst (a new file) as it is hashed; dst None: hash only.
    # st: src's lstat; its size sizes the first read (a short read is the end), its times go to dst.
    h, wst = hashlib.sha256(), None
    want = min(st.st_size + 1, 1 << 20)
    fi = os.open(src, RD)
    try:
        fo = os.open(dst, WR, perm) if dst is not None else None
        try:
            while True:
                b = os.read(fi, want)
                if b:
                    h.update(b)
                    if fo is not None:
                        v = memoryview(b)
                        while v:
                            v = v[os.write(fo, v):]
                if len(b) < want:
                    break
                want = 1 << 20
            if fo is not None:
                os.utime(fo, ns=(st.st_atime_ns, st.st_mtime_ns))
                wst = os.fstat(fo)
        finally:
            if fo is not None:
                os.close(fo)
    finally:
        os.close(fi)
    return h.hexdigest().encode(), wst
def line_of(top, rel, st):
    full = os.path.join(top, rel)
    if stat.S_ISLNK(st.st_mode):
        return link_line(rel, os.readlink(full))
    if stat.S_ISREG(st.st_mode):
        return file_line(rel, stat.S_IMODE(st.st_mode), copy(full, None, 0, st)[0])
    return None
def combine(lines):
    # The tree digest's one form: sha256 over the entries' lines in path order, and their count.
    total, n = hashlib.sha256(), 0
    for line in lines:
        if line is not None:
            total.update(line)
            n += 1
    return "%s %d" % (total.hexdigest(), n)
def digest(top, rows):
    return combine(fan_out(len(rows), lambda i: line_of(top, *rows[i])))
def record(cache, sig, got):
    with open(cache + ".tmp", "w") as fh:
        fh.write("v1 %s %s\n" % (sig, got))
    os.replace(cache + ".tmp", cache)
def stage(expected, cache, stage_dir, dropped):
    # Directories are made 0755 and files keep their mode under umask 022, as the full upload's tar makes them.
    os.umask(0o022)
    tree, delta = os.path.join(os.fsencode(stage_dir), b"tree"), os.path.join(os.fsencode(stage_dir), b"delta")
    os.mkdir(tree, 0o755)
    changed = dict(walk(delta)) if os.path.isdir(delta) else {}
    made, staged = set(), {}  # staged: path -> (digest line, stat of what was written)
    def parent(rel):
        d = os.path.dirname(rel)
        if d and d not in made:
            os.makedirs(os.path.join(tree, d), 0o755, exist_ok=True)
            made.add(d)
    rows = walk(root)
    keep = [rel not in changed and rel not in dropped for rel, _ in rows]
    for (rel, _), k in zip(rows, keep):
        if k:
            parent(rel)
    def one(i):
        # (the live entry's line as read, (its staged line, stat of what was written) or None)
        rel, st = rows[i]
        src, dst = os.path.join(root, rel), os.path.join(tree, rel) if keep[i] else None
        if stat.S_ISLNK(st.st_mode):
            target = os.readlink(src)
            line = link_line(rel, target)
            if dst is not None:
                os.symlink(target, dst)
                os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=False)
            return line, (line, os.lstat(dst)) if dst is not None else None
        if stat.S_ISREG(st.st_mode):
            perm = stat.S_IMODE(st.st_mode)
            sha, wst = copy(src, dst, perm & ~0o022, st)
            return file_line(rel, perm, sha), (file_line(rel, stat.S_IMODE(wst.st_mode), sha), wst) if dst is not None else None
        return None, None
    pre = []  # the live tree's lines, as read
    for (rel, _), (line, written) in zip(rows, fan_out(len(rows), one)):
        pre.append(line)
        if written is not None:
            staged[rel] = written
    for rel, st in changed.items():
        parent(rel)
        dst = os.path.join(tree, rel)
        os.rename(os.path.join(delta, rel), dst)
        wst = os.lstat(dst)
        line = line_of(tree, rel, wst)
        if line is not None:
            staged[rel] = (line, wst)
    listing = b"".join(staged[rel][0] for rel in sorted(staged))
    got = combine(staged[rel][0] for rel in sorted(staged))
    print("%s %s" % (combine(pre), got))
    if got == expected:
        with open(os.path.join(os.fsencode(stage_dir), b"listing"), "wb") as fh:
            fh.write(listing)
        # The stat signature of exactly what was written (each file's fstat after its last write): a later walk
        # matches it only if no entry was added, removed or changed since, so no re-walk is needed to trust it.
        record(cache, signature([(rel, staged[rel][1]) for rel in sorted(staged)]), got)
def main():
    rows = walk(root) if mode != "--stage" else None
    if mode == "--cached":
        try:
            with open(sys.argv[3]) as fh:
                c = fh.read().split()
            if len(c) == 4 and c[0] == "v1" and c[1] == signature(rows):
                print("%s %s" % (c[2], c[3]))
                sys.exit(0)
        except OSError:
            pass
        print(digest(root, rows))
    elif mode == "--record":
        expected, cache = sys.argv[3], sys.argv[4]
        before = signature(rows)
        got = digest(root, rows)
        print(got)
        if got == expected and signature(walk(root)) == before:
            record(cache, before, got)
    elif mode == "--stage":
        stage(sys.argv[3], sys.argv[4], sys.argv[5], set(os.fsencode(p) for p in sys.argv[6:]))
    else:
        print(digest(root, rows))
try:
    main()
except OSError as e:
    # A path it cannot read or write ends the run with its name and the cause, never a smaller tree or a traceback.
    sys.exit("tree_digest: %s: %s" % (os.fsdecode(e.filename) if e.filename is not None else "?", e.strerror or e))
