/**
 * O6 and O7 as two reviewed macros on protected sandbox stacks, with signer
 * keys generated here, under the real engine and real ssh-keygen:
 * review -> approve (review) -> approve (sovereign) -> deploy, for O6 and
 * then for O7; every ApprovalGate refusal, from the program itself (not only
 * from `deploy`); O7 before O6; O7 against another O6 deploy; a bare
 * `pulumi up` on a protected and on an ordinary stack. Nothing is written by
 * any refused run.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { approvalLine, APPROVALS_DIR_ENV, ApprovalFields, REVIEWED_PLAN_ENV, sha256File, signLine, writeRecord } from "../../lib/workflow/approval";
import * as ops from "../../lib/workflow/operations";
import { configureSandboxStack, sandboxSigners, Signers } from "../../scripts/sandboxStack";
import {
    facts, hostPath, hostSnapshot, mustRun, newStack, REPO_ROOT, removeStack, resetHost, SB, shimCalls, tmpDir, treeDigest, withConfig,
} from "../helpers/sandbox";

// The workflow of scripts/ops.ts, bound to this checkout.
const W = { root: REPO_ROOT };
const review = (stack: string) => ops.review(stack, W);
// Progress lines the workflow printed during the last deploy (streamed from the host while it ran).
let progress: string[] = [];
const deploy = (stack: string) => { progress = []; return ops.deploy(stack, { ...W, progress: (l) => progress.push(l) }); };
const pinO7 = (stack: string) => ops.pinO7(stack, REPO_ROOT);
const approve = (stack: string, o: ops.ApproveOptions) => ops.approve(stack, o, REPO_ROOT);
const reviewDir = (stack: string) => ops.reviewDir(stack, REPO_ROOT);
const approvalsDir = (stack: string) => ops.approvalsDir(stack, REPO_ROOT);

async function refusedWith(fn: () => Promise<unknown>, re: RegExp): Promise<string> {
    const before = hostSnapshot();
    let msg = "";
    try {
        await fn();
    } catch (e) {
        msg = (e as Error).message;
    }
    expect(msg, `expected a refusal: ${msg}`).to.match(re);
    expect(hostSnapshot(), "a refused run writes nothing").to.equal(before);
    return msg;
}

async function upRefused(p: () => Promise<unknown>, re: RegExp): Promise<string> {
    const before = hostSnapshot();
    let msg = "";
    try {
        await p();
    } catch (e) {
        msg = (e as Error).message;
    }
    expect(msg, `expected a refusal: ${msg.slice(-2000)}`).to.match(re);
    expect(msg, "a refusal has no stack trace").not.to.match(/\n\s+at .*\.js:\d+/);
    expect(hostSnapshot(), "a refused run writes nothing").to.equal(before);
    return msg;
}

/** Runs `fn` with env vars set for the engine (the Automation API passes process.env to the CLI). */
async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const old: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(env)) { old[k] = process.env[k]; process.env[k] = v; }
    try {
        return await fn();
    } finally {
        for (const [k, v] of Object.entries(old)) { if (v === undefined) { delete process.env[k]; } else { process.env[k] = v; } }
    }
}

function stateFile(stack: Stack): string {
    return path.join(REPO_ROOT, ".pulumi-state", ".pulumi", "stacks", "iu-cutter-deploy", `${stack.name}.json`);
}

describe("O6 and O7: two reviewed macros, each with two signed approvals (real engine, real ssh-keygen)", function () {
    this.timeout(600_000);
    const root = tmpDir("iucutter-reviews-");
    const keysDir = tmpDir("iucutter-signers-");
    let signers: Signers;
    let stranger: string;
    let o6: Stack;
    let o7: Stack;
    let plain: Stack | undefined;
    let agent: { sock: string; pid: string } | undefined;

    before(async () => {
        process.env.IUCUTTER_REVIEW_ROOT = root;
        resetHost();
        signers = sandboxSigners(keysDir);
        signers.approvals.validityMinutes = 120;
        stranger = path.join(keysDir, "stranger");
        mustRun("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "stranger", "-f", stranger]);
        o6 = await newStack("gov-o6", { signers });
        o7 = await newStack("gov-o7", { signers, o7: true });
    });
    after(async () => {
        delete process.env.IUCUTTER_REVIEW_ROOT;
        if (agent) { spawnSync("kill", [agent.pid]); }
        for (const s of [o6, o7, plain]) { if (s) { await removeStack(s); } }
    });

    it("O7 is refused before O6: no O6 deploy on the host, nothing to review", async () => {
        await refusedWith(() => review(o7.name), /O7Gate: O7 verifies one reviewed O6 deploy, and the host does not carry it.*no O6 deploy recorded/s);
    });

    it("a bare `pulumi up` is refused on the protected stack, also with the old digest variable set", async () => {
        const msg = await withEnv({ IUCUTTER_APPROVED_MANDATE: "0".repeat(64) }, () => upRefused(() => o6.up(), /ApprovalGate: no unreviewed runs: this run was not given the reviewed plan/));
        expect(msg).not.to.match(/[0-9a-f]{64}/);
    });

    it("a bare `pulumi up` is refused on an ordinary (unprotected) stack too", async () => {
        plain = await newStack("gov-plain", { overrides: { allowUnreviewedRuns: false } });
        await upRefused(() => plain!.up(), /ApprovalGate: no unreviewed runs: this run was not given the reviewed plan/);
        // Naming a plan in the environment is not enough: the engine must run it.
        const r = await review(plain.name);
        await withEnv({ [REVIEWED_PLAN_ENV]: path.join(r.dir, "plan.json") },
            () => upRefused(() => plain!.up(), /ApprovalGate: no unreviewed runs: the pulumi CLI running this program was not given --plan/));
    });

    it("review of O6 on the protected stack; approve insists on role, digest and key", async () => {
        const r = await review(o6.name);
        expect(r.macro).to.equal("o6");
        const md = fs.readFileSync(path.join(r.dir, "review.md"), "utf8");
        expect(md).to.contain("Command-review package, macro O6");
        expect(md).to.contain(`approve ${o6.name} --role sovereign --digest ${r.mandateDigest}`);
        expect(md).not.to.contain("o7-dry-run-verification");
        expect(() => approve(o6.name, { role: "admin", digest: r.mandateDigest, key: signers.keys.review })).to.throw(/--role review or --role sovereign/);
        expect(() => approve(o6.name, { role: "review", key: signers.keys.review })).to.throw(/--digest <mandate digest>/);
        expect(() => approve(o6.name, { role: "review", digest: "0".repeat(64), key: signers.keys.review })).to.throw(/is not the reviewed mandate digest/);
        expect(() => approve(o6.name, { role: "review", digest: r.mandateDigest })).to.throw(/sign with a key/);
    });

    // The program itself refuses every bad approval: up --plan of the reviewed
    // plan, approvals named in the environment, no `deploy` in between.
    {
        let digest = "";
        let plan = "";
        let n = 0;
        const t = (ms = 0) => new Date(Date.now() - ms).toISOString().replace(/\.\d+Z$/, "Z");
        const load = () => {
            const d = reviewDir(o6.name);
            digest = JSON.parse(fs.readFileSync(path.join(d, "review.json"), "utf8")).mandateDigest;
            plan = path.join(d, "plan.json");
        };
        /** An approvals dir; each record: role, override of the line, signing key, edit after signing. */
        const dirWith = (recs: Array<{ role: "review" | "sovereign"; over?: Partial<ApprovalFields>; key?: string; tamper?: (l: string) => string }>) => {
            const d = path.join(root, `bad-${++n}`);
            for (const r of recs) {
                const f: ApprovalFields = { macro: "o6", stack: o6.name, mandate: digest, plan: sha256File(plan), role: r.role, time: t(), ...(r.over ?? {}) };
                const line = approvalLine(f);
                const files = writeRecord(d, r.role, line, signLine(line, r.key ?? signers.keys[r.role]));
                if (r.tamper) { fs.writeFileSync(files.line, r.tamper(line) + "\n"); }
            }
            return d;
        };
        const both = (over: Partial<ApprovalFields> = {}) => [{ role: "review" as const, over }, { role: "sovereign" as const, over }];
        const cases: Array<[string, () => string, RegExp]> = [
            ["missing role", () => dirWith([{ role: "review" }]), /missing role: no sovereign approval/],
            ["unknown signer", () => dirWith([{ role: "review", key: stranger }, { role: "sovereign" }]), /unknown signer: the key that signed the review approval is not in the allowed signers/],
            ["signer without that role", () => dirWith([{ role: "review" }, { role: "sovereign", key: signers.keys.review }]), /signer without that role: the sovereign approval is signed by sandbox-reviewer: review/],
            ["signature over another digest", () => dirWith(both({ mandate: "0".repeat(64) })), /signature over another digest: the review approval by sandbox-reviewer names mandate 0{64}/],
            ["signature over another plan", () => dirWith(both({ plan: "0".repeat(64) })), /signature over another plan/],
            ["tampered line", () => dirWith([{ role: "review", over: { mandate: "0".repeat(64) }, tamper: (l) => l.replace("0".repeat(64), digest) }, { role: "sovereign" }]),
                /tampered line: the review approval's signature by sandbox-reviewer does not verify/],
            ["expired approval", () => dirWith(both({ time: t(3 * 3600_000) })), /expired approval: the review approval by sandbox-reviewer was signed at .* approvals.validityMinutes is 120/],
            ["an O7 approval used for O6", () => dirWith(both({ macro: "o7" })), /approval for another macro: the review approval by sandbox-reviewer authorizes O7, this stack runs O6/],
        ];
        for (const [what, arrange, re] of cases) {
            it(`the program refuses (up --plan, no deploy command): ${what}`, async () => {
                load();
                const dir = arrange();
                const msg = await withEnv({ [REVIEWED_PLAN_ENV]: plan, [APPROVALS_DIR_ENV]: dir },
                    () => upRefused(() => o6.up({ plan }), new RegExp(`ApprovalGate: this stack is protected \\(host.protected\\) and its approvals do not verify:\\s+- ${re.source}`, "s")));
                expect(msg, "the refusal never prints the digest computed now").not.to.contain(digest);
            });
        }
    }

    it("deploy refuses without approvals, naming the missing roles", async () => {
        await refusedWith(() => deploy(o6.name), /the approvals do not verify:\n {2}- missing role: no review approval.*\n {2}- missing role: no sovereign approval/s);
    });

    it("O6: review -> approve (review, key file) -> approve (sovereign, ssh-agent) -> deploy lands exactly the reviewed plan", async () => {
        const r = await review(o6.name);
        const a1 = approve(o6.name, { role: "review", digest: r.mandateDigest, key: signers.keys.review });
        expect(a1.line).to.match(new RegExp(`^iu-cutter-approval/v1 macro=o6 stack=${o6.name} mandate=${r.mandateDigest} plan=${r.planSha256} role=review time=\\S+Z$`));
        // The sovereign signs through ssh-agent (the private key never leaves the agent).
        const out = mustRun("ssh-agent", ["-s"]);
        agent = { sock: /SSH_AUTH_SOCK=([^;]+);/.exec(out)![1], pid: /SSH_AGENT_PID=(\d+);/.exec(out)![1] };
        mustRun("ssh-add", ["-q", signers.keys.sovereign], { env: { SSH_AUTH_SOCK: agent.sock } });
        process.env.SSH_AUTH_SOCK = agent.sock;
        try {
            approve(o6.name, { role: "sovereign", digest: r.mandateDigest, agent: `${signers.keys.sovereign}.pub` });
        } finally {
            delete process.env.SSH_AUTH_SOCK;
        }
        await deploy(o6.name);
        // The swap's own lines reached the operator while it ran, from the engine's events.
        expect(progress.some((l) => /^Release: staged and verified \d+ files/.test(l)), progress.join("\n")).to.equal(true);
        expect(progress.some((l) => /Release: iu-cutter .* in place/.test(l))).to.equal(true);
        for (const s of [facts().backupGpgFpr, "cutter_governance"]) {
            expect(progress.join("\n"), "no secret in the progress lines").not.to.contain(s);
        }
        const dir = reviewDir(o6.name);
        const reviewed = JSON.parse(fs.readFileSync(path.join(dir, "review.json"), "utf8"));
        const deployed = JSON.parse(fs.readFileSync(path.join(dir, "deployed.json"), "utf8"));
        expect(deployed.mandateDigest).to.equal(r.mandateDigest);
        expect(deployed.commands).to.deep.equal(reviewed.commands);
        expect(deployed.commands.map((c: { resource: string }) => c.resource)).not.to.include("o7-dry-run-verification");
        expect(fs.readFileSync(hostPath("/opt/incomex/dot/iu-cutter/cutter_agent/__init__.py"), "utf8")).to.contain('__version__ = "0.6.0"');
        expect(fs.existsSync(hostPath("/var/lib/cutter/deployed-release"))).to.equal(true);
        expect(fs.readdirSync(hostPath("/var/lib/cutter/state")).filter((f) => f.startsWith("run-")), "O6 runs no dry run").to.deep.equal([]);
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

    it("the consumed O6 approvals do not authorize a changed O6 (the plan and digest moved)", async () => {
        // A config change after approval: deploy names what changed; nothing is written.
        const base = withConfig("cutterConfig", {}).cutterConfig as Record<string, any>;
        await configureSandboxStack(o6.name, { pin: true, signers, overrides: { cutterConfig: { ...base, dirs: base.dirs.map((d: any) => (d.path === "/var/lib/cutter/runs" ? { ...d, mode: "0755" } : d)) } } });
        await refusedWith(() => deploy(o6.name), /the mandate digest changed since review and approval\. Changed: .*command cutter-dirs/s);
    });

    let o7Digest = "";
    it("O7 review shows the exact dry-run commands and the O6 deploy they verify; pin, review again", async () => {
        const first = await review(o7.name);
        expect(first.macro).to.equal("o7");
        let md = fs.readFileSync(path.join(first.dir, "review.md"), "utf8");
        expect(md).to.contain("**Not pinned yet**");
        await pinO7(o7.name);
        const r = await review(o7.name);
        o7Digest = r.mandateDigest;
        md = fs.readFileSync(path.join(r.dir, "review.md"), "utf8");
        const ledger = fs.readFileSync(hostPath("/var/lib/cutter/deployed-release"));
        const ledgerSha = crypto.createHash("sha256").update(ledger).digest("hex");
        const dotHead = mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "rev-parse", "HEAD"]).trim();
        const release = /^digest=(\S+)$/m.exec(ledger.toString("utf8"))![1];
        expect(md).to.contain("Command-review package, macro O7");
        expect(md).to.contain(`| ledger entry (sha256 of the host's ledger file) | \`${ledgerSha}\` |`);
        expect(md).to.contain(`| release digest (manifest = deployed tree) | \`${release}\` |`);
        expect(md).to.contain(`| dot-repo commit (the O6 deploy commit) | \`${dotHead}\` |`);
        const reviewed = JSON.parse(fs.readFileSync(path.join(r.dir, "review.json"), "utf8"));
        expect(reviewed.commands.map((c: { resource: string }) => c.resource)).to.deep.equal(["host-identity-guard", "o6-deploy-guard", "o7-dry-run-verification"]);
        for (const c of reviewed.commands) {
            expect(md).to.contain(c.create.trim().split("\n")[1]);
        }
        expect(md).to.contain("not O6, not O8");
    });

    it("O6's approvals authorize nothing on O7", async () => {
        fs.cpSync(approvalsDir(o6.name), approvalsDir(o7.name), { recursive: true });
        await refusedWith(() => deploy(o7.name), /approval for another macro: the review approval by sandbox-reviewer authorizes O6, this stack runs O7/);
        fs.rmSync(approvalsDir(o7.name), { recursive: true });
    });

    it("O7: review -> approve (review) -> approve (sovereign) -> deploy runs the dry run and never touches O6", async () => {
        const o6State = fs.readFileSync(stateFile(o6));
        const tree = treeDigest(hostPath("/opt/incomex/dot/iu-cutter"));
        const dotLog = mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%H"]);
        approve(o7.name, { role: "review", digest: o7Digest, key: signers.keys.review });
        approve(o7.name, { role: "sovereign", digest: o7Digest, key: signers.keys.sovereign });
        await deploy(o7.name);
        const md = fs.readFileSync(path.join(reviewDir(o7.name), "readiness.md"), "utf8");
        for (const g of ["GAP-3", "GAP-4", "GAP-5", "GAP-6"]) {
            expect(md).to.match(new RegExp(`\\| ${g} \\|[^\\n]*\\| \\*\\*CLOSED\\*\\* \\|`));
        }
        expect(md).to.contain("phases 1/11 2/11 3/11 4/11 5/11 6/11 7/11 8/11 9/11 10/11 11/11");
        expect(fs.readFileSync(stateFile(o6)).equals(o6State), "the O6 stack's state is untouched by O7").to.equal(true);
        expect(treeDigest(hostPath("/opt/incomex/dot/iu-cutter"))).to.equal(tree);
        expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%H"])).to.equal(dotLog);
        expect(shimCalls()).to.deep.equal([]);
    });

    it("re-running the closed O7 (new review, new approvals) changes nothing", async () => {
        const before = hostSnapshot();
        const state = fs.readdirSync(hostPath("/var/lib/cutter/state")).sort().map((f) => fs.readFileSync(path.join(hostPath("/var/lib/cutter/state"), f), "utf8"));
        const r = await review(o7.name);
        expect(r.mandateDigest).to.equal(o7Digest);
        const plan = JSON.parse(fs.readFileSync(path.join(r.dir, "plan.json"), "utf8"));
        const ops = Object.values(plan.resourcePlans ?? {}).flatMap((p: any) => p.steps ?? []);
        expect(ops.length).to.be.greaterThan(2);
        expect(ops.filter((o: string) => o !== "same"), "the plan of a closed O7 has no step but same").to.deep.equal([]);
        approve(o7.name, { role: "review", digest: r.mandateDigest, key: signers.keys.review });
        approve(o7.name, { role: "sovereign", digest: r.mandateDigest, key: signers.keys.sovereign });
        const out = await deploy(o7.name);
        expect(Object.keys(out.changes).filter((k) => k !== "same"), "no resource changes").to.deep.equal([]);
        expect(out.changes.same ?? 0).to.be.greaterThan(0);
        expect(hostSnapshot()).to.equal(before);
        expect(fs.readdirSync(hostPath("/var/lib/cutter/state")).sort().map((f) => fs.readFileSync(path.join(hostPath("/var/lib/cutter/state"), f), "utf8"))).to.deep.equal(state);
    });

    it("O7 is refused when the host's O6 deploy differs from the reviewed one (at review, at deploy, and by the program)", async () => {
        const r = await review(o7.name);
        approve(o7.name, { role: "review", digest: r.mandateDigest, key: signers.keys.review });
        approve(o7.name, { role: "sovereign", digest: r.mandateDigest, key: signers.keys.sovereign });
        // Someone records another deploy in the dot repo after the O7 review.
        const dot = hostPath("/opt/incomex/dot");
        mustRun("git", ["-C", dot, "-c", "user.name=x", "-c", "user.email=x@x", "commit", "-q", "--allow-empty", "-m", "not the O6 deploy"]);
        try {
            await refusedWith(() => deploy(o7.name), /O7Gate: O7 verifies one reviewed O6 deploy, and the host does not carry it.*o7\.verifiesDeploy\.dotCommit: the host has [0-9a-f]{40}, the reviewed O6 deploy has [0-9a-f]{40}/s);
            const plan = path.join(r.dir, "plan.json");
            await withEnv({ [REVIEWED_PLAN_ENV]: plan, [APPROVALS_DIR_ENV]: approvalsDir(o7.name) },
                () => upRefused(() => o7.up({ plan }), /O7Gate: .*o7\.verifiesDeploy\.dotCommit/s));
            await refusedWith(() => review(o7.name), /O7Gate/);
        } finally {
            mustRun("git", ["-C", dot, "reset", "-q", "--soft", "HEAD~1"]);
        }
    });

    it("the O7 rollback travels the same path and forgets the dry run only", async () => {
        const stateDir = hostPath("/var/lib/cutter/state");
        expect(fs.readdirSync(stateDir).filter((f) => f.startsWith("run-o7-"))).to.have.length(1);
        const tree = treeDigest(hostPath("/opt/incomex/dot/iu-cutter"));
        const dotLog = mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%H"]);
        await o7.setConfig("rollback", { value: "true" });
        const r = await review(o7.name);
        expect(fs.readFileSync(path.join(r.dir, "review.md"), "utf8")).to.contain("macro O7: ROLLBACK (forget the dry run)");
        approve(o7.name, { role: "review", digest: r.mandateDigest, key: signers.keys.review });
        approve(o7.name, { role: "sovereign", digest: r.mandateDigest, key: signers.keys.sovereign });
        await deploy(o7.name);
        expect(fs.readdirSync(stateDir).filter((f) => f.includes("o7-"))).to.deep.equal([]);
        expect(treeDigest(hostPath("/opt/incomex/dot/iu-cutter"))).to.equal(tree);
        expect(mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%H"])).to.equal(dotLog);
        await o7.setConfig("rollback", { value: "false" });
    });

    it("the O6 rollback travels the same path: review, two approvals, deploy restores v0.4", async () => {
        await configureSandboxStack(o6.name, { pin: true, signers, overrides: { rollback: true } });
        const r = await review(o6.name);
        expect(fs.readFileSync(path.join(r.dir, "review.md"), "utf8")).to.contain("macro O6: ROLLBACK of iu-cutter");
        approve(o6.name, { role: "review", digest: r.mandateDigest, key: signers.keys.review });
        approve(o6.name, { role: "sovereign", digest: r.mandateDigest, key: signers.keys.sovereign });
        await deploy(o6.name);
        expect(treeDigest(hostPath("/opt/incomex/dot/iu-cutter"))).to.equal(treeDigest(path.join(SB, "pristine", "opt-incomex", "dot", "iu-cutter")));
        expect(fs.existsSync(hostPath("/var/lib/cutter/deployed-release"))).to.equal(false);
        expect(shimCalls()).to.deep.equal([]);
        // And O7 now refuses: the O6 deploy it verified is gone.
        await refusedWith(() => review(o7.name), /O7Gate: .*no O6 deploy recorded/s);
    });
});
