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
printf '%s pid %s since %s\n' 'recovery of eeeeeeeeeeee' "$$" "$(date -u +%FT%TZ)" > /var/lib/cutter/deploy.lock.holder
step=recovery; journaled=no; art=/opt/incomex/.iu-cutter-staging/artifacts/none
[ -f /var/lib/cutter/deploy.journal ] || { say "DeployRecovery: no unfinished deploy journal on the host; nothing to restore"; exit 0; }
[ -f /var/lib/cutter/rollback-mandate ] && grep -qx release=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee /var/lib/cutter/rollback-mandate \
  || fail "RollbackGate: vmi1234567.contaboserver.net is protected and no approved rollback mandate for release eeeeeeeeeeee is on the host (/var/lib/cutter/rollback-mandate); a plain destroy is refused and nothing was changed (an unfinished deploy's journal is on the host: a reviewed up of this release reverts it first)"
say "--- $(date -u +%FT%TZ) recovery: the unfinished deploy in /var/lib/cutter/deploy.journal is reverted to its pre-deploy state"
j_art="$(sed -n 's/^artifact=//p' /var/lib/cutter/deploy.journal)"
if [ ! -e /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/old-tree ] && [ ! -e /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree ] && [ -n "$j_art" ] && [ -d "$j_art/tree" ]; then
  install -d -m 0755 /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee
  cp -a -- "$j_art/tree" /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/old-tree
fi
revert
if [ -e /var/lib/cutter/rollback-mandate ]; then rm -- /var/lib/cutter/rollback-mandate; fi
step=complete
say "DeployRecovery: the pre-deploy tree, dot-repo HEAD and index, and ledger are back (from the journal)"
