/**
 * The rendered scripts: valid bash, plain text a reviewer can read, quoting
 * that survives any value, and the mandate digest's sensitivity.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { parseStackConfig } from "../../lib/config/config";
import { rawConfig } from "../helpers/configFixture";
import { buildPlan, orderedCommands } from "../../lib/plan/plan";
import { readRunbook } from "../helpers/runbook";
import { heredoc, shq } from "../../lib/scripts/shell";
import { Mandate } from "../../lib/plan/mandate";
import { renderMarkdown } from "../../lib/workflow/review";

const cfg = () => parseStackConfig({
    ...rawConfig(),
    anchors: { tree: "a".repeat(64), compose: "b".repeat(64), envProduction: "c".repeat(64), dotGitStatus: "d".repeat(64) },
}, ["backupGpgFpr", "governancePrincipal"]);
const release = { commit: "6625f76".padEnd(40, "0"), manifestDigest: "e".repeat(64), fileCount: 12, archivePath: "/tmp/r.tar" };

describe("rendered scripts", () => {
    const plan = buildPlan(cfg(), release, readRunbook());

    for (const c of orderedCommands(plan)) {
        it(`${c.resource}: valid bash (create and delete)`, () => {
            for (const text of [c.create, c.delete].filter(Boolean)) {
                const r = spawnSync("bash", ["-n"], { input: text, encoding: "utf8" });
                expect(r.status, r.stderr).to.equal(0);
                expect(text.startsWith("set -euo pipefail\n")).to.equal(true);
                // The shell's own text: a pinned helper's Python (a heredoc body, pinned and tested on its own) may name eval.
                const shell = text.replace(/<<'PY'\n[\s\S]*?\nPY\b/g, "<<'PY' (pinned helper)");
                expect(shell).to.contain("set -euo pipefail");
                expect(shell).not.to.match(/\beval\b|base64 -d|--force|\brm -[a-z]*f/);
            }
        });
    }

    it("never puts a secret into a command", () => {
        for (const c of orderedCommands(plan)) {
            expect(c.create + c.delete).not.to.contain("0123456789ABCDEF0123456789ABCDEF01234567");
            expect(c.create + c.delete).not.to.contain("cutter_governance");
        }
        expect(plan.secrets.secretInputs).to.deep.equal(["backupGpgFpr", "governancePrincipal"]);
    });

    it("guards are read-only and typed; every write lists its targets", () => {
        expect(plan.identityGuard.writes).to.deep.equal([]);
        expect(plan.identityGuard.guard).to.equal("HostIdentityGuard");
        expect(plan.preStateGuard.guard).to.equal("PreStateAnchor");
        for (const c of [plan.dirs, plan.orchestratorConfig, plan.rollbackRunbook, plan.secrets, plan.swap]) {
            expect(c.writes).to.not.be.empty;
        }
    });

    it("renders the orchestrator config with the kill-switch off", () => {
        expect(plan.orchestratorConfig.create).to.match(/^execution_enabled = false$/m);
        expect(plan.orchestratorConfig.create).to.match(/^signing_provider = StubSigning$/m);
    });
});

describe("shell quoting", () => {
    const values = ["plain", "", "with space", "it's", "\"dq\"", "$(reboot)", "`id`", "a\nb", "semi;colon", "back\\slash", "*glob?", "ünïcödé"];
    for (const v of values) {
        it(`round-trips ${JSON.stringify(v)}`, () => {
            const r = spawnSync("bash", ["-c", `printf %s ${shq(v)}`], { encoding: "utf8" });
            expect(r.stdout).to.equal(v);
        });
    }
    it("heredoc picks a delimiter that is not in the content", () => {
        const text = heredoc("cat", "IUCUTTER_EOF\nline\n");
        const r = spawnSync("bash", ["-c", text], { encoding: "utf8" });
        expect(r.stdout).to.equal("IUCUTTER_EOF\nline\n");
    });
});

describe("mandate digest and approval gate", () => {
    const digestOf = (mut: (p: ReturnType<typeof buildPlan>) => void) => {
        const p = buildPlan(cfg(), release, readRunbook());
        mut(p);
        const m = new Mandate();
        orderedCommands(p).forEach((c) => m.add(c));
        return m.digest();
    };
    it("is stable for the same plan and changes with any command text", () => {
        const base = digestOf(() => undefined);
        expect(digestOf(() => undefined)).to.equal(base);
        expect(digestOf((p) => { p.swap.create += "\n# changed"; })).not.to.equal(base);
        expect(digestOf((p) => { p.dirs.writes.push("/var/lib/cutter/x"); })).not.to.equal(base);
    });
    it("the review package lists every command and no secret", () => {
        const p = buildPlan(cfg(), release, readRunbook());
        const m = new Mandate();
        orderedCommands(p).forEach((c) => m.add(c));
        const c = cfg();
        const md = renderMarkdown({
            macro: "o6", stack: "contabo", generatedAt: "now", mandateDigest: m.digest(), hostState: "pre-state",
            host: { ...c.host, observedHostname: c.host.name }, identity: { ...c.identity, markerPresent: true, envFilePresent: true, dotRemotes: "" },
            release: { sourceRepo: "/src", sourceCommit: release.commit, version: "0.6.0", tag: c.release.tag, manifestDigest: release.manifestDigest, fileCount: 12, totalBytes: 1 },
            anchors: [], commands: m.commands, config: { dirs: c.cutterConfig.dirs, orchestratorConfigFile: "x", rollbackRunbookDest: "y", envProductionFile: "z" },
            secrets: { backupGpgFpr: "set", governancePrincipal: "set" }, manifest: [],
        });
        for (const cmd of m.commands) {
            expect(md).to.contain(`\`${cmd.resource}\``);
        }
        expect(md).not.to.contain(c.backupGpgFpr);
        expect(md).to.contain(m.digest());
    });
});
