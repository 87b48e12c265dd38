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
  kept=/opt/incomex/.iu-cutter-staging/artifacts/"$(date -u +%Y%m%dT%H%M%SZ)-hand-edited"
  install -d -m 0700 /opt/incomex/.iu-cutter-staging/artifacts; mkdir -m 0700 -- "$kept"; mv -T -- /opt/incomex/.iu-cutter-staging/rollback/tree "$kept/tree"
  say "Rollback: the live tree had been changed since the deploy (digest $live, deployed eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee); it is kept in $kept/tree"
  printf 'Rollback: the live tree had been changed since the deploy; it is kept in %s/tree\n' "$kept" >&4 2>/dev/null || true
fi
o_head="$(sed -n 's/^origin_dot_head=//p' /var/lib/cutter/deployed-release)"; d_commit="$(sed -n 's/^dot_commit=//p' /var/lib/cutter/deployed-release)"; head_now="$(git -C /opt/incomex/dot rev-parse HEAD)"
if [ -n "$o_head" ] && [ "$head_now" = "$d_commit" ]; then
  install -d -m 0700 /opt/incomex/.iu-cutter-staging/artifacts
  printf '%s release %s: dot commit %s rolled back to the pre-deploy HEAD %s\n' "$(date -u +%FT%TZ)" eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee "$d_commit" "$o_head" >> /opt/incomex/.iu-cutter-staging/artifacts/rolled-back-dot-commits
  git -C /opt/incomex/dot reset -q --soft "$o_head"
  git -C /opt/incomex/dot reset -q -- iu-cutter
  say "Rollback: the dot repo's HEAD and index are back at the pre-deploy $o_head; the deploy commit $d_commit is named in /opt/incomex/.iu-cutter-staging/artifacts/rolled-back-dot-commits"
else
  [ -z "$o_head" ] || say "Rollback: the dot repo's HEAD $head_now is not the deploy commit $d_commit (committed on since the deploy): history kept, the rollback is recorded as a new commit"
  git -C /opt/incomex/dot add -A -- iu-cutter
  if ! git -C /opt/incomex/dot diff --cached --quiet -- iu-cutter; then
    git -C /opt/incomex/dot -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost -c core.hooksPath=/dev/null commit -q --no-verify -F - -- iu-cutter <<'IUCUTTER_EOF'
rollback iu-cutter to the pre-deploy tree (O6 rollback)

removed-manifest-digest: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee
IUCUTTER_EOF
  fi
fi
rm -- /var/lib/cutter/deployed-release
if [ -e /opt/incomex/.iu-cutter-staging/rollback ]; then rm -r -- /opt/incomex/.iu-cutter-staging/rollback; fi
rm -- /var/lib/cutter/rollback-mandate
step=complete
say "Rollback: pre-deploy tree restored from $art/tree; recorded in /opt/incomex/dot as $(git -C /opt/incomex/dot rev-parse --short HEAD)"
