/**
 * Shipped files, read with tar-stream: every member of a tar is looked at.
 * Links, devices and FIFOs are refused; compressed archives are refused (the
 * program ships plain tars, so nothing is hidden behind a decompressor); a
 * directory is walked; any other file is read as one member.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicyName } from "../verify/findings";

// tar-stream ships no types; its listeners take per-event arguments.
// eslint-disable-next-line @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any
const tarStream = require("tar-stream") as { extract(): NodeJS.WritableStream & { on(ev: string, fn: (...a: any[]) => void): unknown } };

export interface ShippedMember {
    origin: string;
    name: string;
    /** UTF-8 text; undefined for binary data. */
    text?: string;
    problem?: { policy: PolicyName; what: string; instead?: string };
}

const BINARY_OK = /\.(png|jpe?g|gif|ico|pdf|woff2?|ttf|otf|svgz)$/i;

function compressed(head: Buffer): string | undefined {
    if (head[0] === 0x1f && head[1] === 0x8b) { return "gzip"; }
    if (head.subarray(0, 3).toString("latin1") === "BZh") { return "bzip2"; }
    if (head[0] === 0xfd && head.subarray(1, 6).toString("latin1") === "7zXZ\u0000") { return "xz"; }
    if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) { return "zstd"; }
    if (head[0] === 0x50 && head[1] === 0x4b) { return "zip"; }
    return undefined;
}

function isTar(head: Buffer): boolean {
    return head.length >= 263 && head.subarray(257, 262).toString("latin1") === "ustar";
}

function member(origin: string, name: string, data: Buffer): ShippedMember {
    if (data.includes(0)) {
        if (BINARY_OK.test(name)) {
            return { origin, name };
        }
        return { origin, name, problem: { policy: "commands-are-readable", what: "binary content the pack cannot read", instead: "ship text files only" } };
    }
    const text = data.toString("utf8");
    if (Buffer.from(text, "utf8").compare(data) !== 0) {
        return { origin, name, problem: { policy: "commands-are-readable", what: "content that is not valid UTF-8", instead: "ship UTF-8 text" } };
    }
    return { origin, name, text };
}

export async function readArchive(file: string): Promise<ShippedMember[]> {
    const st = fs.lstatSync(file);
    const base = path.basename(file);
    if (st.isDirectory()) {
        const out: ShippedMember[] = [];
        const walk = (d: string, rel: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                const full = path.join(d, e.name);
                const r = rel ? `${rel}/${e.name}` : e.name;
                if (e.isDirectory()) { walk(full, r); continue; }
                if (!e.isFile()) {
                    out.push({ origin: full, name: r, problem: { policy: "kill-switch-stays-off", what: "not a regular file (link, device or FIFO)", instead: "ship regular files only" } });
                    continue;
                }
                out.push(member(full, r, fs.readFileSync(full)));
            }
        };
        walk(file, "");
        return out;
    }
    if (!st.isFile()) {
        return [{ origin: file, name: base, problem: { policy: "kill-switch-stays-off", what: "not a regular file", instead: "ship a regular file" } }];
    }
    const fd = fs.openSync(file, "r");
    const head = Buffer.alloc(512);
    fs.readSync(fd, head, 0, 512, 0);
    fs.closeSync(fd);
    const z = compressed(head);
    if (z) {
        return [{ origin: file, name: base, problem: { policy: "kill-switch-stays-off", what: `a ${z}-compressed archive the pack does not unpack`, instead: "ship an uncompressed tar" } }];
    }
    if (!isTar(head)) {
        return [member(file, base, fs.readFileSync(file))];
    }
    return new Promise((resolve) => {
        const out: ShippedMember[] = [];
        const ex = tarStream.extract();
        ex.on("entry", (h: { name: string; type: string; linkname?: string }, stream: NodeJS.ReadableStream, next: () => void) => {
            const origin = `${base}:${h.name}`;
            const chunks: Buffer[] = [];
            stream.on("data", (b: Buffer) => chunks.push(b));
            stream.on("end", () => {
                if (h.type === "file" || h.type === "contiguous-file") {
                    out.push(member(origin, h.name, Buffer.concat(chunks)));
                } else if (h.type !== "directory") {
                    out.push({ origin, name: h.name, problem: { policy: "kill-switch-stays-off", what: `a ${h.type} member${h.linkname ? ` -> ${h.linkname}` : ""} (only regular files and directories are shipped)`, instead: "ship regular files only" } });
                }
                next();
            });
            stream.resume();
        });
        ex.on("finish", () => resolve(out));
        ex.on("error", (e: Error) => resolve([...out, { origin: file, name: base, problem: { policy: "commands-are-readable", what: `the archive cannot be read: ${e.message}`, instead: "ship a well-formed tar" } }]));
        fs.createReadStream(file).pipe(ex);
    });
}
