/**
 * The workflow reads the engine's structured events: policy violations by
 * policy name, refusals from error diagnostics, progress from info lines
 * (the provider's streamed host output included), never from text output.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineEvent } from "@pulumi/pulumi/automation";
import { changedInputs, engineCollector, policyVerdicts, runEngine } from "../../lib/workflow/operations";
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

describe("workflow: the engine's event log, read in order and completely", function () {
    this.timeout(30_000);

    /** A stand-in `pulumi` that writes the given event lines to its --event-log, slowly, then exits with `code`. */
    function fakeCli(lines: string[], code: number): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-fake-engine-"));
        const script = [
            "#!/bin/bash",
            'log=""; while [ $# -gt 0 ]; do [ "$1" = --event-log ] && log="$2"; shift; done',
            ...lines.map((l) => `printf '%s\\n' ${JSON.stringify(l).replace(/\$/g, "\\$")} >> "$log"; sleep 0.05`),
            `echo "engine output"; exit ${code}`,
        ].join("\n");
        fs.writeFileSync(path.join(dir, "pulumi"), script, { mode: 0o755 });
        return dir;
    }

    async function withFake<T>(lines: string[], code: number, f: () => Promise<T>): Promise<T> {
        const dir = fakeCli(lines, code);
        const old = process.env.PATH;
        process.env.PATH = `${dir}:${old}`;
        try { return await f(); } finally { process.env.PATH = old; fs.rmSync(dir, { recursive: true, force: true }); }
    }

    const big = "x".repeat(200_000);
    const events = [
        JSON.stringify({ sequence: 1, timestamp: 0, diagnosticEvent: { message: big, color: "never", severity: "debug" } }),
        JSON.stringify({ sequence: 2, timestamp: 0, policyEvent: { policyName: "no-force", message: "m", color: "never", policyPackName: "p", policyPackVersion: "1", policyPackVersionTag: "1", enforcementLevel: "mandatory" } }),
        JSON.stringify({ sequence: 3, timestamp: 0, diagnosticEvent: { message: "Release: staged\n", color: "never", severity: "info#err" } }),
        JSON.stringify({ sequence: 4, timestamp: 0, summaryEvent: { resourceChanges: { create: 2, same: 1 } } }),
    ];

    it("every event arrives in order, long lines included; the summary and progress are read", async () => {
        const seen: string[] = [];
        const c = engineCollector((l) => seen.push(l));
        let changes: Record<string, number> = {};
        c.onSummary = (x) => { changes = x; };
        const r = await withFake(events, 1, () => runEngine(os.tmpdir(), ["preview"], {}, c));
        expect(r.ok).to.equal(false);
        expect(r.violations.get("no-force")).to.deep.equal(["stack: m"]);
        expect(seen).to.deep.equal(["Release: staged"]);
        expect(changes).to.deep.equal({ create: 2, same: 1 });
        expect(r.log.join("")).to.contain("engine output");
    });

    it("a line that does not parse fails the run, naming it (no verdict from a partial log)", async () => {
        const c = engineCollector();
        const r = await withFake([events[1], "{\"sequence\": 9, torn", events[3]], 0, () => runEngine(os.tmpdir(), ["preview"], {}, c));
        expect(r.ok).to.equal(false);
        expect(r.errors.join("\n")).to.match(/EngineEvents: the engine's event log could not be read completely \(line \d+\)/);
    });

    it("a clean run with no violation is ok", async () => {
        const c = engineCollector();
        const r = await withFake([events[0], events[3]], 0, () => runEngine(os.tmpdir(), ["preview"], {}, c));
        expect(r.ok).to.equal(true);
        expect(r.errors).to.deep.equal([]);
    });
});
