/**
 * O6 end to end against the sandbox host, with the real engine and the
 * policy pack: review, deploy, assertions, no-op re-run, rollback.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { Stack } from "@pulumi/pulumi/automation";
import {
    commitToSource, facts, hostPath, hostSnapshot, mustRun, newStack, POLICY_PACK, removeStack, REPO_ROOT, resetHost, SB, shimCalls, tmpDir,
    treeDigest, withConfig,
} from "../helpers/sandbox";
import { configureSandboxStack } from "../../scripts/sandboxStack";
import { renderMarkdown } from "../../lib/workflow/review";

describe("O6 deploy on the sandbox host (real engine, real sshd, policy pack)", function () {
    this.timeout(300_000);
    let stack: Stack;
    let pristineTree: string;
    let pristineHead: string;
    let pristineEnvProduction: Buffer;
    const reviewDir = tmpDir("iucutter-review-");
    const secretValues = () => [facts().backupGpgFpr, "cutter_governance"];

    const hostLogs = () => [...fs.readdirSync(path.join(SB, "log")).map((f) => path.join(SB, "log", f)), path.join(SB, "pg", "server.log")]
        .filter((f) => fs.existsSync(f) && fs.statSync(f).isFile());
    const logOffsets = new Map<string, number>();

    before(async () => {
        resetHost();
        for (const f of hostLogs()) {
            logOffsets.set(f, fs.statSync(f).size);
        }
        pristineTree = treeDigest(hostPath("/opt/incomex/dot/iu-cutter"));
        pristineHead = mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "rev-parse", "HEAD"]).trim();
        pristineEnvProduction = fs.readFileSync(hostPath("/opt/incomex/dot/.env.production"));
        stack = await newStack("deploy");
    });
    after(async () => {
        if (stack) {
            await removeStack(stack);
        }
    });

    it("previews with every policy passing and writes a review package without secrets", async () => {
        const before = hostSnapshot();
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        const res = await stack.preview({ policyPacks: [POLICY_PACK] }).finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        expect(res.changeSummary.create).to.be.greaterThan(5);
        expect(res.stdout).to.contain("iu-cutter-o6-o7");
        expect(hostSnapshot(), "preview must not write to the host").to.equal(before);
        const json = fs.readFileSync(path.join(reviewDir, "review.json"), "utf8");
        const manifest = fs.readFileSync(path.join(reviewDir, "manifest.txt"), "utf8").split(/(?<=\n)/);
        const md = renderMarkdown({ ...JSON.parse(json), manifest });
        expect(fs.existsSync(path.join(reviewDir, "review.md")), "review.md has one writer: the workflow").to.equal(false);
        expect(md).to.match(/O6 mandate digest: `[0-9a-f]{64}`/);
        expect(md).to.contain("HostIdentityGuard");
        for (const s of secretValues()) {
            expect(md, "review.md must not contain a secret").not.to.contain(s);
            expect(fs.readFileSync(path.join(reviewDir, "review.json"), "utf8")).not.to.contain(s);
        }
    });

    it("deploys v0.6 with every post-deploy assertion, the dot-repo commit, the tag, config and secrets, and no restart", async () => {
        const res = await stack.up({ policyPacks: [POLICY_PACK] });
        expect(res.summary.result).to.equal("succeeded");
        const target = hostPath("/opt/incomex/dot/iu-cutter");
        expect(fs.readFileSync(path.join(target, "cutter_agent/__init__.py"), "utf8")).to.contain('__version__ = "0.6.0"');
        expect(fs.statSync(path.join(target, "cutter_agent/orchestrator")).isDirectory()).to.equal(true);
        expect(fs.readFileSync(path.join(target, "cutter_agent/config.py"), "utf8")).to.match(/^execution_enabled: bool = False$/m);
        expect(res.outputs.release.value.manifestDigest).to.equal(treeDigest(target));

        const dot = hostPath("/opt/incomex/dot");
        const msg = mustRun("git", ["-C", dot, "log", "-1", "--format=%B"]);
        expect(msg).to.contain("deploy iu-cutter 0.6.0");
        expect(msg).to.contain(`source-commit: ${facts().sourceCommit}`);
        expect(msg).to.contain(`manifest-digest: ${res.outputs.release.value.manifestDigest}`);
        expect(mustRun("git", ["-C", dot, "status", "--porcelain"]).trim()).to.equal("");
        expect(mustRun("git", ["-C", dot, "remote"]).trim()).to.equal("");

        const src = facts().sourceRepo;
        expect(mustRun("git", ["-C", src, "cat-file", "-t", "v0.6.0-O4-live-dryrun"]).trim()).to.equal("tag");
        expect(mustRun("git", ["-C", src, "rev-parse", "v0.6.0-O4-live-dryrun^{commit}"]).trim()).to.equal(facts().sourceCommit);
        expect(mustRun("git", ["-C", src, "tag", "-n5", "-l", "v0.6.0-O4-live-dryrun"])).to.contain("O4 main-FF ruling");
        expect(mustRun("git", ["-C", src, "remote"]).trim()).to.equal("");

        const ini = fs.readFileSync(hostPath("/var/lib/cutter/config/orchestrator.ini"), "utf8");
        expect(ini).to.match(/^execution_enabled = false$/m);
        expect(ini).to.match(/^signing_provider = StubSigning$/m);
        expect(fs.readFileSync(hostPath("/var/lib/cutter/runbooks/rollback_runbook.sql"), "utf8")).to.contain("GAP-6");
        expect((fs.statSync(hostPath("/var/lib/cutter/backups")).mode & 0o777).toString(8)).to.equal("700");
        expect((fs.statSync(hostPath("/var/lib/cutter/state")).mode & 0o777).toString(8)).to.equal("750");

        const envProd = hostPath("/opt/incomex/dot/.env.production");
        expect((fs.statSync(envProd).mode & 0o777).toString(8)).to.equal("600");
        const env = fs.readFileSync(envProd, "utf8");
        expect(env).to.contain(`BACKUP_GPG_FPR=${facts().backupGpgFpr}\n`);
        expect(env).to.contain("GOVERNANCE_PRINCIPAL=cutter_governance\n");
        expect(env).to.contain("CUTTER_DB_DSN_FILE=", "keys already in the file are kept");

        const artifacts = fs.readdirSync(hostPath("/opt/incomex/.iu-cutter-staging/artifacts")).filter((d) => /^\d{8}T\d{6}Z-/.test(d));
        expect(artifacts).to.have.length(1);
        expect(treeDigest(path.join(hostPath("/opt/incomex/.iu-cutter-staging/artifacts"), artifacts[0], "tree"))).to.equal(pristineTree);
        expect(fs.readdirSync(hostPath("/opt/incomex/.iu-cutter-staging")).filter((d) => d !== "artifacts"), "staging holds only the kept trees").to.deep.equal([]);
        expect(shimCalls(), "no systemctl/docker/service/reboot call").to.deep.equal([]);
    });

    it("re-running up with nothing changed changes nothing and runs no command", async () => {
        const before = hostSnapshot();
        const log = fs.readFileSync(hostPath("/var/lib/cutter/deploy.log"), "utf8");
        const res = await stack.up({ policyPacks: [POLICY_PACK] });
        const changes = res.summary.resourceChanges ?? {};
        expect(Object.keys(changes).filter((k) => k !== "same")).to.deep.equal([]);
        expect(hostSnapshot()).to.equal(before);
        expect(fs.readFileSync(hostPath("/var/lib/cutter/deploy.log"), "utf8")).to.equal(log);
    });

    it("a one-file change (after a new review) redeploys the release and nothing unrelated", async () => {
        const commit = commitToSource({ "cutter_agent/cli.py": fs.readFileSync(path.join(facts().sourceRepo, "cutter_agent/cli.py"), "utf8") + "# one-line fix\n" }, "fix");
        const overrides = { release: { ...(withConfig("release", { commit }).release as object), tag: "v0.6.0-O6-redeploy-test" }, allowUnreviewedRuns: true };
        // The host is now at the first release: the operator reviews again and pins that state.
        await configureSandboxStack(stack.name, { pin: true, overrides });
        const res = await stack.up({ policyPacks: [POLICY_PACK] });
        expect(res.summary.result).to.equal("succeeded");
        const changed = new Set<string>();
        for (const line of res.stdout.split("\n")) {
            const m = /^\s*[~+-]+\s+\S+\s+(\S+)\s+(updated|created|replaced|deleted)/.exec(line);
            if (m) { changed.add(m[1]); }
        }
        // deploy-recovery's delete names the new release (a state update: its create does not re-run).
        expect([...changed].sort()).to.deep.equal(["deploy-recovery", "host-identity-guard", "pre-state-guard", "release-deploy", "release-tag"]);
        expect(fs.readFileSync(hostPath("/opt/incomex/dot/iu-cutter/cutter_agent/cli.py"), "utf8")).to.contain("# one-line fix");
        expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "show", "--stat", "--format=%s", "HEAD"])).to.match(/iu-cutter\/cutter_agent\/cli\.py \| 1 \+\n 1 file changed/);
        expect(shimCalls()).to.deep.equal([]);
    });

    it("keeps every secret out of the state, the logs and the review package", async () => {
        // What is stored on disk: the checkpoint, its backups and history. (The
        // Automation API's exportStack decrypts secrets, so it is not used here.)
        const stateDir = path.join(REPO_ROOT, ".pulumi-state", ".pulumi");
        const files: string[] = [];
        const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
            const f = path.join(d, e.name);
            if (e.isDirectory()) { walk(f); } else if (f.includes(stack.name)) { files.push(f); }
        });
        walk(stateDir);
        expect(files.length).to.be.greaterThan(0);
        const exported = files.map((f) => f.endsWith(".gz") ? zlib.gunzipSync(fs.readFileSync(f)).toString() : fs.readFileSync(f, "utf8")).join("\n");
        expect(exported).to.contain("4dabf18193072939515e22adb298388d", "secrets are stored, encrypted");
        const hostLog = fs.readFileSync(hostPath("/var/lib/cutter/deploy.log"), "utf8");
        // The sandbox host's other logs (sshd, PostgreSQL, shims), from where they stood when this suite began.
        const otherLogs = hostLogs().map((f) => fs.readFileSync(f).subarray(logOffsets.get(f) ?? 0).toString("utf8")).join("\n");
        for (const s of secretValues()) {
            expect(exported, "state").not.to.contain(s);
            expect(hostLog, "host deploy log").not.to.contain(s);
            expect(otherLogs, "sshd/PostgreSQL/shim logs").not.to.contain(s);
        }
    });

    it("rolls back (destroy) to the v0.4 tree byte for byte and resets the dot repo to its pre-deploy HEAD and index (the deploy commit named for audit)", async () => {
        const dot = hostPath("/opt/incomex/dot");
        const deployCommit = mustRun("git", ["-C", dot, "rev-parse", "HEAD"]).trim();
        const res = await stack.destroy();
        expect(res.summary.result).to.equal("succeeded");
        expect(treeDigest(hostPath("/opt/incomex/dot/iu-cutter"))).to.equal(pristineTree);
        expect(fs.readFileSync(hostPath("/opt/incomex/dot/.env.production"))).to.deep.equal(pristineEnvProduction);
        expect(mustRun("git", ["-C", dot, "rev-parse", "HEAD"]).trim(), "the pre-deploy HEAD").to.equal(pristineHead);
        expect(mustRun("git", ["-C", dot, "status", "--porcelain"]).trim()).to.equal("");
        const record = fs.readFileSync(hostPath("/opt/incomex/.iu-cutter-staging/artifacts/rolled-back-dot-commits"), "utf8");
        expect(record).to.match(new RegExp(`release [0-9a-f]{64}: dot commit ${deployCommit} rolled back to the pre-deploy HEAD ${pristineHead}\n$`));
        expect(mustRun("git", ["-C", dot, "cat-file", "-t", deployCommit]).trim(), "the deploy commit is still in the repo").to.equal("commit");
        expect(fs.existsSync(hostPath("/var/lib/cutter/deployed-release"))).to.equal(false);
        expect(shimCalls()).to.deep.equal([]);
    });
});
