/**
 * The architecture, checked: lib/ is layered and nothing low imports
 * something high; nothing under lib/ imports components/ (wiring) or the
 * program; the policy pack is self-contained (it never imports the program),
 * and the program borrows exactly one pure module from it (the psql reader).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..", "..");
/** Lowest first: a module may import its own layer and the layers before it. */
const LAYERS = ["core", "config", "host", "scripts", "release", "plan", "provider", "workflow"];
/** The one module of the pack the program reads with (GAP-6's runbook, one SQL reader). */
const SHARED_FROM_PACK = ["policies/lib/parsers/psqlText.ts"];

function tsFiles(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) { return e.name === "node_modules" || e.name === "bin" ? [] : tsFiles(rel); }
        return e.name.endsWith(".ts") ? [rel] : [];
    });
}

/** Relative imports of a file, as repo paths. */
function imports(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const out: string[] = [];
    for (const m of text.matchAll(/(?:from|import\(|require\()\s*"(\.[^"]+)"/g)) {
        out.push(path.normalize(path.join(path.dirname(file), m[1])) + ".ts");
    }
    return out;
}

describe("architecture: layers and boundaries", () => {
    const lib = tsFiles("lib");

    it("every lib/ module is in a known layer", () => {
        for (const f of lib) {
            expect(LAYERS, f).to.include(f.split(path.sep)[1]);
        }
    });

    it("nothing in lib/ imports a higher layer, components/, the program or the pack (but its psql reader)", () => {
        const bad: string[] = [];
        for (const f of lib) {
            const mine = LAYERS.indexOf(f.split(path.sep)[1]);
            for (const imp of imports(f)) {
                if (SHARED_FROM_PACK.includes(imp)) { continue; }
                const [top, layer] = imp.split(path.sep);
                if (top !== "lib") { bad.push(`${f} imports ${imp}`); continue; }
                if (LAYERS.indexOf(layer) > mine) { bad.push(`${f} (${LAYERS[mine]}) imports ${imp} (${layer})`); }
            }
        }
        expect(bad).to.deep.equal([]);
    });

    it("components/ are wiring: they import lib/ and each other, never scripts/ or the program", () => {
        const bad = tsFiles("components").flatMap((f) => imports(f).filter((i) => !i.startsWith("lib" + path.sep) && !i.startsWith("components" + path.sep)).map((i) => `${f} imports ${i}`));
        expect(bad).to.deep.equal([]);
    });

    it("the policy pack never imports the program", () => {
        const pack = [...tsFiles("policies")].filter((f) => !f.startsWith(path.join("policies", "test")));
        const bad = pack.flatMap((f) => imports(f).filter((i) => !i.startsWith("policies" + path.sep)).map((i) => `${f} imports ${i}`));
        expect(bad).to.deep.equal([]);
    });

    it("the module the program borrows from the pack imports nothing", () => {
        for (const f of SHARED_FROM_PACK) {
            expect(imports(f), f).to.deep.equal([]);
            expect(fs.readFileSync(path.join(ROOT, f), "utf8")).not.to.match(/require\(|^import /m);
        }
    });

    it("shell is quoted by construction: only the sh template (lib/scripts/shell.ts) calls shq", () => {
        const bad = lib.filter((f) => !f.endsWith(path.join("scripts", "shell.ts")) && /\bshq\(/.test(fs.readFileSync(path.join(ROOT, f), "utf8")));
        expect(bad).to.deep.equal([]);
    });
});
