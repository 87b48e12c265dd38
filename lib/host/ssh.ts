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
 * ssh(1) arguments. No user or system ssh config is read (-F /dev/null), the
 * host key must match the pinned one exactly (StrictHostKeyChecking=yes with a
 * known_hosts holding only that key), and no agent or password is consulted.
 */
export function sshArgs(t: SshTarget, knownHostsFile: string, remoteCommand: string): string[] {
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
        t.address,
        "--",
        remoteCommand,
    ];
}

/** The remote command string that runs `script` under bash (remote sh parses it). */
export function bashInvocation(script: string): string {
    return `bash -c '${script.replace(/'/g, `'"'"'`)}'`;
}

/** Marker ssh(1) prints when the host key does not match the pinned one. */
export function isHostKeyMismatch(stderr: string): boolean {
    return /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No (ED25519|RSA|ECDSA) host key is known/i.test(stderr);
}
