/**
 * O7 (its own macro, its own stack: macro o7, pinned to the O6 deploy that
 * an O6 stack just made) against the sandbox (real engine, real PostgreSQL): the dry run passes
 * and the readiness checklist closes GAP-3..6 with evidence; an orchestrator
 * that writes, skips a gate or accepts Mode.LIVE, and a changed grant, each
 * fail the verification loudly.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { commitToSource, facts, failure, mustRun, newO7Stack, newStack, REPO_ROOT, removeStack, resetHost, SB, shimCalls, tmpDir, withConfig } from "../helpers/sandbox";

const RUN_PY = fs.readFileSync(path.join(REPO_ROOT, "fixtures", "iu-cutter-v0.6", "cutter_agent", "orchestrator", "run.py"), "utf8");
const pgLog = () => path.join(SB, "pg", "server.log");

function variant(find: string, replace: string): Record<string, unknown> {
    expect(RUN_PY).to.contain(find);
    const commit = commitToSource({ "cutter_agent/orchestrator/run.py": RUN_PY.replace(find, replace) }, "orchestrator variant");
    return withConfig("release", { commit });
}

describe("O7: post-deploy dry run and readiness checklist (sandbox, real engine, real PostgreSQL)", function () {
    this.timeout(300_000);
    let stack: Stack | undefined;
    let o6: Stack | undefined;
    afterEach(async () => {
        for (const s of [stack, o6]) { if (s) { await removeStack(s); } }
        stack = undefined; o6 = undefined;
    });
    /** O6 deployed by its own stack, then a fresh O7 stack pinned to that deploy. */
    async function o6ThenO7(label: string, overrides: Record<string, unknown> = {}): Promise<Stack> {
        o6 = await newStack(`${label}-o6`, { overrides });
        await o6.up();
        stack = await newO7Stack(label, { overrides });
        return stack;
    }

    it("passes all 11 phases with both gate pauses, changes nothing, and closes GAP-3..6 with evidence", async () => {
        resetHost();
        const logStart = fs.statSync(pgLog()).size;
        const reviewDir = tmpDir("iucutter-o7-");
        stack = await o6ThenO7("o7");
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        const res = await stack.up().finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        const rows = res.outputs.readiness.value as Array<{ gap: string; status: string; evidence: string; digest?: string; checkedAt?: string }>;
        const by = Object.fromEntries(rows.map((r) => [r.gap, r]));
        for (const g of ["GAP-3", "GAP-4", "GAP-5", "GAP-6"]) {
            expect(by[g].status, `${g}: ${by[g].evidence}`).to.equal("CLOSED");
            expect(by[g].checkedAt).to.match(/^\d{4}-\d\d-\d\dT/);
        }
        expect(by["GAP-6"].digest).to.match(/^[0-9a-f]{64}$/);
        expect(by["GAP-7"].status, "GAP-7 needs a recorded ruling").to.equal("OPEN");
        expect(by["GAP-8"].status).to.equal("CLOSED");
        const md = fs.readFileSync(path.join(reviewDir, "readiness.md"), "utf8");
        expect(md).to.contain("phases 1/11 2/11 3/11 4/11 5/11 6/11 7/11 8/11 9/11 10/11 11/11");
        expect(md).to.contain("Mode.LIVE refused before,during,after");
        expect(md).not.to.contain(facts().backupGpgFpr);
        // No write reached the database (PostgreSQL logs every modifying statement), no restart ran.
        const newLog = fs.readFileSync(pgLog()).subarray(logStart).toString("utf8");
        // (GAP-6's PREPAREd runbook statements are logged as "mod" but never execute.)
        const logged = newLog.split("\n").filter((l) => /statement: /.test(l));
        expect(logged.filter((l) => !/statement: PREPARE iucutter_revert_\d+ AS /.test(l)), "modifying statements logged by PostgreSQL").to.deep.equal([]);
        expect(logged.length, "the runbook was prepared (GAP-6 dry-run revert test)").to.be.greaterThan(0);
        expect(shimCalls()).to.deep.equal([]);
    });

    it("GAP-7 closes only with a recorded ruling; GAP-8 stays open for the Constitution", async () => {
        resetHost();
        const base = withConfig("verification", {}).verification as Record<string, unknown>;
        stack = await o6ThenO7("o7-gaps", { verification: { ...base, gap7RulingRef: "KB-RULING-O8-0001", targetDocument: { id: 1, title: "Constitution", isNew: true, signatureCritical: false } } });
        const res = await stack.up();
        const by = Object.fromEntries((res.outputs.readiness.value as Array<{ gap: string; status: string; evidence: string }>).map((r) => [r.gap, r]));
        expect(by["GAP-7"].status).to.equal("CLOSED");
        expect(by["GAP-7"].evidence).to.contain("KB-RULING-O8-0001");
        expect(by["GAP-8"].status).to.equal("OPEN");
        expect(by["GAP-8"].evidence).to.match(/Constitution/);
    });

    const failing: Array<[string, () => Record<string, unknown>, RegExp]> = [
        ["an orchestrator that sneaks in a write", () => variant(
            `        read_only_query(cfg, "SELECT count(*) FROM cutter.candidates WHERE document_id = %d;" % a.document)`,
            `        read_only_query(cfg, "SELECT count(*) FROM cutter.candidates WHERE document_id = %d;" % a.document)\n        if n == 6:\n            subprocess.run(["psql", "-X", "-q", "-h", cfg["database"]["host"], "-p", cfg["database"]["port"], "-U", "postgres", "-d", cfg["database"]["name"], "-c", "INSERT INTO cutter.cuts VALUES (999, 1, 'sneaky')"], check=True)`),
            /DryRunVerification: row counts changed during the dry run/],
        ["an orchestrator that skips the SG1 pause", () => variant(`GATES = {5: "SG1", 8: "SG2"}`, `GATES = {8: "SG2"}`),
            /DryRunVerification: start did not pause at SG1/],
        ["an orchestrator that accepts Mode.LIVE", () => variant(`    if mode is Mode.LIVE and not execution_enabled:\n        return True`, `    if mode is Mode.LIVE and not execution_enabled:\n        return False`),
            /DryRunVerification: live mode was not refused before the dry run/],
    ];
    for (const [what, arrange, re] of failing) {
        it(`fails loudly: ${what}`, async () => {
            resetHost();
            stack = await o6ThenO7("o7-bad", arrange());
            const msg = await failure(stack.up());
            expect(msg).to.match(re);
            expect(shimCalls()).to.deep.equal([]);
        });
    }

    it("fails loudly: a grant changed since the pin", async () => {
        resetHost();
        stack = await o6ThenO7("o7-grant");
        mustRun("psql", ["-X", "-q", "-h", "127.0.0.1", "-p", String(facts().pgPort), "-U", "postgres", "-d", "cutter_live", "-c", "GRANT SELECT ON cutter.cuts TO PUBLIC"]);
        const msg = await failure(stack.up());
        expect(msg).to.match(/DryRunVerification: grant matrix sha256 is [0-9a-f]{64}, pinned [0-9a-f]{64}: grants changed/);
    });
});
