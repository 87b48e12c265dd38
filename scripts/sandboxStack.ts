/**
 * Creates (or updates) a stack pointed at the sandbox host: fills
 * sandbox/stack-config.json from .sandbox/facts.json, sets the two secrets
 * encrypted, and optionally pins the pre-state anchors to what the host shows
 * now (what an operator does after reviewing the first preview).
 *
 *   node bin/scripts/sandboxStack.js <stack> [--pin] [--o7 [--pin-o7]] [--protect <keys dir>]
 *
 * --o7: an O7 stack (macro: o7) on the same host; --pin-o7 pins the O6 deploy
 * the host carries now (o7.verifiesDeploy). --protect: host.protected with
 * two signer keys (review, sovereign) generated in <keys dir> if missing.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { parseStackConfig, PROJECT, StackConfig } from "../lib/config/config";
import { parseProbe, runReadOnly } from "../lib/host/observe";
import { probeScript } from "../lib/scripts/o6";
import { GRANT_MATRIX_SQL, grantMatrixSql } from "../lib/scripts/verification";
import { observedAnchors } from "../lib/host/anchors";
import { NAMESPACE } from "../lib/workflow/approval";
import { O6Deploy, o7ProbeScript, parseO7Probe } from "../lib/plan/o7";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface SandboxFacts {
    /** sandbox/up.sh --flavour: "default" or "contabo-like" (absent: default). */
    flavour?: string;
    hostname: string; address: string; sshPort: number; user: string; hostKey: string; privateKeyPath: string;
    sourceRepo: string; sourceCommit: string; pgPort: number; backupGpgFpr: string; shimLog: string;
    /** contabo-like: the read-only role's password (scram-sha-256 in pg_hba); absent: trust. */
    dbPassword?: string;
    hostDirs: Record<string, string>;
}

export function readFacts(root = REPO_ROOT): SandboxFacts {
    const f = path.join(process.env.IUCUTTER_SANDBOX_DIR ?? path.join(root, ".sandbox"), "facts.json");
    if (!fs.existsSync(f)) {
        throw new Error(`${f} not found: bring the sandbox up first (npm run sandbox:up)`);
    }
    return JSON.parse(fs.readFileSync(f, "utf8"));
}

/** The sandbox database's grant matrix sha256 (the default query, or `query`: verification.grantMatrixSql). */
export function sandboxGrantMatrixSha256(facts: SandboxFacts, query?: string): string {
    // This machine's own tooling (not the deploy): the contabo-like role's password in this child's environment only.
    const r = spawnSync("psql", ["-X", "-q", "-At", "-w", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(facts.pgPort), "-U", "context_pack_readonly", "-d", "cutter_live"],
        { input: query ? grantMatrixSql(query) : GRANT_MATRIX_SQL, encoding: "utf8", env: { ...process.env, ...(facts.dbPassword ? { PGPASSWORD: facts.dbPassword } : {}) } });
    if (r.status !== 0) {
        throw new Error(`cannot read the sandbox grant matrix: ${r.stderr}`);
    }
    return crypto.createHash("sha256").update(r.stdout).digest("hex");
}

/** The sandbox stack's config object (without secrets), facts filled in. */
export function sandboxConfig(facts: SandboxFacts, root = REPO_ROOT): Record<string, unknown> {
    let tpl = JSON.parse(fs.readFileSync(path.join(root, "sandbox", "stack-config.json"), "utf8"));
    delete tpl._comment;
    if (facts.flavour && facts.flavour !== "default") {
        const over = JSON.parse(fs.readFileSync(path.join(root, "sandbox", `stack-config.${facts.flavour}.json`), "utf8"));
        delete over._comment;
        tpl = mergeConfig(tpl, over);
    }
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

/** Objects merge key by key; anything else (arrays too) is replaced. */
function mergeConfig(a: unknown, b: unknown): unknown {
    const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === "object" && !Array.isArray(x);
    if (isObj(a) && isObj(b)) {
        const out: Record<string, unknown> = { ...a };
        for (const [k, v] of Object.entries(b)) {
            out[k] = mergeConfig(a[k], v);
        }
        return out;
    }
    return b;
}

export function sandboxSecrets(facts: SandboxFacts): { backupGpgFpr: string; governancePrincipal: string } {
    return { backupGpgFpr: facts.backupGpgFpr, governancePrincipal: "cutter_governance" };
}

/** The stack's config asks for the read-only role's password (database.access tcp with password: true). */
function wantsDbPassword(cfg: Record<string, unknown>): boolean {
    const a = (cfg.database as { access?: { kind?: string; password?: unknown } } | undefined)?.access;
    return a?.kind === "tcp" && a.password === true;
}

/** Observes the sandbox host now and returns the anchors a reviewer would pin. */
export function observeAnchors(cfg: StackConfig): Record<string, string> {
    const t = { address: cfg.host.address, port: cfg.host.port, user: cfg.host.user, hostKey: cfg.host.hostKey, privateKeyPath: cfg.host.privateKeyPath };
    return observedAnchors(parseProbe(runReadOnly(t, probeScript(cfg))));
}

/** The O6 deploy the host carries now, as an O7 review pins it. */
export function observeO6Deploy(cfg: StackConfig): O6Deploy {
    const t = { address: cfg.host.address, port: cfg.host.port, user: cfg.host.user, hostKey: cfg.host.hostKey, privateKeyPath: cfg.host.privateKeyPath };
    const o = parseO7Probe(runReadOnly(t, o7ProbeScript(cfg)));
    if (!o) {
        throw new Error("incomplete O7 probe output");
    }
    return { ledgerDigest: o.ledgerDigest, releaseDigest: o.ledgerRelease, dotCommit: o.dotCommit };
}

export interface Signers {
    /** approvals.* for the stack config. */
    approvals: { allowedSigners: string[]; roles: Record<string, "review" | "sovereign">; validityMinutes?: number };
    /** Private key files, by role. */
    keys: { review: string; sovereign: string };
}

/**
 * Two signer keys (ed25519, no passphrase: sandbox and tests only) in `dir`,
 * generated if missing: principal "sandbox-reviewer" holds role review,
 * "sandbox-sovereign" role sovereign.
 */
export function sandboxSigners(dir: string): Signers {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const mk = (name: string): string => {
        const key = path.join(dir, name);
        if (!fs.existsSync(key)) {
            const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `${name}@iu-cutter-sandbox`, "-f", key]);
            if (r.status !== 0) {
                throw new Error(`ssh-keygen failed: ${r.stderr}`);
            }
        }
        return key;
    };
    const review = mk("sandbox-reviewer");
    const sovereign = mk("sandbox-sovereign");
    const pub = (k: string) => fs.readFileSync(`${k}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ");
    return {
        approvals: {
            allowedSigners: [`sandbox-reviewer namespaces="${NAMESPACE}" ${pub(review)}`, `sandbox-sovereign namespaces="${NAMESPACE}" ${pub(sovereign)}`],
            roles: { "sandbox-reviewer": "review", "sandbox-sovereign": "sovereign" },
        },
        keys: { review, sovereign },
    };
}

export function stackFile(stackName: string, root = REPO_ROOT): string {
    return path.join(root, `Pulumi.${stackName}.yaml`);
}

/**
 * Writes the stack's config file. Objects are written as JSON (valid YAML),
 * the encryption salt created by `stack init` is kept, secrets are set
 * through the CLI so they are encrypted.
 */
export interface SandboxStackOptions {
    /** Pin the pre-state anchors to what the host shows now. */
    pin?: boolean;
    overrides?: Record<string, unknown>;
    root?: string;
    /** An O7 stack (macro: o7). */
    o7?: boolean;
    /** O7: pin the O6 deploy the host carries now. */
    pinO7?: boolean;
    /** host.protected with these signers. */
    signers?: Signers;
}

export async function configureSandboxStack(stackName: string, opts: SandboxStackOptions = {}): Promise<Stack> {
    const root = opts.root ?? REPO_ROOT;
    const facts = readFacts(root);
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir: root });
    const file = stackFile(stackName, root);
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const salt = /^encryptionsalt:\s*(\S+)/m.exec(existing)?.[1];
    const base = sandboxConfig(facts, root) as Record<string, unknown> & { host: Record<string, unknown> };
    const cfg: Record<string, unknown> = {
        ...base,
        ...(opts.o7 ? { macro: "o7" } : {}),
        ...(opts.signers ? { host: { ...base.host, protected: true }, approvals: opts.signers.approvals } : {}),
        ...(opts.overrides ?? {}),
    };
    if (opts.pin || opts.pinO7) {
        const secrets = sandboxSecrets(facts);
        const pw = wantsDbPassword(cfg) ? { databasePassword: facts.dbPassword } : {};
        const parsed = parseStackConfig({ ...cfg, ...secrets, ...pw, o7: undefined }, ["backupGpgFpr", "governancePrincipal", "databasePassword"]);
        if (opts.pin) {
            cfg.anchors = observeAnchors(parsed);
        }
        if (opts.pinO7) {
            cfg.o7 = { verifiesDeploy: observeO6Deploy(parsed) };
        }
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
    if (wantsDbPassword(cfg)) {
        if (!facts.dbPassword) {
            throw new Error("database.access.password is true but the sandbox has no dbPassword (facts.json): rebuild it with sandbox/up.sh --reset --flavour contabo-like");
        }
        await stack.setConfig("databasePassword", { value: facts.dbPassword, secret: true });
    }
    return stack;
}

if (require.main === module) {
    const [stackName, ...flags] = process.argv.slice(2);
    if (!stackName) {
        console.error("usage: node bin/scripts/sandboxStack.js <stack> [--pin] [--o7 [--pin-o7]] [--protect <keys dir>]");
        process.exit(2);
    }
    const protect = flags.includes("--protect") ? flags[flags.indexOf("--protect") + 1] : undefined;
    configureSandboxStack(stackName, {
        pin: flags.includes("--pin"), o7: flags.includes("--o7"), pinO7: flags.includes("--pin-o7"),
        signers: protect ? sandboxSigners(path.resolve(protect)) : undefined,
    }).then(
        () => console.log(`stack ${stackName} configured for the sandbox host${flags.includes("--o7") ? " (macro O7)" : " (macro O6)"}${protect ? ", protected (signers in " + protect + ")" : ""}${flags.includes("--pin") ? ", anchors pinned to the host's current state" : ""}${flags.includes("--pin-o7") ? ", the host's O6 deploy pinned" : ""}`),
        (e) => { console.error(String(e.message ?? e)); process.exit(1); });
}
