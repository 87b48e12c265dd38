#!/usr/bin/env bash
# Runs as PID 1's child inside fresh mount + UTS namespaces (see up.sh) and
# turns this process tree into the stand-in host: its own hostname, and private
# /opt/incomex, /var/lib/cutter and /root that are directories under .sandbox/.
# Nothing here changes the real machine's /opt, /var/lib or /root: every mount
# lives and dies with the namespace.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
hostname "$SB_HOSTNAME"
mount --make-rprivate /
# /opt: hide the machine's /opt behind an empty tmpfs, then add /opt/incomex.
mount -t tmpfs -o mode=0755 sandbox-opt /opt
mkdir -p /opt/incomex
mount --bind "$SB/host/opt-incomex" /opt/incomex
# /var/lib/cutter: /var/lib must stay visible (dpkg, etc.), so a tmpfs is laid
# over it and every real entry is bound back, plus the sandbox's cutter dir.
mkdir -p "$SB/ns/reallib"
mount --bind /var/lib "$SB/ns/reallib"
mount -t tmpfs -o mode=0755 sandbox-varlib /var/lib
for d in "$SB/ns/reallib"/*; do
  n="$(basename "$d")"
  [ "$n" = cutter ] && continue
  if [ -L "$d" ]; then cp -P "$d" "/var/lib/$n"; continue; fi
  if [ -d "$d" ]; then mkdir -p "/var/lib/$n"; else touch "/var/lib/$n"; fi
  mount --bind "$d" "/var/lib/$n"
done
mkdir -p /var/lib/cutter
mount --bind "$SB/host/var-lib-cutter" /var/lib/cutter
umount "$SB/ns/reallib"
# /root: the sandbox's own root home (its GnuPG keyring lives there).
mount --bind "$SB/host/root-home" /root
mkdir -p /run/sshd
exec /usr/sbin/sshd -D -e -f "$SB/etc/sshd_config"
