set -euo pipefail
umask 077
[ -d /var/lib/cutter ] || install -d -m 0755 /var/lib/cutter
cat > /var/lib/cutter/rollback-mandate.iucutter-tmp <<'IUCUTTER_EOF'
release=eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee
IUCUTTER_EOF
chmod 0600 /var/lib/cutter/rollback-mandate.iucutter-tmp
mv -T /var/lib/cutter/rollback-mandate.iucutter-tmp /var/lib/cutter/rollback-mandate
printf '%s %s\n' "$(sha256sum < /var/lib/cutter/rollback-mandate | cut -c1-64)" 'rollback mandate -> /var/lib/cutter/rollback-mandate'
