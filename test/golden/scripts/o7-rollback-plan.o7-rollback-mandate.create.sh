set -euo pipefail
umask 077
[ -d /var/lib/cutter ] || install -d -m 0755 /var/lib/cutter
cat > /var/lib/cutter/o7-rollback-mandate.iucutter-tmp <<'IUCUTTER_EOF'
run=o7-eeeeeeeeeeee-7e3a48ee-1-ffffffff
IUCUTTER_EOF
chmod 0600 /var/lib/cutter/o7-rollback-mandate.iucutter-tmp
mv -T /var/lib/cutter/o7-rollback-mandate.iucutter-tmp /var/lib/cutter/o7-rollback-mandate
printf '%s %s\n' "$(sha256sum < /var/lib/cutter/o7-rollback-mandate | cut -c1-64)" 'O7 rollback mandate -> /var/lib/cutter/o7-rollback-mandate'
