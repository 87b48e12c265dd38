/**
 * fan_out.py, the shared first part of tree_digest.py and assert_release.py:
 * per-file work spread over forked workers gives exactly the sequential
 * result, a worker's failure fails the run, and no worker outlives the run.
 * Then the two helpers on trees large enough to fan out, against the same
 * helpers held to one CPU (`taskset -c 0`: sequential).
 */
import { expect } from "chai";
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ASSERT_RELEASE, helperPart, TREE_DIGEST } from "../../lib/scripts/helpers";
import { processRunning } from "../helpers/procs";

const FIXTURE = path.join(__dirname, "..", "..", "..", "fixtures", "iu-cutter-v0.6");
const FAN_OUT = helperPart("fan_out.py");
const CPUS = Number(execFileSync("python3", ["-c", "import os; print(len(os.sched_getaffinity(0)))"], { encoding: "utf8" }).trim());
/** What fan_out.py spreads n items over here (FAN_OUT_MOST 4, FAN_OUT_EACH 200). */
const workersFor = (n: number) => Math.max(1, Math.min(4, CPUS, Math.floor(n / 200)));

function py(code: string, opts: { oneCpu?: boolean } = {}) {
    const [cmd, args] = opts.oneCpu ? ["taskset", ["-c", "0", "python3", "-"]] : ["python3", ["-"]];
    return spawnSync(cmd, args, { input: FAN_OUT + code, encoding: "utf8" });
}
const tmp = (p: string) => fs.mkdtempSync(path.join(os.tmpdir(), p));

describe("fan_out.py: per-file work over forked workers", function () {
    this.timeout(60_000);

    it("this machine lets a process use more than one CPU (else the fan-out below is never exercised)", () => {
        expect(CPUS, "CI and the sandbox have 2 cores").to.be.greaterThan(1);
    });

    it("returns every item's result in item order, computed by one process per CPU for a large n", () => {
        const r = py("import json\nprint(json.dumps(fan_out(1000, lambda i: [i * i, os.getpid()])))");
        expect(r.status, r.stderr).to.equal(0);
        const out = JSON.parse(r.stdout) as Array<[number, number]>;
        expect(out.map(([v]) => v)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i * i));
        const pids = [...new Set(out.map(([, p]) => p))];
        expect(pids.length, `processes for 1000 items on ${CPUS} CPUs`).to.equal(workersFor(1000));
        // every Nth item each: item i is done by worker i mod N
        const byItem = out.map(([, p]) => pids.indexOf(p));
        expect(byItem.slice(0, 8)).to.deep.equal(Array.from({ length: 8 }, (_, i) => i % pids.length));
    });

    it("stays in one process for a small n, and on one CPU", () => {
        for (const [n, oneCpu] of [[399, false], [1000, true]] as Array<[number, boolean]>) {
            const r = py(`import json\nprint(json.dumps(sorted(set(fan_out(${n}, lambda i: os.getpid())))))`, { oneCpu });
            expect(r.status, r.stderr).to.equal(0);
            expect(JSON.parse(r.stdout), `n=${n}, one CPU: ${oneCpu}`).to.have.length(1);
        }
    });

    it("raises a worker's exception in the caller, as if the work had run there (type, errno, file name)", () => {
        const code = "try:\n    fan_out(1000, lambda i: open('/nonexistent-dir/%d' % i) if i == 1 else i)\nexcept OSError as e:\n    print(type(e).__name__, e.errno, e.filename)\n";
        for (const oneCpu of [false, true]) {
            const r = py(code, { oneCpu });
            expect(r.status, r.stderr).to.equal(0);
            expect(r.stdout.trim(), `one CPU: ${oneCpu}`).to.equal("FileNotFoundError 2 /nonexistent-dir/1");
        }
    });

    it("fails the run when a worker ends without its results, naming the worker", () => {
        const r = py("fan_out(1000, lambda i: os._exit(3) if i == 1 else i)\nprint('not reached')");
        expect(r.status).to.not.equal(0);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.contain(`fan_out: worker 1 of ${workersFor(1000)} ended without its`).and.contain("nothing it did is taken");
    });

    it("a failure in the caller's own share stops the workers at once", () => {
        const dir = tmp("iucutter-fanout-");
        try {
            // worker 1 would sleep for a minute; item 0 (the caller's) fails first
            const code = `import time\ndef work(i):\n    if i == 1:\n        open(${JSON.stringify(dir)} + '/w', 'w').write(str(os.getpid()))\n        time.sleep(60)\n    if i == 0:\n        time.sleep(0.5)\n        raise ValueError('own share')\n    return i\nfan_out(1000, work)\n`;
            const t0 = Date.now();
            const r = py(code);
            expect(r.status).to.not.equal(0);
            expect(r.stderr).to.contain("ValueError: own share");
            expect(Date.now() - t0, "did not wait for the sleeping worker").to.be.lessThan(20_000);
            expect(processRunning(Number(fs.readFileSync(path.join(dir, "w"), "utf8"))), "the worker is gone").to.equal(false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a worker dies with the run when the run is killed (SIGKILL), so none writes on", async () => {
        const dir = tmp("iucutter-fanout-");
        try {
            const code = `import time\ndef work(i):\n    if i < 2:\n        open(${JSON.stringify(dir)} + '/%d' % i, 'w').write(str(os.getpid()))\n        time.sleep(60)\n    return i\nfan_out(1000, work)\n`;
            const child = spawn("python3", ["-"], { stdio: ["pipe", "ignore", "ignore"] });
            child.stdin.end(FAN_OUT + code);
            const deadline = Date.now() + 20_000;
            while (!(fs.existsSync(path.join(dir, "0")) && fs.existsSync(path.join(dir, "1"))) && Date.now() < deadline) {
                await new Promise((r) => setTimeout(r, 50));
            }
            const worker = Number(fs.readFileSync(path.join(dir, "1"), "utf8"));
            expect(worker, "item 1 ran in a worker").to.not.equal(child.pid);
            child.kill("SIGKILL");
            await new Promise((r) => child.on("exit", r));
            const gone = Date.now() + 5_000;
            while (processRunning(worker) && Date.now() < gone) {
                await new Promise((r) => setTimeout(r, 50));
            }
            expect(processRunning(worker), "the worker died with the run").to.equal(false);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("the helpers on trees large enough to fan out: the same results as on one CPU", function () {
    this.timeout(120_000);
    let dir: string;
    let tree: string;
    /** The fixture plus 600 Python files in nested dirs, a link and an executable. */
    beforeEach(() => {
        dir = tmp("iucutter-fanout-tree-");
        tree = path.join(dir, "tree");
        fs.cpSync(FIXTURE, tree, { recursive: true });
        for (let i = 0; i < 600; i++) {
            const d = path.join(tree, "cutter_agent", `pkg${i % 7}`, `sub${i % 3}`);
            fs.mkdirSync(d, { recursive: true });
            fs.writeFileSync(path.join(d, `m${i}.py`), `VALUE_${i} = ${i}\n\ndef f${i}(x):\n    return x + ${i}\n`);
        }
        fs.symlinkSync("cli.py", path.join(tree, "cutter_agent", "entry.py"));
        fs.chmodSync(path.join(tree, "cutter_agent", "cli.py"), 0o755);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const run = (text: string, args: string[], oneCpu = false) =>
        spawnSync(oneCpu ? "taskset" : "python3", oneCpu ? ["-c", "0", "python3", "-", ...args] : ["-", ...args], { input: text, encoding: "utf8" });

    /** The tree's digest by the helper held to one CPU (sequential; its agreement with lib/core/digest.ts: treeDigestHelpers, release tests). */
    const sequential = () => run(TREE_DIGEST.text, [tree], true).stdout.trim();
    /** Every file and link, as the helpers order them (path bytes). */
    const entries = (): string[] => {
        const out: string[] = [];
        const walk = (d: string, prefix: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                if (e.isDirectory()) { walk(path.join(d, e.name), prefix + e.name + "/"); } else { out.push(prefix + e.name); }
            }
        };
        walk(tree, "");
        return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    };

    it("tree_digest: the same digest fanned out as on one CPU", () => {
        const want = sequential();
        expect(want).to.match(/^[0-9a-f]{64} 6\d\d$/);
        const r = run(TREE_DIGEST.text, [tree]);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout.trim()).to.equal(want);
    });

    it("tree_digest --stage: the same staged tree, listing and digests; a file it cannot read in a worker's share fails the run with its name", () => {
        const expected = sequential();
        const out: string[] = [];
        const listings: string[] = [];
        for (const oneCpu of [false, true]) {
            const stage = tmp("iucutter-fanout-stage-");
            const r = run(TREE_DIGEST.text, [tree, "--stage", expected, path.join(stage, "cache"), stage], oneCpu);
            expect(r.status, r.stderr).to.equal(0);
            out.push(r.stdout);
            listings.push(fs.readFileSync(path.join(stage, "listing"), "utf8"));
            expect(run(TREE_DIGEST.text, [path.join(stage, "tree")], true).stdout.trim(), "the staged tree, from disk").to.equal(expected);
            const hit = run(TREE_DIGEST.text, [path.join(stage, "tree"), "--cached", path.join(stage, "cache")]);
            expect(hit.stdout.trim(), "the recorded signature is the staged tree's").to.equal(expected);
            fs.rmSync(stage, { recursive: true, force: true });
        }
        expect(out[0]).to.equal(`${expected} ${expected}\n`);
        expect(out[1]).to.equal(out[0]);
        expect(listings[1]).to.equal(listings[0]);
        // A file it cannot read, in a worker's share (every other entry, from the second): the run fails with its name.
        const all = entries();
        const victim = all.find((e, i) => e.endsWith(".py") && i > 200 && i % workersFor(all.length) === 1)!;
        fs.chmodSync(path.join(tree, victim), 0o000);
        const stage = tmp("iucutter-fanout-stage-");
        try {
            // root without the capabilities that pass over file modes
            const r = spawnSync("setpriv", ["--bounding-set=-dac_override,-dac_read_search", "python3", "-", tree, "--stage", expected, path.join(stage, "cache"), stage], { input: TREE_DIGEST.text, encoding: "utf8" });
            expect(r.status, r.stderr).to.equal(1);
            expect(r.stderr).to.equal(`tree_digest: ${path.join(tree, victim)}: Permission denied\n`);
        } finally {
            fs.chmodSync(path.join(tree, victim), 0o644);
            fs.rmSync(stage, { recursive: true, force: true });
        }
    });

    it("assert_release: the same verdicts, problems in the same order, and the same cache, fanned out or not", () => {
        const bad = ["cutter_agent/pkg1/sub1/m1.py", "cutter_agent/pkg2/sub2/m2.py", "cutter_agent/pkg5/sub2/m5.py"];
        fs.appendFileSync(path.join(tree, bad[0]), "import cutter_agent.config as c\nc.execution_enabled = True\n");
        fs.appendFileSync(path.join(tree, bad[1]), "setattr(c, name, True)\n");
        fs.appendFileSync(path.join(tree, bad[2]), "def execution_enabled():\n    pass\n");
        const results = [false, true].map((oneCpu) => {
            const cache = path.join(dir, `cache-${oneCpu}`);
            const r = run(ASSERT_RELEASE.text, [tree, "0.6.0", "--cache", cache, "k"], oneCpu);
            return { status: r.status, stderr: r.stderr, cache: fs.existsSync(cache) };
        });
        expect(results[0].status).to.equal(1);
        const lines = results[0].stderr.trim().split("\n");
        expect(lines).to.have.length(3);
        bad.forEach((b, i) => expect(lines[i]).to.match(new RegExp(`^ASSERTION FAILED: KillSwitch: ${b} `)));
        expect(results[1]).to.deep.equal(results[0]);
        expect(results[0].cache, "no cache from a failing run").to.equal(false);
        // clean: the cache lists every file but config.py, the same either way
        for (const b of bad) {
            fs.writeFileSync(path.join(tree, b), "X = 1\n");
        }
        const caches = [false, true].map((oneCpu) => {
            const cache = path.join(dir, `clean-${oneCpu}`);
            const r = run(ASSERT_RELEASE.text, [tree, "0.6.0", "--cache", cache, "k"], oneCpu);
            expect(r.status, r.stderr).to.equal(0);
            return fs.readFileSync(cache, "utf8");
        });
        expect(caches[1]).to.equal(caches[0]);
        const pyFiles = execFileSync("find", [tree, "-name", "*.py", "-type", "f"], { encoding: "utf8" }).trim().split("\n").length;
        const distinct = new Set(execFileSync("find", [tree, "-name", "*.py", "-type", "f", "-not", "-path", "*/cutter_agent/config.py", "-exec", "sha256sum", "{}", "+"], { encoding: "utf8" }).trim().split("\n").map((l) => l.split(" ")[0]));
        expect(caches[0].trim().split("\n").length - 1, `${pyFiles} .py files`).to.equal(distinct.size);
    });
});
