/**
 * The review -> approve -> deploy workflow (scripts/ops.ts) with the real
 * engine: a deploy runs only the reviewed plan under a matching approval;
 * every other case is refused with a reason and writes nothing.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { approve, deploy, review, reviewDir } from "../../scripts/ops";
import { configureSandboxStack } from "../../scripts/sandboxStack";
import { facts, hostPath, hostSnapshot, newStack, removeStack, resetHost, SB, shimCalls, tmpDir, treeDigest, withConfig } from "../helpers/sandbox";

function refusedWith(fn: () => unknown, re: RegExp): void {
    const before = hostSnapshot();
    let msg = "";
    try {
        fn();
    } catch (e) {
        msg = (e as Error).message;
    }
    expect(msg, `expected a refusal: ${msg}`).to.match(re);
    expect(hostSnapshot(), "a refused deploy writes nothing").to.equal(before);
}

describe("review -> approve -> deploy (scripts/ops.ts, real engine)", function () {
    this.timeout(300_000);
    let stack: Stack;
    const root = tmpDir("iucutter-reviews-");

    before(async () => {
        process.env.IUCUTTER_REVIEW_ROOT = root;
        resetHost();
        stack = await newStack("ops");
    });
    after(async () => {
        delete process.env.IUCUTTER_REVIEW_ROOT;
        if (stack) { await removeStack(stack); }
    });

    it("refuses to deploy without a recorded approval", () => {
        review(stack.name);
        refusedWith(() => deploy(stack.name), /no recorded approval/);
    });

    it("refuses an approval naming another digest", () => {
        expect(() => approve(stack.name, "R. Eviewer", "0".repeat(64))).to.throw(/is not the reviewed mandate digest/);
        const a = approve(stack.name, "R. Eviewer", undefined);
        const f = path.join(reviewDir(stack.name), "approval.json");
        fs.writeFileSync(f, JSON.stringify({ ...a, mandateDigest: "f".repeat(64) }));
        refusedWith(() => deploy(stack.name), /the approval is for .* digest f{64}, but the reviewed package has/);
    });

    it("refuses after the saved plan was tampered with", () => {
        approve(stack.name, "R. Eviewer", undefined);
        const plan = path.join(reviewDir(stack.name), "plan.json");
        fs.appendFileSync(plan, " ");
        refusedWith(() => deploy(stack.name), /saved plan .* changed since it was reviewed/);
    });

    it("refuses after a config change, naming what changed", async () => {
        review(stack.name);
        approve(stack.name, "R. Eviewer", undefined);
        const base = withConfig("cutterConfig", {}).cutterConfig as Record<string, any>;
        const dirs = base.dirs.map((d: any) => (d.path === "/var/lib/cutter/runs" ? { ...d, mode: "0755" } : d));
        await configureSandboxStack(stack.name, { pin: true, overrides: { cutterConfig: { ...base, dirs } } });
        refusedWith(() => deploy(stack.name), /mandate digest changed since approval .* Changed: .*command cutter-dirs.*config/s);
        await configureSandboxStack(stack.name, { pin: true });
    });

    it("review -> approve -> deploy lands exactly the reviewed plan; the package holds no secret", () => {
        const r = review(stack.name);
        const a = approve(stack.name, "R. Eviewer", r.mandateDigest);
        expect(a.mandateDigest).to.equal(r.mandateDigest);
        deploy(stack.name);
        const dir = reviewDir(stack.name);
        const reviewed = JSON.parse(fs.readFileSync(path.join(dir, "review.json"), "utf8"));
        const deployed = JSON.parse(fs.readFileSync(path.join(dir, "deployed.json"), "utf8"));
        expect(deployed.mandateDigest).to.equal(a.mandateDigest);
        expect(deployed.commands).to.deep.equal(reviewed.commands);
        expect(shimCalls()).to.deep.equal([]);
        const secrets = [facts().backupGpgFpr, "cutter_governance"];
        for (const f of fs.readdirSync(dir)) {
            const p = path.join(dir, f);
            if (fs.statSync(p).isFile()) {
                const text = fs.readFileSync(p, "utf8");
                for (const s of secrets) {
                    expect(text, `${f} must not contain a secret`).not.to.contain(s);
                }
            }
        }
    });

    it("rollback travels the same path: review, approve, deploy restores v0.4", async () => {
        await configureSandboxStack(stack.name, { pin: true, overrides: { rollback: true } });
        const r = review(stack.name);
        expect(fs.readFileSync(path.join(r.dir, "review.md"), "utf8")).to.contain("ROLLBACK of iu-cutter");
        approve(stack.name, "R. Eviewer", r.mandateDigest);
        deploy(stack.name);
        expect(treeDigest(hostPath("/opt/incomex/dot/iu-cutter"))).to.equal(treeDigest(path.join(SB, "pristine", "opt-incomex", "dot", "iu-cutter")));
        expect(fs.existsSync(hostPath("/var/lib/cutter/deployed-release"))).to.equal(false);
        expect(shimCalls()).to.deep.equal([]);
        await configureSandboxStack(stack.name, { pin: true });
        review(stack.name);
        approve(stack.name, "R. Eviewer", undefined);
        deploy(stack.name);
    });

    it("a plain `pulumi up` on a protected stack is refused by the program itself", async () => {
        await configureSandboxStack(stack.name, { pin: true, overrides: withConfig("host", { protected: true }) });
        const before = hostSnapshot();
        let msg = "";
        try { await stack.up(); } catch (e) { msg = (e as Error).message; }
        expect(msg).to.match(/ApprovalGate: this stack is protected/);
        expect(hostSnapshot()).to.equal(before);
    });
});
