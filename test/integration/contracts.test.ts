/**
 * Production contracts at review (issue 13), real engine against the sandbox:
 * the review package shows the release tests, the runbook's source and digest
 * and the host facts; a missing host fact, a release-test count mismatch and a
 * runbook that is not its owner's each refuse before anything is written.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { sha256Hex } from "../../lib/core/digest";
import { facts, failure, hostPath, hostSnapshot, mustRun, newStack, POLICY_PACK, removeStack, resetHost, reviewMarkdown, SB, tmpDir, treeDigest, withConfig } from "../helpers/sandbox";
import { configureSandboxStack } from "../../scripts/sandboxStack";

describe("production contracts at review (sandbox, real engine)", function () {
    this.timeout(300_000);
    let stack: Stack | undefined;
    afterEach(async () => {
        if (stack) {
            await removeStack(stack);
        }
        stack = undefined;
    });

    it("the O6 review package shows the release tests, the runbook's source and the host facts (policy pack on)", async () => {
        resetHost();
        const reviewDir = tmpDir("iucutter-contracts-");
        stack = await newStack("contracts-review");
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        const res = await stack.preview({ policyPacks: [POLICY_PACK] }).finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        expect(res.stdout).not.to.contain("[mandatory]");
        const md = reviewMarkdown(reviewDir);
        expect(md).to.match(/Release tests \(clean copy of the commit, bytecode writing off\): \*\*10\/10 passed\*\* \(0 failed, 0 errors, 0 skipped\); `PYTHONDONTWRITEBYTECODE=1 \/usr\/bin\/python3 -m pytest -q -p no:cacheprovider` with Python 3\./);
        const runbook = fs.readFileSync(path.join(facts().sourceRepo, "db", "rollback_runbook.sql"), "utf8");
        expect(md).to.contain(`Rollback runbook (GAP-6) from the release tree, \`db/rollback_runbook.sql@${facts().sourceCommit}\`: sha256 \`${sha256Hex(runbook)}\``);
        expect(md).to.contain("## Host facts (observed read-only now)");
        expect(md).to.match(/\| Python \| `Python 3\.\d+\.\d+` \|/);
        expect(md).to.contain("| agent CLI (version line, live tree) | `0.4.0` |");
        expect(md).to.match(/\| psql \| `\/\S*psql`; database as `context_pack_readonly`: reachable \|/);
        expect(md).to.contain("| compose marker | `/opt/incomex/dot/docker-compose.yml` present |");
        expect(md).to.match(/\| staging and live tree on one filesystem \| yes /);
        const json = JSON.parse(fs.readFileSync(path.join(reviewDir, "review.json"), "utf8"));
        expect(json.contracts.releaseTests).to.include({ expected: 10, passed: 10, failed: 0 });
        // The live tree was not touched by the agent CLI's version line (no bytecode).
        expect(fs.existsSync(hostPath("/opt/incomex/dot/iu-cutter/cutter_agent/__pycache__"))).to.equal(false);
    });

    const refusals: Array<[string, () => Record<string, unknown>, () => void, RegExp]> = [
        ["the database is not reachable as the read-only role", () => {
            const c = withConfig("cutterConfig", {}).cutterConfig as Record<string, any>;
            return { cutterConfig: { ...c, orchestrator: { ...c.orchestrator, db_port: 1 } } };
        }, () => undefined, /HostFacts: a fact the deploy relies on is missing on the host; refused before any write:\n\s+- database: not reachable as context_pack_readonly at 127\.0\.0\.1:1\/cutter_live/],
        ["the agent CLI prints no version line", () => ({}), () => fs.rmSync(hostPath("/opt/incomex/dot/iu-cutter/cutter_agent/cli.py")),
            /HostFacts: .*\n\s+- agent CLI: `python3 -m cutter_agent\.cli --version` in \/opt\/incomex\/dot\/iu-cutter printed no version line/],
        ["the release's suite passes another count than release.expectedTests", () => withConfig("release", { expectedTests: 366 }), () => undefined,
            /ReleaseTests: the release's test suite at [0-9a-f]{12} passed 10, release\.expectedTests is 366 \(10 passed, 0 failed, 0 errors, 0 skipped\)/],
        ["the runbook file is not the one its owner pinned", () => {
            const f = path.join(tmpDir("iucutter-rb-"), "rollback_runbook.sql");
            fs.writeFileSync(f, "BEGIN;\nUPDATE cutter.cuts SET state = 'reverted';\nCOMMIT;\n");
            const c = withConfig("cutterConfig", {}).cutterConfig as Record<string, any>;
            return { cutterConfig: { ...c, rollbackRunbook: { from: "file", path: f, sha256: "0".repeat(64) } } };
        }, () => undefined, /RollbackRunbook: the runbook file .* has sha256 [0-9a-f]{64}, cutterConfig\.rollbackRunbook\.sha256 pins 0{64}/],
        ["the release does not carry the runbook at the configured path", () => {
            const c = withConfig("cutterConfig", {}).cutterConfig as Record<string, any>;
            return { cutterConfig: { ...c, rollbackRunbook: { from: "release", path: "sql/rollback_runbook.sql" } } };
        }, () => undefined, /RollbackRunbook: sql\/rollback_runbook\.sql is not in the release tree at [0-9a-f]{12}/],
    ];
    for (const [what, overrides, arrange, re] of refusals) {
        it(`refuses before any write: ${what}`, async () => {
            resetHost();
            stack = await newStack("contracts-refuse", { overrides: overrides() });
            arrange();
            const before = hostSnapshot();
            expect(await failure(stack.preview())).to.match(re);
            expect(await failure(stack.up())).to.match(re);
            expect(hostSnapshot()).to.equal(before);
        });
    }

    it("refuses before any write: a staging dir that is its own small filesystem (the exchange needs one filesystem)", async () => {
        resetHost();
        const sshd = fs.readFileSync(path.join(SB, "sshd.pid"), "utf8").trim();
        fs.mkdirSync(hostPath("/opt/incomex/.iu-cutter-staging"), { recursive: true });
        mustRun("nsenter", ["-t", sshd, "-m", "mount", "-t", "tmpfs", "-o", "size=8k", "iucutter-small", "/opt/incomex/.iu-cutter-staging"]);
        try {
            stack = await newStack("contracts-space");
            const before = hostSnapshot();
            const msg = await failure(stack.up());
            // A tmpfs is its own filesystem: the atomic exchange could not work across it. The free-space
            // fact (HostFacts) is proven by the fault suite's full disk, where staging shares the dot repo's filesystem.
            expect(msg).to.match(/HostIdentityGuard: .*the staging dir \/opt\/incomex\/\.iu-cutter-staging is on another filesystem/s);
            expect(hostSnapshot()).to.equal(before);
        } finally {
            mustRun("nsenter", ["-t", sshd, "-m", "umount", "/opt/incomex/.iu-cutter-staging"]);
        }
    });

    it("a rollback review is never blocked by the release's tests (they do not run for a rollback)", async () => {
        resetHost();
        stack = await newStack("contracts-rollback");
        await stack.up();
        // The suite would now refuse (another count), but the rollback goes through and says why.
        await configureSandboxStack(stack.name, { pin: true, overrides: { allowUnreviewedRuns: true, rollback: true, ...withConfig("release", { expectedTests: 366 }) } });
        const reviewDir = tmpDir("iucutter-contracts-rb-");
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        await stack.up().finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        expect(reviewMarkdown(reviewDir, "deployed")).to.contain("- Release tests: not run (rollback: a rollback is never blocked by the new release's suite)");
        expect(treeDigest(hostPath("/opt/incomex/dot/iu-cutter"))).to.equal(treeDigest(path.join(SB, "pristine", "opt-incomex", "dot", "iu-cutter")));
    });

    it("accepts a runbook from the owner's file with its pinned sha256, and names that source", async () => {
        resetHost();
        const f = path.join(tmpDir("iucutter-rb-"), "rollback_runbook.sql");
        fs.writeFileSync(f, fs.readFileSync(path.join(facts().sourceRepo, "db", "rollback_runbook.sql")));
        const c = withConfig("cutterConfig", {}).cutterConfig as Record<string, any>;
        const reviewDir = tmpDir("iucutter-contracts-");
        stack = await newStack("contracts-rbfile", { overrides: { cutterConfig: { ...c, rollbackRunbook: { from: "file", path: f, sha256: sha256Hex(fs.readFileSync(f, "utf8")) } } } });
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        await stack.up().finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        expect(reviewMarkdown(reviewDir, "deployed")).to.contain(`Rollback runbook (GAP-6) from the owner's file \`${f}\` (sha256 pinned)`);
        expect(fs.readFileSync(hostPath("/var/lib/cutter/runbooks/rollback_runbook.sql"))).to.deep.equal(fs.readFileSync(f));
    });
});
