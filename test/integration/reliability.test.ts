/**
 * Issue 15 (reliability), against the sandbox host under the real engine:
 * failures after the exchange (disk full at the artifact step, a failing dot
 * commit) end with the host old and recorded, the host-side cause shown to the
 * operator, `destroy` leaving the pre-deploy tree and a later `up` converging;
 * an artifact-name collision is sidestepped; the host-side deploy lock refuses
 * a second run with the holder named and never touches the first run's
 * journal; the dot commit records the release path only.
 */
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { inspectRelease } from "../../lib/release/release";
import * as ops from "../../lib/workflow/operations";
import { configureSandboxStack, sandboxSigners } from "../../scripts/sandboxStack";
import { facts, failure, hostPath, hostSnapshot, mustRun, newO7Stack, newStack, removeStack, REPO_ROOT, resetHost, SB, tmpDir, treeDigest } from "../helpers/sandbox";

const DOT = () => hostPath("/opt/incomex/dot");
const TARGET = () => hostPath("/opt/incomex/dot/iu-cutter");
const JOURNAL = () => hostPath("/var/lib/cutter/deploy.journal");
const LEDGER = () => hostPath("/var/lib/cutter/deployed-release");
const git = (...args: string[]) => mustRun("git", ["-C", DOT(), ...args]);
const newDigest = () => inspectRelease(facts().sourceRepo, facts().sourceCommit).digest;
const sshdPid = () => fs.readFileSync(path.join(SB, "sshd.pid"), "utf8").trim();

/** The host is back exactly where it was before the deploy, and nothing half-recorded is left. */
function expectOldAndRecorded(oldTree: string, oldHead: string, oldStatus: string): void {
    expect(treeDigest(TARGET()), "the pre-deploy tree is live").to.equal(oldTree);
    expect(git("rev-parse", "HEAD").trim(), "dot-repo HEAD is the pre-deploy one").to.equal(oldHead);
    expect(git("status", "--porcelain"), "dot-repo index and work tree as before").to.equal(oldStatus);
    expect(fs.existsSync(JOURNAL()), "no journal left").to.equal(false);
    expect(fs.existsSync(LEDGER()), "no ledger claims the failed release").to.equal(false);
}

describe("reliability: failures after the exchange, deploy lock, dot commit (sandbox host, real engine)", function () {
    this.timeout(600_000);
    let stack: Stack | undefined;
    afterEach(async () => {
        if (stack) { await removeStack(stack); stack = undefined; }
    });

    it("disk full at the artifact step (after the exchange): reverted, cause shown, destroy keeps the pre-deploy tree, a later up converges", async () => {
        resetHost();
        const oldTree = treeDigest(TARGET());
        const oldHead = git("rev-parse", "HEAD").trim();
        const oldStatus = git("status", "--porcelain");
        const arts = "/opt/incomex/.iu-cutter-staging/artifacts";
        fs.mkdirSync(hostPath(arts), { recursive: true });
        // A small tmpfs over the artifacts dir: the old tree's move into it crosses filesystems and runs out of room.
        // (The env-file backup lives under paths.stateDir, outside it.)
        mustRun("nsenter", ["-t", sshdPid(), "-m", "mount", "-t", "tmpfs", "-o", "size=16k,nr_inodes=12", "iucutter-artfull", arts]);
        let msg = "";
        try {
            stack = await newStack("artfull");
            msg = await failure(stack.up());
        } finally {
            mustRun("nsenter", ["-t", sshdPid(), "-m", "umount", arts]);
        }
        expect(fs.readdirSync(hostPath(arts)), "nothing was written under the tmpfs's mount point").to.deep.equal([]);
        expect(msg).to.match(/Release: step artifact failed \(exit 1\); last lines of the host log \/var\/lib\/cutter\/deploy\.log/);
        expect(msg, "the host-side cause reaches the operator").to.match(/No space left on device/);
        expect(msg).to.match(/Release: reverted after the failure of step artifact: the pre-deploy tree, dot-repo HEAD and index, and ledger are back/);
        expectOldAndRecorded(oldTree, oldHead, oldStatus);
        // destroy: the pre-deploy tree stays (the release never reached the state).
        await stack!.destroy();
        expect(treeDigest(TARGET())).to.equal(oldTree);
        // With room again, a plain up converges, and destroy restores the pre-deploy tree.
        const res = await stack!.up();
        expect(res.summary.result).to.equal("succeeded");
        expect(treeDigest(TARGET())).to.equal(newDigest());
        await stack!.destroy();
        expect(treeDigest(TARGET())).to.equal(oldTree);
    });

    it("a failing dot commit (the branch ref is locked): reverted, git's own message shown, destroy keeps the pre-deploy tree, a later up converges", async () => {
        resetHost();
        const oldTree = treeDigest(TARGET());
        const oldHead = git("rev-parse", "HEAD").trim();
        const branch = git("symbolic-ref", "--short", "HEAD").trim();
        const refLock = path.join(DOT(), ".git", "refs", "heads", `${branch}.lock`);
        stack = await newStack("dotfail");
        const oldStatus = git("status", "--porcelain");
        fs.writeFileSync(refLock, "");
        let msg = "";
        try {
            msg = await failure(stack.up());
        } finally {
            fs.rmSync(refLock);
        }
        expect(msg).to.match(/Release: step dot-commit failed \(exit \d+\)/);
        expect(msg, "git's own reason reaches the operator").to.match(/cannot lock ref|Unable to create .*\.lock/);
        expect(msg).to.match(/Release: reverted after the failure of step dot-commit/);
        expectOldAndRecorded(oldTree, oldHead, oldStatus);
        await stack.destroy();
        expect(treeDigest(TARGET())).to.equal(oldTree);
        const res = await stack.up();
        expect(res.summary.result).to.equal("succeeded");
        expect(git("log", "--format=%s").split("\n").filter((l) => l.startsWith("deploy")).length).to.equal(1);
        await stack.destroy();
        expect(treeDigest(TARGET())).to.equal(oldTree);
    });

    it("a failing dot commit whose revert fails too (the dot repo's index is locked): the journal stays, the cause is shown, and a plain destroy restores the pre-deploy state from the journal", async () => {
        resetHost();
        const oldTree = treeDigest(TARGET());
        const oldHead = git("rev-parse", "HEAD").trim();
        stack = await newStack("revertfail");
        const oldStatus = git("status", "--porcelain");
        const indexLock = path.join(DOT(), ".git", "index.lock");
        fs.writeFileSync(indexLock, "");
        let msg = "";
        try {
            msg = await failure(stack.up());
        } finally {
            fs.rmSync(indexLock);
        }
        expect(msg).to.match(/Release: step dot-commit failed \(exit \d+\)/);
        expect(msg, "git's own reason reaches the operator").to.match(/index\.lock/);
        expect(msg, "the failed revert does not claim success").to.not.match(/Release: reverted after the failure/);
        expect(fs.existsSync(JOURNAL()), "the journal of the unfinished deploy stays").to.equal(true);
        // The release's create never reached the state; deploy-recovery (created before it) reverts from the journal.
        const res = await stack.destroy();
        expect(res.summary.result).to.equal("succeeded");
        expect(res.stdout).to.match(/DeployRecovery: the pre-deploy tree, dot-repo HEAD and index, and ledger are back/);
        expectOldAndRecorded(oldTree, oldHead, oldStatus);
        // And a later up converges.
        expect((await stack.up()).summary.result).to.equal("succeeded");
        expect(treeDigest(TARGET())).to.equal(newDigest());
        await stack.destroy();
        expect(treeDigest(TARGET())).to.equal(oldTree);
    });

    it("an artifact-name collision (dirs already there for every second of the run): a unique name is used, the others are untouched", async () => {
        resetHost();
        const d12 = newDigest().slice(0, 12);
        const arts = hostPath("/opt/incomex/.iu-cutter-staging/artifacts");
        fs.mkdirSync(arts, { recursive: true });
        const t0 = Date.now();
        const made: string[] = [];
        for (let s = -5; s < 240; s++) {
            const ts = new Date(t0 + s * 1000).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
            const d = path.join(arts, `${ts}-${d12}`);
            fs.mkdirSync(path.join(d, "tree"), { recursive: true });
            fs.writeFileSync(path.join(d, "tree", "someone-elses"), "keep me\n");
            made.push(d);
        }
        stack = await newStack("artname", { overrides: { retention: { artifacts: 1000 } } });
        const res = await stack.up();
        expect(res.summary.result).to.equal("succeeded");
        const art = fs.readFileSync(LEDGER(), "utf8").match(/^artifact=(.*)$/m)![1];
        expect(art, "a suffixed, unused name").to.match(new RegExp(`/\\d{8}T\\d{6}Z-${d12}-1$`));
        for (const d of made) {
            expect(fs.readdirSync(path.join(d, "tree")), d).to.deep.equal(["someone-elses"]);
        }
        expect(fs.existsSync(hostPath(art + "/tree/cutter_agent"))).to.equal(true);
        const oldTree = treeDigest(hostPath(art + "/tree"));
        await stack.destroy();
        expect(treeDigest(TARGET())).to.equal(oldTree);
    });

    it("the dot commit records exactly the release path: other staged changes stay staged and out of it, also through destroy", async () => {
        resetHost();
        fs.writeFileSync(path.join(DOT(), "operator-notes.txt"), "staged by hand\n");
        git("add", "operator-notes.txt");
        const oldHead = git("rev-parse", "HEAD").trim();
        stack = await newStack("staged");
        const res = await stack.up();
        expect(res.summary.result).to.equal("succeeded");
        const files = git("show", "--name-only", "--format=", "HEAD").split("\n").filter(Boolean);
        expect(files.length).to.be.greaterThan(0);
        expect(files.every((f) => f.startsWith("iu-cutter/")), files.join(", ")).to.equal(true);
        expect(git("status", "--porcelain")).to.equal("A  operator-notes.txt\n");
        await stack.destroy();
        // The rollback resets HEAD and the release path's index to the pre-deploy ones; the operator's staged file stays staged.
        expect(git("rev-parse", "HEAD").trim()).to.equal(oldHead);
        expect(git("status", "--porcelain")).to.equal("A  operator-notes.txt\n");
    });

    it("release files the dot repo's .gitignore matches are refused (the commit would miss them): reverted, files named", async () => {
        resetHost();
        fs.appendFileSync(path.join(DOT(), ".gitignore"), "iu-cutter/cutter_agent/orchestrator/\n");
        git("add", ".gitignore");
        git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "ignore tests");
        const oldTree = treeDigest(TARGET());
        const oldHead = git("rev-parse", "HEAD").trim();
        const oldStatus = git("status", "--porcelain");
        stack = await newStack("ignored");
        const msg = await failure(stack.up());
        expect(msg).to.match(/the dot repo's ignore rules match release files \(iu-cutter\/cutter_agent\/orchestrator\/[^)]*\); the deploy commit would not record them/);
        expectOldAndRecorded(oldTree, oldHead, oldStatus);
    });

    it("a second run while the host-side deploy lock is held: refused with the holder named, nothing written, the other run's journal untouched", async () => {
        resetHost();
        stack = await newStack("hostlock");
        const lock = hostPath("/var/lib/cutter/deploy.lock");
        fs.mkdirSync(path.dirname(lock), { recursive: true });
        fs.writeFileSync(lock + ".holder", "deploy of 0123456789ab pid 4242 since 2026-12-02T06:00:00Z\n");
        // The other run: it holds the lock and is mid-deploy (its journal exists).
        const journal = "stage=/x\nartifact=/y\npre_tree=other\ndot_head=other\nnew_tree=other\n";
        fs.writeFileSync(JOURNAL(), journal);
        const holder: ChildProcess = spawn("flock", ["-x", lock, "sleep", "300"], { stdio: "ignore", detached: true });
        try {
            for (let i = 0; i < 100 && mustRun("bash", ["-c", `flock -n ${lock} true && echo free || echo held`]).trim() !== "held"; i++) {
                await new Promise((r) => setTimeout(r, 50));
            }
            // The local tag (source repo) is no host write; the rest of the snapshot is the host.
            const hostOnly = () => hostSnapshot().split("|").slice(0, 3).join("|");
            const before = hostOnly();
            const msg = await failure(stack.up());
            expect(msg).to.match(/DeployLock: another deploy or rollback holds \/var\/lib\/cutter\/deploy\.lock \(deploy of 0123456789ab pid 4242 since 2026-12-02T06:00:00Z\); PreStateAnchor: nothing was written/);
            expect(msg).not.to.match(/interrupted/);
            expect(fs.readFileSync(JOURNAL(), "utf8"), "the other run's journal is untouched").to.equal(journal);
            expect(hostOnly(), "nothing written").to.equal(before);
        } finally {
            const exited = new Promise((r) => holder.once("exit", r));
            process.kill(-holder.pid!, "SIGKILL"); // flock and its sleep (which inherited the lock)
            await exited;
        }
        // The other run finishes (its journal goes); then this stack deploys.
        fs.rmSync(JOURNAL());
        const res = await stack.up();
        expect(res.summary.result).to.equal("succeeded");
        expect(fs.readFileSync(lock + ".holder", "utf8")).to.match(/^deploy of [0-9a-f]{12} pid \d+ since /);
    });

    describe("layout the swap relies on: refused at preview with the fact named, or handled", () => {
        const refusedAtPreview = async (label: string, re: RegExp) => {
            stack = await newStack(label, { pin: false });
            const before = hostSnapshot().split("|").slice(0, 3).join("|");
            const msg = await failure(stack.preview());
            expect(msg).to.match(re);
            expect(hostSnapshot().split("|").slice(0, 3).join("|"), "nothing written").to.equal(before);
        };
        it("a live iu-cutter that is itself a symlink", async () => {
            resetHost();
            fs.renameSync(TARGET(), TARGET() + "-real");
            fs.symlinkSync("iu-cutter-real", TARGET());
            await refusedAtPreview("livelink", /HostIdentityGuard: .*the live tree \/opt\/incomex\/dot\/iu-cutter is a symlink \(to iu-cutter-real\); a backup of it would be a copy of the link/s);
        });
        it("a staging dir that is a symlink", async () => {
            resetHost();
            const staging = hostPath("/opt/incomex/.iu-cutter-staging");
            fs.rmSync(staging, { recursive: true, force: true });
            fs.mkdirSync(hostPath("/opt/incomex/elsewhere"), { recursive: true });
            fs.symlinkSync("elsewhere", staging);
            await refusedAtPreview("stagelink", /HostIdentityGuard: .*the staging dir \/opt\/incomex\/\.iu-cutter-staging is a symlink \(to elsewhere\)/s);
        });
        it("staging on another filesystem than the dot repo", async () => {
            resetHost();
            const staging = "/opt/incomex/.iu-cutter-staging";
            fs.mkdirSync(hostPath(staging), { recursive: true });
            mustRun("nsenter", ["-t", sshdPid(), "-m", "mount", "-t", "tmpfs", "-o", "size=1m", "iucutter-otherfs", staging]);
            try {
                await refusedAtPreview("otherfs", /HostIdentityGuard: .*the staging dir \/opt\/incomex\/\.iu-cutter-staging is on another filesystem \(\/opt\/incomex\/\.iu-cutter-staging\) than \/opt\/incomex\/dot/s);
            } finally {
                mustRun("nsenter", ["-t", sshdPid(), "-m", "umount", staging]);
            }
        });
        it("a host clock years off (2001): refused at preview, both clocks named", async () => {
            resetHost();
            const shim = path.join(SB, "shims", "date");
            fs.writeFileSync(shim, "#!/bin/bash\nif [ \"$*\" = \"-u +%s\" ]; then echo 978307200; else exec /usr/bin/date \"$@\"; fi\n", { mode: 0o755 });
            try {
                await refusedAtPreview("clock", /HostIdentityGuard: .*the host clock \(2001-01-01T00:00:00\.000Z\) is \d+ s behind the operator's \(20\d\d-.*\); more than 300 s is refused/s);
            } finally {
                fs.rmSync(shim);
            }
        });
        it("a host umask of 027 changes nothing: modes are set explicitly, the deploy and its rollback are exact", async () => {
            resetHost();
            const rc = hostPath("/root") + "/.bashrc";
            fs.writeFileSync(rc, "umask 027\n");
            try {
                expect(mustRun("ssh", ["-F", "/dev/null", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-i", facts().privateKeyPath, "-p", String(facts().sshPort), "root@127.0.0.1", "bash -c umask"]).trim(),
                    "the sandbox session really has umask 027").to.equal("0027");
                const oldTree = treeDigest(TARGET());
                stack = await newStack("umask");
                const res = await stack.up();
                expect(res.summary.result).to.equal("succeeded");
                expect(treeDigest(TARGET())).to.equal(newDigest());
                await stack.destroy();
                expect(treeDigest(TARGET())).to.equal(oldTree);
            } finally {
                fs.rmSync(rc, { force: true });
            }
        });
    });

    describe("on-host guards fail under `up` when the host changes after the program's own check", () => {
        /** Runs `up` in the background; once a host script containing `marker` has started and ended `n` times, runs `change`. */
        async function upChangingHost(name: string, marker: string, change: () => void): Promise<{ code: number; out: string }> {
            const child = spawn("pulumi", ["up", "--stack", name, "--yes", "--non-interactive", "--skip-preview"], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
            let out = "";
            child.stdout!.on("data", (b) => { out += b; });
            child.stderr!.on("data", (b) => { out += b; });
            const done = new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
            let exited = false;
            void done.then(() => { exited = true; });
            /** The pid of a running ssh client carrying a script with `marker`, if any. */
            const find = () => fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).find((pid) => {
                try {
                    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
                    // Only this sandbox's ssh clients (other engineers' sandboxes run the same scripts on other ports).
                    return cmd.startsWith("ssh\0") && cmd.includes(`\0-p\0${facts().sshPort}\0`) && cmd.includes(marker);
                } catch { return false; }
            });
            let seen: string | undefined;
            let changed = false;
            while (!exited && !changed) {
                if (seen === undefined) {
                    seen = find();
                } else if (!fs.existsSync(`/proc/${seen}`)) {
                    change();
                    changed = true;
                }
                await new Promise((r) => setImmediate(r));
            }
            const code = await done;
            expect(changed, "the host was changed while up ran").to.equal(true);
            return { code, out };
        }

        it("HostIdentityGuard: the compose marker disappears after the program's probe at up", async () => {
            resetHost();
            stack = await newStack("idguard");
            const r = await upChangingHost(stack.name, "envProductionOriginal=", () => fs.rmSync(hostPath("/opt/incomex/dot/docker-compose.yml")));
            expect(r.code).to.not.equal(0);
            expect(r.out, r.out.slice(-2500)).to.match(/HostIdentityGuard: compose marker \/opt\/incomex\/dot\/docker-compose\.yml is missing: not the expected stack host/);
            expect(fs.existsSync(hostPath("/var/lib/cutter/config")), "no write ran").to.equal(false);
        });

        it("PreStateAnchor (on-host): the live tree is edited while the identity guard runs", async () => {
            resetHost();
            stack = await newStack("psguard");
            const r = await upChangingHost(stack.name, "HostIdentityGuard", () => fs.appendFileSync(hostPath("/opt/incomex/dot/iu-cutter/README.md"), "hotfix\n"));
            expect(r.code).to.not.equal(0);
            expect(r.out).to.match(/PreStateAnchor: anchors\.tree drifted: observed [0-9a-f]{64}, pinned [0-9a-f]{64}\. Re-run the review; nothing was written/);
            expect(fs.existsSync(hostPath("/var/lib/cutter/config")), "no write ran").to.equal(false);
        });

        it("RollbackGate (on-host): the deployed tree is edited after the program's probe at up", async () => {
            resetHost();
            stack = await newStack("rbguard");
            expect((await stack.up()).summary.result).to.equal("succeeded");
            await stack.setConfig("rollback", { value: "true" });
            const deployed = treeDigest(TARGET());
            const r = await upChangingHost(stack.name, "envProductionOriginal=", () => fs.appendFileSync(hostPath("/opt/incomex/dot/iu-cutter/README.md"), "hotfix\n"));
            expect(r.code).to.not.equal(0);
            expect(r.out, r.out.slice(-3000)).to.match(/RollbackGate: the deployed tree was changed since the deploy; refusing to roll back over it/);
            expect(treeDigest(TARGET()), "the hand-edited tree is still live, not discarded").to.not.equal(deployed);
            expect(fs.readFileSync(hostPath("/opt/incomex/dot/iu-cutter/README.md"), "utf8")).to.match(/hotfix\n$/);
        });
    });

    describe("destroy on a protected stack", () => {
        const root = tmpDir("iucutter-reviews-");
        before(() => { process.env.IUCUTTER_REVIEW_ROOT = root; });
        after(() => { delete process.env.IUCUTTER_REVIEW_ROOT; });

        it("a plain `pulumi destroy` is refused by RollbackGate and changes nothing; the reviewed rollback restores the pre-deploy tree and keeps a hand edit", async () => {
            resetHost();
            const signers = sandboxSigners(tmpDir("iucutter-signers-"));
            const oldTree = treeDigest(TARGET());
            stack = await newStack("protdestroy", { signers });
            const signOff = async () => {
                const r = await ops.review(stack!.name, { root: REPO_ROOT });
                ops.approve(stack!.name, { role: "review", digest: r.mandateDigest, key: signers.keys.review }, REPO_ROOT);
                ops.approve(stack!.name, { role: "sovereign", digest: r.mandateDigest, key: signers.keys.sovereign }, REPO_ROOT);
                await ops.deploy(stack!.name, { root: REPO_ROOT });
            };
            await signOff();
            expect(treeDigest(TARGET())).to.equal(newDigest());
            // An operator's hot-fix on the live tree: it exists nowhere else.
            fs.appendFileSync(hostPath("/opt/incomex/dot/iu-cutter/README.md"), "hotfix\n");
            const hotfixed = treeDigest(TARGET());
            const before = hostSnapshot();
            const msg = await failure(stack.destroy());
            expect(msg).to.match(/RollbackGate: vmi0000000\.sandbox\.invalid is protected and no approved rollback mandate for release [0-9a-f]{12} is on the host \(\/var\/lib\/cutter\/rollback-mandate\); a plain destroy is refused and nothing was changed/);
            expect(treeDigest(TARGET()), "the hot-fixed tree is still live").to.equal(hotfixed);
            const after = hostSnapshot().split("|");
            // /opt/incomex and the dot repo history are untouched (only deploy.log under /var/lib/cutter got the refusal).
            expect([after[0], after[2]], "nothing changed in /opt/incomex or the dot repo").to.deep.equal([before.split("|")[0], before.split("|")[2]]);
            expect(fs.existsSync(hostPath("/opt/incomex/dot/.env.production"))).to.equal(true);
            // The reviewed rollback refuses too while the tree differs from the deploy (the hot-fix is not discarded) ...
            await configureSandboxStack(stack.name, { pin: true, signers, overrides: { rollback: true } });
            expect(await failure(ops.review(stack!.name, { root: REPO_ROOT }))).to.match(/RollbackGate/);
            // ... and, once the hot-fix is taken out by hand, restores the pre-deploy tree.
            mustRun("git", ["-C", DOT(), "checkout", "-q", "--", "iu-cutter/README.md"]);
            await signOff();
            expect(treeDigest(TARGET())).to.equal(oldTree);
            expect(fs.existsSync(hostPath("/var/lib/cutter/rollback-mandate")), "the mandate is consumed").to.equal(false);
        });
        it("O7: a plain `pulumi destroy` of a protected O7 stack is refused by RollbackGate and changes nothing; the reviewed rollback (O7, then O6) forgets the run and restores the pre-deploy tree", async () => {
            resetHost();
            const signers = sandboxSigners(tmpDir("iucutter-signers-"));
            const oldTree = treeDigest(TARGET());
            const oldHead = git("rev-parse", "HEAD").trim();
            stack = await newStack("protdestroy-o6", { signers });
            const signOff = async (name: string) => {
                const r = await ops.review(name, { root: REPO_ROOT });
                ops.approve(name, { role: "review", digest: r.mandateDigest, key: signers.keys.review }, REPO_ROOT);
                ops.approve(name, { role: "sovereign", digest: r.mandateDigest, key: signers.keys.sovereign }, REPO_ROOT);
                await ops.deploy(name, { root: REPO_ROOT });
            };
            await signOff(stack.name);
            const o7 = await newO7Stack("protdestroy-o7", { signers });
            try {
                await signOff(o7.name);
                const stateDir = hostPath("/var/lib/cutter/state");
                const runFiles = () => fs.readdirSync(stateDir).filter((f) => /^run-o7-.*\.json$/.test(f));
                expect(runFiles(), "the O7 run is recorded on the host").to.have.length(1);
                const before = hostSnapshot();
                const msg = await failure(o7.destroy());
                expect(msg).to.match(/RollbackGate: vmi0000000\.sandbox\.invalid is protected and no approved O7 rollback mandate for run o7-[0-9a-f]{12}-\S+ is on the host \(\/var\/lib\/cutter\/o7-rollback-mandate\); a plain destroy is refused and nothing was changed/);
                expect(hostSnapshot(), "the host is unchanged").to.equal(before);
                expect(runFiles(), "the O7 run is not forgotten").to.have.length(1);
                // The reviewed path: rollback on the O7 stack, then on the O6 stack.
                await configureSandboxStack(o7.name, { o7: true, pinO7: true, signers, overrides: { rollback: true } });
                await signOff(o7.name);
                expect(runFiles(), "the reviewed O7 rollback forgot the run").to.have.length(0);
                expect(fs.existsSync(hostPath("/var/lib/cutter/o7-rollback-mandate")), "the O7 mandate is consumed").to.equal(false);
                await configureSandboxStack(stack.name, { pin: true, signers, overrides: { rollback: true } });
                await signOff(stack.name);
                expect(treeDigest(TARGET())).to.equal(oldTree);
                expect(git("rev-parse", "HEAD").trim(), "the dot repo's pre-deploy HEAD is back").to.equal(oldHead);
            } finally {
                await removeStack(o7);
            }
        });
    });

    describe("the dot repo on rollback", () => {
        it("HEAD still the deploy commit: destroy resets HEAD and index to the pre-deploy ones, other staged changes stay staged", async () => {
            resetHost();
            const oldHead = git("rev-parse", "HEAD").trim();
            fs.writeFileSync(hostPath("/opt/incomex/dot/staged-note.txt"), "staged by an operator\n");
            git("add", "staged-note.txt");
            const oldStatus = git("status", "--porcelain");
            stack = await newStack("dotreset");
            expect((await stack.up()).summary.result).to.equal("succeeded");
            const deployCommit = git("rev-parse", "HEAD").trim();
            expect(deployCommit).to.not.equal(oldHead);
            await stack.destroy();
            expect(git("rev-parse", "HEAD").trim(), "pre-deploy HEAD").to.equal(oldHead);
            expect(git("status", "--porcelain"), "pre-deploy index (the operator's staged file still staged)").to.equal(oldStatus);
            expect(fs.readFileSync(hostPath("/opt/incomex/.iu-cutter-staging/artifacts/rolled-back-dot-commits"), "utf8")).to.contain(`dot commit ${deployCommit} rolled back to the pre-deploy HEAD ${oldHead}`);
        });

        it("someone committed on top of the deploy commit: destroy keeps that history and records the rollback as a new commit", async () => {
            resetHost();
            const oldTree = treeDigest(TARGET());
            stack = await newStack("dotontop");
            expect((await stack.up()).summary.result).to.equal("succeeded");
            fs.writeFileSync(hostPath("/opt/incomex/dot/ops-note.txt"), "an operator's own commit\n");
            git("add", "ops-note.txt");
            git("-c", "user.name=op", "-c", "user.email=op@localhost", "commit", "-q", "-m", "operator note");
            const onTop = git("rev-parse", "HEAD").trim();
            await stack.destroy();
            expect(treeDigest(TARGET())).to.equal(oldTree);
            expect(git("log", "-1", "--format=%s").trim()).to.equal("rollback iu-cutter to the pre-deploy tree (O6 rollback)");
            expect(git("rev-parse", "HEAD~1").trim(), "the operator's commit is kept").to.equal(onTop);
            expect(git("status", "--porcelain")).to.equal("");
        });
    });

    describe("drift of the deployed release", () => {
        for (const [what, edit] of [
            ["a hand edit of the live tree", () => fs.appendFileSync(hostPath("/opt/incomex/dot/iu-cutter/README.md"), "hotfix\n")],
            ["a stray .pyc in the live tree", () => {
                fs.mkdirSync(hostPath("/opt/incomex/dot/iu-cutter/cutter_agent/__pycache__"), { recursive: true });
                fs.writeFileSync(hostPath("/opt/incomex/dot/iu-cutter/cutter_agent/__pycache__/cli.cpython-311.pyc"), "\u0000stray");
            }],
        ] as Array<[string, () => void]>) {
            it(`${what}: reported as drift of the release; re-pinning redeploys the same digest (never "unchanged") and keeps the changed tree`, async () => {
                resetHost();
                const oldTree = treeDigest(TARGET());
                stack = await newStack("reldrift");
                expect((await stack.up()).summary.result).to.equal("succeeded");
                const release = newDigest();
                edit();
                const drifted = treeDigest(TARGET());
                expect(drifted, "the live-tree digest sees the change").to.not.equal(release);
                const msg = await failure(stack.up());
                expect(msg).to.match(/PreStateAnchor: the host drifted .*The deployed release [0-9a-f]{12} itself drifted: the live tree is [0-9a-f]{64}, not the release .*re-pin anchors\.tree/s);
                // The way out: re-pin (the reviewed observation), and the update re-runs the swap.
                await configureSandboxStack(stack.name, { pin: true, overrides: { allowUnreviewedRuns: true } });
                const res = await stack.up();
                expect(res.summary.result).to.equal("succeeded");
                expect(res.summary.resourceChanges?.update ?? 0, "the release swap re-ran").to.be.greaterThan(0);
                expect(treeDigest(TARGET()), "the reviewed release is live again").to.equal(release);
                const art = fs.readFileSync(LEDGER(), "utf8").match(/^artifact=(.*)$/m)![1];
                expect(treeDigest(hostPath(art + "/tree")), "the changed tree is kept in the artifact dir").to.equal(drifted);
                // And destroy still returns to the origin (pre-deploy) tree.
                await stack.destroy();
                expect(treeDigest(TARGET())).to.equal(oldTree);
            });
        }
    });
});

