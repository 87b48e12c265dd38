/**
 * The reviewed vocabulary: every program a host script may run, with the
 * arguments the pack understands for it. A program that is not here, or an
 * argument a spec does not accept, is a finding. See policies/MODEL.md.
 */
import * as path from "path";
import { sha256Hex as sha } from "../digest";
import { realCryptoAssignments, switchAssignments } from "./content";
import { readOnlyBatchProblems } from "./sql";
import { Arg, Call, MKTEMP_TEMPLATE, SECRET_STDIN, under, within } from "./script";
import { HOLE as DYN, isStatic, text } from "./words";
import { PolicyName } from "./findings";

type Spec = (c: Call) => void;

function bad(c: Call, policy: PolicyName, what: string, instead?: string): void {
    c.ctx.find(policy, `\`${c.name} ${c.args.map((a) => a.s ?? show1(a)).join(" ")}`.slice(0, 110) + `\`: ${what}`, instead);
}

function show1(a: Arg): string {
    return a.t.startsWith(DYN) ? a.t.slice(1) : a.t;
}

interface Opts {
    /** Flags without a value (short letters or long names). */
    flags?: string[];
    /** Options that take a value. */
    withArg?: string[];
    /** Allow clusters of short flags (-la). */
    clusters?: boolean;
}

interface Parsed {
    opts: Array<{ name: string; value?: Arg }>;
    operands: Arg[];
    ok: boolean;
}

/** Parses options strictly: an option the spec does not know is a finding. */
function parse(c: Call, o: Opts, args = c.args, policyForUnknown: PolicyName = "commands-are-readable"): Parsed {
    const flags = new Set(o.flags ?? []);
    const withArg = new Set(o.withArg ?? []);
    const opts: Parsed["opts"] = [];
    const operands: Arg[] = [];
    let ok = true;
    let i = 0;
    let endOfOpts = false;
    while (i < args.length) {
        const a = args[i];
        const t = a.t;
        if (endOfOpts || !t.startsWith("-") || t === "-") {
            operands.push(a); // a run-time word too: each spec decides whether an operand may be dynamic
            i++;
            continue;
        }
        if (t === "--") {
            endOfOpts = true;
            i++;
            continue;
        }
        if (t.startsWith("--")) {
            const eq = t.indexOf("=");
            const name = eq > 0 ? t.slice(0, eq) : t;
            if (flags.has(name) && eq < 0) {
                opts.push({ name });
            } else if (withArg.has(name)) {
                if (eq > 0) {
                    opts.push({ name, value: { alts: [], s: t.slice(eq + 1), t: t.slice(eq + 1) } });
                } else {
                    opts.push({ name, value: args[i + 1] });
                    i++;
                }
            } else {
                bad(c, flagPolicy(c.name, name, policyForUnknown), `option ${name} is not one the pack accepts for ${c.name}`, forceAdvice(name));
                ok = false;
            }
            i++;
            continue;
        }
        // short options
        const letters = t.slice(1);
        if (letters.length > 1 && !o.clusters) {
            const whole = "-" + letters;
            if (flags.has(whole)) { opts.push({ name: whole }); i++; continue; }
            if (withArg.has(whole)) { opts.push({ name: whole, value: args[i + 1] }); i += 2; continue; }
            if (withArg.has("-" + letters[0])) { opts.push({ name: "-" + letters[0], value: { alts: [], s: letters.slice(1), t: letters.slice(1) } }); i++; continue; }
            bad(c, flagPolicy(c.name, whole, policyForUnknown), `${whole}: write each option separately (${letters.split("").map((l) => "-" + l).join(" ")})`);
            ok = false;
            i++;
            continue;
        }
        let consumed = false;
        for (let k = 0; k < letters.length; k++) {
            const f = "-" + letters[k];
            if (flags.has(f)) { opts.push({ name: f }); continue; }
            if (withArg.has(f)) {
                const rest = letters.slice(k + 1);
                if (rest) { opts.push({ name: f, value: { alts: [], s: rest, t: rest } }); } else { opts.push({ name: f, value: args[i + 1] }); consumed = true; }
                break;
            }
            bad(c, flagPolicy(c.name, f, policyForUnknown), `option ${f} is not one the pack accepts for ${c.name}`, forceAdvice(f));
            ok = false;
            break;
        }
        i += consumed ? 2 : 1;
    }
    return { opts, operands, ok };
}

function isForceFlag(name: string, flag: string): boolean {
    if (/^--force/.test(flag) || flag === "--mirror") {
        return true;
    }
    return flag === "-f" && ["rm", "cp", "mv", "ln", "git", "install", "chmod", "chown", "tee", "docker", "systemctl", "kill", "tar"].includes(name)
        || (flag === "-F" && name === "git");
}

function flagPolicy(name: string, flag: string, dflt: PolicyName): PolicyName {
    return isForceFlag(name, flag) ? "no-force" : dflt;
}

function forceAdvice(flag: string): string | undefined {
    return /^--force|^-f$/.test(flag) ? "never force: fix the state that makes the command fail, after review" : undefined;
}

function has(p: Parsed, ...names: string[]): boolean {
    return p.opts.some((o) => names.includes(o.name));
}

function valueOf(p: Parsed, ...names: string[]): Arg | undefined {
    return p.opts.find((o) => names.includes(o.name))?.value;
}

function write(c: Call, a: Arg | undefined, how = c.name): string[] {
    if (!a) {
        return [];
    }
    return c.ctx.writeTarget(a.alts.length > 0 ? a.alts : [[{ k: "lit", s: a.s ?? "" }]], how);
}

function noDynamicOptions(c: Call, p: Parsed, what = "an operand"): boolean {
    const d = p.operands.find((a) => a.t.startsWith(DYN) && a.alts.some((v) => !isStatic(v)));
    if (d && ["find", "sed", "git", "tar", "systemctl", "docker", "journalctl", "psql", "gpg"].includes(c.name)) {
        bad(c, "commands-are-readable", `${what} built at run time (${show1(d)}) could be read as an option`, "write the argument literally");
        return false;
    }
    return true;
}

// ---------------------------------------------------------------------------
// read-only programs

const READ_ONLY: Record<string, Opts & { maxOperands?: number; noOperands?: boolean }> = {
    cat: { flags: ["-n", "-A", "-v", "-e", "-b", "-s", "-E", "-T"], clusters: true },
    head: { flags: ["-q", "-v", "-z"], withArg: ["-n", "-c", "--lines", "--bytes"], clusters: true },
    tail: { flags: ["-q", "-v", "-z", "-f", "-F"], withArg: ["-n", "-c", "--lines", "--bytes"], clusters: true },
    wc: { flags: ["-l", "-c", "-w", "-m", "-L"], clusters: true },
    uniq: { flags: ["-c", "-d", "-u", "-i", "-z"], withArg: ["-f", "-s", "-w"], clusters: true, maxOperands: 1 },
    cut: { flags: ["-s", "-z", "-n", "--complement"], withArg: ["-d", "-f", "-c", "-b", "--delimiter", "--fields", "--output-delimiter"], clusters: true },
    tr: { flags: ["-d", "-s", "-c", "-C", "-t"], clusters: true },
    ls: { flags: ["-l", "-a", "-A", "-h", "-d", "-R", "-t", "-r", "-S", "-1", "-i", "-n", "-F", "--full-time", "--color=never"], clusters: true },
    stat: { flags: ["-L", "-t", "-f"], withArg: ["-c", "--format", "--printf"], clusters: true },
    sha256sum: { flags: ["-b", "-t", "-c", "--quiet", "--status", "--check", "--tag", "-z"], clusters: true },
    sha1sum: { flags: ["-b", "-t", "-c", "--quiet", "--status", "--check"], clusters: true },
    sha512sum: { flags: ["-b", "-t", "-c", "--quiet", "--status", "--check"], clusters: true },
    md5sum: { flags: ["-b", "-t", "-c", "--quiet", "--status", "--check"], clusters: true },
    du: { flags: ["-s", "-h", "-a", "-c", "-x", "-k", "-m", "--apparent-size"], withArg: ["-d", "--max-depth"], clusters: true },
    df: { flags: ["-h", "-k", "-P", "-T", "-i", "-l", "--output"], withArg: ["--output"], clusters: true },
    basename: { flags: ["-a", "-z"], withArg: ["-s"] },
    dirname: { flags: ["-z"] },
    readlink: { flags: ["-f", "-e", "-m", "-n", "-q", "-s", "-v", "-z"], clusters: true },
    realpath: { flags: ["-e", "-m", "-q", "-s", "-z", "--relative-to", "-L", "-P"], withArg: ["--relative-to", "--relative-base"], clusters: true },
    id: { flags: ["-u", "-g", "-G", "-n", "-r", "-z"], clusters: true },
    whoami: { noOperands: true },
    uname: { flags: ["-a", "-s", "-n", "-r", "-v", "-m", "-p", "-i", "-o"], clusters: true, noOperands: true },
    pwd: { flags: ["-P", "-L"], noOperands: true },
    nproc: { flags: ["--all"], noOperands: true },
    free: { flags: ["-h", "-m", "-g", "-k", "-b", "-t", "-w"], clusters: true, noOperands: true },
    uptime: { flags: ["-p", "-s"], noOperands: true },
    ps: { flags: ["-e", "-f", "-F", "-A", "-u", "-x", "aux", "-ef", "-o", "--no-headers", "-p", "-C", "-H", "-l", "-w", "ww"], withArg: ["-o", "-p", "-C", "-u", "--sort"], clusters: true },
    pgrep: { flags: ["-a", "-l", "-f", "-x", "-c", "-n", "-o"], withArg: ["-u", "-P", "-g"], clusters: true },
    ss: { flags: ["-t", "-u", "-l", "-n", "-p", "-a", "-x", "-4", "-6", "-s", "-H", "-e", "-m", "-i", "-o"], clusters: true },
    getent: {},
    comm: { flags: ["-1", "-2", "-3", "-z", "--check-order", "--nocheck-order"], clusters: true, maxOperands: 2 },
    cmp: { flags: ["-s", "-l", "-b", "--silent", "--quiet"], withArg: ["-n", "-i"], clusters: true },
    diff: { flags: ["-u", "-r", "-q", "-N", "-a", "-b", "-w", "-B", "-i", "--brief", "--stat", "-s", "--color=never", "-p"], withArg: ["-U", "-C", "--label", "-x", "--exclude"], clusters: true },
    file: { flags: ["-b", "-i", "-L", "-z", "--mime-type", "--mime"], clusters: true },
    sleep: { maxOperands: 1 },
    env: { noOperands: true, flags: ["-0", "--null"] },
    which: { flags: ["-a"] },
    date: { flags: ["-u", "--utc", "-R", "-I", "--iso-8601", "--rfc-3339"], withArg: ["-d", "--date", "-r", "--reference"], clusters: false },
    hostname: { flags: ["-f", "-s", "-i", "-I", "-d", "--fqdn", "--short"], noOperands: true },
    lsblk: { flags: ["-f", "-l", "-n", "-b", "-a"], withArg: ["-o"], clusters: true },
    findmnt: { flags: ["-n", "-l", "-T", "-v"], withArg: ["-o", "-T", "--target"], clusters: true },
    mountpoint: { flags: ["-q", "-d"] },
    getfacl: { flags: ["-p", "-R", "-n"] },
    sort: { flags: ["-u", "-n", "-r", "-k", "-t", "-z", "-s", "-h", "-V", "-b", "-f", "-c", "-C", "-g", "-M"], withArg: ["-k", "-t", "--key", "--field-separator"], clusters: true },
    jq: { flags: ["-r", "-c", "-e", "-S", "-M", "-j", "-n", "--raw-output", "--compact-output", "--exit-status"], withArg: ["--arg"] },
    xxd: { flags: ["-p", "-l"] },
    od: { flags: ["-c", "-x", "-A", "-t", "-An"], withArg: ["-N", "-j", "-t", "-A"] },
    strings: { flags: ["-a"], withArg: ["-n"] },
    lsof: { flags: ["-n", "-P", "-i"], withArg: ["-p", "+D"] },
    runlevel: { noOperands: true },
    dmesg: { flags: ["-T", "-H", "-k", "-x", "-L", "--ctime", "-t", "--human", "--nopager", "-P", "--notime", "-u", "-w", "-W"], withArg: ["-l", "--level", "-f", "--facility", "--since", "--until"], clusters: true, noOperands: true },
    lscpu: { flags: ["-e", "-p", "-J"] },
    lsmod: { noOperands: true },
    vmstat: { flags: ["-s", "-d", "-a", "-w"], clusters: true },
    iostat: { flags: ["-x", "-d", "-c", "-k", "-m", "-h"], clusters: true },
    netstat: { flags: ["-t", "-u", "-l", "-n", "-p", "-a", "-r", "-i", "-s", "-e", "-4", "-6", "-x"], clusters: true, noOperands: true },

    loginctl: {},
    last: {},
    w: {},
    who: {},
    groups: {},
    locale: {},
    tput: {},
    printenv: {},
    type: {},
};

const WRAPPERS = new Set(["sudo", "doas", "nohup", "timeout", "nice", "ionice", "stdbuf", "setsid", "chroot", "flock", "xargs", "watch", "time", "strace", "runuser", "setpriv", "env", "busybox", "toybox", "chpst", "nsenter", "unshare"]);

/** Code given to an interpreter that names Mode.LIVE or the switch: say so too. */
function agentHints(c: Call): void {
    const code = [...c.args.map((a) => a.s ?? ""), ...(c.stdin?.kind === "heredoc" ? c.stdin.body.map((v) => text(v)) : [])].join("\n");
    if (/Mode\.LIVE|["']live["']|--mode[ =]live/i.test(code)) {
        bad(c, "no-production-mutation", "the code runs the orchestrator in Mode.LIVE", "only --mode dryrun, through the agent CLI");
    }
    if (/execution[_-]?enabled\s*=(?!=)/i.test(code)) {
        bad(c, "kill-switch-stays-off", "the code assigns execution_enabled", "never set the kill switch");
    }
}

/** Programs whose arguments are all data: they print, compare or do nothing. */
const DATA_ARGS = new Set(["echo", "printf", "test", "[", ":", "true", "false", "getent", "type", "which", "printenv", "locale", "groups", "who", "w", "last", "loginctl", "tput"]);

/** Names that are checked by their own specs below, or refused with a named reason. */
const DENY_REASON: Record<string, [PolicyName, string, string]> = {};
function deny(names: string[], policy: PolicyName, why: string, instead: string): void {
    for (const n of names) {
        DENY_REASON[n] = [policy, why, instead];
    }
}
deny(["eval", "source", ".", "alias", "unalias", "enable", "hash", "builtin", "compgen", "complete", "caller", "coproc", "fc", "history", "mapfile", "readarray", "bind", "let", "declare", "typeset", "unset", "shopt", "ulimit", "disown", "suspend", "kill-9"],
    "commands-are-readable", "runs or changes code the pack cannot read", "write the commands out in the script");
deny(["sudo", "doas", "su", "runuser", "setpriv", "nohup", "timeout", "nice", "ionice", "stdbuf", "setsid", "chroot", "nsenter", "unshare", "xargs", "parallel", "watch", "time", "strace", "ltrace", "gdb", "script", "expect", "chpst", "daemonize", "start-stop-daemon", "capsh", "firejail", "bwrap", "systemd-nspawn", "machinectl", "busybox", "toybox"],
    "commands-are-readable", "runs another command the pack would have to trust blindly", "run the command directly, as the login user");
deny(["perl", "ruby", "node", "nodejs", "php", "lua", "tclsh", "wish", "awk", "gawk", "mawk", "nawk", "python", "python2", "pypy", "pypy3", "R", "Rscript", "julia", "deno", "bun", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "ed", "ex", "vi", "vim", "nvim", "emacs", "nano", "m4", "make", "gcc", "cc", "go", "java", "groovy", "jshell", "osascript", "pwsh", "bc", "dc"],
    "commands-are-readable", "an interpreter or editor runs code or edits files in ways the pack cannot read", "use the pinned helpers (policies/pinned/pins.json) or plain commands from the vocabulary");
deny(["at", "atq", "batch", "crontab", "systemd-run", "systemd-cat", "anacron", "busctl", "dbus-send", "gdbus", "qdbus", "dbus-launch", "systemd-notify", "logger", "wall", "write"],
    "commands-are-readable", "schedules or sends work to another process (scheduler, D-Bus)", "run the command in the script itself");
deny(["reboot", "shutdown", "halt", "poweroff", "telinit", "init", "pkill", "killall", "killall5", "skill", "snice", "runsv", "sv", "rc-service", "update-rc.d", "invoke-rc.d", "chkconfig", "podman", "nerdctl", "ctr", "crictl", "kubectl", "runc", "docker-compose", "compose", "lxc", "virsh", "nginx", "apachectl", "systemd-analyze"],
    "no-service-restart", "restarts, stops, recreates or signals services or containers", "O6/O7 never restart anything; the deploy is code only");
deny(["git-push", "git-send-pack", "git-receive-pack", "git-upload-pack", "git-remote", "gh", "hub", "glab", "ssh", "scp", "sftp", "rsync", "wget", "nc", "ncat", "netcat", "socat", "telnet", "ftp", "tftp", "lftp", "aws", "gsutil", "rclone", "s3cmd"],
    "no-push-or-remote", "sends data off the host or opens a connection", "O6/O7 never push and never create a remote");
deny(["openssl", "age", "ssh-keygen", "certbot", "step", "cfssl", "vault", "gpg2", "gpgconf", "gpg-agent", "kms", "pkcs11-tool", "softhsm2-util"],
    "no-real-crypto", "uses real cryptography or key material", "StubSigning stays; real crypto is O10");
deny(["pg_restore", "createdb", "dropdb", "createuser", "dropuser", "pg_ctl", "pg_ctlcluster", "pg_upgrade", "mysql", "mariadb", "sqlite3", "redis-cli", "mongo", "mongosh", "cutter", "iu-cutter"],
    "no-production-mutation", "can write to a database or run the agent outside the reviewed dry-run form", "use psql in the read-only form, or the agent CLI with --mode dryrun");
deny(["dd", "truncate", "shred", "sed-i", "patch", "rename", "mkfifo", "mknod", "mount", "umount", "losetup", "swapon", "chattr", "setfacl", "sync", "mkfs", "fdisk", "parted", "useradd", "usermod", "userdel", "groupadd", "passwd", "chpasswd", "visudo", "iptables", "nft", "ufw", "sysctl", "modprobe", "insmod", "apt", "apt-get", "dpkg", "pip", "pip3", "npm", "yarn", "unzip", "zip", "gzip", "gunzip", "zcat", "bzip2", "xz", "unxz", "zstd", "base64", "base32", "uudecode", "rev", "pushd", "popd", "cpio", "pax", "ar", "split", "csplit", "install-info", "ldconfig", "update-alternatives", "pv"],
    "commands-are-readable", "is outside the reviewed vocabulary", "use a program from the vocabulary (policies/MODEL.md)");

// ---------------------------------------------------------------------------

/** A program whose every argument is data: it reads, never writes or runs anything. */
const ACCEPT: Spec = () => undefined;

const SPECS: Record<string, Spec> = {
    // Patterns and file names are data; grep never writes or runs anything.
    grep: ACCEPT,
    egrep(c) { SPECS.grep(c); },
    fgrep(c) { SPECS.grep(c); },
    zgrep(c) { SPECS.grep(c); },
    find(c) {
        const forbidden = ["-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf", "-fls"];
        for (const a of c.args) {
            if (forbidden.includes(a.t)) {
                bad(c, a.t === "-delete" ? "writes-in-allowed-roots" : "commands-are-readable", `${a.t} runs or deletes from find`,
                    "list with find -print, then act on the listed paths with vocabulary commands");
            }
            if (a.t.startsWith(DYN)) {
                bad(c, "commands-are-readable", `an argument built at run time (${show1(a)}) could be an action like -delete`, "write find's arguments literally");
            }
        }
    },
    sed(c) {
        const p = parse(c, { flags: ["-n", "-E", "-r", "-z", "-s", "-u", "--quiet", "--silent", "--posix", "--debug", "--sandbox"], withArg: ["-e", "--expression", "-l"] });
        if (c.args.some((a) => /^(-i|--in-place)/.test(a.t) || /^-[a-zA-Z]*i/.test(a.t))) {
            bad(c, "kill-switch-stays-off", "edits a file in place", "write the whole new file (a quoted heredoc into a temp file, then mv), so its content is checked");
            return;
        }
        const scripts = p.opts.filter((o) => o.name === "-e" || o.name === "--expression").map((o) => o.value);
        const operands = [...p.operands];
        if (scripts.length === 0 && operands.length > 0) {
            scripts.push(operands.shift());
        }
        for (const s of scripts) {
            if (!s || s.s === undefined) {
                bad(c, "commands-are-readable", "a sed script built at run time", "write the sed script literally");
                continue;
            }
            const problem = sedScriptProblem(s.s);
            if (problem) {
                bad(c, problem.includes("execution") ? "kill-switch-stays-off" : problem.includes("signing") ? "no-real-crypto" : "commands-are-readable", problem,
                    "use sed only to print or substitute (s///, p, q, d); write files whole");
            }
        }
    },
    systemctl(c) {
        const p = parse(c, { flags: ["--no-pager", "--plain", "-a", "--all", "--failed", "-l", "--full", "-q", "--quiet", "--value", "--no-legend", "--user", "--system", "--now-never"], withArg: ["-p", "--property", "-t", "--type", "--state", "-n", "--lines", "-o", "--output"] }, c.args, "no-service-restart");
        const verb = p.operands[0]?.s ?? "";
        const READ = ["status", "is-active", "is-enabled", "is-failed", "show", "cat", "help", "list-units", "list-unit-files", "list-sockets", "list-timers", "list-jobs", "list-dependencies", "list-machines", "list-paths", "list-automounts", "show-environment", "get-default", "is-system-running"];
        if (!READ.includes(verb)) {
            bad(c, "no-service-restart", `systemctl ${verb || "(no verb)"} changes services`, "only read: systemctl status|is-active|show|list-*");
        }
        noDynamicOptions(c, p);
    },
    service(c) {
        if (!(c.args.length === 2 && c.args[1].s === "status") && !(c.args.length === 1 && c.args[0].s === "--status-all")) {
            bad(c, "no-service-restart", "service changes services", "only read: service NAME status");
        }
    },
    supervisorctl(c) {
        if (!["status", "avail", "version", "pid"].includes(c.args[0]?.s ?? "")) {
            bad(c, "no-service-restart", "supervisorctl changes processes", "only read: supervisorctl status");
        }
    },
    journalctl(c) {
        for (const a of c.args) {
            if (/^--(rotate|vacuum|flush|sync|relinquish-var|smart-relinquish-var|setup-keys|update-catalog)/.test(a.t)) {
                bad(c, "no-service-restart", `${a.t} changes the journal`, "only read the journal");
            }
        }
    },
    kill(c) {
        const a = c.args.map((x) => x.t);
        const probe = (a[0] === "-0" || (a[0] === "-s" && a[1] === "0") || (a[0] === "-n" && a[1] === "0"));
        const list = a[0] === "-l" || a[0] === "-L";
        if (!probe && !list) {
            bad(c, "no-service-restart", "kill sends a signal", "only probe: kill -0 PID");
        }
    },
    docker(c) {
        const verb = c.args[0]?.s ?? "";
        if (["ps", "inspect", "logs", "images", "version", "info", "top", "port", "events"].includes(verb)) {
            if (c.args.some((a) => a.t.startsWith("-H") || a.t === "--host" || a.t === "--context" || a.t === "-c")) {
                bad(c, "no-service-restart", "docker against another daemon", "read the local daemon only");
            }
            return;
        }
        if (verb === "container" && ["ls", "inspect", "logs", "top", "port"].includes(c.args[1]?.s ?? "")) {
            return;
        }
        if (verb === "exec") {
            dockerExecPsql(c);
            return;
        }
        if (verb === "compose") {
            let k = 1;
            while (k < c.args.length && ["-f", "--file", "-p", "--project-name", "--project-directory", "--env-file"].includes(c.args[k].t)) { k += 2; }
            if (["ps", "config", "logs", "images", "ls", "version", "top"].includes(c.args[k]?.s ?? "")) {
                return;
            }
            bad(c, "no-service-restart", `docker compose ${c.args[k]?.s ?? ""} changes containers`, "only read: docker compose ps|config|logs");
            return;
        }
        bad(c, "no-service-restart", `docker ${verb || "(no command)"} changes containers`, "only read: docker ps|inspect|logs, or docker exec -i CONTAINER psql in the read-only form");
    },
    git(c) { gitSpec(c); },
    psql(c) { psqlSpec(c, c.args); },
    python3(c) { pythonSpec(c); },
    bash(c) { shellSpec(c); },
    sh(c) { shellSpec(c); },
    dash(c) { shellSpec(c); },
    gpg(c) {
        const p = parse(c, { flags: ["--batch", "--with-colons", "--no-tty", "--quiet", "-q", "--with-fingerprint", "--fixed-list-mode", "--list-keys", "-k", "--list-public-keys", "--list-secret-keys", "-K", "--fingerprint", "--list-sigs", "--check-sigs"] }, c.args, "no-real-crypto");
        if (p.ok && !has(p, "--list-keys", "-k", "--list-public-keys", "--list-secret-keys", "-K", "--fingerprint", "--list-sigs", "--check-sigs")) {
            bad(c, "no-real-crypto", "gpg without a listing command", "only list keys: gpg --batch --with-colons --list-keys FPR");
        }
    },
    cd(c) {
        if (c.args.length !== 1) {
            bad(c, "commands-are-readable", "cd with options or without a directory", "cd /literal/dir");
            return;
        }
        c.ctx.cwd = c.args[0].s !== undefined && c.args[0].s.startsWith("/") ? c.args[0].s.replace(/\/+$/, "") : undefined;
    },
    read(c) {
        parse(c, { flags: ["-r", "-s"], withArg: ["-t", "-p"] });
        if (!c.args.some((a) => a.t === "-r")) {
            bad(c, "commands-are-readable", "read without -r (backslashes would be interpreted)", "read -r NAME");
        }
    },
    set(c) {
        for (const a of c.args) {
            const t = a.t;
            if (/^[-+][euxvET]+$/.test(t) && !/a/.test(t)) { continue; }
            if (["pipefail", "errexit", "nounset", "xtrace", "-o", "+o"].includes(t)) { continue; }
            if (/^-[eux]*o$/.test(t)) { continue; }
            bad(c, "commands-are-readable", `set ${t}`, "only set -e/-u/-x/-o pipefail (never -a/allexport)");
        }
    },
    trap(c) {
        const action = c.args[0];
        if (!action || action.s === undefined) {
            bad(c, "commands-are-readable", "trap with an action built at run time", "trap '' SIGNALS");
            return;
        }
        if (action.s !== "" && action.s !== "-") {
            const before = c.ctx.resolvedWrites.length;
            c.ctx.runNested(action.s, "trap action");
            if (c.args.slice(1).some((a) => a.s === "EXIT" || a.s === "0")) {
                c.ctx.resolvedWrites.slice(before).forEach((p) => c.ctx.exitTrapRemoves.add(p));
            }
        }
    },
    mktemp(c) {
        // One form: a fresh file from a literal template (no -u: a name only, no -d, no --tmpdir).
        const t = c.args.length === 1 ? c.args[0].s : undefined;
        if (t === undefined || !MKTEMP_TEMPLATE.test(t)) {
            bad(c, "writes-in-allowed-roots", `mktemp ${c.args.map(show1).join(" ")}: only mktemp /tmp/iucutter-NAME.XXXXXXXXXX (one literal template, no options)`,
                "pgpass=\"$(mktemp /tmp/iucutter-pgpass.XXXXXXXXXX)\", with the template in the resource's writes");
            return;
        }
        c.ctx.mktemps.add(t);
        write(c, c.args[0], "mktemp");
    },
    command(c) {
        if (!(c.args.length === 2 && (c.args[0].t === "-v" || c.args[0].t === "-V"))) {
            bad(c, "commands-are-readable", "command runs a program bypassing functions", "run the program directly (command -v NAME only looks it up)");
        }
    },
    hostnamectl(c) {
        if (!(c.args.length === 0 || (c.args.length === 1 && c.args[0].t === "status"))) {
            bad(c, "writes-in-allowed-roots", "hostnamectl changes the host name", "only hostnamectl status");
        }
    },
    timedatectl(c) {
        if (!(c.args.length === 0 || ["status", "show", "timesync-status", "show-timesync", "list-timezones"].includes(c.args[0]?.t ?? ""))) {
            bad(c, "writes-in-allowed-roots", "timedatectl changes the clock or time zone", "only timedatectl status");
        }
    },
    ip(c) {
        const words = c.args.map((a) => a.t).filter((t) => !/^-(4|6|br|brief|s|stats|d|details|j|json|p|pretty|c|color|o|oneline)$/.test(t));
        const obj = words[0] ?? "";
        const verb = words[1] ?? "show";
        if (!["addr", "a", "address", "link", "l", "route", "r", "neigh", "n", "rule", "netns", "maddr", "monitor"].includes(obj) || !["show", "list", "ls", "get", "lst"].includes(verb)) {
            bad(c, "writes-in-allowed-roots", `ip ${obj} ${verb} changes the network`, "only ip addr|link|route show");
        }
    },
    curl(c) {
        // A read-only GET to a local health endpoint; anything that sends data or writes a file is refused.
        const flags = c.args.filter((a) => a.t.startsWith("-"));
        const okFlag = (t: string) => /^-[fsSIiLkv]+$/.test(t) || ["--fail", "--silent", "--show-error", "--head", "--include", "--location", "--max-time", "--connect-timeout", "-m", "-w", "--write-out", "--retry", "-o"].includes(t) || /^--(max-time|connect-timeout|write-out|retry)=/.test(t);
        let ok = flags.every((f) => okFlag(f.t));
        for (let i = 0; i < c.args.length; i++) {
            if (c.args[i].t === "-o" && c.args[i + 1]?.s !== "/dev/null") { ok = false; }
        }
        const valueOpts = new Set(["-m", "--max-time", "--connect-timeout", "-w", "--write-out", "--retry", "-o"]);
        const operands = c.args.filter((a, i) => !a.t.startsWith("-") && !(i > 0 && valueOpts.has(c.args[i - 1].t)));
        if (!ok || operands.length !== 1 || !/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/.test(operands[0].s ?? "")) {
            bad(c, "no-push-or-remote", "curl sends data or reaches beyond a local health check", "only a plain GET of a local URL: curl -fsS http://127.0.0.1:PORT/health");
        }
    },
    exec(c) {
        if (c.args.length > 0) {
            bad(c, "commands-are-readable", "exec replaces the shell with another command", "run the command directly; use exec only for redirections");
        }
    },
    break: ACCEPT, continue: ACCEPT, exit: ACCEPT, return: ACCEPT, shift: ACCEPT, wait: ACCEPT, local: ACCEPT,
    umask(c) {
        if (c.args.length !== 1 || !/^0?[0-7]{3}$/.test(c.args[0].s ?? "")) {
            bad(c, "commands-are-readable", "umask with a value that is not a literal octal mode", "umask 077");
        }
    },
    // ---- writing programs ---------------------------------------------------
    install(c) {
        const p = parse(c, { flags: ["-d", "-D", "-p", "-v", "-c", "-C", "-T"], withArg: ["-m", "--mode", "-o", "--owner", "-g", "--group", "-t"] });
        modeOk(c, valueOf(p, "-m", "--mode"));
        if (has(p, "-d")) {
            p.operands.forEach((a) => write(c, a, "install -d"));
        } else {
            const t = valueOf(p, "-t");
            if (t) { write(c, t, "install -t"); } else { write(c, p.operands[p.operands.length - 1], "install"); }
        }
    },
    // Only the lock-a-descriptor form (`exec 9>>FILE; flock -n -x 9`): it runs
    // nothing; the wrapper forms (`flock FILE CMD`, `-c CMD`) are refused.
    flock(c) {
        const ok = c.args.length >= 1 && c.args.length <= 3
            && /^[0-9]$/.test(c.args[c.args.length - 1].s ?? "")
            && c.args.slice(0, -1).every((a) => ["-n", "--nonblock", "-x", "--exclusive", "-s", "--shared", "-u", "--unlock"].includes(a.s ?? ""));
        if (!ok) {
            bad(c, "commands-are-readable", "flock runs another command the pack would have to trust blindly", "only lock an open descriptor: exec 9>>FILE; flock -n -x 9");
            // Also name what the wrapped command would do (flock [OPTS] FILE CMD ARGS).
            let i = 0;
            while (i < c.args.length && c.args[i].t.startsWith("-")) { i += ["-w", "--timeout", "-E", "--conflict-exit-code"].includes(c.args[i].t) ? 2 : 1; }
            const inner = c.args[i + 1]?.s;
            if (inner && !inner.includes(DYN) && !["-c", "--command"].includes(c.args[i]?.t ?? "")) {
                checkProgram({ ...c, name: inner.includes("/") ? path.posix.basename(inner) : inner, args: c.args.slice(i + 2) });
            }
        }
    },
    mkdir(c) {
        const p = parse(c, { flags: ["-p", "-v", "--parents"], withArg: ["-m", "--mode"], clusters: true });
        modeOk(c, valueOf(p, "-m", "--mode"));
        p.operands.forEach((a) => write(c, a, "mkdir"));
    },
    rmdir(c) {
        const p = parse(c, { flags: ["-p", "-v", "--ignore-fail-on-non-empty", "--parents"] });
        p.operands.forEach((a) => write(c, a, "rmdir"));
    },
    rm(c) {
        const p = parse(c, { flags: ["-r", "-R", "--recursive", "-d", "--dir", "-v", "--one-file-system", "--preserve-root"], clusters: true });
        p.operands.forEach((a) => write(c, a, "rm"));
    },
    mv(c) {
        const p = parse(c, { flags: ["-T", "-n", "-v", "--no-clobber", "--no-target-directory"], withArg: ["-t", "--target-directory"], clusters: true });
        p.operands.forEach((a) => write(c, a, "mv"));
        const t = valueOf(p, "-t", "--target-directory");
        if (t) { write(c, t, "mv -t"); }
    },
    cp(c) {
        const p = parse(c, { flags: ["-a", "-p", "-r", "-R", "-T", "-P", "-d", "-v", "-n", "--archive", "--no-clobber", "--sparse=auto", "-x", "--reflink=auto", "--no-target-directory"], withArg: ["--preserve", "-t", "--target-directory"], clusters: true });
        // -l/-s (links) are refused by the option parser: they are not accepted flags.
        const t = valueOf(p, "-t", "--target-directory");
        if (t) { write(c, t, "cp -t"); } else { write(c, p.operands[p.operands.length - 1], "cp"); }
    },
    ln(c) {
        const p = parse(c, { flags: ["-s", "-T", "-n", "-v", "--symbolic", "-r", "--relative"], clusters: true });
        const [target, link] = p.operands;
        if (!has(p, "-s", "--symbolic")) {
            bad(c, "writes-in-allowed-roots", "a hard link", "ship or copy the file instead of linking it");
            return;
        }
        const linkPaths = write(c, link, "ln -s");
        if (!target || target.s === undefined) {
            bad(c, "writes-in-allowed-roots", "a symlink to a target built at run time", "link to a literal target inside the roots");
            return;
        }
        for (const lp of linkPaths) {
            const resolved = target.s.startsWith("/") ? path.posix.normalize(target.s) : path.posix.normalize(path.posix.join(path.posix.dirname(lp), target.s));
            if (!within(resolved, c.ctx.env.roots)) {
                bad(c, "writes-in-allowed-roots", `a symlink ${lp} -> ${target.s} that points outside the allowed roots`, "never link out of the roots");
            }
        }
    },
    chmod(c) {
        const p = parse(c, { flags: ["-R", "-v", "-c", "--recursive"], clusters: true });
        const [mode, ...files] = p.operands;
        modeOk(c, mode);
        files.forEach((a) => write(c, a, "chmod"));
    },
    chown(c) {
        const p = parse(c, { flags: ["-R", "-v", "-c", "-h", "--recursive"], clusters: true });
        const [, ...files] = p.operands;
        files.forEach((a) => write(c, a, "chown"));
    },
    chgrp(c) { SPECS.chown(c); },
    touch(c) {
        const p = parse(c, { flags: ["-c", "-m", "-a", "-h"], withArg: ["-d", "-t", "-r", "--date"], clusters: true });
        p.operands.forEach((a) => write(c, a, "touch"));
    },
    tee(c) {
        const p = parse(c, { flags: ["-a", "--append", "-i", "-p"], clusters: true });
        const files = p.operands.flatMap((a) => write(c, a, "tee"));
        if (c.stdin?.kind === "pipe") {
            c.ctx.contentTo(files, c.stdin.producer);
        } else if (c.stdin?.kind === "heredoc") {
            c.ctx.contentTo(files, { kind: "text", vals: c.stdin.body });
        } else if (c.stdin === undefined && c.ctx.env.stdinData === "secret") {
            c.ctx.contentTo(files, SECRET_STDIN);
        }
    },
    tar(c) { tarSpec(c); },
};

function modeOk(c: Call, a: Arg | undefined): void {
    if (!a) {
        return;
    }
    if (a.s === undefined) {
        bad(c, "commands-are-readable", "a mode built at run time", "write the mode literally, e.g. 0640");
        return;
    }
    if (/^[1-7][0-7]{3}$/.test(a.s) || /[st]/.test(a.s.replace(/^[0-7]+$/, ""))) {
        bad(c, "commands-are-readable", `mode ${a.s} sets setuid, setgid or sticky bits`, "use a plain mode like 0640 or 0750");
    }
}

/** sed scripts the pack accepts: s/// (flags g p I digits), Np, /re/p, q, d, and $ / line addresses. */
export function sedScriptProblem(script: string): string | undefined {
    for (const raw of script.split(/\n|;/)) {
        const cmd = raw.trim();
        if (cmd === "") {
            continue;
        }
        const m = /^(?:(\d+|\$)(?:,(\d+|\$))?|\/(?:[^/\\]|\\.)*\/)?\s*(.)(.*)$/.exec(cmd);
        if (!m) {
            return `the sed command ${cmd.slice(0, 30)} is not one the pack reads`;
        }
        const op = m[3];
        const rest = m[4];
        if (op === "s") {
            const d = rest[0];
            if (!d || /[\s\\\n]/.test(d)) {
                return "an s command without a plain delimiter";
            }
            const parts: string[] = [];
            let cur = "";
            for (let i = 1; i < rest.length; i++) {
                if (rest[i] === "\\") { cur += rest[i] + (rest[i + 1] ?? ""); i++; continue; }
                if (rest[i] === d && parts.length < 2) { parts.push(cur); cur = ""; continue; }
                cur += rest[i];
            }
            if (parts.length < 2) {
                return "an unterminated s command";
            }
            const flags = cur;
            if (!/^[gpI0-9]*$/.test(flags)) {
                return `s///${flags}: the e and w flags run commands or write files`;
            }
            if (/execution[_-]?enabled|true|false/i.test(parts[0] + parts[1]) && /true|1|yes|on/i.test(parts[1])) {
                return "a substitution that could turn the kill switch on (execution_enabled)";
            }
            if (switchAssignments(parts[1]).length > 0) {
                return "a substitution that writes execution_enabled";
            }
            if (/signing/i.test(parts[0] + parts[1]) && (realCryptoAssignments(parts[1]).length > 0 || !/StubSigning/.test(parts[1]))) {
                return "a substitution that changes the signing provider (real crypto)";
            }
            continue;
        }
        if (["p", "q", "d", "="].includes(op) && rest.trim() === "") {
            continue;
        }
        return `the sed command ${op} (only s///, p, q, d are accepted; e/w/r run commands or touch files)`;
    }
    return undefined;
}

// ---------------------------------------------------------------------------
// git

const GIT_READ = new Set(["status", "log", "rev-parse", "ls-files", "diff", "show", "cat-file", "describe", "rev-list", "for-each-ref", "show-ref", "ls-tree", "blame", "shortlog", "grep", "name-rev", "merge-base", "count-objects", "fsck", "verify-commit", "verify-tag", "check-ignore", "var", "version", "whatchanged", "reflog"]);

function gitSpec(c: Call): void {
    let i = 0;
    let dir: Arg | undefined;
    const a = c.args;
    while (i < a.length && a[i].t.startsWith("-")) {
        const t = a[i].t;
        if (t === "-C") { dir = a[i + 1]; i += 2; continue; }
        if (t === "--no-optional-locks" || t === "--no-pager" || t === "-P" || t === "--literal-pathspecs") { i++; continue; }
        if ((t === "--version" || t === "--help") && i === a.length - 1) { return; }
        if (t === "-c") {
            const kv = a[i + 1]?.s;
            // core.bigFileThreshold only chooses how blobs are stored (one pack instead of loose objects);
            // core.checkStat=minimal and core.trustctime=false only which stat fields say a file is unchanged.
            if (kv === undefined || !/^(user\.name|user\.email)=[^\n]*$|^core\.hooksPath=\/dev\/null$|^core\.bigFileThreshold=[0-9]+[kmg]?$|^core\.checkStat=minimal$|^core\.trustctime=false$/.test(kv)) {
                bad(c, "no-push-or-remote", `git -c ${kv ?? "(run-time value)"}: configuration can add remotes, aliases, hooks or commands`,
                    "only -c user.name=..., -c user.email=..., -c core.hooksPath=/dev/null, -c core.bigFileThreshold=N, -c core.checkStat=minimal and -c core.trustctime=false");
            }
            i += 2;
            continue;
        }
        bad(c, "no-push-or-remote", `git option ${t} (config, paths or exec path overrides)`, "only git -C DIR, -c user.name/user.email, --no-optional-locks");
        return;
    }
    const sub = a[i]?.s ?? "";
    const rest = a.slice(i + 1);
    if (a[i] && a[i].s === undefined) {
        bad(c, "commands-are-readable", "a git subcommand built at run time", "write the subcommand literally");
        return;
    }
    const cwd = dir?.s ?? c.ctx.env.cwd;
    const gitDir = cwd ? path.posix.join(cwd, ".git") : undefined;
    const meta = (how: string) => {
        if (!gitDir || !cwd!.startsWith("/")) {
            bad(c, "writes-in-allowed-roots", "a git write in a repository given at run time", "use git -C /literal/repo");
            return;
        }
        c.ctx.checkWritePath(gitDir, gitDir, how, true);
    };
    if (["push", "send-pack", "subtree", "remote-ext", "remote-fd", "request-pull", "fetch", "pull", "clone", "submodule", "archive-remote", "bundle", "daemon", "http-backend", "p4", "svn", "cvsimport", "credential", "imap-send", "send-email"].includes(sub)) {
        bad(c, "no-push-or-remote", `git ${sub} talks to other repositories`, "O6/O7 never push, fetch or add remotes");
        return;
    }
    if (sub === "remote") {
        const verb = rest[0]?.t;
        if (!(rest.length === 0 || (rest.length === 1 && (verb === "-v" || verb === "--verbose")) || (verb === "get-url" || verb === "show"))) {
            bad(c, "no-push-or-remote", `git remote ${verb} changes remotes`, "only list remotes: git remote, git remote -v");
        }
        return;
    }
    if (sub === "config") {
        const ok = rest.length >= 1 && ["--get", "--get-all", "--list", "-l", "--get-regexp", "--show-origin"].includes(rest[0].t)
            && rest.every((x) => x.s !== undefined && !["--add", "--replace-all", "--unset", "--unset-all", "--file", "-f", "--global", "--system", "--edit", "-e"].includes(x.t));
        if (!ok) {
            bad(c, "no-push-or-remote", "git config writes configuration (remotes, include.path, hooks)", "only read: git config --get KEY");
        }
        return;
    }
    if (GIT_READ.has(sub)) {
        // Options of the read subcommands that write a file or run a program (every diff-producing one takes --output).
        const writing = rest.find((x) => x.t.startsWith("--output") || (sub === "fsck" && x.t === "--lost-found"));
        if (writing) {
            bad(c, "writes-in-allowed-roots", `git ${sub} ${writing.t.split("=")[0]} writes a file`, "print what git reads");
        }
        if (sub === "grep" && rest.some((x) => x.t.startsWith("-O") || x.t.startsWith("--open-files-in-pager"))) {
            bad(c, "commands-are-readable", "git grep -O/--open-files-in-pager runs a program on the matches", "print the matches");
        }
        if (sub === "reflog" && rest[0] && ["expire", "delete"].includes(rest[0].t)) {
            bad(c, "writes-in-allowed-roots", "git reflog expire/delete rewrites history", "only read the reflog");
        }
        return;
    }
    if (sub === "tag") {
        if (rest.length === 0 || ["-l", "--list", "-n", "--contains", "--points-at"].includes(rest[0].t)) {
            return;
        }
        const p = parse({ ...c, name: "git" }, { flags: ["-a", "--annotate", "-q"], withArg: ["-m", "-F", "--file", "--message"] }, rest);
        if (!has(p, "-a", "--annotate")) {
            bad(c, "no-push-or-remote", "git tag without -a (only annotated local tags are created)", "git tag -a NAME COMMIT -F -");
        }
        if (!p.operands.every((x) => x.s !== undefined)) {
            bad(c, "commands-are-readable", "a tag name or commit built at run time", "write the tag and commit literally");
        }
        if (c.ctx.env.where === "local" && p.operands[0]?.s && gitDir) {
            c.ctx.checkWritePath(path.posix.join(gitDir, "refs", "tags", p.operands[0].s), `${gitDir}/refs/tags/${p.operands[0].s}`, "git tag", true);
        } else {
            meta("git tag");
        }
        return;
    }
    if (sub === "add") {
        parse({ ...c, name: "git" }, { flags: ["-A", "--all", "-u", "-N", "--intent-to-add", "-q", "-v"] }, rest);
        meta("git add");
        return;
    }
    if (sub === "commit") {
        parse({ ...c, name: "git" }, { flags: ["-q", "--quiet", "--no-verify", "-n", "--allow-empty", "--no-edit"], withArg: ["-F", "--file", "-m", "--message"] }, rest);
        meta("git commit");
        return;
    }
    if (sub === "reset") {
        parse({ ...c, name: "git" }, { flags: ["-q", "--quiet", "--soft", "--mixed"] }, rest);
        meta("git reset");
        return;
    }
    bad(c, "no-push-or-remote", `git ${sub} is not in the vocabulary`, "read with status/log/rev-parse/diff; write only with add/commit/reset --soft/tag -a");
}

// ---------------------------------------------------------------------------
// tar

function tarSpec(c: Call): void {
    const args = [...c.args];
    if (args[0] && !args[0].t.startsWith("-") && /^[A-Za-z]+$/.test(args[0].t)) {
        args[0] = { ...args[0], t: "-" + args[0].t, s: "-" + args[0].t }; // old-style "tar czf"
    }
    const p = parse({ ...c, args }, {
        flags: ["-x", "-t", "-c", "-z", "-v", "-p", "-k", "--extract", "--list", "--create", "--gzip", "--no-same-owner", "--no-same-permissions", "--numeric-owner", "--keep-old-files", "--skip-old-files", "--warning=no-timestamp", "-m", "--touch", "--sort=name", "--no-recursion", "--one-file-system"],
        withArg: ["-f", "--file", "-C", "--directory", "--exclude", "--owner", "--group", "--mode", "--mtime", "--format"],
        clusters: true,
    }, args, "commands-are-readable");
    if (!p.ok) {
        return;
    }
    const file = valueOf(p, "-f", "--file");
    if (has(p, "-x", "--extract")) {
        const dir = valueOf(p, "-C", "--directory");
        if (!dir) {
            bad(c, "writes-in-allowed-roots", "tar -x without -C DIR extracts into the current directory", "tar -x -f - -C /literal/dir");
            return;
        }
        write(c, dir, "tar -x");
        if (!file || file.s !== "-" || c.stdin !== undefined || c.ctx.env.stdinData !== "archive") {
            // Only the resource's stdinFile is an archive the pack read member by member; a secret, a pipe or a file is not.
            bad(c, "kill-switch-stays-off", "tar -x of an archive the pack cannot read at preview", "stream the archive as the resource's stdinFile (-f -), so the pack reads every member");
        }
        return;
    }
    if (has(p, "-c", "--create")) {
        if (!file) {
            bad(c, "commands-are-readable", "tar -c without -f", "tar -c -f /literal/file.tar DIR");
            return;
        }
        write(c, file, "tar -c");
        return;
    }
    if (!has(p, "-t", "--list")) {
        bad(c, "commands-are-readable", "tar without -x, -c or -t", "say what tar does: -t lists, -c creates, -x extracts");
    }
}

// ---------------------------------------------------------------------------
// psql

const PSQL_ROLE = "context_pack_readonly";

function psqlSpec(c: Call, args: Arg[]): void {
    if (args.length === 1 && (args[0].t === "--version" || args[0].t === "-V")) {
        return;
    }
    const flags = new Set(["-X", "--no-psqlrc", "-q", "--quiet", "-A", "--no-align", "-t", "--tuples-only", "-w", "--no-password"]);
    const withArg = new Set(["-v", "--set", "--variable", "-h", "--host", "-p", "--port", "-U", "--username", "-d", "--dbname", "-F", "--field-separator", "-P", "--pset", "-c", "--command"]);
    let user: string | undefined;
    let db: string | undefined;
    const commands: string[] = [];
    for (let i = 0; i < args.length; i++) {
        let t = args[i].t;
        let v: Arg | undefined;
        const eq = t.startsWith("--") ? t.indexOf("=") : -1;
        if (eq > 0) {
            v = { alts: [], s: t.slice(eq + 1), t: t.slice(eq + 1) };
            t = t.slice(0, eq);
        }
        if (flags.has(t) && eq < 0) { continue; }
        if (withArg.has(t)) {
            if (!v) { v = args[i + 1]; i++; }
            if (!v) { bad(c, "no-production-mutation", `${t} without a value`); continue; }
            if (t === "-U" || t === "--username") { user = v.s; }
            if (t === "-d" || t === "--dbname") { db = v.s ?? DYN; }
            if (t === "-c" || t === "--command") {
                if (v.s === undefined) {
                    bad(c, "no-production-mutation", "psql -c with SQL built at run time", "write the SQL literally");
                } else {
                    commands.push(v.s);
                }
            }
            if ((t === "-v" || t === "--set" || t === "--variable")) {
                const kv = v.s ?? v.t;
                const name = (v.alts[0]?.[0]?.k === "lit" ? (v.alts[0][0] as { s: string }).s : kv).split("=")[0];
                if (!(name === "ON_ERROR_STOP" && /^ON_ERROR_STOP=(1|on)$/.test(kv)) && !/^[a-z_][a-z0-9_]*$/.test(name)) {
                    bad(c, "no-production-mutation", `psql -v ${name}: only ON_ERROR_STOP=1 and lowercase query variables`, "psql -v ON_ERROR_STOP=1 -v name=value");
                }
            } else if (v.s === undefined && (t === "-h" || t === "-p" || t === "--host" || t === "--port")) {
                bad(c, "no-production-mutation", `psql ${t} built at run time`, "write host and port literally");
            }
            continue;
        }
        bad(c, "no-production-mutation", `psql argument ${t.startsWith(DYN) ? show1(args[i]) : t} is outside the one reviewed form (no -f, flag clusters, URIs or conninfo strings)`,
            `psql -X -q -A -t -v ON_ERROR_STOP=1 -h HOST -p PORT -U ${PSQL_ROLE} -d DB <<'SQL' ... SQL`);
    }
    if (user !== PSQL_ROLE) {
        bad(c, "no-production-mutation", `psql as ${user ?? "(no -U: the login user)"}, not ${PSQL_ROLE}`, `psql ... -U ${PSQL_ROLE}`);
    }
    if (db !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(db)) {
        bad(c, "no-production-mutation", `psql -d ${db.replace(DYN, "(run-time value)")} is not a plain database name (connection strings can change the user)`, "psql -d DBNAME");
    }
    for (const k of Object.keys(c.env)) {
        if (/^PG/.test(k) && k !== "PGPASSFILE" && k !== "PGCONNECT_TIMEOUT") {
            bad(c, /PASSWORD/.test(k) ? "no-plaintext-secrets" : "no-production-mutation", `psql with ${k} set`,
                "set only PGPASSFILE, to a mktemp temp file the script wrote the password into from stdin");
        }
    }
    let sql: string;
    if (commands.length > 0) {
        if (c.stdin) {
            bad(c, "no-production-mutation", "psql with both -c and SQL on stdin (psql would ignore one of them)", "give the SQL one way: a quoted heredoc");
            return;
        }
        // psql runs each -c in turn; a meta-command -c is one meta-command.
        sql = commands.join("\n;\n");
    } else if (!c.stdin || c.stdin.kind !== "heredoc" || c.stdin.body.length !== 1 || !isStatic(c.stdin.body[0])) {
        bad(c, "no-production-mutation", "psql reads SQL the pack cannot read at preview (not a literal heredoc)", "give psql its SQL in a quoted heredoc: <<'SQL' ... SQL");
        return;
    } else {
        sql = text(c.stdin.body[0]);
    }
    for (const p of readOnlyBatchProblems(sql)) {
        bad(c, "no-production-mutation", p, "only read-only statements inside BEGIN READ ONLY ... ROLLBACK, as context_pack_readonly");
    }
}

function dockerExecPsql(c: Call): void {
    const a = c.args.slice(1);
    let i = 0;
    let interactive = false;
    while (i < a.length && a[i].t.startsWith("-")) {
        if (a[i].t === "-i" || a[i].t === "--interactive") { interactive = true; i++; continue; }
        bad(c, "no-service-restart", `docker exec option ${a[i].t}`, "docker exec -i CONTAINER psql ...");
        return;
    }
    const container = a[i];
    const prog = a[i + 1];
    if (!interactive || !container || container.s === undefined || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(container.s) || prog?.s !== "psql") {
        bad(c, "no-service-restart", "docker exec runs something other than psql in the read-only form", "docker exec -i CONTAINER psql -X -q -A -t ... <<'SQL'");
        return;
    }
    psqlSpec({ ...c, name: "psql" }, a.slice(i + 2));
}

// ---------------------------------------------------------------------------
// interpreters

function pythonSpec(c: Call): void {
    const a = c.args;
    if (a.length === 1 && (a[0].t === "--version" || a[0].t === "-V")) {
        return;
    }
    let i = 0;
    while (i < a.length && /^-[BIEsS]$/.test(a[i].t)) {
        i++;
    }
    if (a[i]?.t === "-m" && a[i + 1]?.s === "cutter_agent.cli") {
        if (c.ctx.cwd !== c.ctx.env.liveTree) {
            bad(c, "no-production-mutation", `the agent CLI run from ${c.ctx.cwd ?? "an unknown directory"}: python3 -m imports cutter_agent from the working directory`,
                `cd ${c.ctx.env.liveTree} && python3 -m cutter_agent.cli ...`);
        }
        agentCli(c, a.slice(i + 2));
        return;
    }
    if (a[i]?.t === "-") {
        if (!c.stdin || c.stdin.kind !== "heredoc" || !c.stdin.quoted || c.stdin.body.length !== 1 || !isStatic(c.stdin.body[0])) {
            bad(c, "commands-are-readable", "python3 reads code from stdin that is not a literal quoted heredoc", "run a pinned helper: python3 - ARGS <<'PY' (helper text verbatim) PY");
            return;
        }
        const code = text(c.stdin.body[0]);
        const digest = sha(code);
        const helper = Object.entries(c.ctx.env.pins.helpers).find(([, h]) => h.sha256 === digest);
        if (!helper) {
            bad(c, "commands-are-readable", `python3 runs code that is not a pinned helper (sha256 ${digest.slice(0, 12)}…)`,
                "put the code in lib/scripts/py/, run scripts/pins.js, and review the new pin in policies/pinned/pins.json");
            return;
        }
        const [name, h] = helper;
        // A helper writes its own format into its output files, with some arguments in it (assert_release.py's cache
        // key line): an argument must not be able to add a line or name the switch.
        for (const arg of a.slice(i + 1)) {
            for (const alt of arg.alts) {
                const where = `helper ${name} argument ${show1(arg)}`;
                if (alt.some((seg) => seg.k === "lit" && /[\r\n]/.test(seg.s))) {
                    bad(c, "kill-switch-stays-off", `${where} holds a line break, which the helper would write into its output file`, "give helpers one-line literal arguments (paths, digests)");
                } else if (alt.some((seg) => seg.k === "dyn" && seg.prov !== "host" && seg.prov !== "token")) {
                    bad(c, "kill-switch-stays-off", `${where} is text from stdin or built at run time, which the helper may write into its output file`, "give helpers literal arguments, or values the host computes (digests, paths)");
                } else if (/execution/i.test(text(alt))) {
                    bad(c, "kill-switch-stays-off", `${where} names the kill switch`, "helper arguments are paths and digests");
                }
            }
        }
        // A pinned helper writes only to the argument positions its pin names
        // (reviewed with its code); a position that is not given is not written
        // (tree_digest.py writes only in its --record mode, to argument 4).
        for (const n of h.writesArgs) {
            const arg = a[i + n];
            if (arg) {
                c.ctx.writeTarget(arg.alts, `helper ${name}`);
            }
        }
        return;
    }
    agentHints(c);
    bad(c, "commands-are-readable", "python3 runs code the pack cannot read (-c, a file, or stdin)", "run a pinned helper with python3 - ARGS <<'PY', or the agent CLI in the dry-run form");
}

/** The release's agent CLI: only the dry-run orchestrator and the Mode.LIVE refusal check. */
function agentCli(c: Call, args: Arg[]): void {
    const words = args.map((x) => x.s);
    if (words.some((w) => w === undefined)) {
        bad(c, "no-production-mutation", "the agent CLI with arguments built at run time", "write the agent's arguments literally");
        return;
    }
    const w = words as string[];
    if (w.length === 1 && (w[0] === "--version" || w[0] === "version")) {
        return;
    }
    if (w[0] !== "orchestrate") {
        bad(c, "no-production-mutation", `the agent command ${w[0] ?? "(none)"} (live CUT/VERIFY/enact are forbidden)`, "only: orchestrate --mode dryrun ..., orchestrate --check-live-refused");
        return;
    }
    const rest = w.slice(1);
    if (rest.some((x) => /enable|execution|--force|--commit|--apply|--yes/i.test(x))) {
        bad(c, "kill-switch-stays-off", "the agent CLI with an option that enables execution", "never enable execution; the kill switch stays off");
    }
    const sp = rest.findIndex((x) => x === "--signing-provider" || x.startsWith("--signing-provider="));
    if (sp >= 0) {
        const v = rest[sp].includes("=") ? rest[sp].split("=")[1] : rest[sp + 1];
        if (v !== "StubSigning") {
            bad(c, "no-real-crypto", `the agent with signing provider ${v}`, "StubSigning stays until O10");
        }
    }
    if (rest.length === 1 && rest[0] === "--check-live-refused") {
        return;
    }
    // A path the agent reads its config from or writes its state to: under the deploy's roots (a file elsewhere is one the pack never saw).
    for (const x of rest) {
        const v = x.startsWith("-") && x.includes("=") ? x.slice(x.indexOf("=") + 1) : x;
        if (v.startsWith("/") && !under(v, c.ctx.env.roots)) {
            bad(c, "kill-switch-stays-off", `the agent given ${x}, a path outside the deploy's roots (${c.ctx.env.roots.join(", ")})`, "give the agent its config and state under the roots (the orchestrator config the program writes)");
        }
    }
    const mi = rest.findIndex((x) => x === "--mode" || x.startsWith("--mode="));
    const mode = mi < 0 ? undefined : rest[mi].includes("=") ? rest[mi].split("=")[1] : rest[mi + 1];
    if (mode !== "dryrun") {
        bad(c, "no-production-mutation", `the orchestrator in mode ${mode ?? "(default)"}: Mode.LIVE and live runs are forbidden`, "orchestrate --mode dryrun ...");
    }
    if (rest.some((x) => /^live$|--live|mode=live/i.test(x))) {
        bad(c, "no-production-mutation", "the orchestrator in live mode", "orchestrate --mode dryrun ...");
    }
}

function shellSpec(c: Call): void {
    const a = c.args;
    let i = 0;
    while (i < a.length && /^[-+][euxo]+$/.test(a[i].t)) {
        i += a[i].t.endsWith("o") ? 2 : 1;
    }
    const cluster = a.findIndex((x) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(x.t));
    if (!(a[i]?.t === "-c") && cluster >= 0) {
        bad(c, "commands-are-readable", `${c.name} ${a.slice(0, cluster + 1).map((x) => x.t).join(" ")}: options that read startup files or change the shell`, `${c.name} -c 'literal script' (or write the commands directly)`);
        if (a[cluster + 1]?.s !== undefined) {
            c.ctx.runNested(a[cluster + 1].s!, `${c.name} -c`);
        }
        return;
    }
    if (a[i]?.t === "-c" && a[i + 1]) {
        if (a[i + 1].s === undefined) {
            bad(c, "commands-are-readable", `${c.name} -c with a script built at run time`, "write the commands in the script itself");
            return;
        }
        c.ctx.runNested(a[i + 1].s!, `${c.name} -c`);
        return;
    }
    bad(c, "commands-are-readable", `${c.name} runs a script from stdin, a file or a pipe that the pack cannot read`, "write the commands in the script itself (or bash -c 'literal')");
}

// ---------------------------------------------------------------------------

function pgpassFile(c: Call): void {
    if (c.env.PGPASSFILE !== undefined) {
        // The password file: exactly a temp file this script made with mktemp, declared, removed by an EXIT trap.
        const alts = c.env.PGPASSFILE;
        const files = alts.map((v) => (isStatic(v) ? text(v) : undefined));
        const ok = files.length > 0 && files.every((f) => f !== undefined && MKTEMP_TEMPLATE.test(f) && c.ctx.mktemps.has(f)
            && (c.ctx.env.declaredWrites ?? []).includes(f) && c.ctx.exitTrapRemoves.has(f));
        if (!ok) {
            bad(c, "no-plaintext-secrets", `${c.name} with PGPASSFILE=${alts.map((v) => v.map((s) => (s.k === "lit" ? s.s : s.src)).join("")).join("|")}: not a mktemp temp file of this script (declared in writes, removed by an EXIT trap)`,
                "passfile=\"$(mktemp /tmp/iucutter-pgpass.XXXXXXXXXX)\"; trap 'rm -- \"$passfile\"' EXIT; printf ... \"$DB_PASSWORD\" > \"$passfile\"; PGPASSFILE=\"$passfile\" psql ...");
        }
    }
}

/** A shell variable that, by its name, holds a password (e.g. DB_PASSWORD read from stdin). */
const PASSWORD_VAR = /^\$\{?[A-Za-z0-9_]*(PASSWORD|PASSWD|PGPASS)[A-Za-z0-9_]*\}?$/i;
/** Shell builtins: their arguments never reach another process's argv (printf into the 0600 temp file). */
const BUILTIN_ARGS = new Set(["printf", "echo", "test", "[", ":", "true", "false", "read", "local", "return", "exit"]);

export function checkProgram(c: Call): void {
    pgpassFile(c);
    if (!BUILTIN_ARGS.has(c.name)) {
        for (const a of c.args) {
            if (a.alts.some((v) => v.some((s) => s.k === "dyn" && PASSWORD_VAR.test(s.src)))) {
                bad(c, "no-plaintext-secrets", `${c.name} gets a password variable in its arguments (${show1(a)}; any process can read argv)`,
                    "write the password into a mktemp 0600 file with printf and give psql PGPASSFILE");
            }
        }
    }
    const spec = SPECS[c.name];
    if (spec) {
        spec(c);
        return;
    }
    if (DATA_ARGS.has(c.name)) {
        return; // every argument is data (a message, a test, a format)
    }
    const ro = READ_ONLY[c.name];
    if (ro) {
        // head -5 / tail -1: the historical line-count form
        const args = (c.name === "head" || c.name === "tail") ? c.args.map((a) => (/^-\d+$/.test(a.t) ? { ...a, t: "-n", s: "-n" } : a)) : c.args;
        const p = parse({ ...c, args }, ro, args);
        if (ro.noOperands && p.operands.length > 0) {
            bad(c, c.name === "hostname" || c.name === "date" ? "writes-in-allowed-roots" : "commands-are-readable", `${c.name} with an operand (it would change host state or run a command)`);
        }
        if (ro.maxOperands !== undefined && p.operands.length > ro.maxOperands) {
            bad(c, "writes-in-allowed-roots", `${c.name} with more than ${ro.maxOperands} operand(s) writes an output file`);
        }
        if (c.name === "sort" && c.args.some((x) => /^(-o|--output)/.test(x.t))) {
            bad(c, "writes-in-allowed-roots", "sort -o writes a file", "redirect the output to a declared file");
        }
        return;
    }
    const d = DENY_REASON[c.name];
    if (d) {
        bad(c, d[0], `${c.name} ${d[1]}`, d[2]);
        if (WRAPPERS.has(c.name)) {
            // Also name what the wrapped command would do, so the refusal says all of it.
            let i = 0;
            while (i < c.args.length && (c.args[i].t.startsWith("-") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(c.args[i].t) || /^\d+[smhd]?$/.test(c.args[i].t))) {
                i++;
            }
            const inner = c.args[i]?.s;
            if (inner && !inner.includes(DYN)) {
                checkProgram({ ...c, name: inner.includes("/") ? path.posix.basename(inner) : inner, args: c.args.slice(i + 1) });
            }
        }
        if (["python", "perl", "ruby", "node", "awk"].includes(c.name)) {
            agentHints(c);
        }
        return;
    }
    bad(c, "commands-are-readable", `${c.name} is not in the reviewed vocabulary`, "use a program from the vocabulary (policies/MODEL.md), or a pinned helper");
}

