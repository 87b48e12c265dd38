/**
 * Production contracts as config (issue 13): the grant-matrix query, the
 * orchestrator adapter, the runbook source and the release-test count are
 * stack config with documented defaults; each refuses what it cannot carry.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { ConfigError, DEFAULT_GRANT_MATRIX_QUERY, parseStackConfig } from "../../lib/config/config";
import { grantMatrixProbeScript, GRANT_MATRIX_SQL, readiness, verificationScript } from "../../lib/scripts/verification";
import { rawConfig } from "../helpers/configFixture";
import { agentVersionCommand, HostFacts, hostFactProblems, hostFactsScript, parseHostFacts } from "../../lib/scripts/hostFacts";
import { readRunbook } from "../helpers/runbook";

const VERIFICATION = {
    enabled: true, scopeTables: ["cutter.documents"], grantMatrixSha256: "a".repeat(64),
    commands: { start: "python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id {runId} --document {document} --config {config}", resume: "python3 -m cutter_agent.cli orchestrate --mode dryrun --run-id {runId} --document {document} --config {config} --resume", checkLiveRefused: "python3 -m cutter_agent.cli orchestrate --check-live-refused" },
};

function parse(change: (r: any) => void = () => undefined) {
    const r = rawConfig();
    r.verification = JSON.parse(JSON.stringify(VERIFICATION));
    change(r);
    return parseStackConfig(r, ["backupGpgFpr", "governancePrincipal"]);
}

function problems(change: (r: any) => void): string {
    try {
        parse(change);
    } catch (e) {
        if (e instanceof ConfigError) {
            return e.message;
        }
        throw e;
    }
    throw new Error("expected a ConfigError");
}

const shellcheck = (text: string) => spawnSync("shellcheck", ["-s", "bash", "-S", "warning", "-f", "gcc", "-"], { input: text, encoding: "utf8" });

describe("contracts: release.expectedTests", () => {
    it("is required, a positive integer", () => {
        expect(problems((r) => { delete r.release.expectedTests; })).to.match(/release\.expectedTests: is required but not set/);
        expect(problems((r) => { r.release.expectedTests = 0; })).to.match(/release\.expectedTests: must be at least 1/);
        expect(problems((r) => { r.release.expectedTests = "366"; })).to.match(/release\.expectedTests: must be a number/);
        expect(parse().release).to.include({ expectedTests: 366, testPython: "python3" });
    });
});

describe("contracts: cutterConfig.rollbackRunbook (the runbook's owner, never this program)", () => {
    it("is required: there is no built-in runbook", () => {
        expect(problems((r) => { delete r.cutterConfig.rollbackRunbook; })).to.match(/cutterConfig\.rollbackRunbook: /);
    });
    it("takes a path inside the release tree, never outside it", () => {
        expect(problems((r) => { r.cutterConfig.rollbackRunbook = { from: "release", path: "../etc/x.sql" }; })).to.match(/relative path inside the release tree/);
        expect(problems((r) => { r.cutterConfig.rollbackRunbook = { from: "release", path: "/etc/x.sql" }; })).to.match(/relative path inside the release tree/);
    });
    it("takes an operator file only with its pinned sha256", () => {
        expect(problems((r) => { r.cutterConfig.rollbackRunbook = { from: "file", path: "/home/op/rollback_runbook.sql" }; })).to.match(/cutterConfig\.rollbackRunbook\.sha256/);
        expect(parse((r) => { r.cutterConfig.rollbackRunbook = { from: "file", path: "/home/op/rollback_runbook.sql", sha256: "b".repeat(64) }; }).cutterConfig.rollbackRunbook.from).to.equal("file");
    });
    it("GAP-6's evidence names the runbook's source and digest", () => {
        const c = parse();
        const rows = readiness(c, { gap6: "ok", runbook: "c".repeat(64), checkedAt: "2026-12-02T00:00:00Z" });
        expect(rows.find((r) => r.gap === "GAP-6")!.evidence).to.contain(`from the release tree (db/rollback_runbook.sql at 6625f76), sha256 ${"c".repeat(64)}`);
        const f = parse((r) => { r.cutterConfig.rollbackRunbook = { from: "file", path: "/home/op/rb.sql", sha256: "b".repeat(64) }; });
        expect(readiness(f, { gap6: "failed", checkedAt: "x" }).find((r) => r.gap === "GAP-6")!.evidence).to.contain("runbook from the owner's file /home/op/rb.sql");
    });
    it("the dry-run PREPARE gets the runbook's psql variables as placeholders", () => {
        const s = verificationScript(parse(), "e".repeat(64), readRunbook());
        expect(s).to.contain("-v run_id=00000000-0000-4000-8000-000000000000 ");
        expect(s).to.match(/PREPARE iucutter_revert_\d+ AS UPDATE cutter\.cuts SET state = 'reverted' WHERE state = 'applied' AND run_id = :'run_id';/);
    });
});

describe("contracts: verification.grantMatrixSql", () => {
    it("defaults to the documented query, rendered exactly as before", () => {
        expect(parse().verification!.grantMatrixSql).to.equal(DEFAULT_GRANT_MATRIX_QUERY);
        expect(GRANT_MATRIX_SQL).to.equal(`BEGIN READ ONLY;\n${DEFAULT_GRANT_MATRIX_QUERY};\nROLLBACK;`);
    });
    it("refuses more than one statement, a heredoc terminator line, and anything but a SELECT", () => {
        expect(problems((r) => { r.verification.grantMatrixSql = "SELECT 1; DELETE FROM cutter.cuts"; })).to.match(/must be one SELECT statement/);
        expect(problems((r) => { r.verification.grantMatrixSql = "SELECT 1\nSQL\nrm -rf /"; })).to.match(/heredoc terminator/);
        expect(problems((r) => { r.verification.grantMatrixSql = "DELETE FROM cutter.cuts"; })).to.match(/must be a SELECT/);
    });
    it("a non-default query is what the probe and the dry run run, read-only", () => {
        const q = "SELECT relname FROM pg_class ORDER BY 1";
        const c = parse((r) => { r.verification.grantMatrixSql = `${q};`; });
        expect(c.verification!.grantMatrixSql).to.equal(q);
        const probe = grantMatrixProbeScript(c);
        expect(probe).to.contain(`<<'SQL'\nBEGIN READ ONLY;\n${q};\nROLLBACK;\nSQL`);
        expect(probe).to.contain("-U context_pack_readonly");
        const dry = verificationScript(c, "e".repeat(64), readRunbook());
        expect(dry.split(`BEGIN READ ONLY;\n${q};\nROLLBACK;`).length - 1).to.equal(2);
        expect(dry).not.to.contain(DEFAULT_GRANT_MATRIX_QUERY);
        expect(shellcheck(probe).stdout).to.equal("");
    });
});

describe("contracts: verification.adapter (orchestrator dialect)", () => {
    const dialect = {
        mode: "mode=dryrun", phase: "\\[phase 0?([0-9]+) of 11\\] [a-z0-9-]+",
        pauseSg1: "gate sg1: waiting", resumedSg1: "gate sg1: released", pauseSg2: "gate sg2: waiting", resumedSg2: "gate sg2: released",
        closeout: "run: closed", alreadyClosed: "run: already closed", liveRefused: "live execution: refused",
        exitCodes: { paused: 75, closed: 0, liveRefused: 0 },
    };
    it("defaults to the documented contract", () => {
        expect(parse().verification!.adapter).to.deep.equal({
            mode: "MODE DRYRUN", phase: "PHASE ([0-9]+)/11 .*", pauseSg1: "PAUSE SG1", resumedSg1: "RESUMED SG1", pauseSg2: "PAUSE SG2", resumedSg2: "RESUMED SG2",
            closeout: "CLOSEOUT done", alreadyClosed: "CLOSEOUT already-closed", liveRefused: "LIVE refused", exitCodes: { paused: 10, closed: 0, liveRefused: 0 },
        });
    });
    it("refuses a phase pattern without exactly one group, and patterns that could leave their quoting", () => {
        expect(problems((r) => { r.verification.adapter = { phase: "PHASE [0-9]+/11" }; })).to.match(/exactly one group/);
        expect(problems((r) => { r.verification.adapter = { phase: "(P) ([0-9]+)" }; })).to.match(/exactly one group/);
        expect(problems((r) => { r.verification.adapter = { closeout: "done'; rm -rf /; '" }; })).to.match(/must not contain a newline/);
        expect(problems((r) => { r.verification.adapter = { closeout: "([" }; })).to.match(/valid extended regular expression/);
        expect(problems((r) => { r.verification.adapter = { exitCodes: { paused: 300 } }; })).to.match(/exitCodes\.paused/);
    });
    it("renders the dialect's lines and exit codes, and passes shellcheck", () => {
        const s = verificationScript(parse((r) => { r.verification.adapter = dialect; }), "e".repeat(64), readRunbook());
        expect(s).to.contain(`[ "$rc" = 75 ] && printf '%s\\n' "$out" | grep -Eqx 'gate sg1: waiting'`);
        expect(s).to.contain("sed -n -E 's#^(\\[phase 0?([0-9]+) of 11\\] [a-z0-9-]+)$#\\2/11 #p'");
        expect(s).not.to.contain("PAUSE SG1");
        expect(shellcheck(s).stdout).to.equal("");
    });
    it("the phase extraction of the default and of the dialect yield the same evidence", () => {
        for (const [re, lines] of [["PHASE ([0-9]+)/11 .*", ["PHASE 1/11 intake", "PAUSE SG1", "PHASE 11/11 closeout"]], [dialect.phase, ["[phase 01 of 11] intake", "gate sg1: waiting", "[phase 11 of 11] closeout"]]] as const) {
            const r = spawnSync("bash", ["-c", `printf '%s\\n' "$@" | sed -n -E 's#^(${re})$#\\2/11 #p' | tr -d '\\n'`, "x", ...lines], { encoding: "utf8" });
            expect(r.stdout).to.equal("1/11 11/11 ");
        }
    });
});

describe("contracts: host facts (read-only, at review)", () => {
    const ok: HostFacts = {
        python: "Python 3.11.2", agent: "0.4.0", psql: "/usr/bin/psql", database: "reachable", composeMarker: "present", envFile: "present",
        stagingFreeKiB: 1 << 20, stagingDevice: "2049", liveDevice: "2049",
    };
    it("parses the probe's lines and refuses an incomplete output", () => {
        const out = Object.entries(ok).map(([k, v]) => `${k}=${v}`).join("\n");
        expect(parseHostFacts(out)).to.deep.equal(ok);
        expect(parseHostFacts(out.replace(/^psql=.*$/m, ""))).to.equal(undefined);
    });
    it("accepts a host with every fact", () => {
        expect(hostFactProblems(parse(), ok, 100_000, true)).to.deep.equal([]);
    });
    const missing: Array<[string, Partial<HostFacts>, RegExp]> = [
        ["python", { python: "bash: python3: command not found" }, /^python: the host has no python3/],
        ["the agent CLI", { agent: "" }, /^agent CLI: `python3 -m cutter_agent\.cli --version` in \/opt\/incomex\/dot\/iu-cutter printed no version line/],
        ["psql", { psql: "" }, /^psql: not found/],
        ["the database", { database: "unreachable" }, /^database: not reachable as context_pack_readonly at 127\.0\.0\.1:5432\/live/],
        ["free space", { stagingFreeKiB: 100 }, /^staging free space: 100 KiB free .* needs 196 KiB/],
    ];
    for (const [what, change, re] of missing) {
        it(`refuses, naming it: ${what}`, () => {
            const p = hostFactProblems(parse(), { ...ok, ...change }, 100_000, true);
            expect(p).to.have.length(1);
            expect(p[0]).to.match(re);
        });
    }
    it("leaves the compose marker, .env and one filesystem to HostIdentityGuard (one judgement each)", () => {
        expect(hostFactProblems(parse(), { ...ok, composeMarker: "missing", envFile: "missing", stagingDevice: "2050" }, 100_000, true)).to.deep.equal([]);
    });
    describe("release.agentCli (the agent CLI's version line)", () => {
        it("defaults to `python3 -m cutter_agent.cli --version`, any non-empty first line", () => {
            const c = parse();
            expect(agentVersionCommand(c)).to.equal("python3 -m cutter_agent.cli --version");
            expect(hostFactsScript(c)).to.contain("PYTHONDONTWRITEBYTECODE=1 python3 -m cutter_agent.cli --version 2>/dev/null | head -n 1");
            expect(hostFactProblems(c, { ...ok, agent: "anything 1" }, 100_000, true)).to.deep.equal([]);
        });
        it("a non-default command is rendered word by word and runs in the host facts; the expected line is a whole-line pattern", () => {
            const c = parse((r) => { r.release.agentCli = { versionCommand: ["python3", "-m", "cutter_agent", "version"], versionLine: "iu-cutter 0\\.4\\.[0-9]+" }; });
            expect(hostFactsScript(c)).to.contain("PYTHONDONTWRITEBYTECODE=1 python3 -m cutter_agent version 2>/dev/null");
            expect(shellcheck(hostFactsScript(c)).stdout).to.equal("");
            expect(hostFactProblems(c, { ...ok, agent: "iu-cutter 0.4.2" }, 100_000, true)).to.deep.equal([]);
            const p = hostFactProblems(c, { ...ok, agent: "iu-cutter 0.4.2 (patched)" }, 100_000, true);
            expect(p).to.deep.equal(["agent CLI: `python3 -m cutter_agent version` in /opt/incomex/dot/iu-cutter printed \"iu-cutter 0.4.2 (patched)\", not a line matching release.agentCli.versionLine (iu-cutter 0\\.4\\.[0-9]+)"]);
        });
        const badCli: Array<[string, unknown, RegExp]> = [
            ["another program", { versionCommand: ["bash", "-c", "id"] }, /release\.agentCli\.versionCommand: must start with python3/],
            ["a shell metacharacter", { versionCommand: ["python3", "-m", "cutter_agent.cli;reboot"] }, /release\.agentCli\.versionCommand\[2\]: must be a plain word/],
            ["a live flag", { versionCommand: ["python3", "-m", "cutter_agent.cli", "--live"] }, /release\.agentCli\.versionCommand: must only print the version/],
            ["a pattern that is not a regular expression", { versionLine: "(" }, /release\.agentCli\.versionLine: must be a regular expression/],
            ["an unknown key", { version: "0.4.0" }, /release\.agentCli\.version: unknown key/],
        ];
        for (const [what, cli, re] of badCli) {
            it(`refuses ${what}, naming the key`, () => {
                expect(problems((r) => { r.release.agentCli = cli; })).to.match(re);
            });
        }
    });
    it("O7 (no staging) does not judge staging space or filesystem", () => {
        expect(hostFactProblems(parse(), { ...ok, stagingFreeKiB: 1, stagingDevice: "x" }, 100_000, false)).to.deep.equal([]);
    });
});
