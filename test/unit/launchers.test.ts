/**
 * toolchain/launchers: the engine's two Node plugin launchers find the SDK's
 * script as node's require.resolve would from the directory the engine starts
 * them in (the program's, the policy pack's), pass the engine's arguments
 * through unchanged, and exec node (one process, so the engine's signals
 * reach it). A fake `node` that prints what it was asked to run stands in;
 * the expected path comes from the real node's require.resolve.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..", "..");
const LAUNCHERS = { "pulumi-resource-pulumi-nodejs": "@pulumi/pulumi/cmd/dynamic-provider", "pulumi-analyzer-policy": "@pulumi/pulumi/cmd/run-policy-pack" };

function fakeNode(): string {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-fake-node-"));
    // `node -e` (the fallback's resolve) finds nothing; any other call prints its pid and arguments.
    fs.writeFileSync(path.join(d, "node"), '#!/bin/sh\n[ "$1" = -e ] && exit 1\nprintf "%s\\n" "pid=$$" "$@"\n', { mode: 0o755 });
    return d;
}

function launch(name: string, cwd: string) {
    const fake = fakeNode();
    try {
        const r = spawnSync("/bin/sh", ["-c", `echo "sh=$$"; exec "$0" "$@"`, path.join(ROOT, "toolchain", "launchers", name), "127.0.0.1:1", ".", "-a b"],
            { cwd, encoding: "utf8", env: { ...process.env, PATH: `${fake}:/usr/bin:/bin` } });
        return r;
    } finally {
        fs.rmSync(fake, { recursive: true, force: true });
    }
}

function resolvedFrom(cwd: string, mod: string): string {
    return spawnSync(process.execPath, ["-e", `console.log(require.resolve(${JSON.stringify(mod)}))`], { cwd, encoding: "utf8" }).stdout.trim();
}

describe("toolchain/launchers (the engine's Node plugin launchers)", () => {
    for (const [name, mod] of Object.entries(LAUNCHERS)) {
        for (const dir of ["", "lib/provider", "policies", "bench/empty-program"]) {
            it(`${name} in ./${dir}: runs the script require.resolve finds there, with the engine's arguments, as the same process`, () => {
                const cwd = path.join(ROOT, dir);
                const r = launch(name, cwd);
                expect(r.status, r.stderr).to.equal(0);
                const [sh, pid, script, ...args] = r.stdout.trim().split("\n");
                expect(script).to.equal(resolvedFrom(cwd, mod));
                expect(args).to.deep.equal(["127.0.0.1:1", ".", "-a b"]);
                expect(pid.slice(4), "exec: node replaces the launcher").to.equal(sh.slice(3));
            });
        }
        it(`${name} with no @pulumi/pulumi above its directory: says so and what to run, exit 1`, () => {
            const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-no-sdk-"));
            try {
                expect(resolvedFrom(cwd, mod), "precondition: nothing to find from here").to.equal("");
                const r = launch(name, cwd);
                expect(r.status).to.equal(1);
                expect(r.stderr).to.contain(`${name}: @pulumi/pulumi is not installed under ${fs.realpathSync(cwd)} or any parent; run: bash scripts/setup.sh`);
            } finally {
                fs.rmSync(cwd, { recursive: true, force: true });
            }
        });
        it(`${name} passes shellcheck (POSIX sh)`, () => {
            const r = spawnSync("shellcheck", ["-s", "sh", "-f", "gcc", path.join(ROOT, "toolchain", "launchers", name)], { encoding: "utf8" });
            expect(r.stdout + r.stderr).to.equal("");
            expect(r.status).to.equal(0);
        });
    }
    it("setup.sh installs exactly these launchers into the toolchain", () => {
        for (const name of Object.keys(LAUNCHERS)) {
            expect(fs.readFileSync(path.join(ROOT, ".toolchain", "bin", name), "utf8"), name)
                .to.equal(fs.readFileSync(path.join(ROOT, "toolchain", "launchers", name), "utf8"));
        }
    });
});
