/**
 * The workflow reads the engine's structured events: policy violations by
 * policy name, refusals from error diagnostics, progress from info lines
 * (the provider's streamed host output included), never from text output.
 */
import { expect } from "chai";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { changedInputs, engineCollector, policyVerdicts } from "../../lib/workflow/operations";
import { FORBIDDEN_CHECKLIST, ReviewData } from "../../lib/workflow/review";

const ev = (e: Partial<EngineEvent>): EngineEvent => ({ sequence: 0, timestamp: 0, ...e } as EngineEvent);
const policy = (name: string, message: string) => ev({
    policyEvent: { policyName: name, message, color: "never", policyPackName: "iu-cutter", policyPackVersion: "1", policyPackVersionTag: "1", enforcementLevel: "mandatory", resourceUrn: "urn:x" },
});
const diag = (severity: string, message: string) => ev({ diagnosticEvent: { message, color: "never", severity: severity as "info" } });

describe("workflow: engine events", () => {
    it("counts violations per policy; a policy with none passes", () => {
        const c = engineCollector();
        c.onEvent(policy("no-force", "rm -rf"));
        c.onEvent(policy("no-force", "git push --force"));
        c.onEvent(policy("no-service-restart", "systemctl restart"));
        const v = policyVerdicts(c.report.violations);
        expect(v.map((x) => x.policy)).to.deep.equal(FORBIDDEN_CHECKLIST.map((f) => f.policy));
        expect(v.find((x) => x.policy === "no-force")!.verdict).to.equal("FAIL (2 violations)");
        expect(v.find((x) => x.policy === "no-service-restart")!.verdict).to.equal("FAIL (1 violation)");
        expect(v.filter((x) => x.verdict === "pass")).to.have.length(FORBIDDEN_CHECKLIST.length - 2);
    });

    it("a policy text in a log line is not a verdict (only policy events are)", () => {
        const c = engineCollector();
        c.onOutput("    [mandatory]  no-force  something\n");
        c.onEvent(diag("info", "[mandatory] no-force"));
        expect(policyVerdicts(c.report.violations).every((x) => x.verdict === "pass")).to.equal(true);
    });

    it("error diagnostics are the refusals; info, streamed host lines and warnings are progress; debug is dropped", () => {
        const seen: string[] = [];
        const c = engineCollector((l) => seen.push(l));
        c.onEvent(diag("error", "PreStateAnchor: the host drifted\n"));
        c.onEvent(diag("info", "O6 mandate digest: abc\n"));
        c.onEvent(diag("info#err", "[release-deploy] Release: staged and verified 12 files\n\n"));
        c.onEvent(diag("warning", "a warning"));
        c.onEvent(diag("debug", "RegisterResource RPC prepared"));
        expect(c.report.errors).to.deep.equal(["PreStateAnchor: the host drifted"]);
        expect(seen).to.deep.equal(["O6 mandate digest: abc", "[release-deploy] Release: staged and verified 12 files", "a warning"]);
    });

    it("names what changed between the approved package and now", () => {
        const base = { commands: [{ resource: "a", create: "x" }], host: { name: "h" }, anchors: [{ name: "tree", pinned: "1" }] } as unknown as ReviewData;
        const now = { commands: [{ resource: "a", create: "y" }, { resource: "b" }], host: { name: "h" }, anchors: [{ name: "tree", pinned: "2" }] } as unknown as ReviewData;
        expect(changedInputs(base, now)).to.deep.equal(["command a", "command b", "pinned anchors"]);
        expect(changedInputs(base, base)).to.deep.equal([]);
    });
});
