/**
 * Every script the program renders passes shellcheck (warnings and errors;
 * the style notes SC2015/SC2317 are about the deliberate `test || fail`
 * idiom). Setup installs Debian's shellcheck; a missing shellcheck fails here.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { renderedScripts } from "../helpers/rendered";

describe("rendered scripts pass shellcheck", () => {
    const scripts = renderedScripts();

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
