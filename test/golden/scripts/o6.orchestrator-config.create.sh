set -euo pipefail
umask 077
[ -d /var/lib/cutter/config ] || install -d -m 0755 /var/lib/cutter/config
cat > /var/lib/cutter/config/orchestrator.ini.iucutter-tmp <<'IUCUTTER_EOF'
# iu-cutter orchestrator config, written by iu-cutter-deploy (O6). Do not edit by hand.
[orchestrator]
execution_enabled = false
mode = dryrun
signing_provider = StubSigning
state_dir = /var/lib/cutter/state

[database]
host = 127.0.0.1
port = 5432
name = live
role = context_pack_readonly
IUCUTTER_EOF
chmod 0640 /var/lib/cutter/config/orchestrator.ini.iucutter-tmp
mv -T /var/lib/cutter/config/orchestrator.ini.iucutter-tmp /var/lib/cutter/config/orchestrator.ini
printf '%s %s\n' "$(sha256sum < /var/lib/cutter/config/orchestrator.ini | cut -c1-64)" 'orchestrator config -> /var/lib/cutter/config/orchestrator.ini'
