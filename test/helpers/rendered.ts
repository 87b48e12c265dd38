/**
 * Everything the program renders for the fixture config, defined once: every
 * host script (probes, guards, O6 and O7 commands and their rollbacks) and the
 * review packages. The shellcheck and golden tests read this list.
 */
import * as fs from "fs";
import * as path from "path";
import { parseStackConfig, StackConfig } from "../../lib/config/config";
import { Mandate } from "../../lib/plan/mandate";
import { buildO7Plan, o6DeployGuardScript, o7Commands, o7ProbeScript, o7RollbackCommands } from "../../lib/plan/o7";
import { buildPlan, orderedCommands, rollbackCommands } from "../../lib/plan/plan";
import { hostFactsScript } from "../../lib/scripts/hostFacts";
import { grantMatrixProbeScript } from "../../lib/scripts/verification";
import { readRunbook } from "./runbook";
import { probeScript, retentionScript } from "../../lib/scripts/o6";
import { renderMarkdown, ReviewData } from "../../lib/workflow/review";
import { rawConfig } from "./configFixture";

export const ROOT = path.join(__dirname, "..", "..", "..");

export function fixtureConfig(): StackConfig {
    const raw = rawConfig();
    const sandbox = JSON.parse(fs.readFileSync(path.join(ROOT, "sandbox", "stack-config.json"), "utf8"));
    raw.verification = { ...sandbox.verification, grantMatrixSha256: "a".repeat(64) };
    raw.anchors = { tree: "a".repeat(64), compose: "b".repeat(64), envProduction: "c".repeat(64), dotGitStatus: "d".repeat(64) };
    return parseStackConfig(raw, ["backupGpgFpr", "governancePrincipal"]);
}

/** The fixture config with database.access tcp and a password (databasePassword, a secret). */
export function passwordConfig(): StackConfig {
    const c = fixtureConfig();
    const o = c.cutterConfig.orchestrator;
    return { ...c, database: { access: { kind: "tcp", host: o.db_host, port: o.db_port, database: o.db_name, role: "context_pack_readonly", password: true } }, databasePassword: "fixture-not-a-password" };
}

export const FIXTURE_RELEASE = { commit: "6625f76".padEnd(40, "0"), manifestDigest: "e".repeat(64), fileCount: 12, archivePath: "/tmp/r.tar" };
/** A one-file delta over the fixture's pinned tree: one file changed, one (with a space in its name) dropped, its dir left empty. */
export const FIXTURE_DELTA = { baseDigest: "a".repeat(64), baseCommit: "1".repeat(40), changed: ["cutter_agent/cli.py"], removed: ["docs/o ld.md"], replaced: ["cutter_agent/cli.py"], archivePath: "/tmp/d.tar" };
export const FIXTURE_DEPLOY = { ledgerDigest: "f".repeat(64), releaseDigest: "e".repeat(64), dotCommit: "1".repeat(40) };

/** [file name, script text] for every rendered script; names are stable (they are golden file names). */
export function renderedScripts(given?: StackConfig): Array<[string, string]> {
    const c = given ?? fixtureConfig();
    // As preflight builds them: an O6 stack carries no dry run (that is O7's own plan).
    const plan = buildPlan({ ...c, verification: undefined }, FIXTURE_RELEASE, readRunbook());
    const o7 = buildO7Plan(c, buildPlan(c, FIXTURE_RELEASE, readRunbook()), FIXTURE_DEPLOY, FIXTURE_RELEASE.manifestDigest, readRunbook());
    const scripts: Array<[string, string]> = [
        ["probe", probeScript(c)],
        ["o7-probe", o7ProbeScript(c)],
        ["o6-deploy-guard", o6DeployGuardScript(c, FIXTURE_DEPLOY)],
        ["host-facts", hostFactsScript(c)],
        ["grant-matrix-probe", grantMatrixProbeScript(c)],
        ["artifact-retention", retentionScript(c, [`20250101T000000Z-${"0".repeat(12)}`, `20250102T000000Z-${"0".repeat(12)}-1`])],
    ];
    // A delta redeploy's swap (copy from live, ship only the changes): the one script a delta changes.
    scripts.push(["o6-delta.release-deploy.create", buildPlan({ ...c, verification: undefined }, { ...FIXTURE_RELEASE, archivePath: FIXTURE_DELTA.archivePath, delta: FIXTURE_DELTA }, readRunbook()).swap.create]);
    const groups: Array<[string, ReturnType<typeof orderedCommands>]> = [
        ["o6", orderedCommands(plan)], ["o6-rollback", rollbackCommands(plan)], ["o7", o7Commands(o7)], ["o7-rollback", o7RollbackCommands(o7)],
        // A reviewed rollback plan (rollback: true) carries the host-side rollback mandate.
        ["o6-rollback-plan", rollbackCommands(buildPlan({ ...c, verification: undefined, rollback: true }, FIXTURE_RELEASE, readRunbook())).filter((x) => x.resource === "rollback-mandate")],
        ["o7-rollback-plan", o7RollbackCommands(buildO7Plan({ ...c, rollback: true }, buildPlan({ ...c, rollback: true }, FIXTURE_RELEASE, readRunbook()), FIXTURE_DEPLOY, FIXTURE_RELEASE.manifestDigest, readRunbook()))
            .filter((x) => x.resource === "o7-rollback-guard" || x.resource === "o7-rollback-mandate")],
    ];
    for (const [g, cmds] of groups) {
        for (const cmd of cmds) {
            for (const [f, t] of [["create", cmd.create], ["delete", cmd.delete]] as const) {
                if (t) {
                    scripts.push([`${g}.${cmd.resource}.${f}`, t]);
                }
            }
        }
    }
    if (given) {
        return scripts;
    }
    // With a password (database.access tcp password: true): every script that runs the read-only psql.
    const pc = passwordConfig();
    const pplan = buildPlan({ ...pc, verification: undefined }, FIXTURE_RELEASE, readRunbook());
    const po7 = buildO7Plan(pc, buildPlan(pc, FIXTURE_RELEASE, readRunbook()), FIXTURE_DEPLOY, FIXTURE_RELEASE.manifestDigest, readRunbook());
    scripts.push(
        ["password.host-facts", hostFactsScript(pc)],
        ["password.grant-matrix-probe", grantMatrixProbeScript(pc)],
        ["password.o6.env-production-secrets.create", pplan.secrets.create],
        ["password.o7.o7-dry-run-verification.create", po7.verify.create],
    );
    return scripts;
}

/** The O6 review package for the fixture config (what a reviewer reads), with fixed times and verdicts. */
export function renderedReview(c: StackConfig = fixtureConfig()): string {
    const plan = buildPlan({ ...c, verification: undefined }, FIXTURE_RELEASE, readRunbook());
    const m = new Mandate();
    orderedCommands(plan).forEach((cmd) => m.add(cmd));
    const data: ReviewData = {
        macro: "o6", stack: "contabo", generatedAt: "2026-01-01T00:00:00Z", mandateDigest: m.digest(), hostState: "pre-state",
        host: { ...c.host, observedHostname: c.host.name },
        identity: { ...c.identity, markerPresent: true, envFilePresent: true, dotRemotes: "" },
        release: { sourceRepo: c.release.sourceRepo, sourceCommit: FIXTURE_RELEASE.commit, version: c.release.version, tag: c.release.tag, manifestDigest: FIXTURE_RELEASE.manifestDigest, fileCount: FIXTURE_RELEASE.fileCount, totalBytes: 4096 },
        anchors: (["tree", "compose", "envProduction", "dotGitStatus"] as const).map((n) => ({ name: n, observed: c.anchors[n] ?? "", pinned: c.anchors[n] ?? null, match: true })),
        commands: m.commands,
        config: { dirs: c.cutterConfig.dirs, orchestratorConfigFile: c.cutterConfig.orchestratorConfigFile, rollbackRunbookDest: c.cutterConfig.rollbackRunbookDest, envProductionFile: c.paths.envProductionFile },
        secrets: { backupGpgFpr: "set", governancePrincipal: "set" },
        manifest: ["100644 12 " + "0".repeat(64) + " cutter_agent/__init__.py\n"],
    };
    return renderMarkdown(data, [{ policy: "no-force", verdict: "pass" }]);
}
