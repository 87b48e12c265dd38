/**
 * Signed approvals (lib/workflow/approval.ts) with real ssh-keygen keys made here:
 * the line format, and every refusal the ApprovalGate names. Also the config
 * rules around protection, and the O7 deploy check (lib/o7.ts).
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    ApprovalFields, approvalLine, approvalProblem, APPROVALS_DIR_ENV, parseApprovalLine, REVIEWED_PLAN_ENV, sha256File, signLine, verifyApprovals, writeRecord,
} from "../../lib/workflow/approval";
import { parseStackConfig, StackConfig } from "../../lib/config/config";
import { o6DeployGuardScript, o6DeployProblems, O7Observation } from "../../lib/plan/o7";
import { rawConfig } from "../helpers/configFixture";
import { collapseHelpers } from "../../lib/workflow/review";

const D1 = "a".repeat(64);
const D2 = "b".repeat(64);

function keygen(dir: string, name: string): { key: string; pub: string } {
    const key = path.join(dir, name);
    const r = spawnSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key]);
    expect(r.status).to.equal(0);
    return { key, pub: fs.readFileSync(`${key}.pub`, "utf8").trim().split(" ").slice(0, 2).join(" ") };
}

describe("signed approvals (ssh-keygen -Y sign / verify)", function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-approval-unit-"));
    const reviewer = keygen(dir, "reviewer");
    const sovereign = keygen(dir, "sovereign");
    const stranger = keygen(dir, "stranger");
    const approvals = {
        allowedSigners: [`gpt-review namespaces="iu-cutter-approval" ${reviewer.pub}`, `sovereign namespaces="iu-cutter-approval" ${sovereign.pub}`],
        roles: { "gpt-review": "review" as const, sovereign: "sovereign" as const },
    };
    const planFile = path.join(dir, "plan.json");
    fs.writeFileSync(planFile, '{"resourcePlans":{}}\n');
    const PLAN = sha256File(planFile);
    const now = new Date();
    const fields = (over: Partial<ApprovalFields> = {}): ApprovalFields => ({
        macro: "o6", stack: "contabo", mandate: D1, plan: PLAN, role: "review", time: now.toISOString().replace(/\.\d+Z$/, "Z"), ...over,
    });
    let n = 0;
    /** A fresh approvals dir with the given records ([role, fields override, key]). */
    const records = (recs: Array<{ role: "review" | "sovereign"; over?: Partial<ApprovalFields>; key?: string }>): string => {
        const d = path.join(dir, `records-${++n}`);
        fs.mkdirSync(d);
        for (const r of recs) {
            const line = approvalLine(fields({ role: r.role, ...(r.over ?? {}) }));
            writeRecord(d, r.role, line, signLine(line, r.key ?? (r.role === "review" ? reviewer.key : sovereign.key)));
        }
        return d;
    };
    const both = (over: Partial<ApprovalFields> = {}) => records([{ role: "review", over }, { role: "sovereign", over }]);
    const check = (d: string, extra: Partial<Parameters<typeof verifyApprovals>[0]> = {}) =>
        verifyApprovals({ approvals, macro: "o6", stack: "contabo", mandateDigest: D1, planSha256: PLAN, dir: d, ...extra }).problems;

    it("renders and parses exactly one line; anything else is not a line", () => {
        const line = approvalLine(fields());
        expect(line).to.match(/^iu-cutter-approval\/v1 macro=o6 stack=contabo mandate=a{64} plan=[0-9a-f]{64} role=review time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(parseApprovalLine(line + "\n")).to.deep.equal(fields());
        for (const bad of [line + "\n\n", line + " ", line.replace("role=review", "role=admin"), line.replace("mandate=a", "mandate=A"),
            line.replace(" plan=", "  plan="), `${line}\n${line}`, line.replace("macro=o6", "macro=o8"), line.replace(/time=\S+/, "time=yesterday")]) {
            expect(parseApprovalLine(bad), bad).to.equal(undefined);
        }
        expect(() => approvalLine(fields({ stack: "bad stack" }))).to.throw(/not a valid approval line/);
    });

    it("both roles' signatures verify for the digest and plan: no problem", () => {
        expect(check(both())).to.deep.equal([]);
    });

    it("refuses a missing role", () => {
        const p = check(records([{ role: "review" }]));
        expect(p).to.have.length(1);
        expect(p[0]).to.match(/^missing role: no sovereign approval/);
    });

    it("refuses an unknown signer", () => {
        const p = check(records([{ role: "review", key: stranger.key }, { role: "sovereign" }]));
        expect(p).to.have.length(1);
        expect(p[0]).to.match(/^unknown signer: the key that signed the review approval is not in the allowed signers/);
    });

    it("refuses a signer without that role (the reviewer signing the sovereign approval)", () => {
        const p = check(records([{ role: "review" }, { role: "sovereign", key: reviewer.key }]));
        expect(p).to.have.length(1);
        expect(p[0]).to.match(/^signer without that role: the sovereign approval is signed by gpt-review: review/);
    });

    it("refuses a signature over another digest, without printing the digest computed now", () => {
        const p = check(both({ mandate: D2 }));
        expect(p).to.have.length(2);
        expect(p[0]).to.match(/^signature over another digest: the review approval by gpt-review names mandate b{64}/);
        expect(p.join("\n")).not.to.contain(D1);
    });

    it("refuses a signature over another plan", () => {
        const p = check(both({ plan: "c".repeat(64) }));
        expect(p[0]).to.match(/^signature over another plan: the review approval by gpt-review names plan sha256 c{64}/);
    });

    it("refuses a line changed after signing (tampered line)", () => {
        const d = both({ mandate: D2 });
        const f = path.join(d, "review.line");
        fs.writeFileSync(f, fs.readFileSync(f, "utf8").replace(D2, D1));
        const p = check(d);
        expect(p[0]).to.match(/^tampered line: the review approval's signature by gpt-review does not verify/);
        fs.writeFileSync(f, "approved, trust me\n");
        expect(check(d)[0]).to.match(/^tampered line: review.line is not one well-formed approval line/);
    });

    it("refuses a line filed under the other role", () => {
        const d = both();
        fs.copyFileSync(path.join(d, "review.line"), path.join(d, "sovereign.line"));
        fs.copyFileSync(path.join(d, "review.line.sig"), path.join(d, "sovereign.line.sig"));
        expect(check(d)[0]).to.match(/^tampered line: sovereign.line names role=review/);
    });

    it("refuses an expired approval (validity window) and one from the future", () => {
        const old = new Date(now.getTime() - 3 * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
        const d = both({ time: old });
        expect(check(d)).to.deep.equal([]);
        const p = verifyApprovals({ approvals: { ...approvals, validityMinutes: 60 }, macro: "o6", stack: "contabo", mandateDigest: D1, planSha256: PLAN, dir: d }).problems;
        expect(p[0]).to.match(/^expired approval: the review approval by gpt-review was signed at .*validityMinutes is 60/);
        const future = new Date(now.getTime() + 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
        expect(check(both({ time: future }))[0]).to.match(/^approval from the future/);
    });

    it("an O7 approval authorizes nothing else: not O6, not another stack", () => {
        expect(check(both({ macro: "o7" }))[0]).to.match(/^approval for another macro: the review approval by gpt-review authorizes O7, this stack runs O6/);
        expect(check(both({ stack: "contabo-o7" }))[0]).to.match(/^approval for another stack/);
        expect(check(both(), { macro: "o7", stack: "contabo" })[0]).to.match(/authorizes O6, this stack runs O7/);
    });

    describe("approvalProblem (the program's gate)", () => {
        const protectedCfg = (): StackConfig => parseStackConfig({ ...rawConfig(), approvals }, ["backupGpgFpr", "governancePrincipal"]);
        const ordinaryCfg = (over: Record<string, unknown> = {}): StackConfig => {
            const raw = rawConfig();
            raw.host.protected = false;
            delete raw.approvals;
            return parseStackConfig({ ...raw, ...over }, ["backupGpgFpr", "governancePrincipal"]);
        };
        const base = { macro: "o6" as const, stack: "contabo", mandateDigest: D1, isDryRun: false };

        it("never blocks a preview", () => {
            expect(approvalProblem({ ...base, cfg: protectedCfg(), isDryRun: true, env: {} })).to.equal(undefined);
        });
        it("refuses a bare up on an ordinary stack and on a protected one; an env var alone is never enough", () => {
            for (const cfg of [ordinaryCfg(), protectedCfg()]) {
                const p = approvalProblem({ ...base, cfg, env: { IUCUTTER_APPROVED_MANDATE: D1 } });
                expect(p).to.match(/^no unreviewed runs: this run was not given the reviewed plan/);
                expect(p).not.to.contain(D1);
            }
        });
        it("refuses a run whose engine was not given --plan, or another plan", () => {
            const env = { [REVIEWED_PLAN_ENV]: planFile };
            expect(approvalProblem({ ...base, cfg: ordinaryCfg(), env, enginePlan: undefined })).to.match(/pulumi CLI running this program was not given --plan/);
            expect(approvalProblem({ ...base, cfg: ordinaryCfg(), env, enginePlan: "/tmp/other-plan.json" })).to.match(/engine runs --plan \/tmp\/other-plan.json, not the reviewed plan/);
            expect(approvalProblem({ ...base, cfg: ordinaryCfg(), env, enginePlan: "unknown" })).to.match(/cannot be found among its parent processes/);
            expect(approvalProblem({ ...base, cfg: ordinaryCfg(), env, enginePlan: planFile })).to.equal(undefined);
        });
        it("lets an unreviewed run through only on an unprotected stack that allows it (test stacks)", () => {
            expect(approvalProblem({ ...base, cfg: ordinaryCfg({ allowUnreviewedRuns: true }), env: {} })).to.equal(undefined);
        });
        it("on a protected stack: the reviewed plan is not enough without both verified signatures", () => {
            const env = { [REVIEWED_PLAN_ENV]: planFile };
            expect(approvalProblem({ ...base, cfg: protectedCfg(), env, enginePlan: planFile })).to.match(/needs the signed review and sovereign approvals/);
            const p = approvalProblem({ ...base, cfg: protectedCfg(), env: { ...env, [APPROVALS_DIR_ENV]: records([{ role: "review" }]) }, enginePlan: planFile });
            expect(p).to.match(/approvals do not verify:\n {2}- missing role: no sovereign approval/);
            expect(approvalProblem({ ...base, cfg: protectedCfg(), env: { ...env, [APPROVALS_DIR_ENV]: both() }, enginePlan: planFile })).to.equal(undefined);
            // The same approvals, with the plan file changed after signing.
            const copy = path.join(dir, "plan-copy.json");
            fs.writeFileSync(copy, fs.readFileSync(planFile, "utf8") + " ");
            const q = approvalProblem({ ...base, cfg: protectedCfg(), env: { [REVIEWED_PLAN_ENV]: copy, [APPROVALS_DIR_ENV]: both() }, enginePlan: copy });
            expect(q).to.match(/signature over another plan/);
        });
    });

    describe("config rules", () => {
        const problems = (mut: (r: any) => void): string => {
            const r = rawConfig();
            mut(r);
            try {
                parseStackConfig(r, ["backupGpgFpr", "governancePrincipal"]);
                return "";
            } catch (e) {
                return (e as Error).message;
            }
        };
        it("a protected stack pins approvals, both roles held, every principal with a key; no unreviewed runs there", () => {
            expect(problems((r) => { delete r.approvals; })).to.match(/iu-cutter-deploy:approvals: is required on a protected stack/);
            expect(problems((r) => { r.allowUnreviewedRuns = true; })).to.match(/allowUnreviewedRuns: cannot be true on a protected stack/);
            expect(problems((r) => { r.approvals.roles = { "gpt-review": "review" }; })).to.match(/no principal holds the role "sovereign"/);
            expect(problems((r) => { r.approvals.roles.nobody = "review"; })).to.match(/principal nobody has a role but no key/);
            expect(problems((r) => { r.approvals.roles.sovereign = "admin"; })).to.match(/must be "review" or "sovereign"/);
            expect(problems((r) => { r.approvals.allowedSigners[0] = "just text"; })).to.match(/allowed-signers line/);
        });
        it("macro is o6 or o7; O7 needs the dry run enabled", () => {
            expect(problems((r) => { r.macro = "o8"; })).to.match(/macro: must be "o6" or "o7"/);
            expect(problems((r) => { r.macro = "o7"; })).to.match(/verification.enabled: must be true on an O7 stack/);
            expect(problems((r) => { r.o7 = {}; })).to.match(/o7: is only read on an O7 stack/);
        });
    });
});

describe("O7: the O6 deploy it verifies (lib/o7.ts)", () => {
    const R = "d".repeat(64);
    const obs = (over: Partial<O7Observation> = {}): O7Observation => ({ ledgerDigest: "e".repeat(64), ledgerRelease: R, dotCommit: "f".repeat(40), tree: R, journal: "absent", ...over });
    const pinned = { ledgerDigest: "e".repeat(64), releaseDigest: R, dotCommit: "f".repeat(40) };
    it("refuses before O6 (no ledger), a changed tree, another release, a journal, and a deploy other than the pinned one", () => {
        expect(o6DeployProblems(obs(), R, pinned)).to.deep.equal([]);
        expect(o6DeployProblems(obs({ ledgerDigest: "absent", ledgerRelease: "" }), R, pinned)[0]).to.match(/no O6 deploy recorded/);
        expect(o6DeployProblems(obs({ tree: "0".repeat(64) }), R, pinned)[0]).to.match(/deployed tree .* is not the release the ledger records/);
        expect(o6DeployProblems(obs(), "1".repeat(64), pinned)[0]).to.match(/ledger records release d{64}, this stack's release is 1{64}/);
        expect(o6DeployProblems(obs({ journal: "present" }), R, pinned)[0]).to.match(/journal/);
        expect(o6DeployProblems(obs({ dotCommit: "9".repeat(40) }), R, pinned)[0]).to.match(/o7.verifiesDeploy.dotCommit: the host has 9{40}/);
        expect(o6DeployProblems(obs({ ledgerDigest: "8".repeat(64) }), R, pinned)[0]).to.match(/o7.verifiesDeploy.ledgerDigest/);
    });
    it("renders a read-only guard that is valid bash", () => {
        const c = parseStackConfig(rawConfig(), ["backupGpgFpr", "governancePrincipal"]);
        const s = o6DeployGuardScript(c, pinned);
        const r = spawnSync("bash", ["-n"], { input: s });
        expect(r.status, String(r.stderr)).to.equal(0);
        expect(s).to.contain(pinned.ledgerDigest).and.to.contain(pinned.dotCommit);
        // The shell around the pinned helpers (whose writes the pack knows by argument position; plain tree_digest writes nothing).
        expect(collapseHelpers(s)).not.to.match(/\b(rm|mv|cp|install|tee)\b|>\s*[^&]/);
        expect(s).to.match(/tree_digest\(\) \{ python3 - "\$1" <<'PY'/);
    });
});
