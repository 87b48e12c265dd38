/**
 * Faults operators meet: the deploy killed at many points, a full staging
 * disk, two `up`s at once, a stale lock. The target is always the whole old
 * or the whole new tree, and the next `up` converges with no manual step.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { inspectRelease } from "../../lib/release/release";
import { TREE_DIGEST } from "../../lib/scripts/helpers";
import {
    armHold, disarmHold, facts, fullTreeListing, HELD, Hold, hostPath, mustRun, newStack, removeStack, REPO_ROOT, resetHost, run, sandboxPids, SB, shimCalls, treeDigest,
} from "../helpers/sandbox";

const TARGET = () => hostPath("/opt/incomex/dot/iu-cutter");
const STAGING = () => hostPath("/opt/incomex/.iu-cutter-staging");

/** Kill points: a condition on the host, checked every millisecond while `up` runs; some hold the script there first. */
type KillPoint = [string, () => boolean, Hold?];
const KILL_POINTS: KillPoint[] = [
    ["upload started (staging dir created)", () => fs.existsSync(STAGING()) && fs.readdirSync(STAGING()).some((d) => d.startsWith("release-"))],
    ["upload in progress (first files unpacked)", () => staged("cutter_agent")],
    ["verification (whole tree unpacked)", () => staged("tests", "test_smoke.py")],
    ["journal written, before the swap", () => fs.existsSync(hostPath("/var/lib/cutter/deploy.journal"))],
    ["right after the atomic exchange", () => fs.existsSync(TARGET() + "/cutter_agent/orchestrator")],
    ["assertions done, before the dot-repo commit", () => stagedOld() !== undefined],
    ["after the dot-repo commit, before the ledger", () => fs.existsSync(HELD())
        && mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "-1", "--format=%s"]).startsWith("deploy"), { program: "git", arg: "commit" }],
    ["artifact dir made, at the rename of the old tree into it", () => fs.existsSync(HELD())
        && fs.readdirSync(hostPath("/opt/incomex/.iu-cutter-staging/artifacts")).some((d) => /^\d{8}T/.test(d)), { program: "mkdir", arg: "*/artifacts/*" }],
];

/** A path exists in the staged tree (read once: staging may vanish between two reads). */
function staged(...rel: string[]): boolean {
    const t = stagedTree();
    return t !== undefined && fs.existsSync(path.join(t, ...rel));
}
function stagedTree(): string | undefined {
    if (!fs.existsSync(STAGING())) { return undefined; }
    const d = fs.readdirSync(STAGING()).find((x) => x.startsWith("release-"));
    return d ? path.join(STAGING(), d, "tree") : undefined;
}
function stagedOld(): string | undefined {
    if (!fs.existsSync(STAGING())) { return undefined; }
    const d = fs.readdirSync(STAGING()).find((x) => x.startsWith("release-"));
    return d && fs.existsSync(path.join(STAGING(), d, "old-tree")) ? path.join(STAGING(), d, "old-tree") : undefined;
}

/** SIGKILL every process running the deploy script on this sandbox's host (its mount namespace: other sandboxes run the same scripts). */
function killDeploy(): number {
    let n = 0;
    const deployScript = (argv: string[]) => { const cmd = argv.join(" "); return cmd.includes("deploy.journal") || (cmd.includes("python3") && cmd.includes("iu-cutter-staging")); };
    for (const pid of [...sandboxPids("host", deployScript), ...sandboxPids("client", deployScript)]) {
        try { process.kill(pid, "SIGKILL"); n++; } catch { /* gone */ }
    }
    return n;
}

function upInBackground(stack: string): { child: ChildProcess; done: Promise<number> } {
    const child = spawn("pulumi", ["up", "--stack", stack, "--yes", "--non-interactive", "--skip-preview"], { cwd: REPO_ROOT, stdio: "ignore" });
    const done = new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? -1)));
    return { child, done };
}

describe("faults during a deploy (sandbox host, real engine)", function () {
    this.timeout(600_000);
    let stack: Stack | undefined;
    let oldTree: string;

    afterEach(async () => {
        disarmHold();
        if (stack) { await removeStack(stack); stack = undefined; }
    });

    let tried = 0;
    let mixed = 0;
    let delivered = 0;
    for (const [point, reached, hold] of KILL_POINTS) {
        it(`killed ${point}: whole old or whole new tree, and the next up converges`, async () => {
            resetHost();
            oldTree = treeDigest(TARGET());
            stack = await newStack("kill");
            if (hold) { armHold(hold); }
            const { done } = upInBackground(stack.name);
            let hit = false;
            const deadline = Date.now() + 60_000;
            let exited = false;
            done.then(() => { exited = true; });
            while (!exited && Date.now() < deadline) {
                if (reached()) {
                    hit = killDeploy() > 0;
                    break;
                }
                await new Promise((r) => setImmediate(r));
            }
            disarmHold();
            await done;
            tried++;
            const now = fs.existsSync(TARGET()) ? treeDigest(TARGET()) : "missing";
            const newTree = inspectRelease(facts().sourceRepo, facts().sourceCommit).digest;
            if (now !== oldTree && now !== newTree) {
                mixed++;
            }
            if (hit) { delivered++; }
            expect(hit, `the kill at "${point}" reached the running deploy script`).to.equal(true);
            expect([oldTree, newTree], `target after a kill at "${point}" (kill delivered: ${hit}) is ${now}`).to.include(now);
            // Converge: a plain second `up`.
            const res = await stack.up();
            expect(res.summary.result).to.equal("succeeded");
            const finalTree = treeDigest(TARGET());
            expect(res.outputs.release.value.manifestDigest).to.equal(finalTree);
            expect(fs.existsSync(hostPath("/var/lib/cutter/deploy.journal"))).to.equal(false);
            expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "status", "--porcelain"]).trim()).to.equal("");
            expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%s"]).split("\n").filter((l) => l.startsWith("deploy")).length,
                "exactly one deploy commit").to.equal(1);
            expect(shimCalls()).to.deep.equal([]);
            // And destroy still restores the original tree.
            await stack.destroy();
            expect(treeDigest(TARGET())).to.equal(oldTree);
        });
    }

    // Issue 15: the release's create never reached the state; destroy reverts from the host's journal (deploy-recovery).
    for (const [point, reached, hold] of KILL_POINTS.filter(([p]) => p === "right after the atomic exchange" || p === "after the dot-repo commit, before the ledger")) {
        it(`killed ${point}, then a plain destroy: the pre-deploy tree byte for byte, the dot repo's HEAD and index, no journal`, async () => {
            resetHost();
            oldTree = treeDigest(TARGET());
            const dot = hostPath("/opt/incomex/dot");
            const oldHead = mustRun("git", ["-C", dot, "rev-parse", "HEAD"]).trim();
            const oldStatus = mustRun("git", ["-C", dot, "status", "--porcelain"]);
            const oldListing = fullTreeListing(TARGET());
            stack = await newStack("killdestroy");
            if (hold) { armHold(hold); }
            const { done } = upInBackground(stack.name);
            let hit = false;
            let exited = false;
            done.then(() => { exited = true; });
            const deadline = Date.now() + 60_000;
            while (!exited && Date.now() < deadline) {
                if (reached()) { hit = killDeploy() > 0; break; }
                await new Promise((r) => setImmediate(r));
            }
            disarmHold();
            expect(await done, "the up failed").to.not.equal(0);
            expect(hit, `the kill at "${point}" reached the running deploy script`).to.equal(true);
            const newTree = inspectRelease(facts().sourceRepo, facts().sourceCommit).digest;
            expect(treeDigest(TARGET()), "the new tree is live, unrecorded").to.equal(newTree);
            expect(fs.existsSync(hostPath("/var/lib/cutter/deploy.journal")), "the journal stays").to.equal(true);
            const res = await stack.destroy();
            expect(res.summary.result).to.equal("succeeded");
            expect(res.stdout).to.match(/DeployRecovery: the pre-deploy tree, dot-repo HEAD and index, and ledger are back/);
            expect(treeDigest(TARGET())).to.equal(oldTree);
            expect(fullTreeListing(TARGET()), "byte for byte, modes and dirs included").to.deep.equal(oldListing);
            expect(mustRun("git", ["-C", dot, "rev-parse", "HEAD"]).trim()).to.equal(oldHead);
            expect(mustRun("git", ["-C", dot, "status", "--porcelain"])).to.equal(oldStatus);
            expect(fs.existsSync(hostPath("/var/lib/cutter/deploy.journal"))).to.equal(false);
            expect(fs.existsSync(hostPath("/var/lib/cutter/deployed-release"))).to.equal(false);
            expect(shimCalls()).to.deep.equal([]);
        });
    }

    it("the SSH connection itself dropped mid-swap (client killed): the host finishes or reverts, the next up converges", async () => {
        resetHost();
        oldTree = treeDigest(TARGET());
        stack = await newStack("sshdrop");
        const { done } = upInBackground(stack.name);
        let exited = false;
        done.then(() => { exited = true; });
        let killed = 0;
        const deadline = Date.now() + 60_000;
        while (!exited && Date.now() < deadline && killed === 0) {
            if (fs.existsSync(hostPath("/var/lib/cutter/deploy.journal"))) {
                for (const pid of sandboxPids("client", (cmd) => cmd.includes("HostKeyAlias=iu-cutter-target") && cmd.some((a) => a.includes("deploy.journal")))) {
                    try { process.kill(pid, "SIGKILL"); killed++; } catch { /* gone */ }
                }
            }
            await new Promise((r) => setImmediate(r));
        }
        await done;
        tried++;
        expect(killed, "the ssh client carrying the deploy was killed").to.be.greaterThan(0);
        if (killed) { delivered++; }
        const newTree = inspectRelease(facts().sourceRepo, facts().sourceCommit).digest;
        // The script ignores SIGHUP/SIGPIPE: give it a moment to finish on the host.
        for (let i = 0; i < 50 && fs.existsSync(hostPath("/var/lib/cutter/deploy.journal")); i++) {
            await new Promise((r) => setTimeout(r, 100));
        }
        const now = treeDigest(TARGET());
        if (now !== oldTree && now !== newTree) { mixed++; }
        expect([oldTree, newTree]).to.include(now);
        const res = await stack.up();
        expect(res.summary.result).to.equal("succeeded");
        expect(treeDigest(TARGET())).to.equal(newTree);
        expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%s"]).split("\n").filter((l) => l.startsWith("deploy")).length).to.equal(1);
        await stack.destroy();
        expect(treeDigest(TARGET())).to.equal(oldTree);
    });

    after(() => {
        const f = path.join(SB, "log", "fault-figures.json");
        fs.writeFileSync(f, JSON.stringify({ killPointsTried: tried, killsDelivered: delivered, mixedOrMissingTrees: mixed }, null, 2));
    });

    it("a full staging disk: clean refusal, old tree untouched, staging cleaned", async () => {
        resetHost();
        // Staging must share the dot repo's filesystem (refused at preview otherwise), so the
        // whole of /opt/incomex becomes a small tmpfs (in the host's mount namespace), filled up.
        const sshd = fs.readFileSync(path.join(SB, "sshd.pid"), "utf8").trim();
        const ns = (sh: string, input?: string) => mustRun("nsenter", ["-t", sshd, "-m", "sh", "-c", sh], { input });
        const nsTree = () => ns("python3 - /opt/incomex/dot/iu-cutter", TREE_DIGEST.text).trim().split(" ")[0];
        ns(`mount -t tmpfs -o size=4m iucutter-full /opt/incomex && cp -a ${hostPath("/opt/incomex")}/. /opt/incomex/`);
        try {
            oldTree = nsTree();
            stack = await newStack("diskfull");
            // Room for the env file's rewrite (secrets step), not for the release.
            ns("cat /dev/zero > /opt/incomex/filler 2>/dev/null || true; truncate -s -12K /opt/incomex/filler");
            let msg = "";
            try { await stack.up(); } catch (e) { msg = (e as Error).message; }
            // The review's host facts (issue 13) refuse it first: staging free space
            // against the release size, before anything is uploaded.
            expect(msg).to.match(/HostFacts: .*staging free space: \d+ KiB free/s);
            expect(nsTree()).to.equal(oldTree);
            const left = ns("ls -A /opt/incomex/.iu-cutter-staging 2>/dev/null || true").trim();
            expect(left, "staging cleaned").to.equal("");
            expect(fs.existsSync(hostPath("/var/lib/cutter/deploy.journal"))).to.equal(false);
            // With room again, the same stack converges.
            ns("rm /opt/incomex/filler");
            const res = await stack.up();
            expect(res.summary.result).to.equal("succeeded");
            expect(nsTree()).to.equal(inspectRelease(facts().sourceRepo, facts().sourceCommit).digest);
        } finally {
            ns("umount /opt/incomex");
        }
    });

    it("two `up`s at once: one is refused by the stack lock; a stale lock is reported with the way out", async () => {
        resetHost();
        stack = await newStack("lock");
        const a = upInBackground(stack.name);
        await new Promise((r) => setTimeout(r, 300));
        const b = run("pulumi", ["up", "--stack", stack.name, "--yes", "--non-interactive", "--skip-preview"], { cwd: REPO_ROOT });
        const codeA = await a.done;
        expect([codeA, b.status].filter((c) => c === 0), "exactly one succeeds").to.have.length(1);
        expect(b.stdout + b.stderr).to.match(/locked/i);
        // A stale lock (a crashed process left it behind).
        const lockDir = path.join(REPO_ROOT, ".pulumi-state", ".pulumi", "locks", "organization", "iu-cutter-deploy", stack.name);
        fs.mkdirSync(lockDir, { recursive: true });
        fs.writeFileSync(path.join(lockDir, "stale-lock.json"), JSON.stringify({ pid: 999999, username: "op", hostname: "crashed", timestamp: "2026-01-01T00:00:00Z" }));
        const c = run("pulumi", ["up", "--stack", stack.name, "--yes", "--non-interactive", "--skip-preview"], { cwd: REPO_ROOT });
        expect(c.status).to.not.equal(0);
        expect(c.stdout + c.stderr).to.match(/locked/i);
        expect(c.stdout + c.stderr).to.match(/pulumi cancel|delete the lock/i);
        fs.rmSync(path.join(lockDir, "stale-lock.json"));
    });
});
