/**
 * What a resource would run or ship, in the terms the policies use. Knows
 * this program's host commands and any program's @pulumi/command resources.
 * A resource kind the pack cannot read (another dynamic provider) is opaque,
 * and the transparency policy refuses it.
 */
import * as fs from "fs";
import * as path from "path";

export const REMOTE_COMMAND = "pulumi-nodejs:dynamic/host:RemoteCommand";
export const LOCAL_COMMAND = "pulumi-nodejs:dynamic/host:LocalCommand";

export interface Script {
    /** Property path, e.g. "create". */
    field: string;
    text: string;
}

export interface ShippedFile {
    /** Where it comes from (asset path, archive member). */
    origin: string;
    text: string;
}

export interface CommandBearing {
    where: "remote" | "local";
    scripts: Script[];
    /** Environment variables given to the command (name -> value). */
    env: Record<string, string>;
    connection?: Record<string, unknown>;
    /** Declared write targets (this program's commands only). */
    declaredWrites?: string[];
    files: ShippedFile[];
    /** Fields whose values the pack must not scan for secret shapes. */
    secretFields: string[];
}

export function isDynamic(type: string): boolean {
    return type.startsWith("pulumi-nodejs:dynamic");
}

/** Copies an array out of the SDK's proxy (Array methods on the proxy itself throw). */
export function toArray(v: unknown): unknown[] {
    const out: unknown[] = [];
    if (v && typeof v === "object" && typeof (v as { length?: unknown }).length === "number") {
        const a = v as ArrayLike<unknown>;
        for (let i = 0; i < a.length; i++) {
            out.push(a[i]);
        }
    }
    return out;
}

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

/** Reads the members of a (ustar/pax) tar file; text members only. */
export function readTar(file: string, limitBytes = 256 << 20): ShippedFile[] {
    const out: ShippedFile[] = [];
    const buf = fs.readFileSync(file);
    let off = 0;
    let longName: string | undefined;
    while (off + 512 <= buf.length && off < limitBytes) {
        const h = buf.subarray(off, off + 512);
        if (h.every((b) => b === 0)) { break; }
        let name = h.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
        const prefix = h.subarray(345, 500).toString("utf8").replace(/\0.*$/s, "");
        if (prefix) { name = `${prefix}/${name}`; }
        const size = parseInt(h.subarray(124, 136).toString("ascii").replace(/\0.*$/s, "").trim() || "0", 8);
        const type = String.fromCharCode(h[156] || 48);
        const data = buf.subarray(off + 512, off + 512 + size);
        if (type === "x") {
            const m = /\d+ path=([^\n]*)\n/.exec(data.toString("utf8"));
            if (m) { longName = m[1]; }
        } else if (type === "L") {
            longName = data.toString("utf8").replace(/\0.*$/s, "");
        } else if (type === "0" || type === "\0") {
            if (!data.includes(0)) {
                out.push({ origin: `${path.basename(file)}:${longName ?? name}`, text: data.toString("utf8") });
            }
            longName = undefined;
        } else {
            if (type !== "g") { longName = undefined; }
        }
        off += 512 + Math.ceil(size / 512) * 512;
    }
    return out;
}

function assetFiles(v: unknown, origin: string): ShippedFile[] {
    if (!v || typeof v !== "object") {
        return [];
    }
    const o = v as Record<string, unknown>;
    const out: ShippedFile[] = [];
    const text = str(o.text) ?? str((o as { __text?: unknown }).__text);
    if (text !== undefined) {
        out.push({ origin, text });
    }
    const p = str(o.path);
    if (p && fs.existsSync(p)) {
        const st = fs.statSync(p);
        if (st.isFile()) {
            out.push(...(p.endsWith(".tar") ? readTar(p) : [{ origin: p, text: fs.readFileSync(p).toString("utf8") }]));
        } else if (st.isDirectory()) {
            const walk = (d: string) => {
                for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                    const f = path.join(d, e.name);
                    if (e.isDirectory()) { walk(f); } else if (e.isFile() && fs.statSync(f).size < 8 << 20) {
                        out.push({ origin: f, text: fs.readFileSync(f).toString("utf8") });
                    }
                }
            };
            walk(p);
        }
    }
    const assets = o.assets as Record<string, unknown> | undefined;
    if (assets && typeof assets === "object") {
        for (const [k, a] of Object.entries(assets)) {
            out.push(...assetFiles(a, `${origin}/${k}`));
        }
    }
    return out;
}

/**
 * Reads a resource. Returns undefined for resources that run nothing on a
 * host, "opaque" for resources whose behaviour the pack cannot read.
 */
export function readCommandBearing(type: string, props: Record<string, any>): CommandBearing | "opaque" | undefined {
    if (type === REMOTE_COMMAND || type === LOCAL_COMMAND) {
        const scripts: Script[] = [];
        for (const f of ["create", "delete"]) {
            const t = props[f];
            if (t !== undefined && t !== "") {
                scripts.push({ field: f, text: String(t) });
            }
        }
        const files: ShippedFile[] = [];
        const stdinFile = str(props.stdinFile);
        if (stdinFile) {
            files.push(...(fs.existsSync(stdinFile) ? readTar(stdinFile) : []));
        }
        return {
            where: type === REMOTE_COMMAND ? "remote" : "local",
            scripts,
            env: {},
            connection: type === REMOTE_COMMAND ? props.connection : undefined,
            declaredWrites: toArray(props.writes).map(String),
            files,
            secretFields: ["stdinSecret"],
        };
    }
    if (type === "command:remote:Command" || type === "command:local:Command") {
        const scripts: Script[] = [];
        for (const f of ["create", "update", "delete"]) {
            const t = props[f];
            if (t !== undefined && t !== "") {
                scripts.push({ field: f, text: String(t) });
            }
        }
        if (type === "command:local:Command" && toArray(props.interpreter).length > 0) {
            const interp = toArray(props.interpreter).map(String);
            const shellish = /(^|\/)(ba|da|z|k)?sh$/.test(interp[0]) && interp.slice(1).every((a: string) => /^-[a-z]*c[a-z]*$/.test(a));
            if (!shellish) {
                // A non-shell interpreter runs the text as its own language: read it as code.
                scripts.forEach((s) => { s.text = `${interp.join(" ")} <<'IUCUTTER_CODE'\n${s.text}\nIUCUTTER_CODE`; });
            }
        }
        const env: Record<string, string> = {};
        if (props.environment && typeof props.environment === "object") {
            for (const [k, v] of Object.entries(props.environment)) {
                env[k] = String(v);
            }
        }
        const stdin = str(props.stdin);
        if (stdin) {
            scripts.push({ field: "stdin", text: stdin });
        }
        return {
            where: type === "command:remote:Command" ? "remote" : "local",
            scripts, env,
            connection: type === "command:remote:Command" ? props.connection : undefined,
            files: [],
            secretFields: [],
        };
    }
    if (type === "command:remote:CopyToRemote" || type === "command:remote:CopyFile") {
        const files = type === "command:remote:CopyToRemote"
            ? assetFiles(props.source, "source")
            : (str(props.localPath) && fs.existsSync(props.localPath) ? [{ origin: props.localPath, text: fs.readFileSync(props.localPath).toString("utf8") }] : []);
        return {
            where: "remote", scripts: [], env: {}, connection: props.connection,
            declaredWrites: str(props.remotePath) ? [props.remotePath] : [], files, secretFields: [],
        };
    }
    if (isDynamic(type) || type.startsWith("command:")) {
        return "opaque";
    }
    return undefined;
}
