/**
 * Performance changes, without a host: the delta of a redeploy (which files
 * ship, which base it rests on, when the whole tree ships instead), the
 * rendered delta staging (shellcheck), and the shared SSH connection's
 * arguments and socket path (pinned-key options unchanged, private dir).
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../../lib/config/config";
import { TreeEntry } from "../../lib/core/digest";
import { controlSocketPath, sshArgs, sshOptions, SshTarget } from "../../lib/host/ssh";
import { buildPlan, stagingDelta } from "../../lib/plan/plan";
import { readRunbook } from "../helpers/runbook";
import { inspectRelease, manifestDelta, releaseDelta, ReleaseManifest } from "../../lib/release/release";
import { rawConfig } from "../helpers/configFixture";
import { FIXTURE_DELTA } from "../helpers/rendered";
import { TREE_DIGEST } from "../../lib/scripts/helpers";
import { probeScript } from "../../lib/scripts/o6";
import { GIT_HEAP, swapScript } from "../../lib/scripts/swap";

const ROOT = path.join(__dirname, "..", "..", "..");
const FIXTURE = path.join(ROOT, "fixtures", "iu-cutter-v0.6");

function git(repo: string, ...args: string[]): string {
    return execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { encoding: "utf8" });
}

function commit(dir: string, files: Record<string, string | null>, msg: string): string {
    for (const [rel, content] of Object.entries(files)) {
        const p = path.join(dir, rel);
        if (content === null) {
            fs.rmSync(p);
        } else {
            fs.mkdirSync(path.dirname(p), { recursive: true });
            fs.writeFileSync(p, content);
        }
    }
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", msg);
    return git(dir, "rev-parse", "HEAD").trim();
}

function sourceRepo(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-delta-src-"));
    fs.cpSync(FIXTURE, dir, { recursive: true });
    git(dir, "init", "-q", "-b", "main");
    commit(dir, { "cutter_agent/pack/a/data.json": "{\"a\": 1}\n", "cutter_agent/pack/a/b/notes.txt": "n\n" }, "base");
    return dir;
}

const entry = (p: string, sha: string, mode = 0o644): TreeEntry => ({ path: p, kind: "f", mode, sha256: sha.repeat(64).slice(0, 64), size: 1 });
const manifest = (entries: TreeEntry[]): ReleaseManifest => ({ commit: "c".repeat(40), entries, digest: "d".repeat(64), fileCount: entries.length, totalBytes: entries.length });

describe("delta redeploy: what ships", () => {
    it("ships new, changed-content and changed-mode files; lists dropped files", () => {
        const base = manifest([entry("a.py", "1"), entry("b/c.txt", "2"), entry("b/d/e.txt", "3"), entry("f.sh", "4"), entry("same.py", "5")]);
        const now = manifest([entry("a.py", "9"), entry("f.sh", "4", 0o755), entry("new/x.py", "6"), entry("same.py", "5")]);
        const d = manifestDelta(base, now);
        expect(d.changed).to.deep.equal(["a.py", "f.sh", "new/x.py"]);
        expect(d.replaced).to.deep.equal(["a.py", "f.sh"]);
        expect(d.removed).to.deep.equal(["b/c.txt", "b/d/e.txt"]);
    });

    it("keeps a directory that still holds a file of the release", () => {
        const d = manifestDelta(manifest([entry("k/old.txt", "1"), entry("k/stay.txt", "2")]), manifest([entry("k/stay.txt", "2")]));
        expect(d.removed).to.deep.equal(["k/old.txt"]);
    });

    it("bases a delta only on a checked manifest whose digest is the pinned live-tree anchor, and archives only the changed files", () => {
        const dir = sourceRepo();
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-delta-cache-"));
        const base = inspectRelease(dir, git(dir, "rev-parse", "HEAD").trim(), cache);
        const head = commit(dir, { "cutter_agent/cli.py": fs.readFileSync(path.join(dir, "cutter_agent", "cli.py"), "utf8") + "# fix\n", "cutter_agent/pack/a/b/notes.txt": null }, "fix");
        const m = inspectRelease(dir, head, cache);
        const d = releaseDelta(dir, m, base.digest, cache)!;
        expect(d, "a delta over the cached base").to.not.equal(undefined);
        expect(d.baseCommit).to.equal(base.commit);
        expect(d.changed).to.deep.equal(["cutter_agent/cli.py"]);
        expect(d.removed).to.deep.equal(["cutter_agent/pack/a/b/notes.txt"]);
        const members = execFileSync("tar", ["-t", "-f", d.archivePath], { encoding: "utf8" }).split("\n").filter((l) => l && !l.endsWith("/"));
        expect(members, "only the changed file ships").to.deep.equal(["cutter_agent/cli.py"]);

        expect(releaseDelta(dir, m, undefined, cache), "anchors.tree not pinned: the whole tree ships").to.equal(undefined);
        expect(releaseDelta(dir, m, "0".repeat(64), cache), "a live tree this machine never checked: the whole tree ships").to.equal(undefined);
        expect(releaseDelta(dir, m, m.digest, cache), "the release is the live tree: nothing to ship").to.equal(undefined);
        // A tampered cache entry (digest no longer matches its entries) is no base.
        const cached = path.join(cache, `manifest-${base.commit}.json`);
        const j = JSON.parse(fs.readFileSync(cached, "utf8")) as ReleaseManifest;
        j.entries[0] = { ...j.entries[0], sha256: "0".repeat(64) };
        fs.writeFileSync(cached, JSON.stringify(j));
        expect(releaseDelta(dir, m, base.digest, cache), "a damaged cache entry").to.equal(undefined);
    });

    it("ships the whole tree when the release drops a Python file (Python reaches the host only in an archive)", () => {
        const dir = sourceRepo();
        commit(dir, { "cutter_agent/extra.py": "X = 1\n" }, "extra");
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-delta-cache-"));
        const base = inspectRelease(dir, git(dir, "rev-parse", "HEAD").trim(), cache);
        const head = commit(dir, { "cutter_agent/extra.py": null }, "drop");
        expect(releaseDelta(dir, inspectRelease(dir, head, cache), base.digest, cache)).to.equal(undefined);
    });

    it("renders a delta swap that copies from live, ships only the changes, verifies the whole tree, and passes shellcheck", () => {
        const raw = rawConfig();
        raw.anchors = { tree: "a".repeat(64), compose: "b".repeat(64), envProduction: "c".repeat(64), dotGitStatus: "d".repeat(64) };
        const c = parseStackConfig(raw, ["backupGpgFpr", "governancePrincipal"]);
        const delta = FIXTURE_DELTA;
        const full = buildPlan(c, { commit: "6".repeat(40), manifestDigest: "e".repeat(64), fileCount: 12, archivePath: "/tmp/r.tar" }, readRunbook());
        const plan = buildPlan(c, { commit: "6".repeat(40), manifestDigest: "e".repeat(64), fileCount: 12, archivePath: "/tmp/d.tar", delta }, readRunbook());
        const s = plan.swap.create;
        const stage = "/opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee";
        expect(s, "the changed files are unpacked beside the tree, not over a copy").to.contain(`tar -x -m --no-same-owner --no-same-permissions -f - -C ${stage}/delta`);
        expect(s, "one pass copies the live tree, leaving out the dropped file").to.contain(
            `stage_from_live() { python3 - /opt/incomex/dot/iu-cutter --stage ${"'" + "e".repeat(64) + " 12'"} /var/lib/cutter/tree-digest.cache ${stage} 'docs/o ld.md' <<'PY'`);
        expect(s, "no second copy or hash of the tree").to.not.contain("cp -R").and.not.contain("record_digest");
        expect(s, "the live tree as read is the pinned one").to.contain(`if [ "$pre_tree" != ${"a".repeat(64)} ]; then`);
        expect(s, "the whole staged tree is verified").to.contain(`if [ "$got" != ${"'" + "e".repeat(64) + " 12'"} ]; then`);
        expect(s.indexOf("stage_from_live)"), "copy-from-live comes before the journal").to.be.lessThan(s.indexOf("deploy.journal.tmp"));
        expect(s.indexOf("tree_digest_cached /opt"), "the journal's pre-state is the pass's reading, not the cache").to.be.greaterThan(s.indexOf("deploy.journal.tmp"));
        expect(plan.swap.stdinFile).to.equal("/tmp/d.tar");
        expect(plan.swap.writes, "same declared writes as the full upload").to.deep.equal(full.swap.writes);
        expect(plan.swap.delete, "same rollback").to.equal(full.swap.delete);
        expect(stagingDelta(delta).remove).to.deep.equal(["docs/o ld.md"]);
        // Everything after staging is the full upload's script, byte for byte, but for how git stores the blobs:
        // a delta's are known to the dot repo (its copies keep their mtime: the index refresh trusts size and mtime),
        // a full upload's are new (bulk check-in).
        const bulkAdd = `${GIT_HEAP} git -C /opt/incomex/dot -c core.bigFileThreshold=1 add -A -- iu-cutter\n`;
        const plainAdd = "git -C /opt/incomex/dot -c core.checkStat=minimal -c core.trustctime=false add -A -- iu-cutter\n";
        const tail = (x: string) => x.slice(x.indexOf('ts="$(date -u'));
        expect(full.swap.create).to.contain(bulkAdd).and.not.contain(plainAdd);
        expect(s).to.contain(plainAdd).and.not.contain(bulkAdd);
        expect(tail(s)).to.equal(tail(full.swap.create).replace(bulkAdd, plainAdd));
        const r = spawnSync("shellcheck", ["-s", "bash", "-S", "warning", "-f", "gcc", "-"], { input: s, encoding: "utf8" });
        expect(r.stdout + r.stderr).to.equal("");
        expect(r.status).to.equal(0);
    });
});

describe("one SSH connection per run: arguments and socket path", () => {
    const t: SshTarget = { address: "127.0.0.1", port: 2222, user: "root", hostKey: "ssh-ed25519 AAAA", privateKeyPath: "/k" };

    it("keeps every pinned-key option and adds only the client side of the control socket", () => {
        const plain = sshArgs(t, "/kh", "true");
        const shared = sshArgs(t, "/kh", "true", "/tmp/iucutter-ssh-0/s");
        expect(plain.slice(0, sshOptions(t, "/kh").length)).to.deep.equal(sshOptions(t, "/kh"));
        expect(shared.slice(0, sshOptions(t, "/kh").length)).to.deep.equal(sshOptions(t, "/kh"));
        expect(shared.slice(sshOptions(t, "/kh").length)).to.deep.equal(["-o", "ControlMaster=no", "-o", "ControlPath=/tmp/iucutter-ssh-0/s", "127.0.0.1", "--", "true"]);
        for (const o of ["StrictHostKeyChecking=yes", "UserKnownHostsFile=/kh", "GlobalKnownHostsFile=/dev/null", "IdentitiesOnly=yes", "IdentityAgent=none", "BatchMode=yes"]) {
            expect(shared).to.include(o);
        }
        expect(plain.join(" ")).to.not.contain("Control");
    });

    it("has no socket outside a pulumi run (every command connects on its own)", () => {
        expect(controlSocketPath(t)).to.equal(undefined);
    });

    it("names the socket by target and the pulumi process, in a 0700 directory of this user", () => {
        const fake = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-fakecli-"));
        fs.copyFileSync("/bin/bash", path.join(fake, "pulumi"));
        fs.chmodSync(path.join(fake, "pulumi"), 0o755);
        const probe = (target: SshTarget) => {
            const js = `const s=require(${JSON.stringify(path.join(ROOT, "bin", "lib", "host", "ssh.js"))});console.log(s.controlSocketPath(${JSON.stringify(target)}) ?? "none")`;
            // "; true" keeps bash (named pulumi) alive as the ancestor instead of exec'ing node.
            return execFileSync(path.join(fake, "pulumi"), ["-c", `node -e ${JSON.stringify(js).replace(/\$/g, "\\$")}; true`], { encoding: "utf8" }).trim();
        };
        const a = probe(t);
        expect(a).to.match(new RegExp(`^${os.tmpdir()}/iucutter-ssh-${process.getuid!()}/[0-9a-f]{16}-\\d+\\.\\d+$`));
        const st = fs.statSync(path.dirname(a));
        expect(st.mode & 0o777).to.equal(0o700);
        expect(probe({ ...t, hostKey: "ssh-ed25519 BBBB" }).split("/").pop()!.slice(0, 16), "another pinned key, another socket").to.not.equal(a.split("/").pop()!.slice(0, 16));
        // A directory others can reach is never used.
        fs.chmodSync(path.dirname(a), 0o755);
        try {
            expect(probe(t)).to.equal("none");
        } finally {
            fs.chmodSync(path.dirname(a), 0o700);
            fs.rmSync(fake, { recursive: true, force: true });
        }
    });
});

describe("no re-hash on a no-op: the probe's stat-signature cache", function () {
    // Real git, python and file trees: seconds, not milliseconds, on a loaded 2-core machine.
    this.timeout(60000);
    const py = (text: string, ...args: string[]) => execFileSync("python3", ["-", ...args], { input: text, encoding: "utf8" }).trim();
    const tree = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-cache-tree-"));
        fs.cpSync(FIXTURE, dir, { recursive: true });
        fs.mkdirSync(path.join(dir, "cutter_agent", "__pycache__"));
        fs.writeFileSync(path.join(dir, "cutter_agent", "__pycache__", "x.pyc"), "bytecode");
        fs.symlinkSync("cli.py", path.join(dir, "cutter_agent", "entry.py"));
        fs.chmodSync(path.join(dir, "cutter_agent", "cli.py"), 0o755);
        return dir;
    };

    it("computes exactly tree_digest's value, cached or recorded", () => {
        const dir = tree();
        const want = py(TREE_DIGEST.text, dir);
        const cache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-cache-")), "tree-digest.cache");
        expect(py(TREE_DIGEST.text, dir, "--cached", cache)).to.equal(want);
        expect(py(TREE_DIGEST.text, dir, "--record", want, cache)).to.equal(want);
        expect(py(TREE_DIGEST.text, dir, "--cached", cache)).to.equal(want);
    });

    it("records only the expected digest, and a cache hit reads no file; any stat change (even with size and mtime put back) misses", () => {
        const dir = tree();
        const want = py(TREE_DIGEST.text, dir);
        const cache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-cache-")), "tree-digest.cache");
        py(TREE_DIGEST.text, dir, "--record", "0".repeat(64) + " 1", cache);
        expect(fs.existsSync(cache), "not the expected tree: nothing recorded").to.equal(false);
        py(TREE_DIGEST.text, dir, "--record", want, cache);
        const [v, sig, , count] = fs.readFileSync(cache, "utf8").split(/\s+/);
        // A cache that says another digest for this exact stat signature is believed: proof that nothing was hashed.
        fs.writeFileSync(cache, `${v} ${sig} ${"f".repeat(64)} ${count}\n`);
        expect(py(TREE_DIGEST.text, dir, "--cached", cache)).to.equal(`${"f".repeat(64)} ${count}`);
        // Same size, same mtime, other content: ctime moved, so the signature misses and the tree is hashed.
        const f = path.join(dir, "cutter_agent", "config.py");
        const st = fs.statSync(f);
        const body = fs.readFileSync(f);
        body[0] = body[0] === 0x23 ? 0x24 : 0x23;
        fs.writeFileSync(f, body);
        fs.utimesSync(f, st.atime, st.mtime);
        const now = py(TREE_DIGEST.text, dir, "--cached", cache);
        expect(now).to.not.equal(`${"f".repeat(64)} ${count}`);
        expect(now).to.equal(py(TREE_DIGEST.text, dir));
        expect(now).to.not.equal(want);
    });

    it("never stands in for a guard, a staging verification or a revert: those hash the tree", () => {
        const raw = rawConfig();
        raw.anchors = { tree: "a".repeat(64), compose: "b".repeat(64), envProduction: "c".repeat(64), dotGitStatus: "d".repeat(64) };
        const c = parseStackConfig(raw, ["backupGpgFpr", "governancePrincipal"]);
        const plan = buildPlan(c, { commit: "6".repeat(40), manifestDigest: "e".repeat(64), fileCount: 12, archivePath: "/tmp/r.tar" }, readRunbook());
        expect(probeScript(c)).to.contain("tree_digest_cached /opt/incomex/dot/iu-cutter /var/lib/cutter/tree-digest.cache");
        for (const cmd of [plan.identityGuard, plan.preStateGuard]) {
            expect(cmd.create, cmd.resource).to.not.contain("tree_digest_cached");
        }
        expect(plan.preStateGuard.create).to.contain("tree_digest /opt/incomex/dot/iu-cutter");
        const swap = plan.swap.create;
        expect(swap).to.contain("record_digest /opt/incomex/.iu-cutter-staging/release-eeeeeeeeeeeeeeee/tree /var/lib/cutter/tree-digest.cache");
        // The swap takes the cache in exactly two places: the journal's pre-state (measured before staging records its
        // own tree; the guard hashed it just before) and the re-check after the exchange of the tree staging hashed.
        const uses = swap.split("\n").filter((l) => l.includes("tree_digest_cached ") && !l.startsWith("tree_digest_cached()"));
        expect(uses).to.have.length(2);
        expect(uses[0]).to.equal(`pre_tree="$(tree_digest_cached /opt/incomex/dot/iu-cutter /var/lib/cutter/tree-digest.cache | cut -d' ' -f1)"`);
        expect(swap.indexOf(uses[0])).to.be.lessThan(swap.indexOf("record_digest /opt"));
        expect(uses[1]).to.match(/^\[ "\$\(tree_digest_cached \/opt\/incomex\/dot\/iu-cutter \/var\/lib\/cutter\/tree-digest.cache \| cut -d' ' -f1\)" = e{64} \] \|\| \{ revert; fail/);
        expect(swap.indexOf(uses[1])).to.be.greaterThan(swap.indexOf("exchange /opt"));
        const revert = swap.slice(swap.indexOf("revert() {"), swap.indexOf("\n}\n", swap.indexOf("revert() {")));
        expect(revert).to.contain("tree_digest /opt/incomex/dot/iu-cutter");
        expect(revert).to.not.contain("tree_digest_cached");
    });
});

describe("delta staging in one pass (tree_digest --stage): each file read and hashed once", function () {
    this.timeout(60000);

    it("the policy pack accepts the delta swap as rendered (the live tree's digest as the pass read it goes into the journal)", async () => {
        // The built pack's analyzer (policies/bin), the code `pulumi preview --policy-pack` runs.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { analyzeResource } = require(path.join(ROOT, "policies", "bin", "lib", "analyze")) as { analyzeResource: (r: unknown) => Promise<Array<{ policy: string; action: string }>> };
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { hostCommand } = require(path.join(ROOT, "policies", "bin", "test", "adversarial", "shapes")) as { hostCommand: (create: string, o: { writes: string[]; stdinFile?: string }) => unknown };
        const raw = rawConfig();
        raw.anchors = { tree: "a".repeat(64), compose: "b".repeat(64), envProduction: "c".repeat(64), dotGitStatus: "d".repeat(64) };
        const c = parseStackConfig(raw, ["backupGpgFpr", "governancePrincipal"]);
        const plan = buildPlan(c, { commit: "6".repeat(40), manifestDigest: "e".repeat(64), fileCount: 12, archivePath: "/tmp/d.tar", delta: FIXTURE_DELTA }, readRunbook());
        // The changed files' archive on stdin, as the program streams it (the pack reads it; tar -x reads nothing else).
        const d = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-delta-tar-"));
        fs.writeFileSync(path.join(d, "NEW.md"), "new\n");
        execFileSync("tar", ["-c", "-f", path.join(d, "d.tar"), "-C", d, "NEW.md"]);
        try {
            expect(await analyzeResource(hostCommand(plan.swap.create, { writes: plan.swap.writes, stdinFile: path.join(d, "d.tar") }))).to.deep.equal([]);
            expect(await analyzeResource(hostCommand(plan.swap.create, { writes: plan.swap.writes })), "no stdinFile: tar -x would read nothing the pack read")
                .to.not.deep.equal([]);
        } finally {
            fs.rmSync(d, { recursive: true, force: true });
        }
    });
    const run = (...args: string[]) => spawnSync("python3", ["-", ...args], { input: TREE_DIGEST.text, encoding: "utf8" });
    const digest = (dir: string) => execFileSync("python3", ["-", dir], { input: TREE_DIGEST.text, encoding: "utf8" }).trim();
    const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));
    /** A live tree (a symlink, an executable, bytecode, a file to drop in a dir of its own) and the release that follows it. */
    const setup = () => {
        const live = path.join(tmp("iucutter-stage-live-"), "tree");
        fs.cpSync(FIXTURE, live, { recursive: true });
        fs.symlinkSync("cli.py", path.join(live, "cutter_agent", "entry.py"));
        fs.chmodSync(path.join(live, "cutter_agent", "cli.py"), 0o755);
        fs.mkdirSync(path.join(live, "docs"));
        fs.writeFileSync(path.join(live, "docs", "o ld.md"), "dropped\n");
        const want = path.join(tmp("iucutter-stage-want-"), "tree");
        fs.cpSync(live, want, { recursive: true, verbatimSymlinks: true });
        fs.rmSync(path.join(want, "docs"), { recursive: true });
        fs.appendFileSync(path.join(want, "cutter_agent", "cli.py"), "# fix\n");
        fs.writeFileSync(path.join(want, "NEW.md"), "new\n");
        const stage = tmp("iucutter-stage-");
        fs.mkdirSync(path.join(stage, "delta", "cutter_agent"), { recursive: true });
        fs.copyFileSync(path.join(want, "cutter_agent", "cli.py"), path.join(stage, "delta", "cutter_agent", "cli.py"));
        fs.chmodSync(path.join(stage, "delta", "cutter_agent", "cli.py"), 0o755);
        fs.writeFileSync(path.join(stage, "delta", "NEW.md"), "new\n");
        const cache = path.join(tmp("iucutter-stage-cache-"), "tree-digest.cache");
        return { live, want, stage, cache };
    };

    it("builds the release's tree from the live tree and the changed files, prints both digests, and records the staged tree's signature", () => {
        const { live, want, stage, cache } = setup();
        const liveBefore = digest(live);
        const expected = digest(want);
        const r = run(live, "--stage", expected, cache, stage, "docs/o ld.md");
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout.trim(), "the live tree as read, then the staged tree").to.equal(`${liveBefore} ${expected}`);
        const tree = path.join(stage, "tree");
        expect(digest(tree), "the staged tree, hashed again from disk").to.equal(expected);
        expect(fs.readlinkSync(path.join(tree, "cutter_agent", "entry.py")), "a symlink stays a link").to.equal("cli.py");
        expect(fs.statSync(path.join(tree, "cutter_agent", "cli.py")).mode & 0o777).to.equal(0o755);
        expect(fs.existsSync(path.join(tree, "docs")), "no directory is made for a dropped file").to.equal(false);
        expect(digest(live), "the live tree is only read").to.equal(liveBefore);
        expect(fs.statSync(path.join(tree, "README.md")).ino, "a copy, never a link").to.not.equal(fs.statSync(path.join(live, "README.md")).ino);
        // Copies keep their source's mtime to the nanosecond (git's index then knows them); a changed file keeps its own.
        for (const rel of ["README.md", "cutter_agent/config.py"]) {
            expect(fs.statSync(path.join(tree, rel), { bigint: true }).mtimeNs, rel).to.equal(fs.statSync(path.join(live, rel), { bigint: true }).mtimeNs);
        }
        expect(fs.lstatSync(path.join(tree, "cutter_agent", "entry.py"), { bigint: true }).mtimeNs, "a link too")
            .to.equal(fs.lstatSync(path.join(live, "cutter_agent", "entry.py"), { bigint: true }).mtimeNs);
        // The listing the assertions take their cache keys from: the staged tree's digest lines, hashing to its digest.
        const listing = fs.readFileSync(path.join(stage, "listing"));
        expect(`${crypto.createHash("sha256").update(listing).digest("hex")} ${listing.toString("utf8").split("\n").length - 1}`).to.equal(expected);
        expect(listing.toString("utf8")).to.match(/^f 0755 [0-9a-f]{64} cutter_agent\/cli\.py$/m);
        const cached = execFileSync("python3", ["-", tree, "--cached", cache], { input: TREE_DIGEST.text, encoding: "utf8" }).trim();
        expect(cached).to.equal(expected);
        // The record is believed only for that stat signature: a forged digest under it proves the probe read the cache.
        const [v, sig] = fs.readFileSync(cache, "utf8").split(/\s+/);
        fs.writeFileSync(cache, `${v} ${sig} ${"f".repeat(64)} 1\n`);
        expect(execFileSync("python3", ["-", tree, "--cached", cache], { input: TREE_DIGEST.text, encoding: "utf8" }).trim()).to.equal(`${"f".repeat(64)} 1`);
    });

    it("records the signature of what it wrote: a file added to or changed in the staged tree afterwards is hashed, not taken from the cache", () => {
        for (const change of ["add", "append", "touch"] as const) {
            const { live, want, stage, cache } = setup();
            const expected = digest(want);
            expect(run(live, "--stage", expected, cache, stage, "docs/o ld.md").status).to.equal(0);
            const tree = path.join(stage, "tree");
            const cached = () => execFileSync("python3", ["-", tree, "--cached", cache], { input: TREE_DIGEST.text, encoding: "utf8" }).trim();
            expect(cached(), "untouched: the record holds").to.equal(expected);
            const [v, sig] = fs.readFileSync(cache, "utf8").split(/\s+/);
            fs.writeFileSync(cache, `${v} ${sig} ${"f".repeat(64)} 1\n`);
            if (change === "add") {
                fs.writeFileSync(path.join(tree, "extra.py"), "x = 1\n");
            } else if (change === "append") {
                fs.appendFileSync(path.join(tree, "README.md"), "more\n");
            } else {
                // Same bytes, new times: the signature (mtime, ctime) no longer matches either.
                fs.utimesSync(path.join(tree, "README.md"), new Date(), new Date());
            }
            expect(cached(), change).to.equal(digest(tree)).and.not.equal(`${"f".repeat(64)} 1`);
        }
    });

    it("prints what it read: a live file changed since the guard shows in the live digest, and a wrong result records nothing", () => {
        const { live, want, stage, cache } = setup();
        const pinned = digest(live);
        const expected = digest(want);
        fs.appendFileSync(path.join(live, "README.md"), "drift\n");
        const r = run(live, "--stage", expected, cache, stage, "docs/o ld.md");
        expect(r.status, r.stderr).to.equal(0);
        const [pre, , got] = r.stdout.trim().split(" ");
        expect(pre, "the drift is in the live digest").to.not.equal(pinned.split(" ")[0]);
        expect(got, "and in the staged tree").to.not.equal(expected.split(" ")[0]);
        expect(fs.existsSync(cache), "not the expected tree: nothing recorded").to.equal(false);
    });

    it("hashes the bytes it wrote: a changed file whose content is not the release's fails the staged digest", () => {
        const { live, want, stage, cache } = setup();
        fs.writeFileSync(path.join(stage, "delta", "NEW.md"), "not what was reviewed\n");
        const r = run(live, "--stage", digest(want), cache, stage, "docs/o ld.md");
        expect(r.stdout.trim().split(" ")[2]).to.not.equal(digest(want).split(" ")[0]);
        expect(fs.existsSync(cache)).to.equal(false);
        expect(fs.existsSync(path.join(stage, "listing")), "no listing either").to.equal(false);
    });

    it("a path it cannot read or write ends the run naming the path and the cause, never a traceback or a smaller tree", () => {
        const missing = path.join(tmp("iucutter-stage-missing-"), "no-such-tree");
        for (const args of [[missing], [missing, "--cached", "/nonexistent.cache"], [missing, "--stage", "x 1", "/nonexistent.cache", tmp("iucutter-stage-")]]) {
            const r = run(...args);
            expect(r.status, args.join(" ")).to.equal(1);
            expect(r.stderr, args.join(" ")).to.equal(`tree_digest: ${missing}: No such file or directory\n`);
            expect(r.stdout).to.equal("");
        }
        const file = path.join(tmp("iucutter-stage-file-"), "a-file");
        fs.writeFileSync(file, "x");
        expect(run(file).stderr).to.equal(`tree_digest: ${file}: Not a directory\n`);
    });

    it("never builds over an existing STAGE/tree, and copies a dangling link as a link", () => {
        const { live, want, stage, cache } = setup();
        fs.mkdirSync(path.join(stage, "tree"));
        const r = run(live, "--stage", digest(want), cache, stage, "docs/o ld.md");
        expect(r.status, "STAGE/tree exists").to.equal(1);
        expect(r.stderr).to.equal(`tree_digest: ${path.join(stage, "tree")}: File exists\n`);
        fs.rmSync(path.join(stage, "tree"), { recursive: true });
        fs.symlinkSync("nowhere", path.join(live, "dangling"));
        fs.symlinkSync("nowhere", path.join(want, "dangling"));
        const ok = run(live, "--stage", digest(want), cache, stage, "docs/o ld.md");
        expect(ok.status, ok.stderr).to.equal(0);
        expect(ok.stdout.trim().split(" ").slice(2).join(" ")).to.equal(digest(want));
        expect(fs.readlinkSync(path.join(stage, "tree", "dangling"))).to.equal("nowhere");
    });

    describe("the rendered delta swap, run by bash against a host layout in a temp dir", () => {
        const git = (dir: string, ...args: string[]) => execFileSync("git", ["-C", dir, ...args], { encoding: "utf8" }).trim();
        /** A dot repo whose iu-cutter is the fixture tree (committed), and a one-file release over it that drops a file. */
        const host = () => {
            const root = tmp("iucutter-swap-host-");
            const dot = path.join(root, "dot");
            const live = path.join(dot, "iu-cutter");
            fs.mkdirSync(dot);
            fs.cpSync(FIXTURE, live, { recursive: true });
            fs.mkdirSync(path.join(live, "docs"));
            fs.writeFileSync(path.join(live, "docs", "o ld.md"), "dropped\n");
            git(dot, "init", "-q");
            git(dot, "add", "-A");
            git(dot, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "v0.4 in place");
            const want = path.join(tmp("iucutter-swap-want-"), "tree");
            fs.cpSync(live, want, { recursive: true });
            fs.rmSync(path.join(want, "docs"), { recursive: true });
            fs.appendFileSync(path.join(want, "cutter_agent", "cli.py"), "# fix\n");
            const archive = path.join(root, "delta.tar");
            execFileSync("tar", ["-c", "-f", archive, "-C", want, "cutter_agent/cli.py"]);
            const site = { paths: { dotRepo: dot, targetDir: "iu-cutter", stateDir: path.join(root, "state"), stagingDir: path.join(root, "staging") }, host: { name: "sandbox", protected: false } };
            const [manifestDigest, n] = digest(want).split(" ");
            const script = swapScript(site, { commit: "6".repeat(40), manifestDigest, fileCount: Number(n) },
                { baseDigest: digest(live).split(" ")[0], changedCount: 1, remove: ["docs/o ld.md"] }).create;
            const deploy = () => spawnSync("bash", ["-c", script], { input: fs.readFileSync(archive), encoding: "utf8" });
            return { root, dot, live, want, site, deploy, manifestDigest };
        };

        it("stages in one pass, swaps, asserts (filling the assertion cache), commits, keeps the old tree as the artifact", () => {
            const h = host();
            const before = digest(h.live);
            const head = git(h.dot, "rev-parse", "HEAD");
            const r = h.deploy();
            expect(r.status, r.stderr + r.stdout).to.equal(0);
            expect(r.stdout).to.contain("Release: staged 1 changed file over a copy of the live tree and verified all");
            expect(digest(h.live), "the release is live").to.equal(digest(h.want));
            const arts = fs.readdirSync(path.join(h.root, "staging", "artifacts"));
            expect(arts).to.have.length(1);
            expect(digest(path.join(h.root, "staging", "artifacts", arts[0], "tree")), "the old tree is the artifact").to.equal(before);
            expect(fs.readdirSync(path.join(h.root, "staging")), "staging holds the artifacts only").to.deep.equal(["artifacts"]);
            expect(git(h.dot, "rev-parse", "HEAD^"), "one deploy commit on top").to.equal(head);
            expect(git(h.dot, "status", "--porcelain"), "the commit records the live tree").to.equal("");
            expect(fs.readFileSync(path.join(h.root, "state", "assert-release.cache"), "utf8").split("\n").length, "the assertion cache is filled").to.be.greaterThan(3);
            const cached = execFileSync("python3", ["-", h.live, "--cached", path.join(h.root, "state", "tree-digest.cache")], { input: TREE_DIGEST.text, encoding: "utf8" }).trim();
            expect(cached, "the staging pass's record holds for the live tree after the exchange").to.equal(digest(h.want));
            expect(fs.existsSync(path.join(h.root, "state", "deploy.journal"))).to.equal(false);
        });

        it("a live tree changed after the guard is refused by the staging pass: PreStateAnchor, staging removed, nothing else touched", () => {
            const h = host();
            fs.appendFileSync(path.join(h.live, "README.md"), "edited on the host\n");
            const drifted = digest(h.live);
            const head = git(h.dot, "rev-parse", "HEAD");
            const r = h.deploy();
            expect(r.status).to.equal(1);
            expect(r.stderr).to.contain("PreStateAnchor: the live tree changed after the guard checked it");
            expect(digest(h.live), "the live tree as it was").to.equal(drifted);
            expect(fs.readdirSync(path.join(h.root, "staging")), "staging removed").to.deep.equal([]);
            expect(git(h.dot, "rev-parse", "HEAD"), "no commit").to.equal(head);
            expect(fs.existsSync(path.join(h.root, "state", "deploy.journal")), "never journaled").to.equal(false);
            expect(fs.existsSync(path.join(h.root, "state", "tree-digest.cache")), "nothing recorded").to.equal(false);
        });

        it("a changed file that is not the release's fails the staged digest before the journal: staging removed, live untouched", () => {
            const h = host();
            const before = digest(h.live);
            fs.appendFileSync(path.join(h.want, "cutter_agent", "cli.py"), "# not what was reviewed\n");
            execFileSync("tar", ["-c", "-f", path.join(h.root, "delta.tar"), "-C", h.want, "cutter_agent/cli.py"]);
            const r = h.deploy();
            expect(r.status).to.equal(1);
            expect(r.stderr).to.match(/Release: staged tree digest [0-9a-f]{64} \d+ \(the live tree [0-9a-f]{12} plus 1 changed file\) does not match the manifest/);
            expect(digest(h.live)).to.equal(before);
            expect(fs.readdirSync(path.join(h.root, "staging"))).to.deep.equal([]);
            expect(fs.existsSync(path.join(h.root, "state", "deploy.journal"))).to.equal(false);
        });
    });
});
