/**
 * Performance paths against the sandbox host, real engine and policy pack:
 * one SSH connection per run (counted by the host's sshd), the socket gone
 * after success and after a refusal; the delta redeploy (copy from live, only
 * the changed files shipped, the whole staged tree verified, the same swap);
 * a live tree that drifted from its anchor refused before any write; a kill
 * during the copy from live leaves the whole old tree and the next up
 * converges.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { inspectRelease } from "../../lib/release/release";
import { TREE_DIGEST } from "../../lib/scripts/helpers";
import { processRunning } from "../helpers/procs";
import { configureSandboxStack } from "../../scripts/sandboxStack";
import {
    armHold, commitToSource, disarmHold, facts, failure, HELD, hostPath, hostSnapshot, mustRun, newStack, POLICY_PACK, removeStack, REPO_ROOT, resetHost,
    sandboxPids, SB, shimCalls, treeDigest, withConfig,
} from "../helpers/sandbox";

const TARGET = () => hostPath("/opt/incomex/dot/iu-cutter");
const STAGING = () => hostPath("/opt/incomex/.iu-cutter-staging");
const JOURNAL = () => hostPath("/var/lib/cutter/deploy.journal");
const SSHD_LOG = () => path.join(SB, "log", "sshd.log");
const CACHE = () => hostPath("/var/lib/cutter/tree-digest.cache");

/** Records the live tree's real stat signature in the cache, claiming `digest` for it (a stale or forged cache). */
function forgeCache(digest: string): void {
    const real = mustRun("python3", ["-", TARGET(), "--record", "x", CACHE()], { input: TREE_DIGEST.text }).trim();
    mustRun("python3", ["-", TARGET(), "--record", real, CACHE()], { input: TREE_DIGEST.text });
    const [v, sig, , count] = fs.readFileSync(CACHE(), "utf8").split(/\s+/);
    fs.writeFileSync(CACHE(), `${v} ${sig} ${digest} ${count}\n`);
}

/** Connections the sandbox sshd accepted while `fn` ran. */
async function connections<T>(fn: () => Promise<T>): Promise<{ n: number; value: T }> {
    const from = fs.statSync(SSHD_LOG()).size;
    const value = await fn();
    const text = fs.readFileSync(SSHD_LOG()).subarray(from).toString("utf8");
    return { n: text.split("\n").filter((l) => l.startsWith("Accepted publickey")).length, value };
}

/** This target's control sockets (any run), in the private socket dir; waits up to 3 s for a watchdog. */
function sockets(): string[] {
    for (let i = 0; i < 30 && socketsNow().length > 0; i++) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
    return socketsNow();
}
function socketsNow(): string[] {
    const f = facts();
    const key = crypto.createHash("sha256").update([f.address, f.sshPort, f.user, f.hostKey.trim(), f.privateKeyPath].join("\n")).digest("hex").slice(0, 16);
    const dir = path.join(os.tmpdir(), `iucutter-ssh-${process.getuid!()}`);
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.startsWith(key)) : [];
}

/** What staging holds besides the kept previous trees (artifacts/ lives there: the old tree is kept by one rename). */
function stagingLeftovers(): string[] {
    return fs.existsSync(STAGING()) ? fs.readdirSync(STAGING()).filter((d) => d !== "artifacts") : [];
}

/** The dot repo's index entry for a path: the inode its stat data names (`git ls-files --debug`). */
/** The dot repo's index entry for a path: the stat data git compares (inode, whole-second mtime, size). */
function indexEntry(rel: string): { ino: number; mtime: number; size: number } {
    const out = mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "ls-files", "--debug", "--", rel]);
    const ino = /ino: (\d+)/.exec(out);
    const mtime = /mtime: (\d+):/.exec(out);
    const size = /size: (\d+)/.exec(out);
    if (!ino || !mtime || !size) { throw new Error(`no index entry for ${rel}: ${out}`); }
    return { ino: Number(ino[1]), mtime: Number(mtime[1]), size: Number(size[1]) };
}

/** The dot repo records exactly the live release tree: nothing staged, modified or untracked under it (git hashes every file). */
function dotRecordsLiveTree(): void {
    expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "status", "--porcelain", "--untracked-files=all", "--", "iu-cutter"])).to.equal("");
}

function deployCommits(): number {
    return mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%s"]).split("\n").filter((l) => l.startsWith("deploy")).length;
}

/** A new commit of the source that changes one file; the stack re-reviewed (pinned to the host as it is now). */
async function oneFileChange(stack: Stack, line: string, extra: Record<string, string | null> = {}): Promise<string> {
    const cli = path.join(facts().sourceRepo, "cutter_agent", "cli.py");
    const commit = commitToSource({ "cutter_agent/cli.py": fs.readFileSync(cli, "utf8") + `${line}\n`, ...extra }, line);
    await configureSandboxStack(stack.name, { pin: true, overrides: { release: { ...(withConfig("release", { commit }).release as object), tag: `v0.6.0-delta-${crypto.randomBytes(3).toString("hex")}` }, allowUnreviewedRuns: true } });
    return commit;
}

describe("performance paths on the sandbox host (real engine, real sshd, policy pack)", function () {
    this.timeout(600_000);
    let stack: Stack | undefined;

    afterEach(async () => {
        if (stack) { await removeStack(stack); stack = undefined; }
    });

    it("one SSH connection carries the observation and every command of an up, and its socket is gone afterwards", async () => {
        resetHost();
        stack = await newStack("conn");
        expect(sockets(), "no socket of this target before").to.deep.equal([]);
        const { n, value: res } = await connections(() => stack!.up({ policyPacks: [POLICY_PACK] }));
        expect(res.summary.result).to.equal("succeeded");
        expect(Object.keys(res.summary.resourceChanges ?? {}), "commands ran").to.include("create");
        expect(n, "sshd accepted exactly one connection for the whole up").to.equal(1);
        expect(sockets(), "the control socket and its known_hosts are removed on exit").to.deep.equal([]);
        // A preview (observation only) is one connection too.
        const pv = await connections(() => stack!.preview({ policyPacks: [POLICY_PACK] }));
        expect(pv.n).to.equal(1);
        expect(sockets()).to.deep.equal([]);
    });

    it("delta redeploy: copies the live tree, ships only the changed files, verifies the whole tree, swaps, commits; a re-run does nothing", async () => {
        resetHost();
        stack = await newStack("delta");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        const before = treeDigest(TARGET());
        const artifactsBefore = fs.readdirSync(hostPath("/opt/incomex/.iu-cutter-staging/artifacts")).filter((d) => /^\d{8}T/.test(d));
        const commit = await oneFileChange(stack, "# delta fix", { "README.md": null });
        const preview = await stack.preview({ policyPacks: [POLICY_PACK], diff: true });
        expect(preview.stdout, "the review shows a delta upload").to.match(/upload only the 1 changed file \(\d+ removed\)/);
        const logFrom = fs.statSync(hostPath("/var/lib/cutter/deploy.log")).size;
        const { n, value: res } = await connections(() => stack!.up({ policyPacks: [POLICY_PACK] }));
        expect(res.summary.result).to.equal("succeeded");
        expect(n, "one connection").to.equal(1);
        const log = fs.readFileSync(hostPath("/var/lib/cutter/deploy.log")).subarray(logFrom).toString("utf8");
        const m = inspectRelease(facts().sourceRepo, commit);
        expect(log).to.contain(`Release: staged 1 changed file over a copy of the live tree and verified all ${m.fileCount} files`);
        expect(treeDigest(TARGET()), "the live tree is exactly the new manifest").to.equal(m.digest);
        expect(fs.existsSync(path.join(TARGET(), "README.md")), "a dropped file is gone").to.equal(false);
        expect(fs.readFileSync(path.join(TARGET(), "cutter_agent", "cli.py"), "utf8")).to.contain("# delta fix");
        const stat = mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "show", "--stat", "--format=%s", "HEAD"]);
        expect(stat).to.match(/^deploy iu-cutter 0\.6\.0 \(O6\)/);
        expect(stat).to.match(/2 files changed/);
        // The copies kept their mtime: an unchanged file's entry has the live copy's size and mtime (git's add, under
        // GIT_STAT_TRUST, reads it only when its entry was written in the second of its mtime: git's racy-entry
        // check, as after this fast first deploy); the changed file was read and its entry is the live file's.
        const unchanged = fs.statSync(path.join(TARGET(), "cutter_agent", "__init__.py"));
        const entry = indexEntry("iu-cutter/cutter_agent/__init__.py");
        expect([entry.mtime, entry.size], "the live copy's mtime and size").to.deep.equal([Math.floor(unchanged.mtimeMs / 1000), unchanged.size]);
        const cliStat = fs.statSync(path.join(TARGET(), "cutter_agent", "cli.py"));
        expect(indexEntry("iu-cutter/cutter_agent/cli.py"), "the changed file was read: its entry is the live file's")
            .to.deep.equal({ ino: cliStat.ino, mtime: Math.floor(cliStat.mtimeMs / 1000), size: cliStat.size });
        // git's full check (which re-reads every file whose inode changed) finds the commit is exactly the live tree.
        dotRecordsLiveTree();
        // The old tree is kept as the artifact, and destroy still returns to the origin.
        const artifacts = fs.readdirSync(hostPath("/opt/incomex/.iu-cutter-staging/artifacts")).filter((d) => /^\d{8}T/.test(d));
        const added = artifacts.filter((d) => !artifactsBefore.includes(d));
        expect(added).to.have.length(1);
        expect(treeDigest(path.join(hostPath("/opt/incomex/.iu-cutter-staging/artifacts"), added[0], "tree"))).to.equal(before);
        expect(fs.existsSync(JOURNAL())).to.equal(false);
        expect(stagingLeftovers()).to.deep.equal([]);
        // Nothing changed: the re-run plans the same delta and runs no command.
        const snap = hostSnapshot();
        const again = await stack.up({ policyPacks: [POLICY_PACK] });
        expect(Object.keys(again.summary.resourceChanges ?? {}).filter((k) => k !== "same")).to.deep.equal([]);
        expect(hostSnapshot()).to.equal(snap);
        expect(shimCalls()).to.deep.equal([]);
    });

    it("delta redeploy over a dot repo whose index was changed by hand: the whole release path is added, and the commit records the live tree", async () => {
        resetHost();
        stack = await newStack("delta-index");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        // Someone unstages a release file: the index no longer holds the deployed tree (HEAD still does).
        mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "rm", "--cached", "-q", "--", "iu-cutter/cutter_agent/__init__.py"]);
        await oneFileChange(stack, "# delta over a hand-edited index");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "ls-tree", "--name-only", "HEAD", "--", "iu-cutter/cutter_agent/__init__.py"]).trim(),
            "the unstaged file is in the deploy commit").to.equal("iu-cutter/cutter_agent/__init__.py");
        dotRecordsLiveTree();
    });

    it("a live tree that no longer matches the pinned anchor is refused before anything is written, and the socket is removed", async () => {
        resetHost();
        stack = await newStack("deltadrift");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        await oneFileChange(stack, "# drift fix");
        // After the review: someone edits the live tree by hand.
        fs.appendFileSync(path.join(TARGET(), "cutter_agent", "config.py"), "# hand edit\n");
        const snap = hostSnapshot();
        const err = await failure(stack.up({ policyPacks: [POLICY_PACK] }));
        expect(err).to.contain("PreStateAnchor");
        expect(hostSnapshot(), "nothing written").to.equal(snap);
        expect(stagingLeftovers(), "not even staging").to.deep.equal([]);
        expect(sockets(), "socket removed after the refusal").to.deep.equal([]);
    });

    it("after a delta, a same-size edit with the mtime put back (hidden from git's trusted stat check) is still refused by the tree anchor", async () => {
        resetHost();
        stack = await newStack("deltahidden");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        await oneFileChange(stack, "# hidden fix");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        await oneFileChange(stack, "# second delta");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        // A delta after a delta: git's add did not read the unchanged files (their entries still name the previous
        // inodes, with the copies' size and mtime); the commit is still exactly the live tree (git's full check).
        const unchanged = fs.statSync(path.join(TARGET(), "cutter_agent", "__init__.py"));
        const entry = indexEntry("iu-cutter/cutter_agent/__init__.py");
        expect(entry.ino, "not read: the index names the previous inode").to.not.equal(unchanged.ino);
        expect([entry.mtime, entry.size]).to.deep.equal([Math.floor(unchanged.mtimeMs / 1000), unchanged.size]);
        dotRecordsLiveTree();
        await oneFileChange(stack, "# after the hidden edit");
        // After the review: one byte of config.py changes in place, same size, its mtime put back.
        const f = path.join(TARGET(), "cutter_agent", "config.py");
        const st = fs.statSync(f);
        const text = fs.readFileSync(f, "utf8");
        expect(text).to.contain("structurally refused");
        fs.writeFileSync(f, text.replace("structurally refused", "structurally REFUSED"));
        fs.utimesSync(f, st.atime, st.mtime);
        const dotStatus = mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "-c", "core.checkStat=minimal", "-c", "core.trustctime=false", "status", "--porcelain", "--", "iu-cutter"]);
        expect(dotStatus, "git's trusted stat check does not see it").to.equal("");
        const snap = hostSnapshot();
        const err = await failure(stack.up({ policyPacks: [POLICY_PACK] }));
        expect(err).to.match(/PreStateAnchor|anchors\.tree/);
        expect(hostSnapshot(), "nothing written").to.equal(snap);
        expect(stagingLeftovers()).to.deep.equal([]);
    });

    it("a release refused on this machine while the connection is still opening: nothing reaches the host, and the master and its socket are gone", async () => {
        resetHost();
        stack = await newStack("connrefused");
        // The connection opens while the release is read (lib/workflow/preflight.ts); an untracked file refuses the release there.
        const stray = path.join(facts().sourceRepo, "stray-untracked.txt");
        fs.writeFileSync(stray, "not committed\n");
        try {
            const snap = hostSnapshot();
            const err = await failure(stack.up({ policyPacks: [POLICY_PACK] }));
            expect(err).to.contain("ReleaseSource");
            expect(hostSnapshot(), "nothing written").to.equal(snap);
        } finally {
            fs.rmSync(stray, { force: true });
        }
        expect(sockets(), "socket and known_hosts removed after the refusal").to.deep.equal([]);
        const masters = mustRun("ps", ["-eo", "args"]).split("\n").filter((l) => l.includes("ControlMaster=yes") && l.includes(`iucutter-ssh-${process.getuid!()}`));
        expect(masters, "no master left running").to.deep.equal([]);
    });

    /** A stack deployed with `n` extra files in the release, then a one-file change reviewed: the two trees' digests. */
    async function deployedBulkThenChanged(name: string, n: number, content: (i: number) => string): Promise<{ deployed: Stack; oldTree: string; newTree: string }> {
        resetHost();
        const many: Record<string, string> = {};
        for (let i = 0; i < n; i++) { many[`cutter_agent/pack/g${i % 13}/m${i}.txt`] = content(i); }
        const baseCommit = commitToSource(many, "bulk");
        const deployed = await newStack(name, { overrides: { release: { ...(withConfig("release", { commit: baseCommit }).release as object) } } });
        stack = deployed;
        expect((await deployed.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        const oldTree = treeDigest(TARGET());
        const commit = await oneFileChange(deployed, `# ${name} fix`);
        return { deployed, oldTree, newTree: inspectRelease(facts().sourceRepo, commit).digest };
    }

    it("killed during the copy from live: the whole old tree, and the next up converges", async () => {
        // A base tree big enough that the copy takes a while.
        const { deployed, oldTree, newTree } = await deployedBulkThenChanged("deltakill", 3000, (i) => `${i} ${"x".repeat(2000)}\n`);
        const commitsBefore = deployCommits();

        const child: ChildProcess = spawn("pulumi", ["up", "--stack", deployed.name, "--yes", "--non-interactive", "--skip-preview"], { cwd: REPO_ROOT, stdio: "ignore" });
        let exited = false;
        const done = new Promise<void>((r) => child.on("exit", () => { exited = true; r(); }));
        let killed = 0;
        const deadline = Date.now() + 120_000;
        const staged = () => {
            if (!fs.existsSync(STAGING())) { return false; }
            const d = fs.readdirSync(STAGING()).find((x) => x.startsWith("release-"));
            return d !== undefined && fs.existsSync(path.join(STAGING(), d, "tree")) && !fs.existsSync(JOURNAL());
        };
        while (!exited && Date.now() < deadline && killed === 0) {
            if (staged()) {
                for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
                    try {
                        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
                        // The deploy script (bash) and the copy it runs (the tree digest's --stage pass): only this sandbox's staging path.
                        if (cmd.includes("/opt/incomex/.iu-cutter-staging") && (cmd.includes("deploy.journal") || cmd.includes("\0--stage\0"))
                            && fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`PGPORT=${facts().pgPort}`)) {
                            process.kill(Number(pid), "SIGKILL");
                            killed++;
                        }
                    } catch { /* gone */ }
                }
            }
            await new Promise((r) => setImmediate(r));
        }
        await done;
        expect(killed, "the kill reached the copy from live").to.be.greaterThan(0);
        expect(treeDigest(TARGET()), "the whole old tree").to.equal(oldTree);
        expect(fs.existsSync(JOURNAL()), "nothing journaled: the swap never started").to.equal(false);
        const res = await deployed.up({ policyPacks: [POLICY_PACK] });
        expect(res.summary.result).to.equal("succeeded");
        expect(treeDigest(TARGET()), "converged to the whole new tree").to.equal(newTree);
        expect(deployCommits(), "exactly one more deploy commit").to.equal(commitsBefore + 1);
        expect(fs.existsSync(JOURNAL())).to.equal(false);
        expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "status", "--porcelain"]).trim()).to.equal("");
        expect(stagingLeftovers()).to.deep.equal([]);
    });

    it("only the copy's own process killed while its workers copy (fan_out.py): the workers die with it, the deploy fails before the swap, and the next up converges", async () => {
        // Enough files that each worker's share of the copy takes longer than the wait below.
        const { deployed, oldTree, newTree } = await deployedBulkThenChanged("fanoutkill", 12000, (i) => `${i}\n`);
        const stagePids = () => sandboxPids("host", (argv) => argv.includes("--stage"));
        const ppid = (pid: number) => { try { return Number(/^PPid:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]); } catch { return -1; } };
        const child: ChildProcess = spawn("pulumi", ["up", "--stack", deployed.name, "--yes", "--non-interactive", "--skip-preview"], { cwd: REPO_ROOT, stdio: "ignore" });
        const done = new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
        let workers: number[] = [];
        let parent: number | undefined;
        const deadline = Date.now() + 120_000;
        while (parent === undefined && Date.now() < deadline) {
            const pids = stagePids();
            // the pass's own process, and the workers it forked (their parent is the pass)
            const p = pids.find((x) => pids.some((y) => ppid(y) === x));
            if (p !== undefined) {
                workers = pids.filter((y) => ppid(y) === p);
                parent = p;
                process.kill(p, "SIGKILL");
                break;
            }
            await new Promise((r) => setImmediate(r));
        }
        expect(parent, "the copy ran with workers").to.not.equal(undefined);
        expect(workers.length).to.be.greaterThan(0);
        while (processRunning(parent!)) { await new Promise((r) => setImmediate(r)); }
        // Dying with the pass (PR_SET_PDEATHSIG) takes a moment; finishing a share of 6,000 copies takes far longer.
        await new Promise((r) => setTimeout(r, 150));
        expect(workers.filter(processRunning), "no worker outlives the pass").to.deep.equal([]);
        expect(await done, "that up failed").to.not.equal(0);
        expect(treeDigest(TARGET()), "the whole old tree").to.equal(oldTree);
        expect(fs.existsSync(JOURNAL()), "nothing journaled: the swap never started").to.equal(false);
        expect(stagingLeftovers(), "the failed pass's staging is removed").to.deep.equal([]);
        const res = await deployed.up({ policyPacks: [POLICY_PACK] });
        expect(res.summary.result).to.equal("succeeded");
        expect(treeDigest(TARGET()), "converged to the whole new tree").to.equal(newTree);
        expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "status", "--porcelain"]).trim()).to.equal("");
    });

    it("only the deploy script killed during the copy from live: the pass it started outlives it holding the deploy lock, so the next up is refused by DeployLock, never raced; once it exits, up converges", async () => {
        resetHost();
        stack = await newStack("orphan");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        const oldTree = treeDigest(TARGET());
        const commit = await oneFileChange(stack, "# orphan fix");
        const newTree = inspectRelease(facts().sourceRepo, commit).digest;
        // The pass (python3 … --stage) finishes its work, then stands still holding what it inherited: the lock on fd 9.
        armHold({ program: "python3", arg: "--stage", keepLock: true });
        try {
            const child: ChildProcess = spawn("pulumi", ["up", "--stack", stack.name, "--yes", "--non-interactive", "--skip-preview"], { cwd: REPO_ROOT, stdio: "ignore" });
            const done = new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
            const deadline = Date.now() + 120_000;
            while (!fs.existsSync(HELD()) && Date.now() < deadline) { await new Promise((r) => setTimeout(r, 5)); }
            expect(fs.existsSync(HELD()), "the staging pass ran and is held").to.equal(true);
            // Only the deploy script on the host (not the pass, not the ssh client).
            const killed = sandboxPids("host", (argv) => argv.join(" ").includes("deploy.journal"));
            expect(killed.length, "the deploy script is running").to.be.greaterThan(0);
            killed.forEach((pid) => { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } });
            expect(await done, "that up failed").to.not.equal(0);
            expect(treeDigest(TARGET()), "the whole old tree").to.equal(oldTree);
            expect(fs.existsSync(JOURNAL()), "nothing journaled").to.equal(false);
            const refused = await failure(stack.up({ policyPacks: [POLICY_PACK] }));
            expect(refused, "the next up, while the orphaned pass holds the lock").to.match(/DeployLock/);
            expect(treeDigest(TARGET()), "still the whole old tree").to.equal(oldTree);
        } finally {
            disarmHold();
        }
        // The pass exits (released); its lock goes with it.
        const res = await stack.up({ policyPacks: [POLICY_PACK] });
        expect(res.summary.result).to.equal("succeeded");
        expect(treeDigest(TARGET()), "converged to the whole new tree").to.equal(newTree);
        expect(fs.existsSync(JOURNAL())).to.equal(false);
        expect(stagingLeftovers()).to.deep.equal([]);
        expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "status", "--porcelain"]).trim()).to.equal("");
    });

    it("no-op: the probe takes the tree digest from the stat-signature cache; a stale cache cannot let drift through the guard", async () => {
        resetHost();
        stack = await newStack("cache");
        expect((await stack.up({ policyPacks: [POLICY_PACK] })).summary.result).to.equal("succeeded");
        expect(fs.existsSync(CACHE()), "the verified staging recorded the cache").to.equal(true);
        // The probe believes the cache for this exact stat signature (so it hashed nothing): a claimed digest shows up as observed.
        const saved = fs.readFileSync(CACHE());
        forgeCache("f".repeat(64));
        expect(await failure(stack.preview())).to.contain(`observed ${"f".repeat(64)}`);
        fs.writeFileSync(CACHE(), saved);
        const noop = await stack.up({ policyPacks: [POLICY_PACK] });
        expect(Object.keys(noop.summary.resourceChanges ?? {}).filter((k) => k !== "same"), "a no-op").to.deep.equal([]);

        // The tree drifts, and a stale cache still claims the old digest for it: the review (probe) sees the old
        // digest and pins it (the dot repo's drift is pinned too, so only the tree anchor is left to catch it).
        const pinned = treeDigest(TARGET());
        const cli = path.join(facts().sourceRepo, "cutter_agent", "cli.py");
        const commit = commitToSource({ "cutter_agent/cli.py": fs.readFileSync(cli, "utf8") + "# cache fix\n" }, "cache fix");
        fs.appendFileSync(path.join(TARGET(), "cutter_agent", "config.py"), "# hand edit\n");
        forgeCache(pinned);
        await configureSandboxStack(stack.name, { pin: true, overrides: { release: { ...(withConfig("release", { commit }).release as object), tag: "v0.6.0-delta-cache" }, allowUnreviewedRuns: true } });
        const host = () => [treeDigest(hostPath("/opt/incomex/dot")), mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%H"])].join("|");
        const before = host();
        const logBefore = fs.readFileSync(hostPath("/var/lib/cutter/deploy.log"), "utf8");
        const err = await failure(stack.up({ policyPacks: [POLICY_PACK] }));
        expect(err, `the guard hashes the tree itself: ${err.slice(-3000)}`).to.contain("anchors.tree drifted");
        expect(host(), "nothing written to the tree or the dot repo").to.equal(before);
        expect(fs.readFileSync(hostPath("/var/lib/cutter/deploy.log"), "utf8"), "the swap never started").to.equal(logBefore);
    });
});
