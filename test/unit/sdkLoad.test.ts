/**
 * The program loads the SDK's modules it uses, not the package's index
 * (lib/core/pulumiSdk.ts): the index adds npm's arborist, pacote and the
 * Automation API to every run. Each check runs in its own node process, so
 * that what this test process has loaded does not count.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as path from "path";

const BIN = path.join(__dirname, "..", "..");
const REPO = path.join(BIN, "..");

/** Loads what the SDK's launcher has loaded before the program (runtime/stack), then `entry`; reports what `entry` added. */
function loadedBy(entry: string): { added: string[]; index: boolean; arborist: boolean; automation: boolean } {
    const js = `
        require("@pulumi/pulumi/runtime/stack");
        const before = new Set(Object.keys(require.cache));
        require(${JSON.stringify(entry)});
        const ks = Object.keys(require.cache);
        console.log(JSON.stringify({
            added: ks.filter((k) => !before.has(k)),
            index: ks.includes(require.resolve("@pulumi/pulumi")),
            arborist: ks.some((k) => k.includes("/node_modules/@npmcli/arborist/")),
            automation: ks.some((k) => k.includes("/@pulumi/pulumi/automation/")),
        }));`;
    return JSON.parse(execFileSync("node", ["-e", js], { cwd: BIN, encoding: "utf8" }));
}

describe("the program's SDK: its own modules, not the package's index", function () {
    this.timeout(30000);

    it("an empty program that requires @pulumi/pulumi loads the index, arborist and the Automation API (what the check detects)", () => {
        const empty = loadedBy(path.join(REPO, "bench", "empty-program", "index.js"));
        expect(empty.index).to.equal(true);
        expect(empty.arborist).to.equal(true);
        expect(empty.automation).to.equal(true);
        expect(empty.added.length).to.be.greaterThan(500);
    });

    it("the program (bin/index.js and everything it imports) loads none of them", () => {
        const prog = loadedBy("./index.js");
        expect(prog.index, "@pulumi/pulumi/index.js").to.equal(false);
        expect(prog.arborist, "@npmcli/arborist").to.equal(false);
        expect(prog.automation, "@pulumi/pulumi/automation").to.equal(false);
        const sdk = prog.added.filter((k) => k.includes("/node_modules/@pulumi/")).map((k) => k.replace(/.*\/node_modules\//, ""));
        expect(sdk, "SDK modules beyond the launcher's").to.have.length.below(10);
    });

    it("every name lib/core/pulumiSdk.ts exports is the very object the index exports", () => {
        const js = `
            const sdk = require("./lib/core/pulumiSdk");
            const idx = require("@pulumi/pulumi");
            const rows = [];
            for (const k of Object.keys(sdk)) {
                if (k === "runtime") { for (const f of Object.keys(sdk.runtime)) rows.push(["runtime." + f, sdk.runtime[f] === idx.runtime[f]]); }
                else if (k === "log") { for (const f of Object.keys(idx.log)) rows.push(["log." + f, sdk.log[f] === idx.log[f]]); }
                else rows.push([k, sdk[k] === idx[k]]);
            }
            console.log(JSON.stringify(rows));`;
        const rows: Array<[string, boolean]> = JSON.parse(execFileSync("node", ["-e", js], { cwd: BIN, encoding: "utf8" }));
        expect(rows.map(([k]) => k)).to.include.members(["ComponentResource", "CustomResource", "Output", "all", "secret", "Config", "RunError", "getStack", "log.warn", "runtime.invoke", "runtime.isDryRun", "runtime.allConfig"]);
        expect(rows.filter(([, same]) => !same).map(([k]) => k), "exports that differ from the index's").to.deep.equal([]);
    });
});
