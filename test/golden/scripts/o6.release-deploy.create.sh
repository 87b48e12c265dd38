set -euo pipefail
trap '' HUP PIPE
umask 022
tree_digest() { python3 - "$1" <<'PY'
# [pinned helper tree_digest.py, sha256 9ad9baebb7055bcd…: shown once under "Pinned helpers"]
PY
}
[ -d /var/lib/cutter ] || install -d -m 0750 /var/lib/cutter
exec 3>&1 4>&2 >>/var/lib/cutter/deploy.log 2>&1
say() { printf '%s\n' "$*"; printf '%s\n' "$*" >&3 2>/dev/null || true; }
fail() { printf '%s\n' "$*"; printf '%s\n' "$*" >&4 2>/dev/null || true; exit 1; }
exchange() { python3 - "$1" "$2" <<'PY'
# [pinned helper exchange.py, sha256 1726b8b66e8ae5cc…: shown once under "Pinned helpers"]
PY
}
tree_digest_cached() { python3 - "$1" --cached "$2" <<'PY'
# [pinned helper tree_digest.py, sha256 9ad9baebb7055bcd…: shown once under "Pinned helpers"]
PY
}
revert() { # back to the exact pre-deploy state recorded in the journal
  local head pre new; head="$(sed -n 's/^dot_head=//p' /var/lib/cutter/deploy.journal)"; pre="$(sed -n 's/^pre_tree=//p' /var/lib/cutter/deploy.journal)"; new="$(sed -n 's/^new_tree=//p' /var/lib/cutter/deploy.journal)"
  [ "$new" = eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ] || fail "Release: the interrupted deploy in /var/lib/cutter/deploy.journal was of another release ($new); resolve it by hand: its pre-deploy tree is under /opt/incomex/.iu-cutter-staging or /opt/incomex/.iu-cutter-staging/artifacts"
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
  origin_art="$j_art"; origin_pre="$j_pre"; dot_head="$(sed -n 's/^dot_head=//p' /var/lib/cutter/deploy.journal)"; origin_head="$dot_head"
  if [ -f /var/lib/cutter/deployed-release ] && grep -q '^origin_artifact=' /var/lib/cutter/deployed-release; then
    origin_art="$(sed -n 's/^origin_artifact=//p' /var/lib/cutter/deployed-release)"; origin_pre="$(sed -n 's/^origin_pre_tree=//p' /var/lib/cutter/deployed-release)"; origin_head="$(sed -n 's/^origin_dot_head=//p' /var/lib/cutter/deployed-release)"
  fi
  printf 'digest=%s\ncommit=%s\nartifact=%s\npre_tree=%s\norigin_artifact=%s\norigin_pre_tree=%s\ndot_head=%s\ndot_commit=%s\norigin_dot_head=%s\n' eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 6625f76000000000000000000000000000000000 "$j_art" "$j_pre" "$origin_art" "$origin_pre" "$dot_head" "$(git -C /opt/incomex/dot rev-parse HEAD)" "$origin_head" > /var/lib/cutter/deployed-release.tmp
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
pre_tree="$(tree_digest_cached /opt/incomex/dot/iu-cutter /var/lib/cutter/tree-digest.cache | cut -d' ' -f1)"
if [ -e /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee ]; then rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee; fi
install -d -m 0755 /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree
if ! tar -x -m --no-same-owner --no-same-permissions -f - -C /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree; then
  rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee
  fail "Release: unpacking the archive in /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee failed (disk full?); staging removed, nothing else touched"
fi
record_digest() { python3 - "$1" --record "$3" "$2" <<'PY'
# [pinned helper tree_digest.py, sha256 9ad9baebb7055bcd…: shown once under "Pinned helpers"]
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
for sfx in '' -1 -2 -3 -4 -5 -6 -7 -8 -9; do art=/opt/incomex/.iu-cutter-staging/artifacts/"$ts-eeeeeeeeeeee$sfx"; [ -e "$art" ] || break; done
[ ! -e "$art" ] || fail "Release: artifact dirs /opt/incomex/.iu-cutter-staging/artifacts/$ts-eeeeeeeeeeee* all exist; prune old artifacts (reviewed), then re-run; nothing was changed"
if [ -e /var/lib/cutter/deployed-release.pre ]; then rm -- /var/lib/cutter/deployed-release.pre; fi
if [ -f /var/lib/cutter/deployed-release ]; then cp -p -- /var/lib/cutter/deployed-release /var/lib/cutter/deployed-release.pre; fi
printf 'stage=%s\nartifact=%s\npre_tree=%s\ndot_head=%s\nnew_tree=%s\n' /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee "$art" "$pre_tree" "$(git -C /opt/incomex/dot rev-parse HEAD)" eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee > /var/lib/cutter/deploy.journal.tmp
mv -T /var/lib/cutter/deploy.journal.tmp /var/lib/cutter/deploy.journal
journaled=yes
step=exchange
exchange /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree /opt/incomex/dot/iu-cutter
mv -T /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/old-tree
step=assert
if ! python3 - /opt/incomex/dot/iu-cutter 0.6.0 --cache /var/lib/cutter/assert-release.cache dde317dfc2d1a0a261d336998c53042eec9f2bb445345b075a87d3ba32323e0f /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/listing eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee <<'PY'
# [pinned helper assert_release.py, sha256 dde317dfc2d1a0a2…: shown once under "Pinned helpers"]
PY
then revert; fail "Release: post-deploy assertions failed; the previous tree is back in place"; fi
[ "$(tree_digest_cached /opt/incomex/dot/iu-cutter /var/lib/cutter/tree-digest.cache | cut -d' ' -f1)" = eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee ] || { revert; fail "Release: deployed tree does not match the manifest; reverted"; }
step=dot-commit
ignored="$(git -C /opt/incomex/dot ls-files --others --ignored --exclude-standard -- iu-cutter | head -n 5 | tr '\n' ' ')"
[ -z "$ignored" ] || fail "Release: the dot repo's ignore rules match release files (${ignored}); the deploy commit would not record them. Add exceptions to the dot repo's .gitignore (reviewed), then re-run; reverted"
GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456 git -C /opt/incomex/dot -c core.bigFileThreshold=1 add -A -- iu-cutter
if git -C /opt/incomex/dot diff --cached --quiet -- iu-cutter; then say "Release: the dot repo already records this tree at HEAD; no commit"
elif git -C /opt/incomex/dot diff --cached --quiet -- . ':(exclude)iu-cutter'; then
git -C /opt/incomex/dot -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost -c core.hooksPath=/dev/null -c core.checkStat=minimal -c core.trustctime=false commit -q --no-verify -F - <<'IUCUTTER_EOF'
deploy iu-cutter 0.6.0 (O6)

version: 0.6.0
source-commit: 6625f76000000000000000000000000000000000
manifest-digest: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee
files: 12
execution_enabled: False
IUCUTTER_EOF
else
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
install -d -m 0700 /opt/incomex/.iu-cutter-staging/artifacts
mkdir -m 0700 -- "$art"
mv -T -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/old-tree "$art/tree"
step=ledger
origin_art="$art"; origin_pre="$pre_tree"; dot_head="$(sed -n 's/^dot_head=//p' /var/lib/cutter/deploy.journal)"; origin_head="$dot_head"
if [ -f /var/lib/cutter/deployed-release ] && grep -q '^origin_artifact=' /var/lib/cutter/deployed-release; then
  origin_art="$(sed -n 's/^origin_artifact=//p' /var/lib/cutter/deployed-release)"; origin_pre="$(sed -n 's/^origin_pre_tree=//p' /var/lib/cutter/deployed-release)"; origin_head="$(sed -n 's/^origin_dot_head=//p' /var/lib/cutter/deployed-release)"
fi
printf 'digest=%s\ncommit=%s\nartifact=%s\npre_tree=%s\norigin_artifact=%s\norigin_pre_tree=%s\ndot_head=%s\ndot_commit=%s\norigin_dot_head=%s\n' eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee 6625f76000000000000000000000000000000000 "$art" "$pre_tree" "$origin_art" "$origin_pre" "$dot_head" "$(git -C /opt/incomex/dot rev-parse HEAD)" "$origin_head" > /var/lib/cutter/deployed-release.tmp
mv -T /var/lib/cutter/deployed-release.tmp /var/lib/cutter/deployed-release
step=finish
rm -r -- /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee
if [ -e /var/lib/cutter/deployed-release.pre ]; then rm -- /var/lib/cutter/deployed-release.pre; fi
rm -- /var/lib/cutter/deploy.journal
journaled=no; step=complete
say "Release: iu-cutter 0.6.0 in place; previous tree kept in $art/tree; recorded in /opt/incomex/dot as $(git -C /opt/incomex/dot rev-parse --short HEAD)"
