/**
 * Reads one resource completely and returns every finding, each owned by one
 * policy. A resource is this program's host command only when its provider
 * code is the pinned one; other types pass only when they are on the
 * allowlist. Scripts go through mvdan/sh, SQL through libpg_query, tars
 * through tar-stream, assets through the SDK's own deserialized objects.
 */
import * as fs from "fs";
import * as path from "path";
import { sha256Hex as sha } from "./digest";
import { sqlParserReady } from "./parsers/psql";
import { shellParserReady } from "./parsers/shell";
import { readArchive, ShippedMember } from "./parsers/tar";
import { forbiddenShippedContent, forbiddenShippedName, realCryptoAssignments, secretShapes, switchAssignments } from "./verify/content";
import { Finding, Findings } from "./verify/findings";
import { ENV_ALLOWED, MKTEMP_TEMPLATE, Pins, ScriptCtx, within } from "./verify/script";

export const REMOTE_COMMAND = "pulumi-nodejs:dynamic/host:RemoteCommand";
export const LOCAL_COMMAND = "pulumi-nodejs:dynamic/host:LocalCommand";

export const DEFAULT_ROOTS = ["/opt/incomex/dot", "/var/lib/cutter", "/opt/incomex/.iu-cutter-staging"];
export const DEFAULT_LIVE_TREE = "/opt/incomex/dot/iu-cutter";

/** Types that run nothing on any host. */
const INERT = [/^pulumi:pulumi:Stack$/, /^pulumi:providers:(pulumi-nodejs|command)$/, /^iucutter:[a-z]+:[A-Za-z]+$/];
const PULUMI_COMMAND = new Set(["command:remote:Command", "command:local:Command", "command:remote:CopyToRemote", "command:remote:CopyFile"]);

const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( [^\s].*)?$/;

export interface ResourceInput {
    type: string;
    props: Record<string, unknown>;
    /** Property paths that arrived marked secret. */
    secretPaths?: string[];
    /** sha256 of the provider code as the engine sent it to Remediate (it hides `__provider` from Analyze). */
    providerDigest?: string;
}

export interface AnalyzeOptions {
    roots?: string[];
    liveTree?: string;
    pins?: Pins;
}

let pinsCache: Pins | undefined;

export function loadPins(): Pins {
    if (!pinsCache) {
        const candidates = [path.join(__dirname, "..", "pinned", "pins.json"), path.join(__dirname, "..", "..", "pinned", "pins.json")];
        const f = candidates.find((c) => fs.existsSync(c));
        if (!f) {
            throw new Error(`policies/pinned/pins.json not found (looked in ${candidates.join(", ")}); run: node bin/scripts/pins.js`);
        }
        pinsCache = JSON.parse(fs.readFileSync(f, "utf8")) as Pins;
    }
    return pinsCache;
}

export async function ready(): Promise<void> {
    await Promise.all([shellParserReady(), sqlParserReady()]);
}

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** Copies an array out of the SDK's proxy (Array methods on the proxy itself throw). */
export function arr(v: unknown): unknown[] | undefined {
    if (Array.isArray(v)) {
        return [...v];
    }
    if (v && typeof v === "object" && typeof (v as { length?: unknown }).length === "number") {
        const out: unknown[] = [];
        const a = v as ArrayLike<unknown>;
        for (let i = 0; i < a.length; i++) { out.push(a[i]); }
        return out;
    }
    return undefined;
}

/** Reads a resource and returns all findings. Unknown values and unreadable shapes are findings. */
export async function analyzeResource(r: ResourceInput, o: AnalyzeOptions = {}): Promise<Finding[]> {
    await ready();
    const f = new Findings();
    const pins = o.pins ?? loadPins();
    const roots = o.roots ?? DEFAULT_ROOTS;
    const liveTree = o.liveTree ?? DEFAULT_LIVE_TREE;
    const secret = new Set(r.secretPaths ?? []);
    const t = r.type;
    const p = r.props;

    if (INERT.some((re) => re.test(t))) {
        return [];
    }
    let where: "remote" | "local";
    const scripts: Array<{ field: string; text: string }> = [];
    let declaredWrites: string[] | undefined;
    let readOnly = false;
    let cwd: string | undefined;
    /** What the script's stdin carries (ScriptEnv.stdinData); with both, the secret counts (the pack reads neither as code). */
    let stdinData: "archive" | "secret" | undefined;
    const shipped: Array<Promise<ShippedMember[]>> = [];
    const env: Record<string, string> = {};

    if (t === REMOTE_COMMAND || t === LOCAL_COMMAND) {
        const provider = str(p.__provider);
        const digest = r.providerDigest ?? (provider === undefined ? undefined : sha(provider));
        if (digest === undefined || digest !== pins.provider) {
            f.add("trusted-resource-types", `${t} whose provider code is not this program's pinned host-command provider (sha256 ${digest ? digest.slice(0, 12) + "…" : "not seen"})`,
                "use the program's RemoteCommand/LocalCommand (lib/provider/remoteCommand.ts); a provider change is pinned with scripts/pins.js and reviewed");
            return f.list;
        }
        where = t === REMOTE_COMMAND ? "remote" : "local";
        const kind = str(p.kind);
        if (kind !== (where === "remote" ? "RemoteCommand" : "LocalCommand")) {
            f.add("trusted-resource-types", `${t} with kind ${kind ?? "(none)"}: the shape does not match the type`, "do not hand-build host command inputs");
        }
        const conn = p.connection;
        if (where === "local" && conn !== undefined && conn !== null) {
            f.add("trusted-resource-types", "a LocalCommand with a connection (the provider would run it over SSH)", "use a RemoteCommand for host commands");
        }
        if (where === "remote") {
            hostKeyCheck(conn, f, t);
        }
        for (const field of ["create", "delete"]) {
            const v = p[field];
            if (secret.has(field)) {
                f.add("commands-are-readable", `the ${field} script is marked secret, so the reviewer cannot read it`, "never mark a script secret; pass secrets on stdin (stdinSecret)");
                continue;
            }
            if (v !== undefined && v !== "" && typeof v !== "string") {
                f.add("commands-are-readable", `the ${field} script is not plain text at preview`, "give the script as a plain string");
                continue;
            }
            if (typeof v === "string" && v.trim() !== "") {
                scripts.push({ field, text: v });
            }
        }
        const w = arr(p.writes);
        if (w === undefined) {
            f.add("writes-in-allowed-roots", "writes is missing or unknown", "declare writes (an empty list for a read-only command)");
            declaredWrites = [];
        } else {
            declaredWrites = w.map(String);
            for (const d of declaredWrites) {
                // A mktemp template (/tmp/iucutter-NAME.XXXXXXXXXX) declares the temp file mktemp makes from it.
                if ((!d.startsWith("/") || !within(d, roots) || d.split("/").includes("..")) && !(where === "remote" && MKTEMP_TEMPLATE.test(d))) {
                    if (where === "remote" || !/\/\.git\/refs\/tags\/[^/]+$/.test(d)) {
                        f.add("writes-in-allowed-roots", `declares a write to ${d}, outside the allowed roots (${roots.join(", ")})`, "write only under the allowed roots");
                    }
                }
            }
        }
        readOnly = (declaredWrites?.length ?? 0) === 0 || p.guard !== undefined && p.guard !== null && p.guard !== "";
        cwd = str(p.dir);
        const stdinFile = str(p.stdinFile);
        const hasSecret = secret.has("stdinSecret") || (p.stdinSecret !== undefined && p.stdinSecret !== null && p.stdinSecret !== "");
        stdinData = hasSecret ? "secret" : stdinFile ? "archive" : undefined;
        if (stdinFile) {
            if (!fs.existsSync(stdinFile)) {
                f.add("kill-switch-stays-off", `stdinFile ${stdinFile} does not exist at preview, so its content cannot be read`, "build the file before preview");
            } else {
                shipped.push(readArchive(stdinFile));
            }
        }
    } else if (PULUMI_COMMAND.has(t)) {
        where = t === "command:local:Command" ? "local" : "remote";
        if (where === "remote") {
            hostKeyCheck(p.connection, f, t);
        }
        for (const field of ["create", "update", "delete", "stdin"]) {
            const v = p[field];
            if (secret.has(field)) {
                f.add("commands-are-readable", `the ${field} text is marked secret, so the reviewer cannot read it`, "never mark a command secret");
                continue;
            }
            if (typeof v === "string" && v.trim() !== "") {
                scripts.push({ field, text: v });
            } else if (v !== undefined && v !== null && v !== "") {
                f.add("commands-are-readable", `the ${field} text is not plain text at preview`, "give it as a plain string");
            }
        }
        if (t === "command:local:Command") {
            const interp = arr(p.interpreter)?.map(String) ?? [];
            if (interp.length > 0 && !(/(^|\/)(ba)?sh$/.test(interp[0]) && interp.slice(1).every((x) => x === "-c" || x === "-e"))) {
                f.add("commands-are-readable", `interpreter ${interp.join(" ")} runs the text as code the pack cannot read`, "use the default shell interpreter");
                scripts.length = 0;
            }
            if (p.dir !== undefined) { cwd = str(p.dir); }
        }
        if (p.environment && typeof p.environment === "object") {
            for (const [k, v] of Object.entries(p.environment as Record<string, unknown>)) {
                env[k] = String(v);
                if (/execution[_-]?enabled/i.test(k)) {
                    f.add("kill-switch-stays-off", `sets ${k} in the command's environment`, "never set the kill switch");
                } else if (!ENV_ALLOWED.has(k)) {
                    // A list of names that are safe, not of names that are not: bash imports functions
                    // (BASH_FUNC_git%%), git reads HOME and XDG_CONFIG_HOME, glibc GCONV_PATH and GLIBC_TUNABLES.
                    f.add("commands-are-readable", `sets ${k} in the command's environment, which can change what the literal script runs`,
                        `set only ${[...ENV_ALLOWED].join(", ")}; pass anything else on stdin`);
                }
            }
        }
        if (t === "command:remote:CopyToRemote" || t === "command:remote:CopyFile") {
            const remotePath = str(p.remotePath);
            declaredWrites = remotePath ? [remotePath] : [];
            if (!remotePath || !remotePath.startsWith("/") || remotePath.split("/").includes("..") || !within(remotePath, roots)) {
                f.add("writes-in-allowed-roots", `copies to ${remotePath ?? "(unknown)"}, outside the allowed roots (${roots.join(", ")})`, "copy only under the allowed roots");
            } else {
                if (remotePath.split("/").includes(".git")) { f.add("no-push-or-remote", `copies into git metadata (${remotePath})`, "never write .git/ directly"); }
                if (within(remotePath, [liveTree])) {
                    f.add("kill-switch-stays-off", `copies into the live release tree (${remotePath})`, "the live tree changes only by the atomic exchange");
                }
            }
            shipped.push(t === "command:remote:CopyFile" ? readLocalPath(str(p.localPath)) : readAsset(p.source, "source"));
        }
    } else if (t.startsWith("pulumi-nodejs:dynamic")) {
        f.add("trusted-resource-types", `${t} is a dynamic provider whose code the pack does not know`, "use the program's host commands or @pulumi/command");
        return f.list;
    } else {
        f.add("trusted-resource-types", `resource type ${t} is not on the pack's allowlist`, "O6/O7 use only this program's host commands, its components and @pulumi/command");
        return f.list;
    }

    // A local command writes nothing but annotated tags in its own repository.
    const scriptRoots = where === "local" ? (declaredWrites ?? []).filter((d) => /\/\.git\/refs\/tags\/[^/]+$/.test(d)) : roots;
    for (const s of scripts) {
        const ctx = new ScriptCtx({ where, field: s.field, declaredWrites, readOnly, roots: scriptRoots, liveTree, cwd, pins, findings: f, stdinData });
        ctx.run(s.text);
        for (const sh of secretShapes(s.text)) {
            f.add("no-plaintext-secrets", `${sh} in ${s.field}`, "pass secrets as Pulumi secrets on stdin; never write them in the command");
        }
    }
    for (const [k, v] of Object.entries(env)) {
        for (const sh of secretShapes(`${k}=${v}`)) {
            f.add("no-plaintext-secrets", `${sh} in environment ${k}`, "mark it as a Pulumi secret");
        }
    }
    for (const field of ["description", "triggers"]) {
        const v = p[field];
        const txt = typeof v === "string" ? v : Array.isArray(v) ? v.join("\n") : "";
        for (const sh of secretShapes(txt)) {
            f.add("no-plaintext-secrets", `${sh} in ${field}`, "never put secrets in descriptions or triggers");
        }
    }
    for (const members of await Promise.all(shipped)) {
        for (const m of members) {
            shippedChecks(m, f);
        }
    }
    return f.list;
}

function hostKeyCheck(conn: unknown, f: Findings, t: string): void {
    if (!conn || typeof conn !== "object") {
        f.add("host-key-pinned", `${t} without a connection`, "give the connection with a pinned hostKey");
        return;
    }
    const c = conn as Record<string, unknown>;
    const k = c.hostKey;
    if (typeof k !== "string" || !HOST_KEY.test(k.trim())) {
        f.add("host-key-pinned", `${t} does not pin the host key (connection.hostKey ${typeof k === "string" ? "is not '<type> <base64>'" : "is missing"})`,
            "set connection.hostKey to the host's public key read out of band");
    }
    for (const bad of ["password", "agentSocketPath", "proxy"]) {
        if (c[bad] !== undefined && c[bad] !== null && c[bad] !== "") {
            if (bad === "password") {
                f.add("no-plaintext-secrets", `${t} connection.password`, "use a key file; never a password");
            } else {
                f.add("host-key-pinned", `${t} connection.${bad}`, "connect directly with the pinned key");
            }
        }
    }
}

function shippedChecks(m: ShippedMember, f: Findings): void {
    if (m.problem) {
        f.add(m.problem.policy, `${m.origin}: ${m.problem.what}`, m.problem.instead);
        return;
    }
    const bad = forbiddenShippedName(m.name);
    if (bad) {
        const policy = bad.includes("git") ? "no-push-or-remote" : bad.includes("bytecode") ? "kill-switch-stays-off" : bad.includes("leaves the tree") ? "writes-in-allowed-roots" : "no-service-restart";
        f.add(policy, `ships ${m.origin}: ${bad}`, "ship only the release's source tree");
    }
    if (m.text === undefined) {
        return;
    }
    const c = forbiddenShippedContent(m.text);
    if (c) {
        f.add("no-push-or-remote", `ships ${m.origin} with ${c}`, "never ship git configuration");
    }
    for (const line of switchAssignments(m.text, m.name)) {
        f.add("kill-switch-stays-off", `ships ${m.origin} with "${line}"`, "execution_enabled may only ever be False");
    }
    for (const s of secretShapes(m.text)) {
        f.add("no-plaintext-secrets", `ships ${m.origin} with ${s}`, "keep secrets out of the release tree");
    }
    for (const line of realCryptoAssignments(m.text)) {
        f.add("no-real-crypto", `ships ${m.origin} with "${line}"`, "StubSigning stays the signing provider until O10");
    }
    if (/\bclass\s+\w*(Kms|Hsm|Pkcs11|Gpg|Rsa|Ed25519|Ecdsa)\w*Signing\w*\b/.test(m.text) ) {
        f.add("no-real-crypto", `ships ${m.origin} replacing StubSigning`, "StubSigning stays the signing provider until O10");
    }
}

async function readLocalPath(p: string | undefined): Promise<ShippedMember[]> {
    if (!p || !fs.existsSync(p)) {
        return [{ origin: p ?? "(no localPath)", name: "", problem: { policy: "kill-switch-stays-off", what: "the file to copy does not exist at preview", instead: "build it before preview" } }];
    }
    return readArchive(p);
}

/** An asset or archive as the SDK hands it to a policy: text/path/assets may be promises. */
async function readAsset(v: unknown, origin: string): Promise<ShippedMember[]> {
    const o = await Promise.resolve(v) as Record<string, unknown> | undefined;
    if (!o || typeof o !== "object") {
        return [{ origin, name: "", problem: { policy: "commands-are-readable", what: "an asset the pack cannot read", instead: "use a StringAsset, FileAsset or FileArchive" } }];
    }
    const text = await Promise.resolve(o.text);
    if (typeof text === "string") {
        return [{ origin, name: origin, text }];
    }
    const uri = await Promise.resolve(o.uri);
    if (typeof uri === "string") {
        return [{ origin, name: origin, problem: { policy: "commands-are-readable", what: `a remote asset (${uri.slice(0, 60)}) that the pack cannot read at preview`, instead: "ship a local file" } }];
    }
    const p = await Promise.resolve(o.path);
    if (typeof p === "string") {
        return readLocalPath(p);
    }
    const assets = await Promise.resolve(o.assets);
    if (assets && typeof assets === "object") {
        const out: ShippedMember[] = [];
        for (const [k, a] of Object.entries(assets as Record<string, unknown>)) {
            for (const m of await readAsset(a, `${origin}/${k}`)) {
                out.push({ ...m, name: m.name === `${origin}/${k}` ? k : m.name });
            }
        }
        return out;
    }
    return [{ origin, name: "", problem: { policy: "commands-are-readable", what: "an asset of a kind the pack cannot read", instead: "use a StringAsset, FileAsset or FileArchive" } }];
}
