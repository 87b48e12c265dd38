/**
 * Retention of previous trees under the real engine (issue 15, item 8): the
 * review shows the pruning command with the literal dirs it removes, the
 * policy pack passes it, `up` removes exactly those, and a rollback target
 * (the origin tree the ledger names) and the env backup stay.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { hostPath, newStack, POLICY_PACK, removeStack, resetHost, shimCalls, tmpDir } from "../helpers/sandbox";

const ARTIFACTS = () => hostPath("/opt/incomex/.iu-cutter-staging/artifacts");
const old = (day: number) => `202501${String(day).padStart(2, "0")}T000000Z-${"0".repeat(12)}`;

describe("retention of previous trees (sandbox host, real engine, policy pack)", function () {
    this.timeout(600_000);
    let stack: Stack | undefined;
    afterEach(async () => { if (stack) { await removeStack(stack); stack = undefined; } });

    it("prunes the oldest trees beyond retention.artifacts by a reviewed command; keeps the newest and every other dir", async () => {
        resetHost();
        fs.mkdirSync(ARTIFACTS(), { recursive: true, mode: 0o700 });
        for (const d of [1, 2, 3, 4]) {
            fs.mkdirSync(path.join(ARTIFACTS(), old(d), "tree"), { recursive: true });
            fs.writeFileSync(path.join(ARTIFACTS(), old(d), "tree", "marker"), `${d}\n`);
        }
        fs.mkdirSync(path.join(ARTIFACTS(), "env-production"), { recursive: true });
        stack = await newStack("retention", { overrides: { retention: { artifacts: 2 } } });

        const reviewDir = tmpDir("iucutter-retention-review-");
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        try {
            await stack.preview({ policyPacks: [POLICY_PACK] });
        } finally {
            delete process.env.IUCUTTER_REVIEW_DIR;
        }
        const review = JSON.parse(fs.readFileSync(path.join(reviewDir, "review.json"), "utf8")) as { commands: Array<{ resource: string; create: string; writes: string[] }> };
        const cmd = review.commands.find((c) => c.resource === "artifact-retention");
        expect(cmd, "the review lists the pruning command").to.not.equal(undefined);
        expect(cmd!.create).to.contain(`rm -r -- /opt/incomex/.iu-cutter-staging/artifacts/${old(1)}`).and.to.contain(`rm -r -- /opt/incomex/.iu-cutter-staging/artifacts/${old(2)}`);
        expect(cmd!.create).not.to.contain(old(3));
        expect(review.commands.map((c) => c.resource).indexOf("artifact-retention")).to.be.greaterThan(review.commands.map((c) => c.resource).indexOf("release-deploy"));

        const res = await stack.up({ policyPacks: [POLICY_PACK] });
        expect(res.summary.result).to.equal("succeeded");
        const left = fs.readdirSync(ARTIFACTS()).sort();
        expect(left).not.to.include(old(1)).and.not.to.include(old(2));
        expect(left).to.include(old(3)).and.to.include(old(4)).and.to.include("env-production");
        expect(left.filter((n) => /^\d{8}T\d{6}Z-[0-9a-f]{12}/.test(n) && !n.startsWith("2025")), "this deploy's own previous tree is kept").to.have.length(1);
        expect(shimCalls()).to.deep.equal([]);

        // The next review prunes again only what is beyond 2 now, never the origin tree the ledger names.
        const ledger = fs.readFileSync(hostPath("/var/lib/cutter/deployed-release"), "utf8");
        const origin = /origin_artifact=.*\/([^/\n]+)$/m.exec(ledger)![1];
        const again = await stack.preview({ policyPacks: [POLICY_PACK], diff: true });
        expect(again.stdout).to.contain("artifact-retention");
        expect(again.stdout).not.to.contain(`rm -r -- /opt/incomex/.iu-cutter-staging/artifacts/${origin}`);
    });
});
