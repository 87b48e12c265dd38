/**
 * scripts/setup.sh and an operator's own Pulumi CLI: one at or above the
 * pinned version is used and named; an older one is not; the tests' own runs
 * (IUCUTTER_PINNED_TOOLCHAIN=1) never use it. A fake CLI that only prints its
 * version stands in for the installed one, in a throw-away toolchain dir.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..", "..");
const PINNED = /^PULUMI_VERSION=(.*)$/m.exec(fs.readFileSync(path.join(ROOT, "toolchain", "versions.env"), "utf8"))![1];

function fakeCli(version: string): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-fake-pulumi-"));
    for (const n of ["pulumi", "pulumi-language-nodejs"]) {
        fs.writeFileSync(path.join(d, n), `#!/bin/sh\necho v${version}\n`, { mode: 0o755 });
    }
    return d;
}

/** Runs setup up to the toolchain step with a fake installed CLI; returns its log and what BIN/pulumi is. */
function setupWith(installed: string, env: Record<string, string> = {}) {
    const fake = fakeCli(installed);
    const tc = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-tc-"));
    // The real pinned build stands in the toolchain already (a copy), so that no test builds Go code.
    fs.mkdirSync(path.join(tc, "bin"));
    for (const n of ["pulumi", "pulumi-language-nodejs"]) {
        fs.copyFileSync(path.join(ROOT, ".toolchain", "bin", n), path.join(tc, "bin", n));
    }
    const r = spawnSync("bash", [path.join(ROOT, "scripts", "setup.sh")], {
        encoding: "utf8", env: { ...process.env, PATH: `${fake}:${process.env.PATH}`, IUCUTTER_TOOLCHAIN_DIR: tc, IUCUTTER_PINNED_TOOLCHAIN: "0", IUCUTTER_SETUP_TOOLCHAIN_ONLY: "1", ...env },
    });
    const bin = path.join(tc, "bin", "pulumi");
    const link = fs.lstatSync(bin).isSymbolicLink() ? fs.readlinkSync(bin) : undefined;
    const version = spawnSync(bin, ["version"], { encoding: "utf8" }).stdout.trim();
    fs.rmSync(fake, { recursive: true, force: true });
    fs.rmSync(tc, { recursive: true, force: true });
    return { status: r.status, log: r.stderr, link, version, fake };
}

describe("setup and an installed Pulumi CLI", function () {
    this.timeout(300_000);
    it("uses an installed CLI at or above the pinned version, and says so", () => {
        const r = setupWith("3.999.0");
        expect(r.status, r.log).to.equal(0);
        expect(r.log).to.contain(`using the installed Pulumi CLI v3.999.0 at ${r.fake}/pulumi (pinned: v${PINNED}`);
        expect(r.link).to.equal(`${r.fake}/pulumi`);
        expect(r.version).to.equal("v3.999.0");
    });
    it("keeps the pinned build when the installed CLI is older", () => {
        const r = setupWith("3.100.0");
        expect(r.status, r.log).to.equal(0);
        expect(r.log).not.to.contain("using the installed Pulumi CLI");
        expect(r.link).to.equal(undefined);
        expect(r.version).to.equal(`v${PINNED}`);
    });
    it("keeps the pinned build for the tests (IUCUTTER_PINNED_TOOLCHAIN=1)", () => {
        const r = setupWith("3.999.0", { IUCUTTER_PINNED_TOOLCHAIN: "1" });
        expect(r.status, r.log).to.equal(0);
        expect(r.link).to.equal(undefined);
        expect(r.version).to.equal(`v${PINNED}`);
    });
});
