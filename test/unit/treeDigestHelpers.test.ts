/**
 * The three tree-digest helpers are one definition: the full digest (guards,
 * swap), the cached read (probe) and the recording (verified staging) agree on
 * every tree, bytecode included, so stray *.pyc are drift everywhere and a
 * new one can never hide behind a cache hit.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TREE_DIGEST } from "../../lib/scripts/helpers";

const run = (text: string, ...args: string[]) => execFileSync("python3", ["-", ...args], { input: text, encoding: "utf8" }).trim();

describe("tree digest helpers agree (bytecode included)", function () {
    this.timeout(30_000);
    let dir: string;
    let tree: string;
    let cache: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-td-"));
        tree = path.join(dir, "t");
        cache = path.join(dir, "cache");
        fs.mkdirSync(path.join(tree, "a", "__pycache__"), { recursive: true });
        fs.writeFileSync(path.join(tree, "a", "x.py"), "x = 1\n");
        fs.writeFileSync(path.join(tree, "a", "__pycache__", "x.cpython-311.pyc"), Buffer.from([0, 1, 2]));
        fs.symlinkSync("a/x.py", path.join(tree, "l"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("full, cached (miss), recorded and cached (hit) give the same digest, counting the bytecode", () => {
        const full = run(TREE_DIGEST.text, tree);
        expect(full).to.match(/^[0-9a-f]{64} 3$/);
        expect(run(TREE_DIGEST.text, tree, "--cached", cache)).to.equal(full);
        expect(run(TREE_DIGEST.text, tree, "--record", full, cache)).to.equal(full);
        expect(fs.existsSync(cache), "recorded").to.equal(true);
        expect(run(TREE_DIGEST.text, tree, "--cached", cache)).to.equal(full);
    });

    it("a new .pyc after the recording misses the cache and changes the digest", () => {
        const full = run(TREE_DIGEST.text, tree);
        run(TREE_DIGEST.text, tree, "--record", full, cache);
        fs.writeFileSync(path.join(tree, "a", "__pycache__", "y.cpython-311.pyc"), "stray");
        const now = run(TREE_DIGEST.text, tree);
        expect(now).not.to.equal(full);
        expect(run(TREE_DIGEST.text, tree, "--cached", cache)).to.equal(now);
    });
});
