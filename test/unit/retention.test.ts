/**
 * Retention of previous trees (issue 15): the oldest timestamped artifact dirs
 * beyond retention.artifacts are pruned by a reviewed command with literal
 * paths; a rollback target the ledger names, the env backup and a kept
 * hand-edited tree never are.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { parseStackConfig } from "../../lib/config/config";
import { artifactsToPrune, retentionScript } from "../../lib/scripts/o6";
import { rawConfig } from "../helpers/configFixture";

const t = (day: number, n = "") => `202601${String(day).padStart(2, "0")}T000000Z-${"a".repeat(12)}${n}`;

describe("retention of previous trees", () => {
    const names = [t(1), t(2), t(3), t(4), t(5), "env-production", "20260106T000000Z-hand-edited"];

    it("keeps the newest N timestamped trees and prunes the older ones", () => {
        expect(artifactsToPrune(names, "", 3)).to.deep.equal([t(1), t(2)]);
        expect(artifactsToPrune(names, "", 5)).to.deep.equal([]);
        expect(artifactsToPrune(names, "", 1)).to.deep.equal([t(1), t(2), t(3), t(4)]);
    });

    it("never prunes what the ledger names (the last previous tree and the origin a rollback restores)", () => {
        const ledger = `digest=${"e".repeat(64)} artifact=/opt/incomex/.iu-cutter-staging/artifacts/${t(5)} origin_artifact=/opt/incomex/.iu-cutter-staging/artifacts/${t(1)} pre_tree=x`;
        expect(artifactsToPrune(names, ledger, 1)).to.deep.equal([t(2), t(3), t(4)]);
    });

    it("never touches the env backup, hand-edited trees or names it does not recognize", () => {
        expect(artifactsToPrune([...names, "x; reboot", "../../etc"], "", 1)).to.not.include.members(["env-production", "20260106T000000Z-hand-edited", "x; reboot", "../../etc"]);
    });

    it("the rendered command removes exactly the listed dirs, and is valid bash", async () => {
        const c = parseStackConfig({ ...rawConfig(), retention: { artifacts: 2 } }, ["backupGpgFpr", "governancePrincipal"]);
        const s = retentionScript(c, [t(1), t(2)]);
        expect(s).to.contain(`rm -r -- /opt/incomex/.iu-cutter-staging/artifacts/${t(1)}`);
        expect(s.match(/rm -r/g)).to.have.length(2);
        expect(spawnSync("bash", ["-n"], { input: s }).status).to.equal(0);
        expect(c.retention.artifacts).to.equal(2);
        expect(parseStackConfig(rawConfig(), ["backupGpgFpr", "governancePrincipal"]).retention.artifacts, "default").to.equal(5);
        expect(() => parseStackConfig({ ...rawConfig(), retention: { artifacts: 0 } }, ["backupGpgFpr", "governancePrincipal"])).to.throw(/retention\.artifacts: must keep at least 1/);
    });
});
