/**
 * HostCommand: a shell script run on the target host over OpenSSH with a pinned
 * host key (RemoteCommand) or on the operator's machine (LocalCommand).
 *
 * Why a dynamic provider and not @pulumi/command: the pulumi-command provider
 * plugin cannot be obtained on the machines this project runs on (no GitHub
 * release downloads; its Go module is not served by the module proxy), see the
 * README's design notes. The resource keeps pulumi-command's semantics where
 * they matter for review: `create` runs on create and on any input change,
 * `delete` runs on destroy, everything is a plain string known at preview.
 *
 * Secrets never travel in the command text: a script reads them from stdin
 * (`stdinSecret`, an encrypted input), and nothing a script prints is kept
 * unless the resource asks for it with `captureStdout`.
 */
import * as fs from "fs";
import * as path from "path";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import * as pulumi from "../core/pulumiSdk";
import { bashInvocation, controlSocketPath, isHostKeyMismatch, knownHostsLine, sshArgs, SshTarget } from "../host/ssh";

export const REMOTE_COMMAND_TYPE = "pulumi-nodejs:dynamic/host:RemoteCommand";
export const LOCAL_COMMAND_TYPE = "pulumi-nodejs:dynamic/host:LocalCommand";

/**
 * What the engine runs as the provider: the pinned serialized text the policy
 * pack trusts (policies/pinned/host-command-provider.js, written from
 * hostCommandProvider by `node bin/scripts/pins.js`; pins.test.ts fails when
 * it is stale). Handing the engine that text, as `pulumi.dynamic.Resource`
 * would after serializing the object, skips the SDK's closure serializer
 * (TypeScript's parser and a V8 inspector session): about 0.9 s of every
 * run. The resources are the same dynamic resources: same type tokens, same
 * `__provider` bytes.
 */
export const PINNED_PROVIDER_FILE = path.join(__dirname, "..", "..", "..", "policies", "pinned", "host-command-provider.js");
let pinnedProvider: string | undefined;
export function pinnedProviderText(): string {
    if (pinnedProvider === undefined) {
        try {
            pinnedProvider = fs.readFileSync(PINNED_PROVIDER_FILE, "utf8");
        } catch (e) {
            throw new pulumi.RunError(`the pinned host-command provider ${PINNED_PROVIDER_FILE} cannot be read (${(e as Error).message}); run: node bin/scripts/pins.js`);
        }
    }
    return pinnedProvider;
}

export interface HostCommandInputs {
    /** Human-readable purpose, shown in the review package. */
    description: string;
    /** Script run on create and whenever an input changes. */
    create: string;
    /** Script run on destroy (rollback). */
    delete?: string;
    /** Absolute paths this script writes under; empty for read-only checks. */
    writes: string[];
    /** Values whose change re-runs `create` (e.g. a manifest digest). */
    triggers?: string[];
    /** Local file streamed to the script's stdin (e.g. the release archive). */
    stdinFile?: string;
    /** Secret text fed to the script's stdin; never part of the command. */
    stdinSecret?: pulumi.Input<string>;
    /** Keep the script's stdout as an output (never for secret-handling scripts). */
    captureStdout?: boolean;
    /** Set on the read-only guards every write depends on (checked by policy). */
    guard?: "HostIdentityGuard" | "PreStateAnchor";
}

export interface RemoteCommandInputs extends HostCommandInputs {
    connection: SshTarget;
}

export interface LocalCommandInputs extends HostCommandInputs {
    /** Working directory on the operator's machine. */
    dir: string;
}

const RERUN_KEYS = ["create", "triggers", "stdinFile", "stdinSecret", "connection", "dir"];

/** The dynamic provider. Self-contained: it is serialized into the state. */
export const hostCommandProvider: dynamic.ResourceProvider = {
    async check(_olds: any, news: any) {
        const failures: dynamic.CheckFailure[] = [];
        if (typeof news.create !== "string" || news.create.trim() === "") {
            failures.push({ property: "create", reason: "a command script is required" });
        }
        return { inputs: news, failures };
    },

    async diff(_id: string, olds: any, news: any) {
        const changed: string[] = [];
        const keys = ["description", "create", "delete", "writes", "triggers", "stdinFile", "stdinSecret", "captureStdout", "connection", "dir", "guard"];
        for (const k of keys) {
            if (JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null)) {
                changed.push(k);
            }
        }
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    },

    async create(inputs: any) {
        const stdout = await runHostScript(inputs, inputs.create);
        const crypto = require("crypto");
        const id = crypto.createHash("sha256").update(inputs.create).digest("hex").slice(0, 16)
            + "-" + crypto.randomBytes(4).toString("hex");
        return { id, outs: { ...inputs, stdout: inputs.captureStdout ? stdout : "" } };
    },

    async update(_id: string, olds: any, news: any) {
        let rerun = false;
        for (const k of RERUN_KEYS) {
            if (JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null)) {
                rerun = true;
            }
        }
        let stdout = olds.stdout ?? "";
        if (rerun) {
            stdout = await runHostScript(news, news.create);
        }
        return { outs: { ...news, stdout: news.captureStdout ? stdout : "" } };
    },

    async delete(_id: string, props: any) {
        if (typeof props.delete === "string" && props.delete.trim() !== "") {
            await runHostScript(props, props.delete);
        }
    },
};

/**
 * Runs `script` where the resource says (ssh or local bash) and returns stdout.
 * Fails with the script's exit code and the tail of its stderr; any secret
 * line that a script might echo is masked before the message leaves.
 */
async function runHostScript(inputs: any, script: string): Promise<string> {
    const cp = require("child_process");
    const fs = require("fs");
    const os = require("os");
    const path = require("path");

    const secretLines: string[] = typeof inputs.stdinSecret === "string"
        ? inputs.stdinSecret.split("\n").filter((l: string) => l.length >= 4)
        : [];
    const mask = (s: string) => secretLines.reduce((acc, l) => acc.split(l).join("[secret]"), s);

    let cmd: string;
    let args: string[];
    let cleanup = () => { /* nothing */ };
    let cwd: string | undefined;
    if (inputs.connection) {
        const c = inputs.connection;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-kh-"));
        const kh = path.join(dir, "known_hosts");
        fs.writeFileSync(kh, knownHostsLine(c), { mode: 0o600 });
        cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
        cmd = "ssh";
        // The same pinned-key invocation as the preview-time observation,
        // through the run's shared connection when the program opened one.
        const sock = controlSocketPath(c);
        args = sshArgs(c, kh, bashInvocation(script), sock !== undefined && fs.existsSync(sock) ? sock : undefined);
    } else {
        cmd = "bash";
        args = ["-c", script];
        cwd = inputs.dir;
    }

    try {
        return await new Promise<string>((resolve, reject) => {
            let stdinFd: number | undefined;
            if (inputs.stdinFile) {
                stdinFd = fs.openSync(inputs.stdinFile, "r");
            }
            const child = cp.spawn(cmd, args, {
                cwd,
                stdio: [stdinFd !== undefined ? stdinFd : "pipe", "pipe", "pipe"],
                env: { ...process.env, LC_ALL: "C" },
            });
            const out: Buffer[] = [];
            const err: Buffer[] = [];
            let outLen = 0;
            // Progress: each line of stdout goes to the engine as it arrives (the
            // provider's stderr becomes an info diagnostic), secrets masked; the
            // host scripts' lines name their step themselves ("Release: ...").
            let partial = "";
            child.stdout.on("data", (b: Buffer) => {
                if (outLen < 4 << 20) { out.push(b); outLen += b.length; }
                const text = partial + b.toString("utf8");
                const lines = text.split("\n");
                partial = lines.pop() ?? "";
                for (const l of lines) {
                    if (l.trim() !== "") { process.stderr.write(`${mask(l)}\n`); }
                }
            });
            child.stderr.on("data", (b: Buffer) => { err.push(b); });
            if (stdinFd === undefined) {
                child.stdin.on("error", () => { /* the script may not read stdin */ });
                child.stdin.end(typeof inputs.stdinSecret === "string" ? inputs.stdinSecret + "\n" : "");
            }
            child.on("error", (e: Error) => reject(e));
            child.on("close", (code: number | null, signal: string | null) => {
                if (stdinFd !== undefined) {
                    fs.closeSync(stdinFd);
                }
                const stdout = mask(Buffer.concat(out).toString("utf8"));
                const stderr = mask(Buffer.concat(err).toString("utf8"));
                if (code === 0) {
                    resolve(stdout);
                    return;
                }
                const where = inputs.connection
                    ? `${inputs.connection.user}@${inputs.connection.address}:${inputs.connection.port}`
                    : "the operator's machine";
                let hint = "";
                if (isHostKeyMismatch(stderr)) {
                    hint = "\nHostKeyPin: the host's SSH key does not match host.hostKey in the stack config. "
                        + "Nothing was run. If the host was legitimately re-imaged, verify its new key out of band and pin it.";
                }
                const tail = stderr.trim().split("\n").slice(-15).join("\n");
                reject(new Error(`${inputs.description}: failed on ${where} `
                    + `(${signal ? "signal " + signal : "exit " + code}).${hint}\n${tail}`));
            });
        });
    } finally {
        cleanup();
    }
}

function commonOpts(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
    return {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "stdinSecret"],
    };
}

/** The resource inputs: defaults first, so every input is a plain, known value at preview. */
function hostCommandProps(kind: "RemoteCommand" | "LocalCommand", args: HostCommandInputs & object): pulumi.Inputs {
    return { kind, delete: "", triggers: [], stdinFile: "", captureStdout: false, ...args, stdout: undefined };
}

/** A script run on the target host over SSH with the pinned host key. */
export class RemoteCommand extends pulumi.CustomResource {
    declare public readonly stdout: pulumi.Output<string>;
    declare public readonly create: pulumi.Output<string>;

    constructor(name: string, args: RemoteCommandInputs, opts?: pulumi.CustomResourceOptions) {
        super(REMOTE_COMMAND_TYPE, name, { ...hostCommandProps("RemoteCommand", args), __provider: pinnedProviderText() }, commonOpts(opts));
    }
}

/** A script run on the operator's machine (e.g. tagging the source repo). */
export class LocalCommand extends pulumi.CustomResource {
    declare public readonly stdout: pulumi.Output<string>;
    declare public readonly create: pulumi.Output<string>;

    constructor(name: string, args: LocalCommandInputs, opts?: pulumi.CustomResourceOptions) {
        super(LOCAL_COMMAND_TYPE, name, { ...hostCommandProps("LocalCommand", args), __provider: pinnedProviderText() }, commonOpts(opts));
    }
}
