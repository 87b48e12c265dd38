/**
 * Read-only observation of the target host while the program runs (preview
 * and up alike), so the review shows what the host looks like right now and
 * the program refuses before planning any write on the wrong host.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bashInvocation, controlSocketPath, HOST_KEY_ALIAS, isHostKeyMismatch, knownHostsLine, sshArgs, sshOptions, SshTarget } from "./ssh";
import { parseKeyValues } from "../core/keyValues";

export interface Observation {
    hostname: string;
    marker: "present" | "missing";
    envfile: "present" | "missing";
    /** "<digest> <count>" or "absent". */
    tree: string;
    compose: string;
    envProduction: string;
    /** Digest of the env file's original, kept by this program's secrets step (empty if none). */
    envProductionOriginal: string;
    dotGitStatus: string;
    dotRemotes: string;
    journal: string;
    ledger: string;
    /** Layout problems found by the probe (lib/scripts/o6.ts layoutProbeLines); absent from older probes. */
    layout?: string;
    /** The host's clock (seconds since the epoch, UTC) when probed. */
    clock?: string;
    /** Names under paths.stateDir/artifacts, space-separated (retention). */
    artifacts?: string;
}

export class HostUnreachable extends Error {
    constructor(public readonly guard: string, message: string) {
        super(`${guard}: ${message}`);
        this.name = "HostUnreachable";
    }
}

/** Control sockets this process opened (socket path -> its known_hosts file). */
const masters = new Map<string, string>();

/** A master being started: its socket, its known_hosts, where ssh's stderr goes, and ssh's arguments. */
interface MasterStart { sock: string; kh: string; errFile: string; errFd: number; args: string[] }

/** Registers the socket (so the exit handler stops it whatever happens next) and prepares the master's ssh command. */
function beginMaster(t: SshTarget, sock: string): MasterStart {
    const kh = `${sock}.known_hosts`;
    fs.writeFileSync(kh, knownHostsLine(t), { mode: 0o600 });
    masters.set(sock, kh);
    if (masters.size === 1) {
        process.on("exit", closeSharedConnections);
    }
    const errFile = `${sock}.err`;
    const errFd = fs.openSync(errFile, "w", 0o600);
    // -f: ssh returns once the connection is authenticated (host key checked) and the socket listens.
    const args = [...sshOptions(t, kh), "-o", "ControlMaster=yes", "-o", `ControlPath=${sock}`, "-o", "ControlPersist=120", "-f", "-N", t.address];
    return { sock, kh, errFile, errFd, args };
}

/** After ssh returned: the watchdog for a master that started, and the socket, or undefined to connect directly. */
function finishMaster(m: MasterStart, started: boolean): string | undefined {
    fs.closeSync(m.errFd);
    fs.rmSync(m.errFile, { force: true });
    const cli = /-(\d+)\.\d+$/.exec(m.sock)?.[1];
    if (cli && started) {
        const watchdog = [
            `while kill -0 "$1" 2>/dev/null; do sleep 0.5; done`,
            `ssh -F /dev/null -o ControlPath="$2" -O exit ${HOST_KEY_ALIAS} >/dev/null 2>&1`,
            `rm -f -- "$2" "$3"`,
        ].join("\n");
        spawn("bash", ["-c", watchdog, "iucutter-ssh-watchdog", cli, m.sock, m.kh], { detached: true, stdio: "ignore" }).unref();
    }
    if (!started || !fs.existsSync(m.sock)) {
        // The direct connection that follows reports why (host key, reachability).
        closeSharedConnections();
        return undefined;
    }
    return m.sock;
}

/**
 * Opens the run's one SSH connection (ControlMaster, see controlSocketPath)
 * with exactly the pinned-key options, and returns its socket; the
 * observation and every command of this run go through it. The master is
 * told to exit, and its socket and known_hosts removed, when this process
 * exits; if it is killed outright, a watchdog does the same as soon as the
 * run's pulumi process is gone, and the master would exit by itself after
 * 120 s without a client anyway (ControlPersist). Undefined if no socket can
 * be used: then each command connects on its own, with the same options.
 * While openSharedConnection is still connecting, this answers undefined
 * (a direct connection) rather than wait.
 */
export function sharedConnection(t: SshTarget, timeoutMs = 30_000): string | undefined {
    const sock = controlSocketPath(t);
    if (!sock) {
        return undefined;
    }
    if (masters.has(sock)) {
        return fs.existsSync(sock) ? sock : undefined;
    }
    const m = beginMaster(t, sock);
    const res = spawnSync("ssh", m.args, { timeout: timeoutMs, stdio: ["ignore", "ignore", m.errFd] });
    return finishMaster(m, !res.error && res.status === 0);
}

/**
 * sharedConnection without waiting: the same master, started now, so that the
 * SSH handshake runs while this machine reads the release. Resolves to the
 * socket (or undefined, as sharedConnection) once ssh has authenticated.
 */
export function openSharedConnection(t: SshTarget, timeoutMs = 30_000): Promise<string | undefined> {
    const sock = controlSocketPath(t);
    if (!sock) {
        return Promise.resolve(undefined);
    }
    if (masters.has(sock)) {
        return Promise.resolve(fs.existsSync(sock) ? sock : undefined);
    }
    const m = beginMaster(t, sock);
    return new Promise((resolve) => {
        let done = false;
        const finish = (started: boolean) => {
            if (!done) {
                done = true;
                clearTimeout(timer);
                resolve(finishMaster(m, started));
            }
        };
        const child = spawn("ssh", m.args, { stdio: ["ignore", "ignore", m.errFd] });
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("error", () => finish(false));
        child.on("exit", (code) => finish(code === 0));
    });
}

/** Stops every master this process opened and removes its socket and known_hosts (synchronous: runs in the exit handler). */
export function closeSharedConnections(): void {
    for (const [sock, kh] of masters) {
        // The destination argument is required by ssh; the socket decides where -O goes.
        if (fs.existsSync(sock)) {
            spawnSync("ssh", ["-F", "/dev/null", "-o", `ControlPath=${sock}`, "-O", "exit", HOST_KEY_ALIAS], { stdio: "ignore", timeout: 10_000 });
        }
        for (let i = 0; i < 200 && fs.existsSync(sock); i++) {
            Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        }
        fs.rmSync(sock, { force: true });
        fs.rmSync(kh, { force: true });
    }
    masters.clear();
}

/**
 * Runs a read-only script on the host and returns stdout (through the run's
 * shared connection when there is one). `stdin` (a secret, e.g. the read-only
 * role's password) reaches the script on its stdin, never its command line.
 */
export function runReadOnly(t: SshTarget, script: string, timeoutMs = 120_000, stdin?: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-observe-"));
    try {
        const kh = path.join(dir, "known_hosts");
        fs.writeFileSync(kh, knownHostsLine(t), { mode: 0o600 });
        const res = spawnSync("ssh", sshArgs(t, kh, bashInvocation(script), sharedConnection(t)), {
            encoding: "utf8", timeout: timeoutMs, stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"], maxBuffer: 16 << 20,
            ...(stdin === undefined ? {} : { input: stdin }),
        });
        if (res.error) {
            throw new HostUnreachable("HostConnection", `ssh failed to run: ${res.error.message}`);
        }
        if (res.status !== 0) {
            if (isHostKeyMismatch(res.stderr)) {
                throw new HostUnreachable("HostKeyPin",
                    `the SSH host key of ${t.address}:${t.port} does not match host.hostKey. The host was re-imaged or is being impersonated; `
                    + "nothing was run. Verify the new key out of band before pinning it.");
            }
            const tail = res.stderr.trim().split("\n").slice(-5).join(" | ");
            throw new HostUnreachable("HostConnection", `${t.user}@${t.address}:${t.port}: read-only probe failed (exit ${res.status}): ${tail}`);
        }
        return res.stdout;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export function parseProbe(out: string): Observation {
    const kv = parseKeyValues(out);
    const need = ["hostname", "marker", "envfile", "tree", "compose", "envProduction", "envProductionOriginal", "dotGitStatus", "dotRemotes", "journal", "ledger"];
    for (const k of need) {
        if (kv[k] === undefined) {
            throw new HostUnreachable("HostConnection", `probe output lacks "${k}"; is bash/python3/git installed on the host?`);
        }
    }
    return kv as unknown as Observation;
}
