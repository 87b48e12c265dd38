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
printf 'hostname=%s\n' "$(hostname)"
if [ -f /opt/incomex/dot/docker-compose.yml ]; then echo marker=present; else echo marker=missing; fi
if [ -f /opt/incomex/dot/.env ]; then echo envfile=present; else echo envfile=missing; fi
tree_digest_cached() { python3 - "$1" --cached "$2" <<'PY'
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
if [ -d /opt/incomex/dot/iu-cutter ]; then printf 'tree=%s\n' "$(tree_digest_cached /opt/incomex/dot/iu-cutter /var/lib/cutter/tree-digest.cache)"; else echo tree=absent; fi
if [ -f /opt/incomex/dot/docker-compose.yml ]; then printf 'compose=%s\n' "$(sha256sum < /opt/incomex/dot/docker-compose.yml | cut -c1-64)"; else echo compose=absent; fi
if [ -f /opt/incomex/dot/.env.production ]; then printf 'envProduction=%s\n' "$(sha256sum < /opt/incomex/dot/.env.production | cut -c1-64)"; else echo envProduction=absent; fi
if [ -f /var/lib/cutter/artifacts/env-production/original ]; then printf 'envProductionOriginal=%s\n' "$(sha256sum < /var/lib/cutter/artifacts/env-production/original | cut -c1-64)"; else echo envProductionOriginal=; fi
if git -C /opt/incomex/dot rev-parse --git-dir >/dev/null 2>&1; then
  printf 'dotGitStatus=%s\n' "$( { git -C /opt/incomex/dot rev-parse HEAD; git --no-optional-locks -C /opt/incomex/dot status --porcelain=v1 --untracked-files=all; } | sha256sum | cut -c1-64)"
  printf 'dotRemotes=%s\n' "$(git -C /opt/incomex/dot remote | tr '\n' ' ')"
else echo dotGitStatus=absent; echo dotRemotes=; fi
if [ -f /var/lib/cutter/deploy.journal ]; then printf 'journal=%s\n' "$(tr '\n' ' ' < /var/lib/cutter/deploy.journal)"; else echo journal=; fi
if [ -f /var/lib/cutter/deployed-release ]; then printf 'ledger=%s\n' "$(tr '\n' ' ' < /var/lib/cutter/deployed-release)"; else echo ledger=; fi
if [ -d /var/lib/cutter/artifacts ]; then printf 'artifacts=%s\n' "$(ls -1 -- /var/lib/cutter/artifacts | tr '\n' ' ')"; else echo artifacts=; fi
lay=""
if [ -L /opt/incomex/dot/iu-cutter ]; then lay="$lay target-symlink:$(readlink /opt/incomex/dot/iu-cutter)"; fi
if [ -L /opt/incomex/.iu-cutter-staging ]; then lay="$lay staging-symlink:$(readlink /opt/incomex/.iu-cutter-staging)"; fi
near=/opt/incomex/.iu-cutter-staging; while [ ! -e "$near" ] && [ "$near" != / ]; do near="$(dirname "$near")"; done
if [ -d /opt/incomex/dot ] && [ "$(stat -L -c %m "$near")" != "$(stat -c %m /opt/incomex/dot)" ]; then lay="$lay staging-other-fs:$(stat -L -c %m "$near")"; fi
printf 'layout=%s\n' "$lay"
printf 'clock=%s\n' "$(date -u +%s)"
