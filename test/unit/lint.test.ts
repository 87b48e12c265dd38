/** ESLint (typescript-eslint, eslint.config.mjs) over the program, the pack, the scripts and the tests: no finding. */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..", "..");

describe("lint", function () {
    this.timeout(120_000);
    it("eslint reports nothing (errors or warnings)", () => {
        const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "eslint"), ["--max-warnings", "0", "."], { cwd: ROOT, encoding: "utf8" });
        expect(r.error, "eslint is installed by scripts/setup.sh (npm ci)").to.equal(undefined);
        expect(`${r.stdout}${r.stderr}`.trim(), "eslint findings").to.equal("");
        expect(r.status).to.equal(0);
    });
});
