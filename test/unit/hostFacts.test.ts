/** Host facts the probe reports and the identity rule refuses (issue 15): layout and clock. */
import { expect } from "chai";
import { parseStackConfig } from "../../lib/config/config";
import { clockProblems, layoutProblems, MAX_CLOCK_SKEW_SECONDS } from "../../lib/host/identity";
import { Observation } from "../../lib/host/observe";
import { rawConfig } from "../helpers/configFixture";

const cfg = () => parseStackConfig(rawConfig(), ["backupGpgFpr", "governancePrincipal"]);
const obs = (extra: Partial<Observation>): Observation => ({
    hostname: "h", marker: "present", envfile: "present", tree: "x 1", compose: "c", envProduction: "e", envProductionOriginal: "",
    dotGitStatus: "d", dotRemotes: "", journal: "", ledger: "", ...extra,
});

describe("host facts: clock skew", () => {
    const now = Date.UTC(2026, 11, 2, 6, 0, 0);
    it("accepts a host within the allowed skew, either way", () => {
        expect(clockProblems(obs({ clock: String(now / 1000 + MAX_CLOCK_SKEW_SECONDS) }), now)).to.deep.equal([]);
        expect(clockProblems(obs({ clock: String(now / 1000 - MAX_CLOCK_SKEW_SECONDS) }), now)).to.deep.equal([]);
    });
    it("refuses a host clock in 2001, naming both clocks", () => {
        const p = clockProblems(obs({ clock: "978307200" }), now);
        expect(p).to.have.length(1);
        expect(p[0]).to.match(/^the host clock \(2001-01-01T00:00:00\.000Z\) is \d+ s behind the operator's \(2026-12-02T06:00:00\.000Z\)/);
    });
    it("refuses a host clock just past the limit ahead", () => {
        expect(clockProblems(obs({ clock: String(now / 1000 + MAX_CLOCK_SKEW_SECONDS + 1) }), now)[0]).to.match(/301 s ahead of the operator's/);
    });
    it("refuses an unreadable clock", () => {
        expect(clockProblems(obs({ clock: "" }), now)[0]).to.match(/could not be read/);
    });
});

describe("host facts: layout", () => {
    it("names a symlinked live tree, a symlinked staging dir and staging on another filesystem", () => {
        const p = layoutProblems(cfg(), obs({ layout: " target-symlink:iu-cutter-real staging-symlink:/tmp/x staging-other-fs:/opt/incomex/.iu-cutter-staging" }));
        expect(p).to.have.length(3);
        expect(p[0]).to.match(/the live tree \/opt\/incomex\/dot\/iu-cutter is a symlink \(to iu-cutter-real\)/);
        expect(p[1]).to.match(/the staging dir \/opt\/incomex\/\.iu-cutter-staging is a symlink \(to \/tmp\/x\)/);
        expect(p[2]).to.match(/is on another filesystem \(\/opt\/incomex\/\.iu-cutter-staging\) than \/opt\/incomex\/dot/);
    });
    it("finds nothing in a clean layout", () => {
        expect(layoutProblems(cfg(), obs({ layout: "" }))).to.deep.equal([]);
    });
});
