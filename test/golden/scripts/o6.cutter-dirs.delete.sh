set -euo pipefail
rmdir --ignore-fail-on-non-empty /var/lib/cutter/state 2>/dev/null || true
