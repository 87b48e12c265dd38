/**
 * Pulumi.yaml declares every stack config key with a description, the secret
 * keys with `secret: true` (so the engine refuses a plaintext value before
 * the program runs), and nothing the schema does not know.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { OPTIONAL_SECRET_KEYS, SECRET_KEYS, stackConfigSchema } from "../../lib/config/config";
import { rawFromPulumiConfig } from "../../lib/config/config";

const ROOT = path.join(__dirname, "..", "..", "..");

/** The `config:` block of Pulumi.yaml: key -> its attribute lines (two-space keys, four-space attributes). */
function declared(): Map<string, Record<string, string>> {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    const block = text.slice(text.search(/^config:\n/m) + "config:\n".length);
    const out = new Map<string, Record<string, string>>();
    let cur: Record<string, string> | undefined;
    for (const line of block.split("\n")) {
        if (/^\S/.test(line)) { break; }
        const k = /^ {2}([A-Za-z][A-Za-z0-9]*):$/.exec(line);
        const a = /^ {4}([a-z]+): (.*)$/.exec(line);
        if (k) { cur = {}; out.set(k[1], cur); } else if (a && cur) { cur[a[1]] = a[2]; }
    }
    return out;
}

describe("Pulumi.yaml config declarations", () => {
    const keys = Object.keys(stackConfigSchema._def.schema.shape);
    const d = declared();

    it("declares exactly the schema's top-level keys, except the optional secrets (a declared secret would be required on every stack)", () => {
        const optional = OPTIONAL_SECRET_KEYS as readonly string[];
        expect([...d.keys()].sort()).to.deep.equal(keys.filter((k) => !optional.includes(k)).sort());
        for (const k of optional) {
            expect(keys, `${k} is a schema key`).to.include(k);
            expect(d.has(k), `${k} is not declared`).to.equal(false);
        }
    });

    it("gives every key a type and a description", () => {
        for (const [k, attrs] of d) {
            expect(attrs.type, `${k}: type`).to.match(/^(object|string|boolean|integer|array)$/);
            expect(attrs.description ?? "", `${k}: description`).to.have.length.greaterThan(20);
        }
    });

    it("marks the secret keys secret, with no default, and no other key", () => {
        for (const [k, attrs] of d) {
            const secret = (SECRET_KEYS as readonly string[]).includes(k);
            expect(attrs.secret === "true", `${k}: secret`).to.equal(secret);
            if (secret) { expect(attrs.default, `${k}: a secret has no default`).to.equal(undefined); }
        }
    });

    it("an optional section left at its declared default is absent; a required one is validated field by field", () => {
        const raw = rawFromPulumiConfig({ "iu-cutter-deploy:approvals": "{}", "iu-cutter-deploy:o7": "{}", "iu-cutter-deploy:host": "{}" });
        expect(raw).to.deep.equal({ host: {} });
    });
});
