set -euo pipefail
tree_digest() { python3 - "$1" <<'PY'
import hashlib, os, stat, sys
root = sys.argv[1]
rows = []
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = [d for d in dirnames if d != "__pycache__" or os.path.islink(os.path.join(dirpath, d))]
    names = filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
    for name in names:
        full = os.path.join(dirpath, name)
        rel = os.path.relpath(full, root)
        if rel.endswith(".pyc") or "__pycache__" in rel.split(os.sep):
            continue
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
printf 'hostname=%s\n' "$(hostname)"
if [ -f /opt/incomex/dot/docker-compose.yml ]; then echo marker=present; else echo marker=missing; fi
if [ -f /opt/incomex/dot/.env ]; then echo envfile=present; else echo envfile=missing; fi
if [ -d /opt/incomex/dot/iu-cutter ]; then printf 'tree=%s\n' "$(tree_digest /opt/incomex/dot/iu-cutter)"; else echo tree=absent; fi
if [ -f /opt/incomex/dot/docker-compose.yml ]; then printf 'compose=%s\n' "$(sha256sum < /opt/incomex/dot/docker-compose.yml | cut -c1-64)"; else echo compose=absent; fi
if [ -f /opt/incomex/dot/.env.production ]; then printf 'envProduction=%s\n' "$(sha256sum < /opt/incomex/dot/.env.production | cut -c1-64)"; else echo envProduction=absent; fi
if [ -f /var/lib/cutter/artifacts/env-production/original ]; then printf 'envProductionOriginal=%s\n' "$(sha256sum < /var/lib/cutter/artifacts/env-production/original | cut -c1-64)"; else echo envProductionOriginal=; fi
if git -C /opt/incomex/dot rev-parse --git-dir >/dev/null 2>&1; then
  printf 'dotGitStatus=%s\n' "$( { git -C /opt/incomex/dot rev-parse HEAD; git --no-optional-locks -C /opt/incomex/dot status --porcelain=v1 --untracked-files=all; } | sha256sum | cut -c1-64)"
  printf 'dotRemotes=%s\n' "$(git -C /opt/incomex/dot remote | tr '\n' ' ')"
else echo dotGitStatus=absent; echo dotRemotes=; fi
if [ -f /var/lib/cutter/deploy.journal ]; then printf 'journal=%s\n' "$(tr '\n' ' ' < /var/lib/cutter/deploy.journal)"; else echo journal=; fi
if [ -f /var/lib/cutter/deployed-release ]; then printf 'ledger=%s\n' "$(tr '\n' ' ' < /var/lib/cutter/deployed-release)"; else echo ledger=; fi
lay=""
if [ -L /opt/incomex/dot/iu-cutter ]; then lay="$lay target-symlink:$(readlink /opt/incomex/dot/iu-cutter)"; fi
if [ -L /opt/incomex/.iu-cutter-staging ]; then lay="$lay staging-symlink:$(readlink /opt/incomex/.iu-cutter-staging)"; fi
near=/opt/incomex/.iu-cutter-staging; while [ ! -e "$near" ] && [ "$near" != / ]; do near="$(dirname "$near")"; done
if [ -d /opt/incomex/dot ] && [ "$(stat -L -c %m "$near")" != "$(stat -c %m /opt/incomex/dot)" ]; then lay="$lay staging-other-fs:$(stat -L -c %m "$near")"; fi
printf 'layout=%s\n' "$lay"
printf 'clock=%s\n' "$(date -u +%s)"
