/**
 * Every command the program renders, in the shape the engine hands the
 * policy pack (declared writes, the stdin it really gets: the release archive,
 * a secret, or nothing), passes the pack with no finding. The integration
 * tests show the same through the real engine; this catches a pack rule that
 * the program's own scripts would trip, in the unit suite.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildO7Plan, o7Commands, o7RollbackCommands } from "../../lib/plan/o7";
import { buildPlan, orderedCommands, PlannedCommand, rollbackCommands } from "../../lib/plan/plan";
import { readRunbook } from "../helpers/runbook";
import { FIXTURE_DELTA, FIXTURE_DEPLOY, FIXTURE_RELEASE, fixtureConfig, passwordConfig, ROOT } from "../helpers/rendered";

type Finding = { policy: string; action: string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { analyzeResource } = require(path.join(ROOT, "policies", "bin", "lib", "analyze")) as { analyzeResource: (r: unknown) => Promise<Finding[]> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shapes = require(path.join(ROOT, "policies", "bin", "test", "adversarial", "shapes")) as {
    hostCommand: (create: string, o: Record<string, unknown>) => unknown;
    localCommand: (create: string, o: Record<string, unknown>) => unknown;
};

describe("the program's own commands pass the policy pack (unit: every rendered command, as the engine shows it)", function () {
    this.timeout(120_000);
    let dir: string;
    let tar: string;
    before(() => {
        // A real archive for the commands that stream one (the pack reads every member).
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-plan-policy-"));
        fs.mkdirSync(path.join(dir, "t", "cutter_agent"), { recursive: true });
        fs.writeFileSync(path.join(dir, "t", "cutter_agent", "cli.py"), "print('x')\n");
        tar = path.join(dir, "r.tar");
        execFileSync("tar", ["-c", "-f", tar, "-C", path.join(dir, "t"), "cutter_agent"]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const resource = (cmd: PlannedCommand) => {
        const o: Record<string, unknown> = { writes: cmd.writes, ...(cmd.guard ? { guard: cmd.guard } : {}) };
        if (cmd.secretInputs.length > 0) { o.stdinSecret = "set"; }
        if (cmd.stdinFile) { o.stdinFile = tar; }
        // A local command (the tag) runs in the source repo whose refs it writes.
        return cmd.where === "local" ? shapes.localCommand(cmd.create, { ...o, dir: (cmd.writes[0] ?? "").replace(/\/\.git\/.*$/, "") }) : shapes.hostCommand(cmd.create, o);
    };
    const groups = (): Array<[string, PlannedCommand[]]> => {
        const out: Array<[string, PlannedCommand[]]> = [];
        for (const [label, c] of [["fixture", fixtureConfig()], ["password", passwordConfig()]] as const) {
            const plan = buildPlan({ ...c, verification: undefined }, { ...FIXTURE_RELEASE, prune: [`20250101T000000Z-${"0".repeat(12)}`] }, readRunbook());
            const delta = buildPlan({ ...c, verification: undefined }, { ...FIXTURE_RELEASE, archivePath: FIXTURE_DELTA.archivePath, delta: FIXTURE_DELTA }, readRunbook());
            const o7 = buildO7Plan(c, buildPlan(c, FIXTURE_RELEASE, readRunbook()), FIXTURE_DEPLOY, FIXTURE_RELEASE.manifestDigest, readRunbook());
            const rb = buildPlan({ ...c, verification: undefined, rollback: true }, FIXTURE_RELEASE, readRunbook());
            out.push([`${label} O6`, orderedCommands(plan)], [`${label} O6 delta`, [delta.swap]], [`${label} O6 rollback`, rollbackCommands(plan)],
                [`${label} O6 reviewed rollback`, rollbackCommands(rb)], [`${label} O7`, o7Commands(o7)], [`${label} O7 rollback`, o7RollbackCommands(o7)]);
        }
        return out;
    };
    it("every guard the program renders proves what it is named for (hostname and markers; a pinned-digest comparison before any successful exit)", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { guardProblems } = require(path.join(ROOT, "policies", "bin", "lib", "verify", "guards")) as { guardProblems: (k: string, s: string, sha: string | undefined, places: { liveTree: string; roots: string[] }) => string[] };
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { DEFAULT_LIVE_TREE, DEFAULT_ROOTS } = require(path.join(ROOT, "policies", "bin", "lib", "analyze")) as { DEFAULT_LIVE_TREE: string; DEFAULT_ROOTS: string[] };
        const places = { liveTree: DEFAULT_LIVE_TREE, roots: DEFAULT_ROOTS };
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { shellParserReady } = require(path.join(ROOT, "policies", "bin", "lib", "parsers", "shell")) as { shellParserReady: () => Promise<void> };
        await shellParserReady();
        const pins = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "pinned", "pins.json"), "utf8")) as { helpers: Record<string, { sha256: string }> };
        let guards = 0;
        for (const [label, cmds] of groups()) {
            for (const cmd of cmds.filter((x) => x.guard)) {
                guards++;
                expect(guardProblems(cmd.guard!, cmd.create, pins.helpers["tree_digest.py"].sha256, places), `${label} ${cmd.resource}`).to.deep.equal([]);
                if (cmd.resource === "pre-state-guard") {
                    // Its only pinned-digest comparison is the tree digest: a helper that is not the pinned one proves nothing.
                    expect(guardProblems(cmd.guard!, cmd.create, "0".repeat(64), places), `${label} ${cmd.resource} with another tree-digest pin`).to.have.length(1);
                }
            }
        }
        expect(guards).to.be.greaterThan(10);
    });
    for (const [label, cmds] of groups()) {
        it(`${label}: ${cmds.map((c) => c.resource).join(", ")}`, async () => {
            for (const cmd of cmds.filter((x) => x.create.trim() !== "")) {
                const f = await analyzeResource(resource(cmd));
                expect(f.map((x) => `${x.policy}: ${x.action}`), `${label} ${cmd.resource}`).to.deep.equal([]);
            }
        });
    }
});
