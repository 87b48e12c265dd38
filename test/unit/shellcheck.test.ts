/**
 * Every script the program renders passes shellcheck (warnings and errors;
 * the style notes SC2015/SC2317 are about the deliberate `test || fail`
 * idiom). Setup installs Debian's shellcheck; a missing shellcheck fails here.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseStackConfig } from "../../lib/config/config";
import { buildO7Plan, o6DeployGuardScript, o7Commands, o7ProbeScript, o7RollbackCommands } from "../../lib/plan/o7";
import { buildPlan, orderedCommands, rollbackCommands } from "../../lib/plan/plan";
import { readRunbook } from "../helpers/runbook";
import { probeScript } from "../../lib/scripts/o6";
import { hostFactsScript } from "../../lib/scripts/hostFacts";
import { grantMatrixProbeScript } from "../../lib/scripts/verification";
import { rawConfig } from "../helpers/configFixture";

const ROOT = path.join(__dirname, "..", "..", "..");

function config() {
    const raw = rawConfig();
    const sandbox = JSON.parse(fs.readFileSync(path.join(ROOT, "sandbox", "stack-config.json"), "utf8"));
    raw.verification = { ...sandbox.verification, grantMatrixSha256: "a".repeat(64) };
    raw.anchors = { tree: "a".repeat(64), compose: "b".repeat(64), envProduction: "c".repeat(64), dotGitStatus: "d".repeat(64) };
    return parseStackConfig(raw, ["backupGpgFpr", "governancePrincipal"]);
}

describe("rendered scripts pass shellcheck", () => {
    const c = config();
    const release = { commit: "6625f76".padEnd(40, "0"), manifestDigest: "e".repeat(64), fileCount: 12, archivePath: "/tmp/r.tar" };
    const plan = buildPlan(c, release, readRunbook());
    const deploy = { ledgerDigest: "f".repeat(64), releaseDigest: "e".repeat(64), dotCommit: "1".repeat(40) };
    const o7 = buildO7Plan(c, plan, deploy, release.manifestDigest, readRunbook());
    const scripts: Array<[string, string]> = [
        ["probe", probeScript(c)],
        ["o7-probe", o7ProbeScript(c)],
        ["o6-deploy-guard", o6DeployGuardScript(c, deploy)],
        ["host-facts", hostFactsScript(c)],
        ["grant-matrix-probe", grantMatrixProbeScript(c)],
    ];
    for (const cmd of [...orderedCommands(plan), ...rollbackCommands(plan), ...o7Commands(o7), ...o7RollbackCommands(o7)]) {
        for (const [f, t] of [["create", cmd.create], ["delete", cmd.delete]] as const) {
            if (t) {
                scripts.push([`${cmd.resource}.${f}${cmd.description.startsWith("ROLLBACK") ? " (rollback)" : ""}`, t]);
            }
        }
    }

    it("shellcheck is installed (scripts/setup.sh installs it)", () => {
        const r = spawnSync("shellcheck", ["--version"], { encoding: "utf8" });
        expect(r.status, "shellcheck not found: run bash scripts/setup.sh").to.equal(0);
    });
    for (const [name, text] of scripts) {
        it(name, () => {
            const r = spawnSync("shellcheck", ["-s", "bash", "-S", "warning", "-f", "gcc", "-"], { input: text, encoding: "utf8" });
            expect(r.stdout + r.stderr, `shellcheck findings in ${name}`).to.equal("");
            expect(r.status).to.equal(0);
        });
    }
});
