/**
 * Canonical digests shared by the program (computed from git objects) and the
 * host (computed by the Python snippet in lib/scripts/o6.ts). Both must agree
 * byte for byte; test/unit/digest.test.ts checks them against each other.
 *
 * Tree digest: sha256 over one line per entry, sorted by the UTF-8 bytes of
 * the relative path:
 *   regular file: "f <mode, 4 octal digits> <sha256 of content> <path>\n"
 *   symlink:      "l <link target> <path>\n"
 * Directories are implied by their entries. A manifest never has bytecode
 * (the release refuses it); the host's digest of a live tree covers every
 * file, bytecode included, so stray *.pyc / __pycache__ show as drift.
 */
import * as crypto from "crypto";

export interface TreeEntry {
    path: string;
    kind: "f" | "l";
    /** Octal permission bits, e.g. 0o644. */
    mode: number;
    /** sha256 hex of the content (files) or the link target (symlinks). */
    sha256: string;
    /** Link target, symlinks only. */
    target?: string;
    size: number;
}

export function sha256Hex(data: string | Buffer): string {
    return crypto.createHash("sha256").update(data).digest("hex");
}

export function isIgnoredPath(p: string): boolean {
    return p.split("/").includes("__pycache__") || p.endsWith(".pyc");
}

export function entryLine(e: TreeEntry): string {
    if (e.kind === "l") {
        return `l ${e.target} ${e.path}\n`;
    }
    return `f ${e.mode.toString(8).padStart(4, "0")} ${e.sha256} ${e.path}\n`;
}

export function sortEntries(entries: TreeEntry[]): TreeEntry[] {
    return [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.path, "utf8"), Buffer.from(b.path, "utf8")));
}

export function treeDigest(entries: TreeEntry[]): string {
    const h = crypto.createHash("sha256");
    for (const e of sortEntries(entries)) {
        if (!isIgnoredPath(e.path)) {
            h.update(entryLine(e));
        }
    }
    return h.digest("hex");
}

/** Stable JSON: keys sorted, no whitespace. Used for every digest over data. */
export function canonicalJson(v: unknown): string {
    if (v === null || typeof v !== "object") {
        return JSON.stringify(v);
    }
    if (Array.isArray(v)) {
        return "[" + v.map(canonicalJson).join(",") + "]";
    }
    const o = v as Record<string, unknown>;
    return "{" + Object.keys(o).filter((k) => o[k] !== undefined).sort()
        .map((k) => JSON.stringify(k) + ":" + canonicalJson(o[k])).join(",") + "}";
}
