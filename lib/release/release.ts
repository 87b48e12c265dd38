/**
 * The release as it exists in the source repo at the pinned commit: checks
 * (clean tree, right commit, version, orchestrator/, kill-switch, no secrets,
 * no bytecode), the deterministic manifest, and the archive that ships it.
 * The manifest is computed from git objects, so it is exactly the commit.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { RELEASE_VERSION } from "../config/config";
import { sha256Hex, sortEntries, TreeEntry, treeDigest } from "../core/digest";

export class ReleaseRefused extends Error {
    constructor(public readonly guard: string, message: string) {
        super(`${guard}: ${message}`);
        this.name = "ReleaseRefused";
    }
}

export interface ReleaseManifest {
    commit: string;
    entries: TreeEntry[];
    digest: string;
    fileCount: number;
    totalBytes: number;
}

/** File names that must never ship: secrets and credentials. */
const SECRET_NAME = [
    /(^|\/)\.env(\..*)?$/i,
    /(^|\/)id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
    /\.(pem|key|p12|pfx|jks|keystore|kdbx|gpg|asc)$/i,
    /(^|\/)\.(netrc|pgpass|npmrc|pypirc)$/i,
    /(^|\/)(credentials|secrets?)(\.[a-z]+)?$/i,
];
const SECRET_CONTENT = /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----|-----BEGIN PGP PRIVATE KEY BLOCK-----/;

function git(repo: string, args: string[], input?: Buffer): Buffer {
    return execFileSync("git", ["-C", repo, ...args], { input, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "pipe"] });
}

/**
 * Verifies the source repo and builds the manifest. Throws ReleaseRefused.
 * With a cache dir, the manifest of a commit that already passed every check
 * is reused (a commit's content never changes); HEAD and the clean-tree check
 * still run every time.
 */
export function inspectRelease(sourceRepo: string, pinnedCommit: string, cacheDir?: string): ReleaseManifest {
    if (!fs.existsSync(path.join(sourceRepo, ".git")) && !fs.existsSync(path.join(sourceRepo, "HEAD"))) {
        throw new ReleaseRefused("ReleaseSource", `${sourceRepo} is not a git repository; set release.sourceRepo to the iu-cutter dev repo`);
    }
    let head: string;
    try {
        head = git(sourceRepo, ["rev-parse", "HEAD"]).toString().trim();
    } catch (e) {
        throw new ReleaseRefused("ReleaseSource", `cannot read HEAD of ${sourceRepo}: ${(e as Error).message.split("\n")[0]}`);
    }
    if (!head.startsWith(pinnedCommit)) {
        throw new ReleaseRefused("ReleaseSource",
            `${sourceRepo} is at ${head.slice(0, 12)}, but release.commit pins ${pinnedCommit}. Check out the reviewed commit, or re-review.`);
    }
    const dirty = git(sourceRepo, ["--no-optional-locks", "status", "--porcelain=v1", "--untracked-files=all"]).toString();
    if (dirty.trim() !== "") {
        const first = dirty.split("\n").filter(Boolean).slice(0, 5).join("; ");
        throw new ReleaseRefused("ReleaseSource", `${sourceRepo} has uncommitted or untracked changes (${first}). Commit or remove them; only a clean tree at the pinned commit ships.`);
    }

    const cacheFile = cacheDir ? path.join(cacheDir, `manifest-${head}.json`) : undefined;
    if (cacheFile && fs.existsSync(cacheFile)) {
        const cached = JSON.parse(fs.readFileSync(cacheFile, "utf8")) as ReleaseManifest;
        if (cached.commit === head && treeDigest(cached.entries) === cached.digest) {
            return cached;
        }
    }
    const m = inspectCommit(sourceRepo, head);
    if (cacheFile) {
        fs.mkdirSync(cacheDir!, { recursive: true });
        fs.writeFileSync(`${cacheFile}.${process.pid}.tmp`, JSON.stringify(m));
        fs.renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
    }
    return m;
}

function inspectCommit(sourceRepo: string, head: string): ReleaseManifest {
    // ls-tree gives mode/type/object/path for every entry at the commit.
    const ls = git(sourceRepo, ["ls-tree", "-r", "-z", "--full-tree", head]).toString("utf8").split("\0").filter(Boolean);
    const items: Array<{ mode: string; oid: string; path: string }> = [];
    for (const rec of ls) {
        const tab = rec.indexOf("\t");
        const [mode, type, oid] = rec.slice(0, tab).split(" ");
        const p = rec.slice(tab + 1);
        if (type === "commit") {
            throw new ReleaseRefused("ReleaseManifest", `${p} is a git submodule; vendor its files instead`);
        }
        if (/[\n\\]/.test(p)) {
            throw new ReleaseRefused("ReleaseManifest", `path ${JSON.stringify(p)} contains a newline or backslash`);
        }
        items.push({ mode, oid, path: p });
    }
    for (const it of items) {
        if (it.path.endsWith(".pyc") || it.path.split("/").includes("__pycache__")) {
            throw new ReleaseRefused("ReleaseManifest", `${it.path} is Python bytecode; remove it from the source commit (.pyc/__pycache__ never ship)`);
        }
        if (SECRET_NAME.some((re) => re.test(it.path))) {
            throw new ReleaseRefused("NoSecretsInTree", `${it.path} looks like a secret or credential file; secrets stay in .env/.env.production on the host, never in the release`);
        }
    }

    // Blobs are read in batches so memory stays flat in the tree's size: only
    // the manifest entries and the two files the source checks need are kept.
    const entries: TreeEntry[] = [];
    let totalBytes = 0;
    const keep = new Map<string, Buffer>();
    let orchestrator = false;
    const BATCH = 256;
    for (let b = 0; b < items.length; b += BATCH) {
        const chunk = items.slice(b, b + BATCH);
        const out = spawnSync("git", ["-C", sourceRepo, "cat-file", "--batch"], { input: chunk.map((i) => i.oid).join("\n") + "\n", maxBuffer: 1 << 30 });
        if (out.status !== 0) {
            throw new ReleaseRefused("ReleaseManifest", `git cat-file failed: ${out.stderr.toString()}`);
        }
        const buf = out.stdout;
        let off = 0;
        for (const it of chunk) {
            const nl = buf.indexOf(0x0a, off);
            const size = parseInt(buf.subarray(off, nl).toString().split(" ")[2], 10);
            const data = buf.subarray(nl + 1, nl + 1 + size);
            off = nl + 1 + size + 1;
            if (it.mode === "120000") {
                entries.push({ path: it.path, kind: "l", mode: 0o777, sha256: sha256Hex(data), target: data.toString("utf8"), size });
                continue;
            }
            if (SECRET_CONTENT.test(data.toString("latin1"))) {
                throw new ReleaseRefused("NoSecretsInTree", `${it.path} contains a private key block; remove it from the source`);
            }
            entries.push({ path: it.path, kind: "f", mode: it.mode === "100755" ? 0o755 : 0o644, sha256: sha256Hex(data), size });
            totalBytes += size;
            if (it.path.startsWith("cutter_agent/orchestrator/") && it.path.endsWith(".py")) {
                orchestrator = true;
            }
            if (it.path === "cutter_agent/__init__.py" || it.path === "cutter_agent/config.py") {
                keep.set(it.path, Buffer.from(data));
            } else if (it.path.endsWith(".py")) {
                checkNoKillSwitchFlip(it.path, data);
            }
        }
    }

    checkReleaseSource(keep, orchestrator);
    return { commit: head, entries: sortEntries(entries), digest: treeDigest(entries), fileCount: entries.length, totalBytes };
}

function checkNoKillSwitchFlip(p: string, data: Buffer): void {
    const bad = /^\s*(?:[\w.]+\.)?execution_enabled\s*=\s*(?!False\b)\S/m.exec(data.toString("utf8"));
    if (bad) {
        throw new ReleaseRefused("KillSwitch", `${p} assigns execution_enabled to something other than False`);
    }
}

/** The seeds' source assertions, checked before anything ships. */
export function checkReleaseSource(pyFiles: Map<string, Buffer>, hasOrchestrator: boolean): void {
    const init = pyFiles.get("cutter_agent/__init__.py")?.toString("utf8");
    if (init === undefined) {
        throw new ReleaseRefused("ReleaseVersion", "cutter_agent/__init__.py is missing at the pinned commit");
    }
    const m = /^__version__\s*=\s*["']([^"']+)["']/m.exec(init);
    if (!m || m[1] !== RELEASE_VERSION) {
        throw new ReleaseRefused("ReleaseVersion", `cutter_agent/__init__.py has __version__ = ${m ? JSON.stringify(m[1]) : "(none)"}, expected "${RELEASE_VERSION}"`);
    }
    if (!hasOrchestrator) {
        throw new ReleaseRefused("ReleaseOrchestrator", "cutter_agent/orchestrator/ is missing at the pinned commit");
    }
    const cfg = pyFiles.get("cutter_agent/config.py")?.toString("utf8") ?? "";
    const assigns = [...cfg.matchAll(/^\s*execution_enabled\s*(?::\s*bool\s*)?=\s*(.+?)\s*(#.*)?$/gm)].map((x) => x[1]);
    if (assigns.length === 0 || assigns.some((v) => v !== "False")) {
        throw new ReleaseRefused("KillSwitch", `cutter_agent/config.py must set execution_enabled = False (found: ${assigns.length ? assigns.join(", ") : "no assignment"})`);
    }
}

/**
 * Writes the release archive (deterministic: `git archive` of the commit, with
 * 0644/0755 modes) into `dir` unless it is already there; returns its path.
 */
export function buildArchive(sourceRepo: string, m: ReleaseManifest, dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `release-${m.digest.slice(0, 16)}.tar`);
    if (!fs.existsSync(file)) {
        const tmp = `${file}.${process.pid}.tmp`;
        execFileSync("git", ["-C", sourceRepo, "-c", "tar.umask=0022", "archive", "--format=tar", "-o", tmp, m.commit]);
        fs.renameSync(tmp, file);
    }
    return file;
}

/** A redeploy that ships only what changed: the live tree is the base, named by its pinned anchor. */
export interface ReleaseDelta {
    /** The pinned anchors.tree digest the live tree has (checked by the PreStateAnchor guard before any write). */
    baseDigest: string;
    /** The source commit whose manifest has that digest (from this machine's manifest cache). */
    baseCommit: string;
    /** Paths whose manifest entry is new or differs from the base (shipped in the archive). */
    changed: string[];
    /** Paths of the base that the release no longer has. */
    removed: string[];
    /** Paths of the base that are replaced (changed and present in the base): tar unlinks each before unpacking it. */
    replaced: string[];
    /** Directories of the base that the release no longer has, deepest first. */
    emptied: string[];
    /** The archive of the changed files only. */
    archivePath: string;
}

/** More changed paths than this and the whole tree ships (one archive, no path lists in the script). */
export const DELTA_MAX_PATHS = 1000;

/**
 * The delta of a release against the tree the host has, or undefined (then
 * the whole tree ships). The base is only ever a manifest this machine
 * already checked (manifest cache in `cacheDir`) whose digest equals the
 * pinned anchors.tree: the plan depends on reviewed values only, never on a
 * live observation, so preview, up and any re-run after a crash plan the same
 * commands. Whatever the delta, the host verifies the whole staged tree
 * against the manifest before the swap.
 */
export function releaseDelta(sourceRepo: string, m: ReleaseManifest, pinnedTree: string | undefined, cacheDir: string): ReleaseDelta | undefined {
    if (!pinnedTree || pinnedTree === m.digest || !fs.existsSync(cacheDir)) {
        return undefined;
    }
    let base: ReleaseManifest | undefined;
    for (const f of cachedManifestsWithDigest(cacheDir, pinnedTree)) {
        try {
            const c = JSON.parse(fs.readFileSync(path.join(cacheDir, f), "utf8")) as ReleaseManifest;
            if (c.digest === pinnedTree && treeDigest(c.entries) === c.digest) {
                base = c;
                break;
            }
        } catch { /* a damaged cache entry is no base */ }
    }
    if (!base) {
        return undefined;
    }
    const { changed, removed, replaced, emptied } = manifestDelta(base, m);
    // Python files reach the host only in an archive or by the exchange: a release that drops one ships whole.
    if (changed.length + removed.length > DELTA_MAX_PATHS || removed.some((p) => /\.py[cw]?$/.test(p))) {
        return undefined;
    }
    return { baseDigest: base.digest, baseCommit: base.commit, changed, removed, replaced, emptied, archivePath: buildDeltaArchive(sourceRepo, m, base.digest, changed, cacheDir) };
}

/**
 * Cache files (manifest-<commit>.json) that claim `digest`, from a small index
 * (file, size, mtime -> digest) so that a run does not parse every cached
 * manifest; the caller still re-checks the one it uses.
 */
function cachedManifestsWithDigest(cacheDir: string, digest: string): string[] {
    const indexFile = path.join(cacheDir, "manifest-digests.json");
    let index: Record<string, { sig: string; digest: string }> = {};
    try {
        index = JSON.parse(fs.readFileSync(indexFile, "utf8"));
    } catch { /* no index yet */ }
    const next: typeof index = {};
    let changed = false;
    for (const f of fs.readdirSync(cacheDir).filter((n) => /^manifest-[0-9a-f]{40}\.json$/.test(n))) {
        const st = fs.statSync(path.join(cacheDir, f));
        const sig = `${st.size} ${st.mtimeMs} ${st.ino}`;
        if (index[f]?.sig === sig) {
            next[f] = index[f];
            continue;
        }
        changed = true;
        try {
            next[f] = { sig, digest: (JSON.parse(fs.readFileSync(path.join(cacheDir, f), "utf8")) as ReleaseManifest).digest };
        } catch { /* unreadable: never a base */ }
    }
    if (changed || Object.keys(next).length !== Object.keys(index).length) {
        const tmp = `${indexFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(next));
        fs.renameSync(tmp, indexFile);
    }
    return Object.keys(next).filter((f) => next[f].digest === digest);
}

/** Which manifest entries differ (kind, mode, content or link target), by path. */
export function manifestDelta(base: ReleaseManifest, m: ReleaseManifest): { changed: string[]; removed: string[]; replaced: string[]; emptied: string[] } {
    const key = (e: TreeEntry) => `${e.kind} ${e.mode} ${e.sha256} ${e.target ?? ""}`;
    const old = new Map(base.entries.map((e) => [e.path, key(e)]));
    const now = new Set(m.entries.map((e) => e.path));
    const changed = m.entries.filter((e) => old.get(e.path) !== key(e)).map((e) => e.path);
    const replaced = changed.filter((p) => old.has(p));
    const removed = base.entries.filter((e) => !now.has(e.path)).map((e) => e.path);
    const dirsOf = (ps: string[]) => {
        const d = new Set<string>();
        for (const p of ps) {
            const parts = p.split("/");
            for (let i = 1; i < parts.length; i++) { d.add(parts.slice(0, i).join("/")); }
        }
        return d;
    };
    const kept = dirsOf([...now]);
    const emptied = [...dirsOf(removed)].filter((d) => !kept.has(d))
        .sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? -1 : a > b ? 1 : 0));
    return { changed, removed, replaced, emptied };
}

/**
 * The archive of the changed files only (deterministic: `git archive` of
 * those paths at the commit, 0644/0755 modes), in `dir`; an empty archive
 * when nothing but removals changed. Returns its path.
 */
export function buildDeltaArchive(sourceRepo: string, m: ReleaseManifest, baseDigest: string, changed: string[], dir: string): string {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `release-${m.digest.slice(0, 16)}-delta-${baseDigest.slice(0, 16)}.tar`);
    if (!fs.existsSync(file)) {
        const tmp = `${file}.${process.pid}.tmp`;
        if (changed.length === 0) {
            fs.writeFileSync(tmp, Buffer.alloc(10240));
        } else {
            execFileSync("git", ["-C", sourceRepo, "-c", "tar.umask=0022", "archive", "--format=tar", "-o", tmp, m.commit, "--",
                ...changed.map((p) => `:(literal)${p}`)]);
        }
        fs.renameSync(tmp, file);
    }
    return file;
}
