/**
 * Resource shapes for the adversarial corpus (evasions.ts, benign.ts): each
 * constructor returns what the policy pack sees for one resource, that is the
 * type, the properties and the property paths that arrive marked secret.
 *
 * Fabricated secret shapes are assembled at run time (see FAKE below) so that
 * no secret-looking literal sits in the repo tree. None of them is, or was, a
 * real credential.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TRUSTED_PROVIDER } from "../helpers/trusted";

export interface Resource {
    type: string;
    props: Record<string, unknown>;
    /** Property paths that arrive marked secret (e.g. "create", "connection.password"). */
    secretPaths?: string[];
}

/** The classes of the adversarial corpus (same set for both sides). */
export type Cls =
    | "impersonation"
    | "unread-code"
    | "shell-words"
    | "sql"
    | "kill-switch"
    | "push"
    | "writes"
    | "restart"
    | "mutation"
    | "crypto"
    | "force"
    | "secrets";

export const CLASSES: Cls[] = [
    "impersonation", "unread-code", "shell-words", "sql", "kill-switch", "push",
    "writes", "restart", "mutation", "crypto", "force", "secrets",
];

export interface Case {
    /** Unique, readable: "<area>/<what>". */
    id: string;
    cls: Cls | string;
    resource: Resource;
    note?: string;
}

export const REMOTE_COMMAND = "pulumi-nodejs:dynamic/host:RemoteCommand";
export const LOCAL_COMMAND = "pulumi-nodejs:dynamic/host:LocalCommand";

export const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2rzzl+bb0riftqnZzRYbcYUPLcUOLYkwPyF7NIVt3b";

/** Paths of the program (Pulumi.contabo.yaml). */
export const P = {
    dot: "/opt/incomex/dot",
    target: "/opt/incomex/dot/iu-cutter",
    configPy: "/opt/incomex/dot/iu-cutter/cutter_agent/config.py",
    signingPy: "/opt/incomex/dot/iu-cutter/cutter_agent/signing.py",
    runPy: "/opt/incomex/dot/iu-cutter/cutter_agent/orchestrator/run.py",
    envProduction: "/opt/incomex/dot/.env.production",
    compose: "/opt/incomex/dot/docker-compose.yml",
    state: "/var/lib/cutter",
    stateDir: "/var/lib/cutter/state",
    configDir: "/var/lib/cutter/config",
    ini: "/var/lib/cutter/config/orchestrator.ini",
    ledger: "/var/lib/cutter/deployed-release",
    log: "/var/lib/cutter/deploy.log",
    staging: "/opt/incomex/.iu-cutter-staging",
    stageTree: "/opt/incomex/.iu-cutter-staging/release-0123456789abcdef/tree",
    localDir: "/srv/src/iu-cutter",
};

/** The read-only psql invocation of the program (MODEL.md, "SQL"). */
export const PSQL_RO = "psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d incomex";

/** `psql … <<'SQL'` with `BEGIN READ ONLY;` … `ROLLBACK;` around `body`. */
export function roSql(body: string, psql = PSQL_RO): string {
    return `${psql} <<'SQL'\nBEGIN READ ONLY;\n${body}\nROLLBACK;\nSQL`;
}

/** Fabricated secret shapes, assembled at run time. */
export const FAKE = {
    password: ["hunter", "2", "-not-", "real", "-Pw9"].join(""),
    token: ["ghp", "_", "abcdefghijklmnopqrstuvwxyz", "0123456789"].join(""),
    awsKeyId: ["AK", "IA", "ABCDEFGHIJKLMNOP"].join(""),
    awsSecret: ["wJalr", "XUtnFEMI", "/K7MDENG", "/bPxRfiCY", "EXAMPLEKEY"].join(""),
    pemBegin: (kind: string) => ["-----BEGIN", ...(kind ? [kind] : []), "PRIVATE", "KEY-----"].join(" "),
    pemEnd: (kind: string) => ["-----END", ...(kind ? [kind] : []), "PRIVATE", "KEY-----"].join(" "),
    pemBody: ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
        "QyNTUxOQAAACBmYWJyaWNhdGVkLWZvci10ZXN0cy1vbmx5LW5vdC1hLWtleQAAAJg"].join("\n"),
    /** name=value for a `*_PASSWORD`-style variable. */
    assign: (name: string, value: string) => [name, value].join("="),
    dsn: (user: string, db: string) => ["postgres", "://", user, ":", FAKE.password, "@", "127.0.0.1:5432/", db].join(""),
    basicAuthUrl: (host: string, p: string) => ["https", "://", "deploy", ":", FAKE.password, "@", host, p].join(""),
};

export function pem(kind = "OPENSSH"): string {
    return `${FAKE.pemBegin(kind)}\n${FAKE.pemBody}\n${FAKE.pemEnd(kind)}`;
}

function defaultConnection(): Record<string, unknown> {
    return { address: "203.0.113.7", port: 22, user: "root", hostKey: HOST_KEY, privateKeyPath: "/root/.ssh/id_ed25519" };
}

export interface HostCommandOpts {
    writes?: string[];
    guard?: "HostIdentityGuard" | "PreStateAnchor";
    delete?: string;
    stdinFile?: string;
    description?: string;
    /** null: no connection property at all. */
    connection?: Record<string, unknown> | null;
    provider?: string;
    kind?: string;
    triggers?: string[];
    captureStdout?: boolean;
    secretPaths?: string[];
    /** Secret text on the script's stdin (marked secret, as the program passes it). */
    stdinSecret?: string;
}

function withSecrets(r: Resource, secretPaths: string[] | undefined): Resource {
    return secretPaths && secretPaths.length > 0 ? { ...r, secretPaths } : r;
}

/** The inputs every host command has (lib/provider/remoteCommand.ts hostCommandProps), with the trusted provider by default. */
function commandProps(kind: string, create: string, o: Omit<HostCommandOpts, "connection">): Record<string, unknown> {
    return {
        kind: o.kind ?? kind,
        description: o.description ?? "test",
        create,
        delete: o.delete ?? "",
        writes: o.writes ?? [],
        triggers: o.triggers ?? [],
        stdinFile: o.stdinFile ?? "",
        captureStdout: o.captureStdout ?? false,
        ...(o.guard ? { guard: o.guard } : {}),
        __provider: o.provider ?? TRUSTED_PROVIDER,
    };
}

/** This program's RemoteCommand. */
export function hostCommand(create: string, o: HostCommandOpts = {}): Resource {
    const props = commandProps("RemoteCommand", create, o);
    if (o.connection !== null) {
        props.connection = o.connection ?? defaultConnection();
    }
    if (o.stdinSecret !== undefined) {
        props.stdinSecret = o.stdinSecret;
    }
    return withSecrets({ type: REMOTE_COMMAND, props }, o.stdinSecret !== undefined ? [...(o.secretPaths ?? []), "stdinSecret"] : o.secretPaths);
}

/** This program's LocalCommand: no connection unless one is given. */
export function localCommand(create: string, o: Omit<HostCommandOpts, "connection"> & { connection?: Record<string, unknown>; dir?: string } = {}): Resource {
    const props: Record<string, unknown> = { ...commandProps("LocalCommand", create, o), dir: o.dir ?? P.localDir };
    if (o.connection) {
        props.connection = o.connection;
    }
    return withSecrets({ type: LOCAL_COMMAND, props }, o.secretPaths);
}

function commandConnection(): Record<string, unknown> {
    return { host: "203.0.113.7", port: 22, user: "root", hostKey: HOST_KEY };
}

/** @pulumi/command remote.Command. */
export function commandRemote(create: string, o: {
    connection?: Record<string, unknown>;
    environment?: Record<string, string>;
    stdin?: string;
    update?: string;
    delete?: string;
    secretPaths?: string[];
} = {}): Resource {
    const props: Record<string, unknown> = { create, connection: o.connection ?? commandConnection() };
    if (o.environment) { props.environment = o.environment; }
    if (o.stdin !== undefined) { props.stdin = o.stdin; }
    if (o.update !== undefined) { props.update = o.update; }
    if (o.delete !== undefined) { props.delete = o.delete; }
    return withSecrets({ type: "command:remote:Command", props }, o.secretPaths);
}

/** @pulumi/command local.Command. */
export function commandLocal(create: string, o: {
    interpreter?: string[];
    environment?: Record<string, string>;
    stdin?: string;
    dir?: string;
    secretPaths?: string[];
} = {}): Resource {
    const props: Record<string, unknown> = { create };
    if (o.interpreter) { props.interpreter = o.interpreter; }
    if (o.environment) { props.environment = o.environment; }
    if (o.stdin !== undefined) { props.stdin = o.stdin; }
    if (o.dir !== undefined) { props.dir = o.dir; }
    return withSecrets({ type: "command:local:Command", props }, o.secretPaths);
}

/** @pulumi/command remote.CopyToRemote; `source` is an asset or archive as the SDK shows it. */
export function copyToRemote(source: unknown, remotePath: string, o: { connection?: Record<string, unknown>; secretPaths?: string[] } = {}): Resource {
    return withSecrets({
        type: "command:remote:CopyToRemote",
        props: { source, remotePath, connection: o.connection ?? commandConnection() },
    }, o.secretPaths);
}

/** Serialized provider code that is not the pinned one (harmless-looking, then not). */
export const OTHER_PROVIDER = [
    "exports.handler = __provider;",
    "var __provider = {",
    "  check: async (olds, news) => ({ inputs: news, failures: [] }),",
    "  diff: async () => ({ changes: true }),",
    "  create: async (inputs) => {",
    "    const cp = require(\"child_process\");",
    "    cp.execFileSync(\"ssh\", [\"-o\", \"StrictHostKeyChecking=no\", inputs.connection.user + \"@\" + inputs.connection.address,",
    "      \"systemctl restart iu-cutter; \" + inputs.create]);",
    "    return { id: \"x\", outs: inputs };",
    "  },",
    "};",
].join("\n");

/** Impersonation: the trusted type name and a harmless create, but another provider's code. */
export function otherDynamic(create: string, provider = OTHER_PROVIDER): Resource {
    const r = hostCommand(create, { provider });
    return r;
}

/** A dynamic resource of the generic type (any provider code). */
export function dynamicResource(props: Record<string, unknown>, provider: string = OTHER_PROVIDER, type = "pulumi-nodejs:dynamic:Resource"): Resource {
    return { type, props: { ...props, __provider: provider } };
}

export function dockerContainer(props: Record<string, unknown> = {}): Resource {
    return {
        type: "docker:index/container:Container",
        props: {
            name: "iu-cutter",
            image: "python:3.12-slim",
            restart: "always",
            command: ["python3", "-m", "cutter_agent.cli", "orchestrate", "--mode", "dryrun"],
            volumes: [{ hostPath: P.target, containerPath: "/app" }],
            ...props,
        },
    };
}

export function randomString(): Resource {
    return { type: "random:index/randomString:RandomString", props: { length: 32, special: false } };
}

// ---------------------------------------------------------------- temp files

let tmpRoot: string | undefined;
let tmpSeq = 0;

function tmpDir(prefix: string): string {
    if (!tmpRoot) {
        tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-adversarial-"));
        const root = tmpRoot;
        process.on("exit", () => {
            try { fs.rmSync(root, { recursive: true, force: true }); } catch { /* best effort */ }
        });
    }
    const d = path.join(tmpRoot, `${prefix}-${++tmpSeq}`);
    fs.mkdirSync(d, { recursive: true });
    return d;
}

/** A real file with `content`, for `stdinFile` and `{ path }` assets. */
export function tempFile(name: string, content: string): string {
    const f = path.join(tmpDir("file"), name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content);
    return f;
}

/** A real directory holding `files` (relative name -> content), for `{ path: dir }` assets. */
export function tempTree(files: Record<string, string>): string {
    const d = tmpDir("tree");
    for (const [name, content] of Object.entries(files)) {
        const f = path.join(d, name);
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, content);
    }
    return d;
}

export interface TarEntry {
    name: string;
    type?: "file" | "symlink" | "hardlink" | "fifo" | "dir";
    content?: string;
    /** symlink: the link text; hardlink: the archive name of an earlier entry. */
    target?: string;
    /** file mode (files and FIFOs), e.g. 0o755 for a hook. */
    mode?: number;
}

/**
 * Builds a real tar file (GNU tar, ustar format, members in the given order)
 * and returns its path. Plain archives end in `.tar`, gzip ones in `.tar.gz`
 * unless `fileName` says otherwise (an attacker names a gzip `release.tar`).
 */
export function makeTar(entries: TarEntry[], opts: { gzip?: boolean; fileName?: string; transform?: string } = {}): string {
    const stage = tmpDir("tar-stage");
    for (const e of entries) {
        const p = path.join(stage, e.name);
        const type = e.type ?? "file";
        if (type === "dir") {
            fs.mkdirSync(p, { recursive: true });
            continue;
        }
        fs.mkdirSync(path.dirname(p), { recursive: true });
        if (type === "file") {
            fs.writeFileSync(p, e.content ?? "");
        } else if (type === "symlink") {
            fs.symlinkSync(e.target ?? "", p);
        } else if (type === "hardlink") {
            fs.linkSync(path.join(stage, e.target ?? ""), p);
        } else if (type === "fifo") {
            execFileSync("mkfifo", [p]);
        }
        if (e.mode !== undefined && (type === "file" || type === "fifo")) {
            fs.chmodSync(p, e.mode);
        }
    }
    const out = path.join(tmpDir("tar"), opts.fileName ?? (opts.gzip ? "release.tar.gz" : "release.tar"));
    execFileSync("tar", [
        opts.gzip ? "-czf" : "-cf", out, "--format=ustar", "--owner=0", "--group=0", "--numeric-owner",
        "--mtime=@0", "--no-recursion", ...(opts.transform ? ["-P", `--transform=${opts.transform}`] : []), "-C", stage, "--", ...entries.map((e) => e.name),
    ]);
    return out;
}

/** A pinned helper's text: the files pins.json lists as its parts (lib/scripts/py/), found from the compiled test. */
export function pinnedHelper(name: string): string {
    for (let d = __dirname; d !== path.dirname(d); d = path.dirname(d)) {
        const pins = path.join(d, "policies", "pinned", "pins.json");
        if (fs.existsSync(pins)) {
            const parts: string[] = JSON.parse(fs.readFileSync(pins, "utf8")).helpers[name]?.parts ?? [name];
            return parts.map((p) => fs.readFileSync(path.join(d, "lib", "scripts", "py", p), "utf8")).join("");
        }
    }
    throw new Error(`policies/pinned/pins.json not found above ` + __dirname);
}

/** The pinned tree-digest helper itself (lib/scripts/py/tree_digest.py). */
export function pinnedTreeDigest(): string {
    return pinnedHelper("tree_digest.py");
}
