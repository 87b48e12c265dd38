set -euo pipefail
tree_digest() { python3 - "$1" <<'PY'
# [pinned helper tree_digest.py, sha256 9ad9baebb7055bcd…: shown once under "Pinned helpers"]
PY
}
printf 'hostname=%s\n' "$(hostname)"
if [ -f /opt/incomex/dot/docker-compose.yml ]; then echo marker=present; else echo marker=missing; fi
if [ -f /opt/incomex/dot/.env ]; then echo envfile=present; else echo envfile=missing; fi
tree_digest_cached() { python3 - "$1" --cached "$2" <<'PY'
# [pinned helper tree_digest.py, sha256 9ad9baebb7055bcd…: shown once under "Pinned helpers"]
PY
}
if [ -d /opt/incomex/dot/iu-cutter ]; then printf 'tree=%s\n' "$(tree_digest_cached /opt/incomex/dot/iu-cutter /var/lib/cutter/tree-digest.cache)"; else echo tree=absent; fi
if [ -f /opt/incomex/dot/docker-compose.yml ]; then printf 'compose=%s\n' "$(sha256sum < /opt/incomex/dot/docker-compose.yml | cut -c1-64)"; else echo compose=absent; fi
if [ -f /opt/incomex/dot/.env.production ]; then printf 'envProduction=%s\n' "$(sha256sum < /opt/incomex/dot/.env.production | cut -c1-64)"; else echo envProduction=absent; fi
if [ -f /var/lib/cutter/artifacts/env-production/original ]; then printf 'envProductionOriginal=%s\n' "$(sha256sum < /var/lib/cutter/artifacts/env-production/original | cut -c1-64)"; else echo envProductionOriginal=; fi
if git -C /opt/incomex/dot rev-parse --git-dir >/dev/null 2>&1; then
  printf 'dotGitStatus=%s\n' "$( { git -C /opt/incomex/dot rev-parse HEAD; git --no-optional-locks -C /opt/incomex/dot status --porcelain=v1 --untracked-files=all -- . ':(exclude)iu-cutter'; git --no-optional-locks -C /opt/incomex/dot -c core.checkStat=minimal -c core.trustctime=false status --porcelain=v1 --untracked-files=all -- iu-cutter; } | sha256sum | cut -c1-64)"
  printf 'dotRemotes=%s\n' "$(git -C /opt/incomex/dot remote | tr '\n' ' ')"
else echo dotGitStatus=absent; echo dotRemotes=; fi
if [ -f /var/lib/cutter/deploy.journal ]; then printf 'journal=%s\n' "$(tr '\n' ' ' < /var/lib/cutter/deploy.journal)"; else echo journal=; fi
if [ -f /var/lib/cutter/deployed-release ]; then printf 'ledger=%s\n' "$(tr '\n' ' ' < /var/lib/cutter/deployed-release)"; else echo ledger=; fi
if [ -d /opt/incomex/.iu-cutter-staging/artifacts ]; then printf 'artifacts=%s\n' "$(ls -1 -- /opt/incomex/.iu-cutter-staging/artifacts | tr '\n' ' ')"; else echo artifacts=; fi
lay=""
if [ -L /opt/incomex/dot/iu-cutter ]; then lay="$lay target-symlink:$(readlink /opt/incomex/dot/iu-cutter)"; fi
if [ -L /opt/incomex/.iu-cutter-staging ]; then lay="$lay staging-symlink:$(readlink /opt/incomex/.iu-cutter-staging)"; fi
near=/opt/incomex/.iu-cutter-staging; while [ ! -e "$near" ] && [ "$near" != / ]; do near="$(dirname "$near")"; done
if [ -d /opt/incomex/dot ] && [ "$(stat -L -c %m "$near")" != "$(stat -c %m /opt/incomex/dot)" ]; then lay="$lay staging-other-fs:$(stat -L -c %m "$near")"; fi
printf 'layout=%s\n' "$lay"
printf 'clock=%s\n' "$(date -u +%s)"
