/**
 * Golden files: every rendered script and the review package for the fixture
 * config are compared with the checked-in copies under test/golden/, so every
 * change to what runs on the host is a readable diff in review.
 * Regenerate after an intended change: IUCUTTER_UPDATE_GOLDEN=1 bash scripts/test.sh --unit
 * (or `npm run golden`), then read the diff.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { collapseHelpers } from "../../lib/workflow/review";
import { renderedReview, renderedScripts, ROOT } from "../helpers/rendered";

const DIR = path.join(ROOT, "test", "golden");
const UPDATE = process.env.IUCUTTER_UPDATE_GOLDEN === "1";

function golden(rel: string, text: string): void {
    const f = path.join(DIR, rel);
    if (UPDATE) {
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, text);
    }
    expect(fs.existsSync(f), `${rel} has no golden file: run IUCUTTER_UPDATE_GOLDEN=1 bash scripts/test.sh --unit`).to.equal(true);
    const want = fs.readFileSync(f, "utf8");
    if (want !== text) {
        const a = want.split("\n"), b = text.split("\n");
        const i = a.findIndex((l, n) => l !== b[n]);
        expect.fail(`${rel} differs from its golden file at line ${i + 1}:\n  golden:   ${a[i]}\n  rendered: ${b[i]}\n`
            + "If the change is intended: IUCUTTER_UPDATE_GOLDEN=1 bash scripts/test.sh --unit, then review the diff.");
    }
}

describe("golden files (test/golden/)", () => {
    const scripts = renderedScripts();

    it("script names are unique", () => {
        expect(new Set(scripts.map(([n]) => n)).size).to.equal(scripts.length);
    });
    // The pinned helpers' own text is pinned by sha256 (pins.test.ts); here each
    // embedding is shown by name and digest, as the review package shows it.
    for (const [name, text] of scripts) {
        it(`scripts/${name}.sh`, () => golden(`scripts/${name}.sh`, collapseHelpers(text)));
    }
    it("review/o6-review.md", () => golden("review/o6-review.md", renderedReview()));
    it("no stale golden file (each has a rendered script)", () => {
        const want = new Set(scripts.map(([n]) => `${n}.sh`));
        const have = fs.existsSync(path.join(DIR, "scripts")) ? fs.readdirSync(path.join(DIR, "scripts")) : [];
        if (UPDATE) {
            have.filter((f) => !want.has(f)).forEach((f) => fs.rmSync(path.join(DIR, "scripts", f)));
        }
        expect((fs.existsSync(path.join(DIR, "scripts")) ? fs.readdirSync(path.join(DIR, "scripts")) : []).filter((f) => !want.has(f))).to.deep.equal([]);
    });
});
