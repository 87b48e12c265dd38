/**
 * Creates (or updates) a stack pointed at the sandbox host: fills
 * sandbox/stack-config.json from .sandbox/facts.json, sets the two secrets
 * encrypted, and optionally pins the pre-state anchors to what the host shows
 * now (what an operator does after reviewing the first preview).
 *
 *   node bin/scripts/sandboxStack.js <stack> [--pin]
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { parseStackConfig, PROJECT, StackConfig } from "../lib/config";
import { parseProbe, runReadOnly } from "../lib/observe";
import { probeScript } from "../lib/scripts";
import { GRANT_MATRIX_SQL } from "../lib/verification";
import { observedAnchors } from "../components/preStateAnchor";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface SandboxFacts {
    hostname: string; address: string; sshPort: number; user: string; hostKey: string; privateKeyPath: string;
    sourceRepo: string; sourceCommit: string; pgPort: number; backupGpgFpr: string; shimLog: string;
    hostDirs: Record<string, string>;
}

export function readFacts(root = REPO_ROOT): SandboxFacts {
    const f = path.join(process.env.IUCUTTER_SANDBOX_DIR ?? path.join(root, ".sandbox"), "facts.json");
    if (!fs.existsSync(f)) {
        throw new Error(`${f} not found: bring the sandbox up first (npm run sandbox:up)`);
    }
    return JSON.parse(fs.readFileSync(f, "utf8"));
}

/** The sandbox database's grant matrix sha256 (canonical rendering, lib/verification.ts). */
export function sandboxGrantMatrixSha256(facts: SandboxFacts): string {
    const r = spawnSync("psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(facts.pgPort), "-U", "context_pack_readonly", "-d", "cutter_live"],
        { input: GRANT_MATRIX_SQL, encoding: "utf8" });
    if (r.status !== 0) {
        throw new Error(`cannot read the sandbox grant matrix: ${r.stderr}`);
    }
    return crypto.createHash("sha256").update(r.stdout).digest("hex");
}

/** The sandbox stack's config object (without secrets), facts filled in. */
export function sandboxConfig(facts: SandboxFacts, root = REPO_ROOT): Record<string, unknown> {
    const tpl = JSON.parse(fs.readFileSync(path.join(root, "sandbox", "stack-config.json"), "utf8"));
    delete tpl._comment;
    const fill = (v: unknown): unknown => {
        if (typeof v === "string") {
            const m = /^\$\{(\w+)(:number)?\}$/.exec(v);
            if (m) {
                const val = m[1] === "grantMatrixSha256" ? sandboxGrantMatrixSha256(facts) : (facts as unknown as Record<string, unknown>)[m[1]];
                return m[2] ? Number(val) : val;
            }
            return v;
        }
        if (Array.isArray(v)) {
            return v.map(fill);
        }
        if (v && typeof v === "object") {
            return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
        }
        return v;
    };
    return fill(tpl) as Record<string, unknown>;
}

export function sandboxSecrets(facts: SandboxFacts): { backupGpgFpr: string; governancePrincipal: string } {
    return { backupGpgFpr: facts.backupGpgFpr, governancePrincipal: "cutter_governance" };
}

/** Observes the sandbox host now and returns the anchors a reviewer would pin. */
export function observeAnchors(cfg: StackConfig): Record<string, string> {
    const t = { address: cfg.host.address, port: cfg.host.port, user: cfg.host.user, hostKey: cfg.host.hostKey, privateKeyPath: cfg.host.privateKeyPath };
    return observedAnchors(parseProbe(runReadOnly(t, probeScript(cfg))));
}

export function stackFile(stackName: string, root = REPO_ROOT): string {
    return path.join(root, `Pulumi.${stackName}.yaml`);
}

/**
 * Writes the stack's config file. Objects are written as JSON (valid YAML),
 * the encryption salt created by `stack init` is kept, secrets are set
 * through the CLI so they are encrypted.
 */
export async function configureSandboxStack(stackName: string, opts: { pin?: boolean; overrides?: Record<string, unknown>; root?: string } = {}): Promise<Stack> {
    const root = opts.root ?? REPO_ROOT;
    const facts = readFacts(root);
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: root });
    const file = stackFile(stackName, root);
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const salt = /^encryptionsalt:\s*(\S+)/m.exec(existing)?.[1];
    const cfg: Record<string, unknown> = { ...sandboxConfig(facts, root), ...(opts.overrides ?? {}) };
    if (opts.pin) {
        const secrets = sandboxSecrets(facts);
        const parsed = parseStackConfig({ ...cfg, ...secrets }, ["backupGpgFpr", "governancePrincipal"]);
        cfg.anchors = observeAnchors(parsed);
    }
    const lines = [];
    if (salt) {
        lines.push(`encryptionsalt: ${salt}`);
    }
    lines.push("config:");
    for (const [k, v] of Object.entries(cfg)) {
        if (v !== undefined) {
            lines.push(`  ${PROJECT}:${k}: ${JSON.stringify(v)}`);
        }
    }
    fs.writeFileSync(file, lines.join("\n") + "\n");
    const s = sandboxSecrets(facts);
    await stack.setConfig("backupGpgFpr", { value: s.backupGpgFpr, secret: true });
    await stack.setConfig("governancePrincipal", { value: s.governancePrincipal, secret: true });
    return stack;
}

if (require.main === module) {
    const [stackName, ...flags] = process.argv.slice(2);
    if (!stackName) {
        console.error("usage: node bin/scripts/sandboxStack.js <stack> [--pin]");
        process.exit(2);
    }
    configureSandboxStack(stackName, { pin: flags.includes("--pin") }).then(
        () => console.log(`stack ${stackName} configured for the sandbox host${flags.includes("--pin") ? " (anchors pinned to the host's current state)" : ""}`),
        (e) => { console.error(String(e.message ?? e)); process.exit(1); });
}
