set -euo pipefail
trap '' HUP PIPE
umask 022
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
[ -d /var/lib/cutter ] || install -d -m 0750 /var/lib/cutter
exec 3>&1 4>&2 >>/var/lib/cutter/deploy.log 2>&1
say() { printf '%s\n' "$*"; printf '%s\n' "$*" >&3 2>/dev/null || true; }
fail() { printf '%s\n' "$*"; printf '%s\n' "$*" >&4 2>/dev/null || true; exit 1; }
exchange() { python3 - "$1" "$2" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
if libc.renameat2(AT_FDCWD, os.fsencode(sys.argv[1]), AT_FDCWD, os.fsencode(sys.argv[2]), RENAME_EXCHANGE) != 0:
    sys.exit("atomic exchange of %s and %s failed: %s" % (sys.argv[1], sys.argv[2], os.strerror(ctypes.get_errno())))
PY
}
step=start
on_exit() {
  local rc=$?
  trap - EXIT
  [ "$rc" -ne 0 ] || exit 0
  { printf 'Release: step %s failed (exit %s); last lines of the host log /var/lib/cutter/deploy.log:\n' "$step" "$rc"
    tail -n 12 /var/lib/cutter/deploy.log | sed -E 's/((BACKUP_GPG_FPR|GOVERNANCE_PRINCIPAL|[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*)=).*/\1[masked]/'; } >&4 2>/dev/null || true
  exit "$rc"
}
trap on_exit EXIT
exec 9>>/var/lib/cutter/deploy.lock
flock -n -x 9 || fail "DeployLock: another deploy or rollback holds /var/lib/cutter/deploy.lock ($(cat /var/lib/cutter/deploy.lock.holder 2>/dev/null || echo 'holder unknown')); nothing was changed. Wait for it to finish, then re-run"
printf '%s pid %s since %s\n' 'rollback of eeeeeeeeeeee' "$$" "$(date -u +%FT%TZ)" > /var/lib/cutter/deploy.lock.holder
step=rollback
say "--- $(date -u +%FT%TZ) rollback of eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
[ -f /var/lib/cutter/rollback-mandate ] && grep -qx release=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee /var/lib/cutter/rollback-mandate \
  || fail "RollbackGate: vmi1234567.contaboserver.net is protected and no approved rollback mandate for release eeeeeeeeeeee is on the host (/var/lib/cutter/rollback-mandate); a plain destroy is refused and nothing was changed. Roll back through the reviewed workflow: set rollback: true, review, approve, deploy"
[ -f /var/lib/cutter/deployed-release ] || { say "Rollback: no deploy recorded in /var/lib/cutter/deployed-release; nothing to restore"; exit 0; }
art="$(sed -n 's/^origin_artifact=//p' /var/lib/cutter/deployed-release)"
pre="$(sed -n 's/^origin_pre_tree=//p' /var/lib/cutter/deployed-release)"
if [ -z "$art" ]; then art="$(sed -n 's/^artifact=//p' /var/lib/cutter/deployed-release)"; pre="$(sed -n 's/^pre_tree=//p' /var/lib/cutter/deployed-release)"; fi
[ -d "$art/tree" ] || fail "Rollback: the pre-deploy tree $art/tree is missing; restore by hand from the dot repo history"
if [ -e /opt/incomex/.iu-cutter-staging/rollback ]; then rm -r -- /opt/incomex/.iu-cutter-staging/rollback; fi
install -d -m 0700 /opt/incomex/.iu-cutter-staging/rollback
cp -a -- "$art/tree" /opt/incomex/.iu-cutter-staging/rollback/tree
[ "$(tree_digest /opt/incomex/.iu-cutter-staging/rollback/tree | cut -d' ' -f1)" = "$pre" ] || fail "Rollback: $art/tree does not match its recorded digest $pre; refusing"
live="$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)"
exchange /opt/incomex/.iu-cutter-staging/rollback/tree /opt/incomex/dot/iu-cutter
if [ "$live" != eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ]; then
  kept=/var/lib/cutter/artifacts/"$(date -u +%Y%m%dT%H%M%SZ)-hand-edited"
  install -d -m 0700 /var/lib/cutter/artifacts; mkdir -m 0700 -- "$kept"; mv -T -- /opt/incomex/.iu-cutter-staging/rollback/tree "$kept/tree"
  say "Rollback: the live tree had been changed since the deploy (digest $live, deployed eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee); it is kept in $kept/tree"
  printf 'Rollback: the live tree had been changed since the deploy; it is kept in %s/tree\n' "$kept" >&4 2>/dev/null || true
fi
git -C /opt/incomex/dot add -A -- iu-cutter
if ! git -C /opt/incomex/dot diff --cached --quiet -- iu-cutter; then
  git -C /opt/incomex/dot -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost -c core.hooksPath=/dev/null commit -q --no-verify -F - -- iu-cutter <<'IUCUTTER_EOF'
rollback iu-cutter to the pre-deploy tree (O6 rollback)

removed-manifest-digest: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee
IUCUTTER_EOF
fi
rm -- /var/lib/cutter/deployed-release
if [ -e /opt/incomex/.iu-cutter-staging/rollback ]; then rm -r -- /opt/incomex/.iu-cutter-staging/rollback; fi
rm -- /var/lib/cutter/rollback-mandate
step=complete
say "Rollback: pre-deploy tree restored from $art/tree; recorded in /opt/incomex/dot as $(git -C /opt/incomex/dot rev-parse --short HEAD)"
