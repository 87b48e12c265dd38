set -euo pipefail
if git rev-parse -q --verify refs/tags/v0.6.0-O4-live-dryrun >/dev/null; then
  [ "$(git rev-parse 'v0.6.0-O4-live-dryrun^{commit}')" = 6625f76000000000000000000000000000000000 ] || { echo "Release: tag v0.6.0-O4-live-dryrun exists at another commit; refusing to move it" >&2; exit 1; }
  echo "tag v0.6.0-O4-live-dryrun already at 6625f7600000"; exit 0
fi
git -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost tag -a v0.6.0-O4-live-dryrun 6625f76000000000000000000000000000000000 -F - <<'IUCUTTER_EOF'
iu-cutter 0.6.0

Provenance: O4 main-FF ruling (KB SSOT pins 6625f76 as the O4 HEAD). Local tag only; never pushed.
IUCUTTER_EOF
echo "tag v0.6.0-O4-live-dryrun created at 6625f7600000 (local only)"
