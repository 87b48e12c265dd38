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
revert() { # back to the exact pre-deploy state recorded in the journal
  local head pre new; head="$(sed -n 's/^dot_head=//p' /var/lib/cutter/deploy.journal)"; pre="$(sed -n 's/^pre_tree=//p' /var/lib/cutter/deploy.journal)"; new="$(sed -n 's/^new_tree=//p' /var/lib/cutter/deploy.journal)"
  [ "$new" = eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ] || fail "Release: the interrupted deploy in /var/lib/cutter/deploy.journal was of another release ($new); resolve it by hand: its pre-deploy tree is under /opt/incomex/.iu-cutter-staging or /var/lib/cutter/artifacts"
  if [ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" != "$pre" ]; then
    for cand in /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/old-tree /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree; do
      if [ -d "$cand" ] && [ "$(tree_digest "$cand" | cut -d' ' -f1)" = "$pre" ]; then exchange "$cand" /opt/incomex/dot/iu-cutter; break; fi
    done
  fi
  if [ "$journaled" = yes ] && [ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" != "$pre" ]; then
    if [ -d "$art/tree" ] && [ "$(tree_digest "$art/tree" | cut -d' ' -f1)" = "$pre" ]; then exchange "$art/tree" /opt/incomex/dot/iu-cutter; fi
  fi
  [ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = "$pre" ] || fail "Release: cannot find the pre-deploy tree to revert to; see /var/lib/cutter/deploy.journal and the dot repo history"
  if [ -n "$head" ] && [ "$(git -C /opt/incomex/dot rev-parse HEAD)" != "$head" ]; then git -C /opt/incomex/dot reset -q --soft "$head"; fi
  git -C /opt/incomex/dot reset -q -- iu-cutter
  if [ -f /var/lib/cutter/deployed-release.pre ]; then mv -T /var/lib/cutter/deployed-release.pre /var/lib/cutter/deployed-release; elif [ -f /var/lib/cutter/deployed-release ] && grep -qx digest=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee /var/lib/cutter/deployed-release; then rm -- /var/lib/cutter/deployed-release; fi
  if [ -e /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee ]; then rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee; fi
  if [ "$journaled" = yes ] && [ -d "$art" ]; then rm -r -- "$art"; fi
  rm -- /var/lib/cutter/deploy.journal
  journaled=no
  say "Release: reverted to the pre-deploy tree, dot-repo HEAD and index, and ledger"
}
step=start; journaled=no
on_exit() {
  local rc=$?
  trap - EXIT
  [ "$rc" -ne 0 ] || exit 0
  { printf 'Release: step %s failed (exit %s); last lines of the host log /var/lib/cutter/deploy.log:\n' "$step" "$rc"
    tail -n 12 /var/lib/cutter/deploy.log | sed -E 's/((BACKUP_GPG_FPR|GOVERNANCE_PRINCIPAL|[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*)=).*/\1[masked]/'; } >&4 2>/dev/null || true
  if [ "$journaled" = yes ]; then
    say "Release: reverting to the pre-deploy state after the failure of step $step"; revert
    printf 'Release: reverted after the failure of step %s: the pre-deploy tree, dot-repo HEAD and index, and ledger are back; nothing of this release is recorded\n' "$step" >&4 2>/dev/null || true
  fi
  exit "$rc"
}
trap on_exit EXIT
exec 9>>/var/lib/cutter/deploy.lock
flock -n -x 9 || fail "DeployLock: another deploy or rollback holds /var/lib/cutter/deploy.lock ($(cat /var/lib/cutter/deploy.lock.holder 2>/dev/null || echo 'holder unknown')); nothing was changed. Wait for it to finish, then re-run"
printf '%s pid %s since %s\n' 'deploy of eeeeeeeeeeee' "$$" "$(date -u +%FT%TZ)" > /var/lib/cutter/deploy.lock.holder
say "--- $(date -u +%FT%TZ) deploy eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
step=precondition
[ -z "$(git -C /opt/incomex/dot remote)" ] || fail "Release: /opt/incomex/dot has a git remote; refusing (O6 forbids remotes)"
if [ -f /var/lib/cutter/deploy.journal ] && [ ! -e /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/old-tree ] && [ ! -e /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree ] \
   && grep -qx new_tree=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee /var/lib/cutter/deploy.journal && [ -d "$(sed -n 's/^artifact=//p' /var/lib/cutter/deploy.journal)/tree" ] \
   && [ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ]; then
  say "Release: interrupted deploy of this release was past its artifact step; completing its record"
  j_art="$(sed -n 's/^artifact=//p' /var/lib/cutter/deploy.journal)"; j_pre="$(sed -n 's/^pre_tree=//p' /var/lib/cutter/deploy.journal)"
  origin_art="$j_art"; origin_pre="$j_pre"
  if [ -f /var/lib/cutter/deployed-release ] && grep -q '^origin_artifact=' /var/lib/cutter/deployed-release; then
    origin_art="$(sed -n 's/^origin_artifact=//p' /var/lib/cutter/deployed-release)"; origin_pre="$(sed -n 's/^origin_pre_tree=//p' /var/lib/cutter/deployed-release)"
  fi
  printf 'digest=%s\ncommit=%s\nartifact=%s\npre_tree=%s\norigin_artifact=%s\norigin_pre_tree=%s\n' eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 6625f76000000000000000000000000000000000 "$j_art" "$j_pre" "$origin_art" "$origin_pre" > /var/lib/cutter/deployed-release.tmp
  mv -T /var/lib/cutter/deployed-release.tmp /var/lib/cutter/deployed-release
  if [ -e /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee ]; then rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee; fi
  if [ -e /var/lib/cutter/deployed-release.pre ]; then rm -- /var/lib/cutter/deployed-release.pre; fi
  rm -- /var/lib/cutter/deploy.journal
fi
if [ -f /var/lib/cutter/deploy.journal ]; then say "Release: interrupted deploy found; reverting to the pre-state first"; revert; fi
if [ -f /var/lib/cutter/deployed-release ] && grep -qx digest=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee /var/lib/cutter/deployed-release \
   && [ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ]; then
  say "Release: eeeeeeeeeeee already in place"; exit 0
fi
step=upload
if [ -e /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee ]; then rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee; fi
install -d -m 0755 /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree
if ! tar -x --no-same-owner --no-same-permissions -f - -C /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree; then
  rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee
  fail "Release: unpacking the archive in /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee failed (disk full?); staging removed, nothing else touched"
fi
record_digest() { python3 - "$1" --record "$3" "$2" <<'PY'
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
got="$(record_digest /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree /var/lib/cutter/tree-digest.cache 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 12')"
if [ "$got" != 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 12' ]; then
  rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee
  fail "Release: staged tree digest $got does not match the manifest eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 12; staging removed, nothing else touched"
fi
say "Release: staged and verified 12 files in /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee"
step=journal
ts="$(date -u +%Y%m%dT%H%M%SZ)"
for sfx in '' -1 -2 -3 -4 -5 -6 -7 -8 -9; do art=/var/lib/cutter/artifacts/"$ts-eeeeeeeeeeee$sfx"; [ -e "$art" ] || break; done
[ ! -e "$art" ] || fail "Release: artifact dirs /var/lib/cutter/artifacts/$ts-eeeeeeeeeeee* all exist; prune old artifacts (reviewed), then re-run; nothing was changed"
pre_tree="$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)"
if [ -e /var/lib/cutter/deployed-release.pre ]; then rm -- /var/lib/cutter/deployed-release.pre; fi
if [ -f /var/lib/cutter/deployed-release ]; then cp -p -- /var/lib/cutter/deployed-release /var/lib/cutter/deployed-release.pre; fi
printf 'stage=%s\nartifact=%s\npre_tree=%s\ndot_head=%s\nnew_tree=%s\n' /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee "$art" "$pre_tree" "$(git -C /opt/incomex/dot rev-parse HEAD)" eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee > /var/lib/cutter/deploy.journal.tmp
mv -T /var/lib/cutter/deploy.journal.tmp /var/lib/cutter/deploy.journal
journaled=yes
step=exchange
exchange /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree /opt/incomex/dot/iu-cutter
mv -T /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/old-tree
step=assert
if ! python3 - /opt/incomex/dot/iu-cutter 0.6.0 <<'PY'
import ast, os, sys
# The one definition of the release assertions (version, orchestrator/,
# kill-switch). The operator's machine runs it on a clean copy of the pinned
# commit at review time; the host runs it on the deployed tree. Kill-switch:
# cutter_agent/config.py binds execution_enabled (plain or annotated, e.g.
# `execution_enabled: bool = False`) only to the literal False, at least once;
# no .py file anywhere binds it (name, attribute, setattr) to anything else.
root, want = sys.argv[1], sys.argv[2]
problems = []
NAME = "execution_enabled"
def names(t):
    if isinstance(t, ast.Name):
        return [t.id]
    if isinstance(t, ast.Attribute):
        return [t.attr]
    if isinstance(t, (ast.Tuple, ast.List)):
        return [n for e in t.elts for n in names(e)]
    if isinstance(t, ast.Starred):
        return names(t.value)
    return []
def shown(v):
    if isinstance(v, ast.Constant):
        return '"%s"' % v.value if isinstance(v.value, str) else repr(v.value)
    u = getattr(ast, "unparse", None)
    return u(v) if u else type(v).__name__
def is_false(v, t):
    return isinstance(t, (ast.Name, ast.Attribute)) and isinstance(v, ast.Constant) and v.value is False
def bindings(tree, name):
    # (target is a plain name, value is the literal False, the value shown) per binding
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if name in names(t):
                    out.append((isinstance(t, ast.Name), is_false(node.value, t), shown(node.value)))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if name in names(node.target):
                out.append((isinstance(node.target, ast.Name), is_false(node.value, node.target), shown(node.value)))
        elif isinstance(node, (ast.AugAssign, ast.NamedExpr)):
            if name in names(node.target):
                out.append((False, False, shown(node.value)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
            if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value == name:
                val = node.args[2] if len(node.args) == 3 else None
                out.append((False, isinstance(val, ast.Constant) and val.value is False, "setattr(...)"))
    return out
def parse(path, rel):
    try:
        return ast.parse(open(path, encoding="utf-8").read(), rel)
    except (SyntaxError, UnicodeDecodeError, ValueError) as e:
        problems.append("KillSwitch: %s cannot be parsed (%s)" % (rel, type(e).__name__))
        return None
init = os.path.join(root, "cutter_agent", "__init__.py")
tree = parse(init, "cutter_agent/__init__.py") if os.path.isfile(init) else None
vals = []  # the __version__ values, shown
if tree is not None:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                if isinstance(t, ast.Name) and t.id == "__version__":
                    vals.append(shown(node.value))
if vals != ['"%s"' % want]:
    problems.append('ReleaseVersion: cutter_agent/__init__.py has __version__ = %s, expected "%s"' % (", ".join(vals) or "(none)", want))
orch = os.path.join(root, "cutter_agent", "orchestrator")
if not any(f.endswith(".py") for _, _, fs in os.walk(orch) for f in fs):
    problems.append("ReleaseOrchestrator: cutter_agent/orchestrator/ is missing (no .py file in it)")
cfg_rel = "cutter_agent/config.py"
found_cfg = False
for d, dirs, files in os.walk(root):
    dirs[:] = sorted(x for x in dirs if x != "__pycache__" and not (d == root and x == ".git"))
    for f in sorted(files):
        if not f.endswith(".py"):
            continue
        rel = os.path.relpath(os.path.join(d, f), root)
        tree = parse(os.path.join(d, f), rel)
        if tree is None:
            continue
        b = bindings(tree, NAME)
        if rel == cfg_rel:
            found_cfg = True
            if not b or not all(plain and false for plain, false, _ in b):
                problems.append("KillSwitch: %s must set execution_enabled = False (found: %s)" % (rel, ", ".join(v for _, _, v in b) or "no assignment"))
        elif any(not false for _, false, _ in b):
            problems.append("KillSwitch: %s assigns execution_enabled to something other than False" % rel)
if not found_cfg:
    problems.append("KillSwitch: %s is missing" % cfg_rel)
for p in problems:
    print("ASSERTION FAILED: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
then revert; fail "Release: post-deploy assertions failed; the previous tree is back in place"; fi
[ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ] || { revert; fail "Release: deployed tree does not match the manifest; reverted"; }
step=dot-commit
ignored="$(git -C /opt/incomex/dot ls-files --others --ignored --exclude-standard -- iu-cutter | head -n 5 | tr '\n' ' ')"
[ -z "$ignored" ] || fail "Release: the dot repo's ignore rules match release files (${ignored}); the deploy commit would not record them. Add exceptions to the dot repo's .gitignore (reviewed), then re-run; reverted"
git -C /opt/incomex/dot add -A -- iu-cutter
if git -C /opt/incomex/dot diff --cached --quiet -- iu-cutter; then say "Release: the dot repo already records this tree at HEAD; no commit"; else
git -C /opt/incomex/dot -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost -c core.hooksPath=/dev/null commit -q --no-verify -F - -- iu-cutter <<'IUCUTTER_EOF'
deploy iu-cutter 0.6.0 (O6)

version: 0.6.0
source-commit: 6625f76000000000000000000000000000000000
manifest-digest: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee
files: 12
execution_enabled: False
IUCUTTER_EOF
fi
step=artifact
install -d -m 0700 /var/lib/cutter/artifacts
mkdir -m 0700 -- "$art"
mv -T -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/old-tree "$art/tree"
step=ledger
origin_art="$art"; origin_pre="$pre_tree"
if [ -f /var/lib/cutter/deployed-release ] && grep -q '^origin_artifact=' /var/lib/cutter/deployed-release; then
  origin_art="$(sed -n 's/^origin_artifact=//p' /var/lib/cutter/deployed-release)"; origin_pre="$(sed -n 's/^origin_pre_tree=//p' /var/lib/cutter/deployed-release)"
fi
printf 'digest=%s\ncommit=%s\nartifact=%s\npre_tree=%s\norigin_artifact=%s\norigin_pre_tree=%s\n' eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 6625f76000000000000000000000000000000000 "$art" "$pre_tree" "$origin_art" "$origin_pre" > /var/lib/cutter/deployed-release.tmp
mv -T /var/lib/cutter/deployed-release.tmp /var/lib/cutter/deployed-release
step=finish
rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee
if [ -e /var/lib/cutter/deployed-release.pre ]; then rm -- /var/lib/cutter/deployed-release.pre; fi
rm -- /var/lib/cutter/deploy.journal
journaled=no; step=complete
say "Release: iu-cutter 0.6.0 in place; previous tree kept in $art/tree; recorded in /opt/incomex/dot as $(git -C /opt/incomex/dot rev-parse --short HEAD)"
