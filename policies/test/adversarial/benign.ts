/**
 * Adversarial corpus, allowed side: harmless commands an operator really
 * writes, each in a correctly shaped resource (read-only commands with
 * `writes: []`; a write only where `writes` declares it, inside the roots).
 * Many look like the evasions (the same words in data, prose, patterns or
 * string literals). The pack must report no violation for any of them.
 */
import { Case, Cls, commandLocal, commandRemote, copyToRemote, HOST_KEY, hostCommand, localCommand, makeTar, P, PSQL_RO, Resource, pinnedHelper, pinnedTreeDigest, roSql, tempFile } from "./shapes";

const out: Case[] = [];
function ok(id: string, cls: Cls, resource: Resource, note?: string): void {
    out.push(note ? { id, cls, resource, note } : { id, cls, resource });
}

const STRICT = "set -euo pipefail";
const AGENT = `cd ${P.target} && PYTHONDONTWRITEBYTECODE=1 python3 -m cutter_agent.cli orchestrate`;
const STAGE = "/opt/incomex/.iu-cutter-staging/release-0123456789abcdef";

// ---------------------------------------------------------------- the one tree-digest helper: writes only in --record mode, to argument 3
ok("helper/tree-digest-plain-read-only", "writes", hostCommand(`python3 - ${P.target} <<'PY'\n${pinnedTreeDigest()}PY`));
ok("helper/tree-digest-cached-read-only", "writes", hostCommand(`python3 - ${P.target} --cached ${P.state}/tree-digest.cache <<'PY'\n${pinnedTreeDigest()}PY`));
ok("helper/tree-digest-record-declared", "writes",
    hostCommand(`python3 - ${P.target} --record ${"a".repeat(64)} ${P.state}/tree-digest.cache <<'PY'\n${pinnedTreeDigest()}PY`, { writes: [`${P.state}/tree-digest.cache`] }));
ok("helper/tree-digest-stage-declared", "writes",
    hostCommand(`python3 - ${P.target} --stage '${"a".repeat(64)} 12' ${P.state}/tree-digest.cache ${STAGE} 'docs/o ld.md' <<'PY'\n${pinnedTreeDigest()}PY`,
        { writes: [`${P.state}/tree-digest.cache`, STAGE] }), "--stage writes arguments 4 (the cache) and 5 (staging), both declared");
ok("helper/assert-release-plain-read-only", "writes", hostCommand(`python3 - ${P.target} 0.6.0 <<'PY'\n${pinnedHelper("assert_release.py")}PY`));
ok("helper/assert-release-cache-declared", "writes",
    hostCommand(`python3 - ${P.target} 0.6.0 --cache ${P.state}/assert-release.cache ${"b".repeat(64)} <<'PY'\n${pinnedHelper("assert_release.py")}PY`,
        { writes: [`${P.state}/assert-release.cache`] }));

// ---------------------------------------------------------------- read-only basics (proven read-only: writes [])

ok("ro/cat-config", "writes", hostCommand(`cat ${P.ini}`));
ok("ro/ls-la", "writes", hostCommand(`ls -la ${P.target}/cutter_agent`));
ok("ro/stat-c", "writes", hostCommand("stat -c '%n %a %U:%G' /var/lib/cutter/state /var/lib/cutter/config"));
ok("ro/stat-size", "writes", hostCommand(`stat -c %s ${P.log}`));
ok("ro/sha256sum", "writes", hostCommand(`sha256sum ${P.compose}`));
ok("ro/sha256sum-stdin-cut", "writes", hostCommand(`sha256sum < ${P.compose} | cut -c1-64`));
ok("ro/md5-sha1", "writes", hostCommand(`md5sum ${P.compose}; sha1sum ${P.compose}`));
ok("ro/find-old-logs", "writes", hostCommand("find /var/lib/cutter -name '*.log' -mtime +7 -print"));
ok("ro/find-run-files", "writes", hostCommand("find /var/lib/cutter/state -maxdepth 1 -type f -name 'run-*.json' -print"));
ok("ro/sed-n-digest", "writes", hostCommand(`sed -n 's/^digest=//p' ${P.ledger}`));
ok("ro/sed-n-1p", "writes", hostCommand(`sed -n '1p' ${P.ledger}`));
ok("ro/sed-drop-comments", "writes", hostCommand(`sed '/^#/d' ${P.ini}`));
ok("ro/sed-substitute-to-stdout", "writes", hostCommand(`sed 's/ = /=/g' ${P.ini}`));
ok("ro/cut-first-field", "writes", hostCommand("cut -d' ' -f1 /var/lib/cutter/state/digest.txt"));
ok("ro/sort-u", "writes", hostCommand("sort -u /var/lib/cutter/state/ids.txt"));
ok("ro/wc-l", "writes", hostCommand(`wc -l ${P.log}`));
ok("ro/head-n", "writes", hostCommand(`head -n 5 ${P.log}`));
ok("ro/tail-n", "writes", hostCommand(`tail -n 20 ${P.log}`));
ok("lock/flock-descriptor", "writes", hostCommand("exec 9>>/var/lib/cutter/deploy.lock\nflock -n -x 9 || exit 1\nflock -u 9", { writes: ["/var/lib/cutter/deploy.lock"] }), "the host-side deploy lock");
ok("lock/flock-shared-read", "writes", hostCommand("exec 9</var/lib/cutter/deploy.lock\nflock -n -s 9 || exit 1"), "the guards' read-only lock check");
ok("ro/df-h", "writes", hostCommand("df -h /opt"));
ok("ro/du-sh", "writes", hostCommand(`du -sh ${P.dot}`));
ok("ro/date-u", "writes", hostCommand("date -u +%FT%TZ"));
ok("ro/hostname", "writes", hostCommand("hostname"));
ok("ro/id-u", "writes", hostCommand("id -u"));
ok("ro/uname-a", "writes", hostCommand("uname -a"));
ok("ro/readlink-f", "writes", hostCommand("readlink -f /var/lib/cutter/current"));
ok("ro/basename-dirname-realpath", "writes", hostCommand(`basename ${P.configPy}; dirname ${P.configPy}; realpath ${P.target}`));
ok("ro/cat-sort-uniq", "writes", hostCommand("cat /var/lib/cutter/state/events.txt | sort | uniq -c"));
ok("ro/diff-u-or-true", "writes", hostCommand(`diff -u /var/lib/cutter/state/orchestrator.ini.prev ${P.ini} || true`));
ok("ro/cmp-comm", "writes", hostCommand("cmp -s /var/lib/cutter/state/a /var/lib/cutter/state/b || comm -3 /var/lib/cutter/state/a /var/lib/cutter/state/b"));
ok("ro/file", "writes", hostCommand(`file ${P.configPy}`));
ok("ro/tr-newlines", "writes", hostCommand(`tr '\\n' ' ' < ${P.ledger}`));
ok("ro/echo-dev-null", "writes", hostCommand("echo ok > /dev/null"));
ok("ro/stderr-dev-null", "writes", hostCommand("ls /var/lib/cutter/missing 2>/dev/null || echo missing"));
ok("ro/printf-to-stderr", "writes", hostCommand("printf '%s\\n' 'probe done' >&2"));
ok("ro/pgrep-ps", "writes", hostCommand("pgrep -f cutter_agent || true\nps -eo pid,comm"));
ok("ro/ss-free-nproc-uptime", "writes", hostCommand("ss -tln\nfree -m\nnproc\nuptime"));
ok("ro/getent-whoami-pwd", "writes", hostCommand("getent passwd root\nwhoami\npwd"));

// ---------------------------------------------------------------- shell constructs

ok("sh/test-f-and-echo", "shell-words", hostCommand(`test -f ${P.ledger} && echo yes`));
ok("sh/bracket-d-or-echo", "shell-words", hostCommand("[ -d /var/lib/cutter ] || echo missing"));
ok("sh/if-elif-else", "shell-words",
    hostCommand(`if [ -f ${P.compose} ]; then echo marker=present\nelif [ -d ${P.dot} ]; then echo marker=missing\nelse echo dot=absent\nfi`));
ok("sh/for-literal-words", "shell-words", hostCommand("for f in a b c; do echo \"$f\"; done"));
ok("sh/fail-function", "shell-words",
    hostCommand(`${STRICT}\nfail() { printf '%s\\n' "$*" >&2; exit 1; }\n[ -f ${P.compose} ] || fail "compose marker missing"\necho ok`));
ok("sh/set-euo-pipefail", "shell-words", hostCommand(`${STRICT}\nhostname\nuname -r`));
ok("sh/trap-ignore-signals", "shell-words", hostCommand("trap '' HUP PIPE\necho still here"));
ok("sh/command-substitution-var", "shell-words", hostCommand("x=\"$(hostname)\"\necho \"$x\""));
ok("sh/ansi-c-argument", "shell-words", hostCommand("printf '%s' $'line one\\n'"));
ok("sh/group-piped", "shell-words", hostCommand("{ hostname; uname -r; } | sha256sum | cut -c1-64"));
ok("sh/subshell-cd", "shell-words", hostCommand("( cd /var/lib/cutter && ls )"));
ok("sh/negation", "shell-words", hostCommand("! grep -q '^PHASE' /var/lib/cutter/state/x.4-closeout-again.log"));
ok("sh/function-local-shift-return", "shell-words",
    hostCommand("show() { local first; first=\"$1\"; shift; printf '%s\\n' \"$first\" \"$@\"; return 0; }\nshow a b c"));
ok("sh/umask-sleep-exit", "shell-words", hostCommand("umask 077\nsleep 1\nexit 0"));
ok("sh/read-stdin-var", "shell-words", hostCommand("IFS= read -r NAME || NAME=unknown\nprintf 'name=%s\\n' \"$NAME\""));
ok("sh/set-plus-e-rc", "shell-words", hostCommand("set +e\nout=\"$(systemctl is-active iu-cutter 2>&1)\"\nrc=$?\nset -e\necho \"$rc $out\""));
ok("sh/pipeline-status", "shell-words", hostCommand("echo \"$?\"\nprintf '%s\\n' \"$*\""));

// ---------------------------------------------------------------- literal scripts and code as data

ok("code/bash-c-literal", "unread-code", hostCommand("bash -c 'echo hello'"));
ok("code/sh-c-literal-chain", "unread-code", hostCommand("sh -c 'hostname && uptime'"));
ok("code/bash-c-strict-ls", "unread-code", hostCommand("bash -c 'set -euo pipefail; ls /var/lib/cutter'"));
ok("code/cat-script-not-run", "unread-code", hostCommand("cat /var/lib/cutter/state/next.sh"));
ok("code/sha256-script", "unread-code", hostCommand("sha256sum /var/lib/cutter/state/deploy.sh | cut -c1-64"));
ok("code/grep-eval-pattern", "unread-code", hostCommand(`grep -rn 'eval' ${P.target}/docs || true`));
ok("code/printf-curl-sh-prose", "unread-code", hostCommand("printf '%s\\n' 'curl | sh and base64 -d | sh are refused'"));

// ---------------------------------------------------------------- guards (read-only, guard set)

ok("guard/host-identity", "writes",
    hostCommand([
        STRICT,
        "fail() { printf 'HostIdentityGuard: %s\\n' \"$*\" >&2; exit 1; }",
        "[ \"$(hostname)\" = vmi123 ] || fail \"hostname is '$(hostname)', expected vmi123: wrong host, nothing was written\"",
        `[ -f ${P.compose} ] || fail "compose marker ${P.compose} is missing"`,
        `[ -f ${P.dot}/.env ] || fail "${P.dot}/.env is missing"`,
        `[ -z "$(git -C ${P.dot} remote)" ] || fail "${P.dot} has a git remote"`,
        "echo \"HostIdentityGuard: ok (vmi123)\"",
    ].join("\n") + "\n", { guard: "HostIdentityGuard", description: "HostIdentityGuard: re-check hostname, compose marker, .env and that the dot repo has no remote" }));
ok("guard/pre-state-anchor", "writes",
    hostCommand([
        STRICT,
        "fail() { printf 'PreStateAnchor: %s\\n' \"$*\" >&2; exit 1; }",
        `[ "$(sha256sum < ${P.compose} | cut -c1-64)" = 45d25e38ac2dd440d0e7fdbdd6a5a20df11afbaef715002db4e46ea60bd2d600 ] || fail "anchors.compose drifted"`,
        `[ "$( { git -C ${P.dot} rev-parse HEAD; git --no-optional-locks -C ${P.dot} status --porcelain=v1 --untracked-files=all; } | sha256sum | cut -c1-64)" = 0000000000000000000000000000000000000000000000000000000000000000 ] || fail "anchors.dotGitStatus drifted"`,
        "echo \"PreStateAnchor: all anchors match\"",
    ].join("\n") + "\n", { guard: "PreStateAnchor" }));

// ---------------------------------------------------------------- git, read-only

const G = `git -C ${P.dot}`;
ok("git/status-porcelain", "push", hostCommand(`${G} status --porcelain`));
ok("git/status-no-optional-locks", "push", hostCommand(`git --no-optional-locks -C ${P.dot} status --porcelain=v1 --untracked-files=all`));
ok("git/log-oneline", "push", hostCommand(`${G} log --oneline -5`));
ok("git/rev-parse-head", "push", hostCommand(`${G} rev-parse HEAD`));
ok("git/config-get-remote-url", "push", hostCommand(`${G} config --get remote.origin.url || echo none`));
ok("git/config-get-all-list", "push", hostCommand(`${G} config --get-all user.name || true\n${G} config --list`));
ok("git/remote-v", "push", hostCommand(`${G} remote -v`));
ok("git/remote-listing-empty-check", "push", hostCommand(`[ -z "$(${G} remote)" ] || exit 1`));
ok("git/ls-files", "push", hostCommand(`${G} ls-files -- iu-cutter`));
ok("git/diff-stat", "push", hostCommand(`${G} diff --stat`));
ok("git/show-stat", "push", hostCommand(`${G} show --stat HEAD`));
ok("git/cat-file-describe", "push", hostCommand(`${G} cat-file -t HEAD\n${G} describe --tags --always`));
ok("git/grep-docs-for-push", "push", hostCommand(`grep -r 'git push' ${P.target}/docs`));
ok("git/echo-push-forbidden", "push", hostCommand("echo 'git push is forbidden here; the dot repo has no remote'"));
ok("git/add-into-one-pack", "push",
    hostCommand(`git -C ${P.dot} -c core.bigFileThreshold=1 add -A -- iu-cutter`, { writes: [P.target, `${P.dot}/.git`] }), "bulk check-in: blobs into one pack");
ok("secret/read-then-key-value", "secrets",
    hostCommand(`IFS= read -r PRINCIPAL\numask 077\nprintf 'GOVERNANCE_PRINCIPAL=%s\\n' "$PRINCIPAL" > ${P.stateDir}/principal.env`, { writes: [P.stateDir], stdinSecret: "x\n" }),
    "a secret from stdin written as the value of a literal key");
ok("secret/read-then-gpg-list", "secrets",
    hostCommand(`IFS= read -r FPR\ngpg --batch --with-colons --list-keys "$FPR" | grep -q '^fpr:'`, { stdinSecret: "x\n" }));
ok("secret/read-then-grep-file", "secrets",
    hostCommand(`IFS= read -r X\ngrep -q '^execution_enabled = false$' ${P.ini}`, { stdinSecret: "x\n" }));
ok("log/exec-into-deploy-log", "writes",
    hostCommand(`exec 3>&1 4>&2 >>${P.state}/deploy.log 2>&1\necho "Release: step one" >&3`, { writes: [P.state] }),
    "the deploy scripts' log: everything after it goes to deploy.log, messages to the saved stdout");
ok("lock/exec-lock-fd", "writes", hostCommand(`exec 9>>${P.state}/deploy.lock\nflock -n -x 9 || exit 1`, { writes: [P.state] }));
ok("git/log-format-no-output", "push", hostCommand(`git -C ${P.dot} log -1 --format=%s`));
ok("git/grep-line-numbers", "push", hostCommand(`git -C ${P.dot} grep -n execution_enabled -- iu-cutter`));
ok("git/fsck-no-lost-found", "push", hostCommand(`git -C ${P.dot} fsck --no-progress`));
ok("read/redirect-from-literal-variable", "writes", hostCommand(`F=${P.state}/deployed-release\nsha256sum < "$F" | cut -c1-64`));
ok("git/bulk-add-heap-trim", "push",
    hostCommand(`GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456 git -C ${P.dot} -c core.bigFileThreshold=1 add -A -- iu-cutter`, { writes: [P.target, `${P.dot}/.git`] }),
    "the swap's bulk check-in: the heap's trim threshold raised for git (lib/scripts/swap.ts GIT_HEAP)");
ok("git/add-trusting-stat", "push",
    hostCommand(`git -C ${P.dot} -c core.checkStat=minimal -c core.trustctime=false add -A -- iu-cutter`, { writes: [P.target, `${P.dot}/.git`] }),
    "a delta's add: copies keep their mtime, so the index refresh reads only the changed files (lib/scripts/prelude.ts GIT_STAT_TRUST)");
ok("git/status-split-by-path", "push",
    hostCommand(`{ git -C ${P.dot} rev-parse HEAD; git --no-optional-locks -C ${P.dot} status --porcelain=v1 --untracked-files=all -- . ':(exclude)iu-cutter'; git --no-optional-locks -C ${P.dot} -c core.checkStat=minimal -c core.trustctime=false status --porcelain=v1 --untracked-files=all -- iu-cutter; } | sha256sum | cut -c1-64`),
    "the dotGitStatus anchor: the release path under the stat trust, the rest under git's full check");
ok("git/local-rev-parse", "push", localCommand("git rev-parse HEAD"));
ok("git/local-status", "push", localCommand("git status --porcelain"));
ok("git/command-local-rev-parse", "push", commandLocal("git rev-parse HEAD", { dir: P.localDir }));

// ---------------------------------------------------------------- services, read-only

ok("svc/systemctl-status", "restart", hostCommand("systemctl status nginx"));
ok("svc/systemctl-is-active", "restart", hostCommand("systemctl is-active iu-cutter"));
ok("svc/systemctl-is-enabled-failed", "restart", hostCommand("systemctl is-enabled iu-cutter || true\nsystemctl is-failed iu-cutter || true"));
ok("svc/systemctl-list-paths", "restart", hostCommand("systemctl list-paths"));
ok("svc/systemctl-list-units-failed", "restart", hostCommand("systemctl list-units --failed"));
ok("svc/systemctl-show-property", "restart", hostCommand("systemctl show -p ActiveState iu-cutter"));
ok("svc/systemctl-cat", "restart", hostCommand("systemctl cat nginx"));
ok("svc/docker-ps", "restart", hostCommand("docker ps"));
ok("svc/docker-inspect", "restart", hostCommand("docker inspect pg"));
ok("svc/docker-logs-tail", "restart", hostCommand("docker logs --tail 50 iu-cutter"));
ok("svc/docker-images-version-info", "restart", hostCommand("docker images\ndocker version\ndocker info"));
ok("svc/journalctl-unit", "restart", hostCommand("journalctl -u nginx -n 50 --no-pager"));
ok("svc/journalctl-since", "restart", hostCommand("journalctl -u iu-cutter --since '1 hour ago' --no-pager"));
ok("svc/kill-0", "restart", hostCommand("kill -0 1234"));
ok("svc/kill-s-0-var", "restart", hostCommand("pid=\"$(cat /var/lib/cutter/state/agent.pid)\"\nkill -s 0 \"$pid\" && echo running"));
ok("svc/printf-prose-restart", "restart", hostCommand("printf '%s\\n' 'never run systemctl restart here'"));
ok("svc/description-mentions-restart", "restart",
    hostCommand("systemctl is-active iu-cutter", { description: "Read-only: confirm the agent is up. Do not `systemctl restart iu-cutter` from here; restarts are out of scope for O6/O7." }));

// ---------------------------------------------------------------- SQL, read-only

ok("sql/psql-version", "sql", hostCommand("psql --version"));
ok("sql/python-version", "sql", hostCommand("python3 --version"));
ok("sql/count", "sql", hostCommand(roSql("SELECT count(*) FROM cutter.documents;")));
ok("sql/join-group", "sql",
    hostCommand(roSql("SELECT d.id, count(s.id)\n  FROM cutter.documents d\n  LEFT JOIN cutter.segments s ON s.document_id = d.id\n GROUP BY d.id\n ORDER BY d.id;")));
ok("sql/read-cte", "sql", hostCommand(roSql("WITH recent AS (SELECT id FROM cutter.documents ORDER BY id DESC LIMIT 5)\nSELECT count(*) FROM recent;")));
ok("sql/literal-with-keywords", "sql", hostCommand(roSql("SELECT 'DROP TABLE x; UPDATE y SET z = 1; COMMIT;' AS note;")),
    "the statement words are inside a string literal");
ok("sql/literal-with-doubled-quote", "sql", hostCommand(roSql("SELECT 'it''s; DELETE FROM nothing' AS note;")));
ok("sql/e-string-literal", "sql", hostCommand(roSql("SELECT E'tab\\there; INSERT is text' AS note;")));
ok("sql/dollar-quoted-literal", "sql", hostCommand(roSql("SELECT $$DELETE FROM cutter.documents; COMMIT;$$ AS text;")));
ok("sql/comments", "sql", hostCommand(roSql("-- DELETE FROM cutter.documents is never run here\n/* UPDATE; COMMIT; */\nSELECT 1;")));
ok("sql/psql-variable", "sql",
    hostCommand(`psql -X -q -A -t -v ON_ERROR_STOP=1 -v doc=2 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d incomex <<'SQL'\nBEGIN READ ONLY;\nSELECT count(*) FROM cutter.segments WHERE document_id = :'doc';\nROLLBACK;\nSQL`));
ok("sql/grant-matrix-from-stdin", "sql",
    hostCommand([
        STRICT,
        "IFS= read -r GOVERNANCE_PRINCIPAL",
        "GRANTS=\"$(psql -X -q -A -t -v ON_ERROR_STOP=1 -v principal=\"$GOVERNANCE_PRINCIPAL\" -h 127.0.0.1 -p 5432 -U context_pack_readonly -d incomex <<'SQL'",
        "BEGIN READ ONLY;",
        "SELECT n.nspname || '.' || k.relname || ':' || a.privilege_type",
        "  FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace,",
        "       LATERAL aclexplode(k.relacl) a",
        " WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = :'principal')",
        " ORDER BY 1;",
        "ROLLBACK;",
        "SQL",
        ")\"",
        "printf '%s\\n' \"$GRANTS\" | sha256sum | cut -c1-64",
    ].join("\n") + "\n"));
ok("sql/show", "sql", hostCommand(roSql("SHOW transaction_read_only;")));
ok("sql/explain-select", "sql", hostCommand(roSql("EXPLAIN SELECT * FROM cutter.documents WHERE id = 2;")));
ok("sql/start-transaction-read-only", "sql",
    hostCommand(`${PSQL_RO} <<'SQL'\nSTART TRANSACTION READ ONLY;\nSELECT count(*) FROM cutter.cuts;\nROLLBACK;\nSQL`));
ok("sql/prepare-deallocate", "sql",
    hostCommand(roSql("PREPARE q(int) AS SELECT count(*) FROM cutter.segments WHERE document_id = $1;\nDEALLOCATE q;")));
ok("sql/meta-commands", "sql", hostCommand(roSql("\\pset format unaligned\n\\echo counting documents\n\\timing off\nSELECT count(*) FROM cutter.documents;")));
ok("sql/allowlisted-functions", "sql",
    hostCommand(roSql("SELECT lower(current_user), upper(current_database()), length('x'), coalesce(NULL, 'y'), pg_typeof(1), now();")));
ok("sql/string-agg-privilege", "sql",
    hostCommand(roSql("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE has_table_privilege(oid, 'SELECT') AND relnamespace = 'cutter'::regnamespace;")));
ok("sql/captured-in-variable", "sql",
    hostCommand(`n="$(${PSQL_RO} <<'SQL'\nBEGIN READ ONLY;\nSELECT count(*) FROM cutter.documents;\nROLLBACK;\nSQL\n)"\necho "documents=$n"`));
ok("sql/docker-exec-psql", "sql",
    hostCommand(roSql("SELECT count(*) FROM cutter.documents;", `docker exec -i pg ${PSQL_RO}`)));
// The program's docker-exec form (lib/scripts/psql.ts, database.access.kind docker-exec): psql over the container's socket, no -h/-p.
const PSQL_DOCKER = "docker exec -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex";
ok("sql/docker-exec-psql-program-form", "sql", hostCommand(roSql("SELECT count(*) FROM cutter.documents;", PSQL_DOCKER)));
ok("sql/docker-exec-psql-long-interactive", "sql", hostCommand(roSql("SELECT 1;", PSQL_DOCKER.replace(" -i ", " --interactive "))));
ok("sql/docker-exec-psql-grants-assignment", "sql",
    hostCommand(`GRANTS="$(${PSQL_DOCKER} -v principal="$GOVERNANCE_PRINCIPAL" <<'SQL'\nBEGIN READ ONLY;\nSELECT 1 WHERE :'principal' <> '';\nROLLBACK;\nSQL\n)" || exit 1\necho "$GRANTS"`));
ok("sql/pgconnect-timeout", "sql", hostCommand(`PGCONNECT_TIMEOUT=5 ${roSql("SELECT 1;")}`));
// The program's password form (lib/scripts/psql.ts pgpassSetup, database.access tcp password: true): the password
// on stdin, into a mktemp 0600 file declared in writes by its template, removed by an EXIT trap.
const PGPASS_T = "/tmp/iucutter-pgpass.XXXXXXXXXX";
const PGPASS_SETUP = [
    "IFS= read -r DB_PASSWORD || exit 1",
    `passfile="$(mktemp ${PGPASS_T})"`,
    `trap 'rm -- "$passfile"' EXIT`,
    `printf '%s:%s:%s:%s:%s\\n' 127.0.0.1 5432 incomex context_pack_readonly "$DB_PASSWORD" > "$passfile"`,
].join("\n");
ok("sql/pgpassfile-mktemp-program-form", "secrets", hostCommand(`${PGPASS_SETUP}\nPGPASSFILE="$passfile" ${roSql("SELECT 1;")}`, { writes: [PGPASS_T] }));
ok("sql/pgpassfile-mktemp-captured", "secrets",
    hostCommand(`${PGPASS_SETUP}\nn="$(PGPASSFILE="$passfile" ${PSQL_RO} <<'SQL'\nBEGIN READ ONLY;\nSELECT count(*) FROM cutter.documents;\nROLLBACK;\nSQL\n)" || exit 1\necho "documents=$n"`,
        { writes: [P.stateDir, PGPASS_T] }));

// ---------------------------------------------------------------- kill switch, crypto: look-alikes and false-only content

ok("kill/echo-must-stay-false", "kill-switch", hostCommand("echo 'execution_enabled must stay False'"));
ok("kill/grep-n-true-pattern", "kill-switch", hostCommand(`grep -n 'execution_enabled = True' ${P.configPy} || echo clean`));
ok("kill/grep-c-name", "kill-switch", hostCommand(`grep -c execution_enabled ${P.configPy}`));
ok("kill/ini-heredoc-false", "kill-switch",
    hostCommand(`cat > ${P.ini} <<'EOF'\n# iu-cutter orchestrator config. Do not edit by hand.\n[orchestrator]\nexecution_enabled = false\nmode = dryrun\nsigning_provider = StubSigning\nstate_dir = /var/lib/cutter/state\n\n[database]\nhost = 127.0.0.1\nport = 5432\nname = incomex\nrole = context_pack_readonly\nEOF`,
        { writes: [P.ini] }));
ok("kill/atomic-ini-write", "kill-switch",
    hostCommand([
        STRICT,
        "umask 077",
        `[ -d ${P.configDir} ] || install -d -m 0755 ${P.configDir}`,
        `cat > ${P.ini}.iucutter-tmp <<'IUCUTTER_EOF'\n[orchestrator]\nexecution_enabled = false\nmode = dryrun\nIUCUTTER_EOF`,
        `chmod 0640 ${P.ini}.iucutter-tmp`,
        `mv -T ${P.ini}.iucutter-tmp ${P.ini}`,
        `printf '%s %s\\n' "$(sha256sum < ${P.ini} | cut -c1-64)" 'orchestrator config -> ${P.ini}'`,
    ].join("\n") + "\n", { writes: [P.configDir] }));
ok("kill/commit-message-false", "kill-switch",
    hostCommand(`git -C ${P.dot} add -A -- iu-cutter\ngit -C ${P.dot} -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost commit -q --no-verify -F - <<'IUCUTTER_EOF'\ndeploy iu-cutter 0.6.0 (O6)\n\nexecution_enabled: False\nIUCUTTER_EOF`,
        { writes: [P.target, `${P.dot}/.git`] }));
ok("kill/copy-to-remote-ini", "kill-switch", copyToRemote({ text: "mode = dryrun\nexecution_enabled = false\n" }, "/var/lib/cutter/config/x.ini"));
ok("kill/copy-to-remote-path-file-false", "kill-switch",
    copyToRemote({ path: tempFile("orchestrator.ini", "[orchestrator]\nmode = dryrun\nexecution_enabled = false\n") }, P.ini));
ok("kill/copy-to-remote-archive", "kill-switch",
    copyToRemote({ assets: { "orchestrator.ini": { text: "[orchestrator]\nexecution_enabled = false\n" } } }, P.configDir));
/** The swap's upload: members unpacked into a fresh staging tree. */
const stagedTar = (members: Parameters<typeof makeTar>[0]) =>
    hostCommand(`install -d -m 0755 ${STAGE} ${STAGE}/tree\ntar -x --no-same-owner --no-same-permissions -f - -C ${STAGE}/tree`, { writes: [P.staging], stdinFile: makeTar(members) });
ok("kill/tar-two-py-files", "kill-switch",
    stagedTar([
        { name: "cutter_agent/__init__.py", content: "__version__ = \"0.6.0\"\n" },
        { name: "cutter_agent/config.py", content: "\"\"\"Kill-switch.\"\"\"\nexecution_enabled = False\n" },
    ]));
ok("kill/tar-py-reads-the-switch", "kill-switch",
    stagedTar([
        { name: "cutter_agent/__init__.py", content: "__version__ = \"0.6.0\"\n" },
        { name: "cutter_agent/cli.py", content: "from .config import execution_enabled\nprint(\"iu-cutter (execution_enabled=%s)\" % execution_enabled)\n" },
        { name: "cutter_agent/orchestrator/run.py", content: "from ..config import execution_enabled\nfrom cutter_agent.config import execution_enabled as execution_enabled\nif not execution_enabled:\n    raise SystemExit('refused')\n" },
        { name: "cutter_agent/status.py", content: "import cutter_agent.config as c\nx = getattr(c, 'execution_enabled', False) or getattr(c, 'execution_enabled')\nprint('execution_enabled =', x, hasattr(c, 'execution_enabled'))\nKEYS = ('mode', 'execution_enabled')\n" },
        { name: "cutter_agent/util.py", content: "import dataclasses\n\n\n@dataclasses.dataclass(frozen=True)\nclass P:\n    x: int\n\n    def __post_init__(self):\n        object.__setattr__(self, 'x', 1)\n        setattr(self, 'y', 2)\n        exec('z = 1')\n        self.__dict__['w'] = 3\n" },
        { name: "tests/test_run.py", content: "def test_q(monkeypatch):\n    monkeypatch.setattr(run, \"read_only_query\", lambda cfg, sql: \"0\")\n    run(execution_enabled=False)\n" },
    ]), "the agent's own forms: reading the switch from config, and literal setattr/exec/__dict__ of other names");
ok("crypto/grep-stub", "crypto", hostCommand(`grep StubSigning ${P.signingPy}`));
ok("crypto/grep-kms-pattern", "crypto", hostCommand("grep -rn 'signing_provider = KmsSigning' /var/lib/cutter/config || true"));
ok("crypto/gpg-list-keys", "crypto",
    hostCommand("IFS= read -r BACKUP_GPG_FPR\ngpg --batch --with-colons --list-keys \"$BACKUP_GPG_FPR\" 2>/dev/null | grep -q '^fpr:' && echo gap3=ok || echo gap3=missing"));
ok("crypto/gpg-fingerprint", "crypto", hostCommand("gpg --batch --with-colons --fingerprint"));
ok("crypto/echo-deferred", "crypto", hostCommand("echo 'real crypto (KMS/HSM) is deferred to O10; StubSigning stays'"));

// ---------------------------------------------------------------- the agent, dry run only

ok("agent/orchestrate-dryrun", "mutation",
    hostCommand(`${AGENT} --mode dryrun --run-id x --document 2 --config ${P.ini}`, { writes: [P.stateDir] }));
ok("agent/orchestrate-dryrun-resume", "mutation",
    hostCommand(`${AGENT} --mode dryrun --run-id x --document 2 --config ${P.ini} --resume`, { writes: [P.stateDir] }));
ok("agent/check-live-refused", "mutation",
    hostCommand(`${AGENT} --check-live-refused | grep -qx 'LIVE refused'`));
ok("agent/verification-step", "mutation",
    hostCommand(`set +e; out="$(${AGENT} --mode dryrun --run-id x --document 2 --config ${P.ini} 2>&1)"; rc=$?; set -e\nprintf '%s\\n' "$out" > /var/lib/cutter/state/x.1-start.log\n[ "$rc" = 10 ] && printf '%s\\n' "$out" | grep -qx 'PAUSE SG1' || exit 1`,
        { writes: [P.stateDir] }));
ok("agent/echo-mode-live-prose", "mutation", hostCommand("echo 'Mode.LIVE is refused while execution_enabled = False'"));

// ---------------------------------------------------------------- declared writes inside the roots

ok("w/install-d-state", "writes", hostCommand("install -d -m 0750 /var/lib/cutter/state", { writes: [P.stateDir] }));
ok("w/provision-dirs", "writes",
    hostCommand(`${STRICT}\ninstall -d -m 0750 -o root -g root /var/lib/cutter/state\ninstall -d -m 0700 -o root -g root /var/lib/cutter/backups\nstat -c '%n %a %U:%G' /var/lib/cutter/state /var/lib/cutter/backups`,
        { writes: [P.stateDir, "/var/lib/cutter/backups"], delete: `${STRICT}\nrmdir --ignore-fail-on-non-empty /var/lib/cutter/backups 2>/dev/null || true\nrmdir --ignore-fail-on-non-empty /var/lib/cutter/state 2>/dev/null || true\n` }));
ok("w/mkdir-p", "writes", hostCommand("mkdir -p -m 0750 /var/lib/cutter/runs", { writes: ["/var/lib/cutter/runs"] }));
ok("w/touch-keep", "writes", hostCommand("touch /var/lib/cutter/state/.keep", { writes: [P.stateDir] }));
ok("w/chmod-chown", "writes", hostCommand(`chmod 0640 ${P.ini}\nchown root:root ${P.ini}`, { writes: [P.ini] }));
ok("w/rm-if-exists", "writes",
    hostCommand("if [ -e /var/lib/cutter/runbooks/rollback_runbook.sql ]; then rm -- /var/lib/cutter/runbooks/rollback_runbook.sql; fi", { writes: ["/var/lib/cutter/runbooks/rollback_runbook.sql"] }));
ok("w/rm-r-staging", "force", hostCommand(`if [ -e ${STAGE} ]; then rm -r -- ${STAGE}; fi`, { writes: [P.staging] }),
    "rm -r without -f");
ok("w/mv-T-staging", "writes", hostCommand(`mv -T ${STAGE}/tree ${STAGE}/old-tree`, { writes: [P.staging] }));
ok("w/cp-a-artifact", "writes",
    hostCommand(`cp -a -- ${STAGE}/old-tree /var/lib/cutter/artifacts/20261202T000000Z-0123456789ab/tree.partial`, { writes: ["/var/lib/cutter/artifacts"] }));
ok("w/date-derived-dir", "writes",
    hostCommand("ts=\"$(date -u +%Y%m%dT%H%M%SZ)\"\nart=/var/lib/cutter/artifacts/\"$ts-0123456789ab\"\ninstall -d -m 0700 \"$art\"", { writes: ["/var/lib/cutter/artifacts"] }));
ok("w/tee-a-log", "writes", hostCommand(`printf '%s\\n' "--- $(date -u +%FT%TZ) probe" | tee -a ${P.log} > /dev/null`, { writes: [P.log] }));
ok("w/append-log-redirect", "writes", hostCommand(`echo "deploy started" >> ${P.log}`, { writes: [P.log] }));
ok("w/ln-s-relative-inside", "writes", hostCommand("ln -s state /var/lib/cutter/current", { writes: ["/var/lib/cutter/current"] }));
ok("w/tar-c-backup", "writes", hostCommand("tar -c -f /var/lib/cutter/backups/nginx.tar -C /opt/incomex nginx", { writes: ["/var/lib/cutter/backups"] }));
ok("w/tar-czf-backup", "writes", hostCommand("tar -czf /var/lib/cutter/backup.tgz -C /opt/incomex nginx", { writes: ["/var/lib/cutter/backup.tgz"] }),
    "creates a compressed archive on the host (the model refuses compressed archives only as shipped content)");
ok("w/tar-tzf-list", "writes", hostCommand("tar -tzf /var/lib/cutter/backup.tgz"), "listing only");
ok("w/env-production-from-stdin", "secrets",
    hostCommand(`IFS= read -r BACKUP_GPG_FPR\numask 077\nprintf 'BACKUP_GPG_FPR=%s\\n' "$BACKUP_GPG_FPR" > ${P.envProduction}.iucutter-tmp\nchmod 0600 ${P.envProduction}.iucutter-tmp\nmv -T ${P.envProduction}.iucutter-tmp ${P.envProduction}`,
        { writes: [`${P.envProduction}.iucutter-tmp`, P.envProduction] }));
ok("w/git-reset-unstage", "force", hostCommand(`git -C ${P.dot} reset -q -- iu-cutter`, { writes: [`${P.dot}/.git`] }),
    "reset without --hard only unstages");

// ---------------------------------------------------------------- force / secrets look-alikes

ok("force/grep-e-force", "force", hostCommand(`grep -e --force ${P.log}`));
ok("force/grep-F-dashdash-force", "force", hostCommand(`grep -F -- '--force' ${P.log} || true`));
ok("force/echo-no-force", "force", hostCommand("echo 'no --force here'"));
ok("secrets/description-password-unchanged", "secrets", hostCommand("hostname", { description: "Probe only; password: unchanged" }));
ok("secrets/description-rotate-token", "secrets", hostCommand("hostname", { description: "Read the host name (rotate token later, out of band)" }));
ok("secrets/echo-set-secret-hint", "secrets", hostCommand("echo 'set the token with pulumi config set --secret'"));

// ---------------------------------------------------------------- resource shapes

ok("shape/remote-command-default", "impersonation", hostCommand("hostname"));
ok("shape/host-key-with-comment", "impersonation",
    hostCommand("hostname", { connection: { address: "203.0.113.7", port: 22, user: "root", hostKey: `${HOST_KEY} root@vmi123`, privateKeyPath: "/root/.ssh/id_ed25519" } }));
ok("shape/command-remote-uptime", "impersonation", commandRemote("uptime"));
ok("shape/command-remote-os-release", "impersonation", commandRemote("cat /etc/os-release"));
ok("shape/stack", "impersonation", { type: "pulumi:pulumi:Stack", props: {} });
ok("shape/provider-nodejs", "impersonation", { type: "pulumi:providers:pulumi-nodejs", props: {} });
ok("shape/provider-command", "impersonation", { type: "pulumi:providers:command", props: {} });
ok("shape/component", "impersonation", { type: "iucutter:host:HostConnection", props: {} });

// Operator one-liners, each in a read-only resource (writes: []).
ok("oneliner/01", "shell-words", hostCommand("tar -tzf /var/lib/cutter/backup.tgz"));
ok("oneliner/02", "shell-words", hostCommand("grep -e --force /opt/incomex/dot/docker-compose.yml"));
ok("oneliner/03", "shell-words", hostCommand("psql --version"));
ok("oneliner/04", "shell-words", hostCommand("git -C /opt/incomex/dot config --get remote.origin.url"));
ok("oneliner/05", "shell-words", hostCommand("kill -s 0 1234"));
ok("oneliner/06", "shell-words", hostCommand("kill -0 \"$(cat /var/lib/cutter/pid)\""));
ok("oneliner/07", "shell-words", hostCommand("systemctl list-paths"));
ok("oneliner/08", "shell-words", hostCommand("systemctl status iu-cutter --no-pager"));
ok("oneliner/09", "shell-words", hostCommand("journalctl -u iu-cutter --since \"1 hour ago\" --no-pager"));
ok("oneliner/10", "shell-words", hostCommand("docker ps --format '{{.Names}}'"));
ok("oneliner/11", "shell-words", hostCommand("docker logs --tail 100 incomex-db"));
ok("oneliner/12", "shell-words", hostCommand("docker inspect -f '{{.State.Running}}' incomex-db"));
ok("oneliner/13", "shell-words", hostCommand("ls -la /opt/incomex/dot/iu-cutter"));
ok("oneliner/14", "shell-words", hostCommand("find /opt/incomex/dot/iu-cutter -type f -name '*.py' | wc -l"));
ok("oneliner/15", "shell-words", hostCommand("find /var/lib/cutter -maxdepth 2 -type d"));
ok("oneliner/16", "shell-words", hostCommand("sha256sum /opt/incomex/dot/iu-cutter/cutter_agent/config.py"));
ok("oneliner/17", "shell-words", hostCommand("cat /opt/incomex/dot/iu-cutter/cutter_agent/__init__.py | grep __version__"));
ok("oneliner/18", "shell-words", hostCommand("git -C /opt/incomex/dot log --oneline -n 5"));
ok("oneliner/19", "shell-words", hostCommand("git -C /opt/incomex/dot status --short"));
ok("oneliner/20", "shell-words", hostCommand("git -C /opt/incomex/dot rev-parse HEAD"));
ok("oneliner/21", "shell-words", hostCommand("git -C /opt/incomex/dot remote -v"));
ok("oneliner/22", "shell-words", hostCommand("git -C /opt/incomex/dot diff --stat HEAD~1"));
ok("oneliner/23", "shell-words", hostCommand("git -C /opt/incomex/dot show --stat HEAD"));
ok("oneliner/24", "shell-words", hostCommand("python3 --version"));
ok("oneliner/25", "shell-words", hostCommand("python3 -V"));
ok("oneliner/26", "shell-words", hostCommand("hostname -f"));
ok("oneliner/27", "shell-words", hostCommand("uname -r"));
ok("oneliner/28", "shell-words", hostCommand("df -h /opt /var/lib"));
ok("oneliner/29", "shell-words", hostCommand("du -sh /opt/incomex/dot/iu-cutter"));
ok("oneliner/30", "shell-words", hostCommand("free -m"));
ok("oneliner/31", "shell-words", hostCommand("uptime"));
ok("oneliner/32", "shell-words", hostCommand("id"));
ok("oneliner/33", "shell-words", hostCommand("whoami"));
ok("oneliner/34", "shell-words", hostCommand("date -u"));
ok("oneliner/35", "shell-words", hostCommand("stat -c '%a %U:%G %n' /var/lib/cutter/state"));
ok("oneliner/36", "shell-words", hostCommand("test -d /var/lib/cutter && echo present || echo absent"));
ok("oneliner/37", "shell-words", hostCommand("[ -f /opt/incomex/dot/.env ] && echo ok"));
ok("oneliner/38", "shell-words", hostCommand("if [ -d /opt/incomex/dot/iu-cutter/cutter_agent/orchestrator ]; then echo yes; else echo no; fi"));
ok("oneliner/39", "shell-words", hostCommand("for d in state config runbooks; do ls -ld \"/var/lib/cutter/$d\"; done"));
ok("oneliner/40", "shell-words", hostCommand("head -n 20 /var/lib/cutter/deploy.log"));
ok("oneliner/41", "shell-words", hostCommand("tail -n 50 /var/lib/cutter/deploy.log"));
ok("oneliner/42", "shell-words", hostCommand("wc -l /var/lib/cutter/deploy.log"));
ok("oneliner/43", "shell-words", hostCommand("sort -u /var/lib/cutter/deployed-release"));
ok("oneliner/44", "shell-words", hostCommand("cut -d= -f2 /var/lib/cutter/deployed-release"));
ok("oneliner/45", "shell-words", hostCommand("sed -n '/^digest=/p' /var/lib/cutter/deployed-release"));
ok("oneliner/46", "shell-words", hostCommand("grep -c . /opt/incomex/dot/.env.production"));
ok("oneliner/47", "shell-words", hostCommand("gpg --list-keys --with-colons"));
ok("oneliner/48", "shell-words", hostCommand("gpg --batch --list-secret-keys"));
ok("oneliner/49", "shell-words", hostCommand("ps -ef | grep [c]utter"));
ok("oneliner/50", "shell-words", hostCommand("pgrep -a python3"));
ok("oneliner/51", "shell-words", hostCommand("ss -tlnp"));
ok("oneliner/52", "shell-words", hostCommand("readlink -f /opt/incomex/dot/iu-cutter"));
ok("oneliner/53", "shell-words", hostCommand("realpath /opt/incomex/dot"));
ok("oneliner/54", "shell-words", hostCommand("env | grep -c PATH"));
ok("oneliner/55", "shell-words", hostCommand("echo \"$HOME\""));
ok("oneliner/56", "shell-words", hostCommand("printf '%s\\n' \"checking $(hostname)\""));
ok("oneliner/57", "shell-words", hostCommand("cat /etc/os-release"));
ok("oneliner/58", "shell-words", hostCommand("ls /etc/systemd/system | grep cutter"));
ok("oneliner/59", "shell-words", hostCommand("systemctl is-enabled iu-cutter || true"));
ok("oneliner/60", "shell-words", hostCommand("systemctl show iu-cutter -p ActiveState,SubState"));
ok("oneliner/61", "shell-words", hostCommand("systemctl list-units --type=service --state=running"));
ok("oneliner/62", "shell-words", hostCommand("docker compose -f /opt/incomex/docker/docker-compose.yml ps"));
ok("oneliner/63", "shell-words", hostCommand("docker images"));
ok("oneliner/64", "shell-words", hostCommand("psql -X -A -t -U context_pack_readonly -d incomex -c 'BEGIN READ ONLY; SELECT count(*) FROM cutter.documents; ROLLBACK;'"));
ok("oneliner/65", "shell-words", hostCommand("diff <(sort a) <(sort b)"));
ok("oneliner/66", "shell-words", hostCommand("cmp /var/lib/cutter/a /var/lib/cutter/b"));
ok("oneliner/67", "shell-words", hostCommand("file /opt/incomex/dot/iu-cutter/cutter_agent/cli.py"));
ok("oneliner/68", "shell-words", hostCommand("ls -la ~"));
ok("oneliner/69", "shell-words", hostCommand("cd /opt/incomex/dot && git status"));
ok("oneliner/70", "shell-words", hostCommand("git -C /opt/incomex/dot ls-files | head"));
ok("oneliner/71", "shell-words", hostCommand("journalctl -n 20"));
ok("oneliner/72", "shell-words", hostCommand("dmesg | tail"));
ok("oneliner/73", "shell-words", hostCommand("lsblk"));
ok("oneliner/74", "shell-words", hostCommand("findmnt /opt"));
ok("oneliner/75", "shell-words", hostCommand("getent passwd root"));
ok("oneliner/76", "shell-words", hostCommand("md5sum /opt/incomex/dot/.env"));
ok("oneliner/77", "shell-words", hostCommand("ls -1 /var/lib/cutter/artifacts | sort | tail -n 1"));
ok("oneliner/78", "shell-words", hostCommand("cat /proc/loadavg"));
ok("oneliner/79", "shell-words", hostCommand("nproc"));
ok("oneliner/80", "shell-words", hostCommand("command -v psql"));
ok("oneliner/81", "shell-words", hostCommand("type psql"));
ok("oneliner/82", "shell-words", hostCommand("which psql"));
ok("oneliner/83", "shell-words", hostCommand("git --version"));
ok("oneliner/84", "shell-words", hostCommand("grep -rn 'execution_enabled' /opt/incomex/dot/iu-cutter/cutter_agent/"));
ok("oneliner/85", "shell-words", hostCommand("echo 'rotate token later'"));
ok("oneliner/86", "shell-words", hostCommand("sha256sum < /opt/incomex/dot/docker-compose.yml | cut -c1-64"));
ok("oneliner/87", "shell-words", hostCommand("tr -d '\\n' < /var/lib/cutter/deployed-release"));

export const benign: Case[] = out;
