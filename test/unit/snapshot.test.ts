/**
 * The test helper's host listing (test/helpers/sandbox.ts fullTreeListing),
 * behind every "nothing written" assertion: it must see empty directories,
 * directory modes, symlink targets and bytecode, which the release digest
 * deliberately ignores.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fullTreeListing } from "../helpers/sandbox";

describe("host snapshot listing (test helper)", () => {
    const base = () => {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-snap-"));
        fs.mkdirSync(path.join(d, "pkg"), { mode: 0o755 });
        fs.writeFileSync(path.join(d, "pkg", "a.py"), "x = 1\n");
        fs.symlinkSync("a.py", path.join(d, "pkg", "link.py"));
        fs.chmodSync(path.join(d, "pkg"), 0o755);
        return d;
    };
    const changes: Array<[string, (d: string) => void]> = [
        ["an empty directory", (d) => fs.mkdirSync(path.join(d, "pkg", "empty"))],
        ["a directory mode", (d) => fs.chmodSync(path.join(d, "pkg"), 0o700)],
        ["a file mode", (d) => fs.chmodSync(path.join(d, "pkg", "a.py"), 0o600)],
        ["a symlink target", (d) => { fs.rmSync(path.join(d, "pkg", "link.py")); fs.symlinkSync("../etc/passwd", path.join(d, "pkg", "link.py")); }],
        ["a stray .pyc", (d) => fs.writeFileSync(path.join(d, "pkg", "a.cpython-311.pyc"), "\u0000")],
        ["a __pycache__ dir", (d) => { fs.mkdirSync(path.join(d, "pkg", "__pycache__")); fs.writeFileSync(path.join(d, "pkg", "__pycache__", "a.pyc"), "\u0000"); }],
        ["file content", (d) => fs.appendFileSync(path.join(d, "pkg", "a.py"), "y = 2\n")],
    ];
    for (const [what, change] of changes) {
        it(`sees ${what}`, () => {
            const d = base();
            const before = fullTreeListing(d);
            change(d);
            expect(fullTreeListing(d)).not.to.deep.equal(before);
        });
    }
    it("is stable when nothing changes", () => {
        const d = base();
        expect(fullTreeListing(d)).to.deep.equal(fullTreeListing(d));
    });
});
