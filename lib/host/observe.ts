/**
 * Read-only observation of the target host while the program runs (preview
 * and up alike), so the review shows what the host looks like right now and
 * the program refuses before planning any write on the wrong host.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bashInvocation, isHostKeyMismatch, knownHostsLine, sshArgs, SshTarget } from "./ssh";

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
}

export class HostUnreachable extends Error {
    constructor(public readonly guard: string, message: string) {
        super(`${guard}: ${message}`);
        this.name = "HostUnreachable";
    }
}

/** Runs a read-only script on the host and returns stdout. */
export function runReadOnly(t: SshTarget, script: string, timeoutMs = 120_000): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-observe-"));
    try {
        const kh = path.join(dir, "known_hosts");
        fs.writeFileSync(kh, knownHostsLine(t), { mode: 0o600 });
        const res = spawnSync("ssh", sshArgs(t, kh, bashInvocation(script)), {
            encoding: "utf8", timeout: timeoutMs, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 16 << 20,
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
    const kv: Record<string, string> = {};
    for (const line of out.split("\n")) {
        const i = line.indexOf("=");
        if (i > 0) {
            kv[line.slice(0, i)] = line.slice(i + 1).trim();
        }
    }
    const need = ["hostname", "marker", "envfile", "tree", "compose", "envProduction", "envProductionOriginal", "dotGitStatus", "dotRemotes", "journal", "ledger"];
    for (const k of need) {
        if (kv[k] === undefined) {
            throw new HostUnreachable("HostConnection", `probe output lacks "${k}"; is bash/python3/git installed on the host?`);
        }
    }
    return kv as unknown as Observation;
}
