/**
 * OpenSSH invocation with a pinned host key. The same argument vector is used
 * for the read-only observation at preview time and by the RemoteCommand
 * provider at deploy time, so both talk to the same, verified host.
 */
export interface SshTarget {
    /** Address or DNS name to connect to. */
    address: string;
    port: number;
    user: string;
    /** The pinned host public key, "<type> <base64>" as in known_hosts. */
    hostKey: string;
    /** Path on the operator's machine of the private key to log in with. */
    privateKeyPath: string;
}

/** The alias the pinned key is filed under; independent of address and port. */
export const HOST_KEY_ALIAS = "iu-cutter-target";

export function knownHostsLine(t: SshTarget): string {
    return `${HOST_KEY_ALIAS} ${t.hostKey.trim()}\n`;
}

/**
 * ssh(1) options. No user or system ssh config is read (-F /dev/null), the
 * host key must match the pinned one exactly (StrictHostKeyChecking=yes with a
 * known_hosts holding only that key), and no agent or password is consulted.
 */
export function sshOptions(t: SshTarget, knownHostsFile: string): string[] {
    return [
        "-F", "/dev/null",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", `UserKnownHostsFile=${knownHostsFile}`,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", `HostKeyAlias=${HOST_KEY_ALIAS}`,
        "-o", "UpdateHostKeys=no",
        "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none",
        "-o", "PasswordAuthentication=no",
        "-o", "ConnectTimeout=20",
        "-o", "ServerAliveInterval=15",
        "-o", "ServerAliveCountMax=4",
        "-o", "LogLevel=ERROR",
        "-i", t.privateKeyPath,
        "-p", String(t.port),
        "-l", t.user,
    ];
}

/**
 * ssh(1) arguments for one remote command: the pinned-key options above,
 * and, when `controlPath` is given, the run's private control socket
 * (ControlMaster=no: a client only; if the master is gone, ssh connects
 * directly with the same pinned options).
 */
export function sshArgs(t: SshTarget, knownHostsFile: string, remoteCommand: string, controlPath?: string): string[] {
    return [
        ...sshOptions(t, knownHostsFile),
        ...(controlPath ? ["-o", "ControlMaster=no", "-o", `ControlPath=${controlPath}`] : []),
        t.address,
        "--",
        remoteCommand,
    ];
}

/**
 * The run's shared SSH connection (OpenSSH ControlMaster). One `pulumi`
 * command is one run: the program (observation) and the provider (commands)
 * are both descendants of the same CLI process, so the socket is named by
 * the target (address, port, user, pinned key, login key) and that CLI
 * process (pid and start time). It lives in a directory private to this
 * user (0700, checked), never in a path another user can choose.
 * Returns undefined when there is no CLI ancestor (the socket is then not
 * used; every command connects on its own, as before).
 */
export function controlSocketPath(t: SshTarget): string | undefined {
    const fs = require("fs");
    const os = require("os");
    const crypto = require("crypto");
    let pid = process.pid;
    let run: string | undefined;
    for (let depth = 0; depth < 12 && pid > 1; depth++) {
        let stat: string;
        try {
            stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        } catch {
            return undefined;
        }
        // pid (comm) state ppid ... field 22 = start time; comm may hold spaces or parens.
        const close = stat.lastIndexOf(")");
        const comm = stat.slice(stat.indexOf("(") + 1, close);
        const rest = stat.slice(close + 2).split(" ");
        if (comm === "pulumi" && pid !== process.pid) {
            run = `${pid}.${rest[19]}`;
            break;
        }
        pid = Number(rest[1]);
    }
    if (run === undefined) {
        return undefined;
    }
    const uid = typeof process.getuid === "function" ? process.getuid() : 0;
    const dir = `${os.tmpdir()}/iucutter-ssh-${uid}`;
    try {
        fs.mkdirSync(dir, { mode: 0o700 });
    } catch (e: any) {
        if (e.code !== "EEXIST") {
            return undefined;
        }
    }
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
        return undefined;
    }
    const key = crypto.createHash("sha256").update([t.address, t.port, t.user, t.hostKey.trim(), t.privateKeyPath].join("\n")).digest("hex").slice(0, 16);
    return `${dir}/${key}-${run}`;
}

/** The remote command string that runs `script` under bash (remote sh parses it). */
export function bashInvocation(script: string): string {
    return `bash -c '${script.replace(/'/g, `'"'"'`)}'`;
}

/** Marker ssh(1) prints when the host key does not match the pinned one. */
export function isHostKeyMismatch(stderr: string): boolean {
    return /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No (ED25519|RSA|ECDSA) host key is known/i.test(stderr);
}
