/**
 * The release as it exists in the source repo at the pinned commit: checks
 * (clean tree, right commit, version, orchestrator/, kill-switch, no secrets,
 * no bytecode), the deterministic manifest, and the archive that ships it.
 * The manifest is computed from git objects, so it is exactly the commit.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { splitPsql } from "../../policies/lib/parsers/psqlText";
import { RELEASE_VERSION } from "../config/config";
import { sha256Hex, sortEntries, TreeEntry, treeDigest } from "../core/digest";
import { ASSERT_RELEASE } from "../scripts/helpers";

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
export function inspectRelease(sourceRepo: string, pinnedCommit: string, cacheDir?: string, copies?: CleanCopies): ReleaseManifest {
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
    const m = inspectCommit(sourceRepo, head, copies);
    if (cacheFile) {
        fs.mkdirSync(cacheDir!, { recursive: true });
        fs.writeFileSync(`${cacheFile}.${process.pid}.tmp`, JSON.stringify(m));
        fs.renameSync(`${cacheFile}.${process.pid}.tmp`, cacheFile);
    }
    return m;
}

function inspectCommit(sourceRepo: string, head: string, copies?: CleanCopies): ReleaseManifest {
    // ls-tree gives mode/type/object/path for every entry at the commit.
    const raw = git(sourceRepo, ["ls-tree", "-r", "-z", "--full-tree", head]);
    checkTreeNames(raw);
    const ls = raw.toString("utf8").split("\0").filter(Boolean);
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
        // python imports a file with an extension-module suffix as native code, which the kill-switch check cannot read.
        if (/\.(so|pyd)$/.test(it.path)) {
            throw new ReleaseRefused("ReleaseManifest", `${it.path} is a compiled extension module, which python imports as native code that the kill-switch check cannot read; ship its source, or install it on the host outside the release (reviewed)`);
        }
        if (SECRET_NAME.some((re) => re.test(it.path))) {
            throw new ReleaseRefused("NoSecretsInTree", `${it.path} looks like a secret or credential file; secrets stay in .env/.env.production on the host, never in the release`);
        }
    }

    // Blobs are read in batches so memory stays flat in the tree's size: only
    // the manifest entries are kept.
    const entries: TreeEntry[] = [];
    let totalBytes = 0;
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
        }
    }

    checkTreeShapes(items, entries);
    if (copies) {
        checkReleaseSource(copies.dir(sourceRepo, head));
    } else {
        withCleanCopy(sourceRepo, head, (dir) => checkReleaseSource(dir));
    }
    return { commit: head, entries: sortEntries(entries), digest: treeDigest(entries), fileCount: entries.length, totalBytes };
}

/**
 * Runs `fn` on a clean copy of the commit (`git archive`, extracted into a new
 * temporary directory that is removed afterwards, whatever happens).
 */
export function withCleanCopy<T>(sourceRepo: string, commit: string, fn: (dir: string) => T): T {
    const copies = new CleanCopies();
    try {
        return fn(copies.dir(sourceRepo, commit));
    } finally {
        copies.dispose();
    }
}

/**
 * One clean copy per commit for the length of a review: the source
 * assertions (which only read) and then the release's test suite run in the
 * same unpacked tree instead of unpacking it twice (at 10,000 files the
 * unpacking, not the checks, is what takes seconds). `dispose` removes every
 * copy; the caller calls it in a `finally`.
 */
export class CleanCopies {
    private readonly made = new Map<string, string>();

    dir(sourceRepo: string, commit: string): string {
        const key = `${path.resolve(sourceRepo)}\0${commit}`;
        const known = this.made.get(key);
        if (known) {
            return path.join(known, "tree");
        }
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-release-"));
        this.made.set(key, dir);
        const tree = path.join(dir, "tree");
        fs.mkdirSync(tree);
        const tar = path.join(dir, "release.tar");
        execFileSync("git", ["-C", sourceRepo, "-c", "tar.umask=0022", "archive", "--format=tar", "-o", tar, commit]);
        execFileSync("tar", ["-x", "--no-same-owner", "-f", tar, "-C", tree]);
        fs.rmSync(tar);
        return tree;
    }

    dispose(): void {
        for (const d of this.made.values()) {
            fs.rmSync(d, { recursive: true, force: true });
        }
        this.made.clear();
    }
}

// ---------------------------------------------------------------------------
// Tree shapes the host must never receive (issue 15): names that are not
// UTF-8, anything but regular files and symlinks, and symlinks that are
// absolute or resolve outside the tree (to the host's .env.production,
// /etc/passwd, ...). Checked at preview, each refusal names the path.

/** Every path in `git ls-tree -r -z` output must be valid UTF-8 (the host's helpers and the review package read names as text). */
export function checkTreeNames(lsTreeZ: Buffer): void {
    let off = 0;
    while (off < lsTreeZ.length) {
        let end = lsTreeZ.indexOf(0, off);
        if (end < 0) { end = lsTreeZ.length; }
        const rec = lsTreeZ.subarray(off, end);
        off = end + 1;
        const tab = rec.indexOf(0x09);
        if (tab < 0) { continue; }
        const name = rec.subarray(tab + 1);
        if (!Buffer.from(name.toString("utf8"), "utf8").equals(name)) {
            throw new ReleaseRefused("ReleaseManifest", `path ${JSON.stringify(name.toString("latin1"))} (bytes ${name.toString("hex")}) is not valid UTF-8; rename it in the source commit`);
        }
    }
}

/** Only regular files (0644/0755) and symlinks that stay inside the tree ship. */
export function checkTreeShapes(items: Array<{ mode: string; path: string }>, entries: TreeEntry[]): void {
    for (const it of items) {
        if (!["100644", "100755", "120000"].includes(it.mode)) {
            throw new ReleaseRefused("ReleaseManifest", `${it.path} has git mode ${it.mode} (not a regular file or symlink: device, FIFO or other special file); only regular files and in-tree symlinks ship`);
        }
    }
    const links = new Map<string, string>();
    for (const e of entries) {
        if (e.kind === "l") {
            const t = e.target ?? "";
            if (t === "" || t.includes("\0") || t.includes("\uFFFD")) {
                throw new ReleaseRefused("ReleaseSymlink", `${e.path} is a symlink with an empty or non-UTF-8 target; only relative symlinks inside the tree ship`);
            }
            if (t.startsWith("/")) {
                throw new ReleaseRefused("ReleaseSymlink", `${e.path} is a symlink to the absolute path ${t}; only relative symlinks that resolve inside the tree ship`);
            }
            links.set(e.path, t);
        }
    }
    for (const [p, t] of links) {
        const where = resolveInTree(p, links);
        if (where === undefined) {
            throw new ReleaseRefused("ReleaseSymlink", `${p} -> ${t} resolves outside the release tree (or loops); only relative symlinks that resolve inside the tree ship`);
        }
    }
}

/**
 * Resolves `p` (a path in the tree) component by component as the kernel
 * would, following the tree's own symlinks; undefined when it leaves the
 * tree's root or loops (more than 40 links).
 */
export function resolveInTree(p: string, links: Map<string, string>): string | undefined {
    let todo = p.split("/").filter((x) => x !== "" && x !== ".");
    const done: string[] = [];
    let hops = 0;
    while (todo.length > 0) {
        const c = todo.shift()!;
        if (c === ".") { continue; }
        if (c === "..") {
            if (done.length === 0) { return undefined; }
            done.pop();
            continue;
        }
        const here = [...done, c].join("/");
        const t = links.get(here);
        if (t !== undefined) {
            if (++hops > 40 || t.startsWith("/")) { return undefined; }
            todo = [...t.split("/").filter((x) => x !== ""), ...todo];
            continue;
        }
        done.push(c);
    }
    return done.join("/");
}

/**
 * The seeds' source assertions (version, orchestrator/, kill-switch), checked
 * before anything ships, by the same pinned helper the host runs after the
 * swap and around the dry run (lib/scripts/py/assert_release.py): one
 * definition, so an annotated `execution_enabled: bool = False` is judged
 * identically here and there. `python` is the operator's interpreter.
 */
export function checkReleaseSource(tree: string, python = "python3"): void {
    const r = spawnSync(python, ["-", tree, RELEASE_VERSION], { input: ASSERT_RELEASE.text, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
    if (r.error) {
        throw new ReleaseRefused("ReleaseSource", `cannot run ${python} for the release assertions: ${r.error.message}`);
    }
    const failed = r.stderr.split("\n").map((l) => /^ASSERTION FAILED: (\w+): (.*)$/.exec(l)).filter((m): m is RegExpExecArray => !!m);
    if (failed.length > 0) {
        throw new ReleaseRefused(failed[0][1], failed.map((m) => (m === failed[0] ? m[2] : `${m[1]}: ${m[2]}`)).join("; "));
    }
    if (r.status !== 0) {
        throw new ReleaseRefused("ReleaseSource", `the release assertions failed (exit ${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
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

/** The release's own test suite, run at review time on a clean copy of the pinned commit. */
export interface ReleaseTestResult {
    /** What ran, in the clean copy (bytecode writing off, no pytest cache). */
    command: string;
    /** The interpreter's version line (`<python> --version`). */
    python: string;
    expected: number;
    passed: number;
    failed: number;
    errors: number;
    skipped: number;
    /** Set when the suite did not run (a rollback review), with the reason. */
    notRun?: string;
}

export const RELEASE_TEST_ARGS = ["-m", "pytest", "-q", "-p", "no:cacheprovider"];

/**
 * Runs the release's test suite (pytest) on a clean copy of `commit` with
 * PYTHONDONTWRITEBYTECODE=1 and no pytest cache, and refuses unless every
 * test passed and exactly `expected` tests passed (release.expectedTests: the
 * roadmap's "tests 366/366"). The counts come from pytest's JUnit report,
 * written outside the copy.
 */
export function runReleaseTests(sourceRepo: string, commit: string, expected: number, python: string, record?: ReleaseTestRecord, copies?: CleanCopies): ReleaseTestResult {
    const key = record ? releaseTestKey(sourceRepo, commit, expected, python) : undefined;
    const file = key && record ? path.join(record.dir, `release-tests-${key}.json`) : undefined;
    if (file && record?.reuse && fs.existsSync(file)) {
        const kept = JSON.parse(fs.readFileSync(file, "utf8")) as { key: string; result: ReleaseTestResult };
        if (kept.key === key && kept.result.expected === expected && kept.result.passed === expected) {
            return kept.result;
        }
    }
    const res = runReleaseSuite(sourceRepo, commit, expected, python, copies);
    if (file && record) {
        fs.mkdirSync(record.dir, { recursive: true });
        fs.writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify({ key, result: res }));
        fs.renameSync(`${file}.${process.pid}.tmp`, file);
    }
    return res;
}

/**
 * Where a passing result is kept, and whether this run may take it instead of
 * running the suite. The review (preview) always runs the suite and records
 * its result; the deploy (`up`) of the same reviewed release takes the
 * review's result, which is the one the approvals signed, instead of
 * re-running the whole suite on another clean copy.
 */
export interface ReleaseTestRecord {
    dir: string;
    reuse: boolean;
}

/**
 * What a suite result depends on: the commit's tree (git's content address
 * of every file), the interpreter (its resolved path, size and mtime: an
 * upgrade is a new key), the pytest arguments and the expected count.
 */
export function releaseTestKey(sourceRepo: string, commit: string, expected: number, python: string): string | undefined {
    const tree = spawnSync("git", ["-C", sourceRepo, "rev-parse", "--verify", "-q", `${commit}^{tree}`], { encoding: "utf8" });
    const exe = resolveExecutable(python);
    if (tree.status !== 0 || !exe) {
        return undefined;
    }
    const st = fs.statSync(exe);
    return sha256Hex(Buffer.from(JSON.stringify(["v1", tree.stdout.trim(), exe, st.size, st.mtimeMs, RELEASE_TEST_ARGS, expected])));
}

/** The file `python` runs as (PATH lookup for a bare name, symlinks resolved), or undefined. */
function resolveExecutable(python: string): string | undefined {
    const dirs = python.includes("/") ? [""] : (process.env.PATH ?? "").split(":").filter(Boolean);
    for (const d of dirs) {
        const p = d ? path.join(d, python) : python;
        try {
            fs.accessSync(p, fs.constants.X_OK);
            return fs.realpathSync(p);
        } catch {
            // not here
        }
    }
    return undefined;
}

function runReleaseSuite(sourceRepo: string, commit: string, expected: number, python: string, copies?: CleanCopies): ReleaseTestResult {
    const ver = spawnSync(python, ["--version"], { encoding: "utf8" });
    if (ver.error || ver.status !== 0) {
        throw new ReleaseRefused("ReleaseTests", `cannot run ${python} (release.testPython): ${ver.error?.message ?? ver.stderr.trim()}`);
    }
    const pythonLine = (ver.stdout + ver.stderr).trim().split("\n")[0];
    const report = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-tests-"));
    try {
        const junit = path.join(report, "junit.xml");
        const args = [...RELEASE_TEST_ARGS, `--junitxml=${junit}`];
        const inTree = (tree: string) => {
            const run = spawnSync(python, args, {
                cwd: tree, encoding: "utf8", maxBuffer: 1 << 28,
                env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONPATH: tree, PYTEST_ADDOPTS: "" },
            });
            const bytecode = findBytecode(tree);
            return { run, bytecode };
        };
        // The suite runs last in a shared copy: what it writes there is seen by nothing after it.
        const r = copies ? inTree(copies.dir(sourceRepo, commit)) : withCleanCopy(sourceRepo, commit, inTree);
        if (r.run.error) {
            throw new ReleaseRefused("ReleaseTests", `cannot run the release's tests with ${python}: ${r.run.error.message}`);
        }
        const xml = fs.existsSync(junit) ? fs.readFileSync(junit, "utf8") : "";
        const suite = /<testsuite\b[^>]*>/.exec(xml)?.[0] ?? "";
        const attr = (k: string) => Number(new RegExp(`\\b${k}="(\\d+)"`).exec(suite)?.[1] ?? NaN);
        const total = attr("tests"), failed = attr("failures"), errors = attr("errors"), skipped = attr("skipped");
        const tail = (r.run.stdout + r.run.stderr).trim().split("\n").filter((l) => l.trim() && !/^=+/.test(l)).slice(-3).join(" | ");
        if (![total, failed, errors, skipped].every(Number.isFinite)) {
            throw new ReleaseRefused("ReleaseTests", `the release's test suite at ${commit.slice(0, 12)} produced no test report (exit ${r.run.status}; is pytest installed for ${python}? Debian: python3-pytest): ${tail}`);
        }
        const res: ReleaseTestResult = {
            command: `PYTHONDONTWRITEBYTECODE=1 ${python} ${RELEASE_TEST_ARGS.join(" ")}`, python: pythonLine,
            expected, passed: total - failed - errors - skipped, failed, errors, skipped,
        };
        const counts = `${res.passed} passed, ${failed} failed, ${errors} errors, ${skipped} skipped`;
        if (failed > 0 || errors > 0 || r.run.status !== 0) {
            throw new ReleaseRefused("ReleaseTests", `the release's test suite at ${commit.slice(0, 12)} did not pass: ${counts} (expected ${expected}/${expected}; exit ${r.run.status}): ${tail}`);
        }
        if (res.passed !== expected) {
            throw new ReleaseRefused("ReleaseTests", `the release's test suite at ${commit.slice(0, 12)} passed ${res.passed}, release.expectedTests is ${expected} (${counts}): a different suite than the one reviewed; check the commit, or set release.expectedTests after review`);
        }
        if (r.bytecode) {
            throw new ReleaseRefused("ReleaseTests", `the test run wrote bytecode (${r.bytecode}) although bytecode writing was off`);
        }
        return res;
    } finally {
        fs.rmSync(report, { recursive: true, force: true });
    }
}

function findBytecode(dir: string): string | undefined {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.name === "__pycache__" || e.name.endsWith(".pyc")) {
            return p;
        }
        if (e.isDirectory() && !e.isSymbolicLink()) {
            const f = findBytecode(p);
            if (f) {
                return f;
            }
        }
    }
    return undefined;
}

/** GAP-6's rollback runbook, from its owner (never authored by this program). */
export interface Runbook {
    text: string;
    sha256: string;
    /** "release:<path>@<commit>" or "file:<path>". */
    source: string;
}

export type RunbookSpec = { from: "release"; path: string } | { from: "file"; path: string; sha256: string };

/**
 * Reads rollback_runbook.sql from the release tree at the pinned commit, or
 * from the owner's file, whose sha256 must equal the pin. Refuses a runbook
 * that is missing, differs from its pin, or holds no SQL statement.
 */
export function loadRunbook(spec: RunbookSpec, sourceRepo: string, commit: string): Runbook {
    let text: string;
    let source: string;
    if (spec.from === "release") {
        const r = spawnSync("git", ["-C", sourceRepo, "cat-file", "blob", `${commit}:${spec.path}`], { maxBuffer: 1 << 26 });
        if (r.status !== 0) {
            throw new ReleaseRefused("RollbackRunbook", `${spec.path} is not in the release tree at ${commit.slice(0, 12)} (cutterConfig.rollbackRunbook.path). The runbook's owner ships it in the release, or hands you a file: set cutterConfig.rollbackRunbook to {from: file, path, sha256}`);
        }
        text = r.stdout.toString("utf8");
        source = `release:${spec.path}@${commit}`;
    } else {
        if (!fs.existsSync(spec.path)) {
            throw new ReleaseRefused("RollbackRunbook", `the runbook file ${spec.path} (cutterConfig.rollbackRunbook.path) does not exist on this machine`);
        }
        text = fs.readFileSync(spec.path, "utf8");
        const got = sha256Hex(text);
        if (got !== spec.sha256) {
            throw new ReleaseRefused("RollbackRunbook", `the runbook file ${spec.path} has sha256 ${got}, cutterConfig.rollbackRunbook.sha256 pins ${spec.sha256}: not the file its owner handed over`);
        }
        source = `file:${spec.path}`;
    }
    // Read as psql reads it, with the same reader as the policy pack and the GAP-6 check.
    const sql = splitPsql(text).statements.filter((s) => !/^(BEGIN|COMMIT|ROLLBACK|END|START)\b/i.test(s));
    if (sql.length === 0) {
        throw new ReleaseRefused("RollbackRunbook", `the runbook from ${source} holds no SQL statement to revert anything`);
    }
    return { text, sha256: sha256Hex(text), source };
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
    const { changed, removed, replaced } = manifestDelta(base, m);
    // Python files reach the host only in an archive or by the exchange: a release that drops one ships whole.
    if (changed.length + removed.length > DELTA_MAX_PATHS || removed.some((p) => /\.py[cw]?$/.test(p))) {
        return undefined;
    }
    return { baseDigest: base.digest, baseCommit: base.commit, changed, removed, replaced, archivePath: buildDeltaArchive(sourceRepo, m, base.digest, changed, cacheDir) };
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
export function manifestDelta(base: ReleaseManifest, m: ReleaseManifest): { changed: string[]; removed: string[]; replaced: string[] } {
    const key = (e: TreeEntry) => `${e.kind} ${e.mode} ${e.sha256} ${e.target ?? ""}`;
    const old = new Map(base.entries.map((e) => [e.path, key(e)]));
    const now = new Set(m.entries.map((e) => e.path));
    const changed = m.entries.filter((e) => old.get(e.path) !== key(e)).map((e) => e.path);
    const replaced = changed.filter((p) => old.has(p));
    const removed = base.entries.filter((e) => !now.has(e.path)).map((e) => e.path);
    return { changed, removed, replaced };
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
