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
import { commitToSource, facts, failure, hostPath, hostSnapshot, mustRun, newO7Stack, newStack, POLICY_PACK, removeStack, REPO_ROOT, resetHost, reviewMarkdown, SB, shimCalls, tmpDir, withConfig } from "../helpers/sandbox";
import { sandboxConfig, sandboxGrantMatrixSha256 } from "../../scripts/sandboxStack";

const RUN_PY = fs.readFileSync(path.join(REPO_ROOT, "fixtures", "iu-cutter-v0.6", "cutter_agent", "orchestrator", "run.py"), "utf8");
const pgLog = () => path.join(SB, "pg", "server.log");

/**
 * A release whose orchestrator misbehaves and whose own suite does not catch
 * it (its orchestrator tests removed; the smoke suite's 2 tests reviewed): the
 * on-host verification has to.
 */
function variant(find: string, replace: string): Record<string, unknown> {
    expect(RUN_PY).to.contain(find);
    const commit = commitToSource({ "cutter_agent/orchestrator/run.py": RUN_PY.replace(find, replace), "tests/test_orchestrator.py": null }, "orchestrator variant");
    return withConfig("release", { commit, expectedTests: 2 });
}

/** The fixture orchestrator rewritten to speak another dialect: other lines, another pause exit code. */
const DIALECT: Array<[string, string]> = [
    [`print("LIVE refused")\n            return 0`, `print("live execution: refused")\n            return 0`],
    [`print("LIVE refused")\n        return 2`, `print("live execution: refused")\n        return 2`],
    [`print("MODE %s" % mode.name)`, `print("mode=%s" % mode.name.lower())`],
    [`print("CLOSEOUT already-closed")`, `print("run: already closed (nothing to do)")`],
    [`print("RESUMED %s" % state["status"][7:])`, `print("gate %s: released by the sovereign" % state["status"][7:].lower())`],
    [`print("PAUSE %s" % GATES[n])\n            return 10`, `print("gate %s: waiting for the sovereign" % GATES[n].lower())\n            return 75`],
    [`print("PHASE %d/%d %s" % (n, len(PHASES), PHASES[n - 1]))`, `print("[phase %02d of %d] %s" % (n, len(PHASES), PHASES[n - 1]))`],
    [`print("CLOSEOUT done")`, `print("run: closed")`],
];
export const DIALECT_ADAPTER = {
    mode: "mode=dryrun",
    phase: "\\[phase 0?([0-9]+) of 11\\] [a-z0-9-]+",
    pauseSg1: "gate sg1: waiting for the sovereign",
    resumedSg1: "gate sg1: released by the sovereign",
    pauseSg2: "gate sg2: waiting for the sovereign",
    resumedSg2: "gate sg2: released by the sovereign",
    closeout: "run: closed",
    alreadyClosed: "run: already closed \\(nothing to do\\)",
    liveRefused: "live execution: refused",
    exitCodes: { paused: 75, closed: 0, liveRefused: 0 },
};
export function dialectRunPy(): string {
    let t = RUN_PY;
    for (const [a, b] of DIALECT) {
        expect(t).to.contain(a);
        t = t.replace(a, b);
    }
    return t;
}

const NON_DEFAULT_GRANT_QUERY = "SELECT g FROM (SELECT c.relname || ':' || a.privilege_type AS g FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) a WHERE n.nspname = 'cutter') m ORDER BY g COLLATE \"C\"";

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
        expect(by["GAP-6"].evidence).to.match(/from the release tree \(db\/rollback_runbook\.sql at [0-9a-f]{40}\), sha256 [0-9a-f]{64}/);
        const pkg = reviewMarkdown(reviewDir, "deployed");
        const n = (sandboxConfig(facts()) as Record<string, any>).release.expectedTests as number;
        expect(pkg).to.contain(`Release tests (clean copy of the commit, bytecode writing off): **${n}/${n} passed** (0 failed, 0 errors, 0 skipped)`);
        expect(pkg).to.contain("Rollback runbook (GAP-6) from the release tree, `db/rollback_runbook.sql@");
        expect(pkg).to.match(/\| pinned \(O4, `verification\.grantMatrixSha256`\) \| `([0-9a-f]{64})` \|\n\| observed \| `\1` match \|/);
        expect(pkg).to.contain("with the default query;");
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
            expect(msg, msg.split("\n").filter((l) => /error: /.test(l)).slice(0, 3).join("\n")).to.match(re);
            expect(shimCalls()).to.deep.equal([]);
        });
    }

    it("refuses at review, before anything runs: a grant changed since the pin (the grant matrix is an anchor)", async () => {
        resetHost();
        stack = await o6ThenO7("o7-grant");
        mustRun("psql", ["-X", "-q", "-h", "127.0.0.1", "-p", String(facts().pgPort), "-U", "postgres", "-d", "cutter_live", "-c", "GRANT SELECT ON cutter.cuts TO PUBLIC"]);
        const preview = await failure(stack.preview());
        expect(preview).to.match(/GrantMatrixAnchor: the grant matrix observed now \(sha256 [0-9a-f]{64}, verification\.grantMatrixSql\) is not the O4 pin \(verification\.grantMatrixSha256 [0-9a-f]{64}\); O7 refused before anything ran/);
        const msg = await failure(stack.up());
        expect(msg).to.match(/GrantMatrixAnchor: /);
        expect(fs.readdirSync(hostPath("/var/lib/cutter/state")), "no orchestrator run started").to.deep.equal([]);
    });

    it("runs with a non-default grant-matrix query pinned to its own digest, and refuses it against the default's pin", async () => {
        resetHost();
        const sha = sandboxGrantMatrixSha256(facts(), NON_DEFAULT_GRANT_QUERY);
        expect(sha, "the query renders a different matrix").not.to.equal(sandboxGrantMatrixSha256(facts()));
        const base = withConfig("verification", {}).verification as Record<string, unknown>;
        const reviewDir = tmpDir("iucutter-o7-gm-");
        stack = await o6ThenO7("o7-gm", { verification: { ...base, grantMatrixSql: NON_DEFAULT_GRANT_QUERY, grantMatrixSha256: sha } });
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        const res = await stack.up({ policyPacks: [POLICY_PACK] }).finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        expect(res.stdout).not.to.contain("mandatory");
        const md = fs.readFileSync(path.join(reviewDir, "readiness.md"), "utf8");
        expect(md).to.contain(`grant matrix sha256 ${sha}`);
        expect(reviewMarkdown(reviewDir, "deployed")).to.contain("with the configured query (`verification.grantMatrixSql`)");
        expect((res.outputs.readiness.value as Array<{ gap: string; status: string }>).find((r) => r.gap === "GAP-6")!.status).to.equal("CLOSED");
        await removeStack(stack);
        // The same query against the default rendering's pin: an anchor drift.
        stack = await newO7Stack("o7-gm2", { overrides: { verification: { ...base, grantMatrixSql: NON_DEFAULT_GRANT_QUERY } } });
        expect(await failure(stack.preview())).to.match(/GrantMatrixAnchor: .*the query is not the one O4's pin was computed with/s);
    });

    it("reads an orchestrator that speaks another dialect through a non-default adapter (policy pack on)", async () => {
        resetHost();
        const commit = commitToSource({ "cutter_agent/orchestrator/run.py": dialectRunPy(), "tests/test_orchestrator.py": null }, "orchestrator, other dialect");
        const base = withConfig("verification", {}).verification as Record<string, unknown>;
        const release = withConfig("release", { commit, expectedTests: 2 });
        const reviewDir = tmpDir("iucutter-o7-dialect-");
        stack = await o6ThenO7("o7-dialect", { ...release, verification: { ...base, adapter: DIALECT_ADAPTER } });
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        const res = await stack.up({ policyPacks: [POLICY_PACK] }).finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        expect(res.stdout).not.to.contain("mandatory");
        const md = fs.readFileSync(path.join(reviewDir, "readiness.md"), "utf8");
        expect(md).to.contain("phases 1/11 2/11 3/11 4/11 5/11 6/11 7/11 8/11 9/11 10/11 11/11");
        expect(md).to.contain("O7 dry run: **passed**");
        await removeStack(stack);
        // The same orchestrator read with the default adapter: the verification fails loudly.
        stack = await newO7Stack("o7-dialect-default", { overrides: release });
        expect(await failure(stack.up())).to.match(/DryRunVerification: live mode was not refused before the dry run/);
    });

    it("refuses at review: a release whose own suite catches the misbehaving orchestrator (ReleaseTests)", async () => {
        resetHost();
        const find = `    if mode is Mode.LIVE and not execution_enabled:\n        return True`;
        const commit = commitToSource({ "cutter_agent/orchestrator/run.py": RUN_PY.replace(find, find.replace("return True", "return False")) }, "accepts LIVE");
        o6 = await newStack("o7-rt-o6", { overrides: withConfig("release", { commit }) });
        const before = hostSnapshot();
        const msg = await failure(o6.up());
        expect(msg).to.match(/ReleaseTests: the release's test suite at [0-9a-f]{12} did not pass: 7 passed, 3 failed, 0 errors, 0 skipped \(expected 10\/10/);
        expect(hostSnapshot()).to.equal(before);
    });
});
