set -euo pipefail
fail() { printf 'HostIdentityGuard: %s\n' "$*" >&2; exit 1; }
[ "$(hostname)" = vmi1234567.contaboserver.net ] || fail "hostname is '$(hostname)', expected vmi1234567.contaboserver.net: wrong host, nothing was written"
[ -f /opt/incomex/dot/docker-compose.yml ] || fail "compose marker /opt/incomex/dot/docker-compose.yml is missing: not the expected stack host"
[ -f /opt/incomex/dot/.env ] || fail "/opt/incomex/dot/.env is missing: not the expected stack host"
[ -z "$(git -C /opt/incomex/dot remote)" ] || fail "/opt/incomex/dot has a git remote; O6/O7 forbid remotes (remove it out of band after review)"
echo "HostIdentityGuard: ok (vmi1234567.contaboserver.net)"
