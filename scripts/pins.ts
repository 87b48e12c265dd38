/**
 * Pins what the policy pack trusts, beside the pack, so that any change to it
 * shows up in the same reviewed diff:
 *   - the serialized code of this program's host-command provider (what the
 *     SDK puts into `__provider` and what the engine would really run), and
 *     its sha256;
 *   - the sha256 of every Python helper in lib/scripts/py/, and which of its
 *     arguments it writes.
 * `node bin/scripts/pins.js` writes policies/pinned/; `--check` only compares
 * (the unit tests run it and fail when a pin is stale).
 */
import * as fs from "fs";
import * as path from "path";
import { sha256Hex } from "../lib/core/digest";
import { HELPERS } from "../lib/scripts/helpers";
import { hostCommandProvider } from "../lib/provider/remoteCommand";

const ROOT = path.join(__dirname, "..", "..");
export const PINNED_DIR = path.join(ROOT, "policies", "pinned");

export interface PinFiles {
    providerText: string;
    pins: string;
}

/** The provider text exactly as the SDK serializes a dynamic provider (dynamic/index.js). */
export async function serializedProvider(): Promise<string> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure");
    const provider = hostCommandProvider;
    const sf = await sc.serializeFunction(() => provider, { allowSecrets: true });
    return sf.text as string;
}

export async function renderPins(): Promise<PinFiles> {
    const providerText = await serializedProvider();
    const pins = {
        provider: sha256Hex(providerText),
        helpers: Object.fromEntries(HELPERS.map((h) => [h.name, { sha256: h.sha256, writesArgs: h.writesArgs, parts: h.parts }])),
    };
    return { providerText, pins: JSON.stringify(pins, null, 2) + "\n" };
}

async function main(): Promise<void> {
    const want = await renderPins();
    const files: Array<[string, string]> = [["host-command-provider.js", want.providerText], ["pins.json", want.pins]];
    if (process.argv.includes("--check")) {
        const stale = files.filter(([f, t]) => !fs.existsSync(path.join(PINNED_DIR, f)) || fs.readFileSync(path.join(PINNED_DIR, f), "utf8") !== t);
        if (stale.length > 0) {
            console.error(`policies/pinned is stale (${stale.map(([f]) => f).join(", ")}): run node bin/scripts/pins.js and review the diff`);
            process.exit(1);
        }
        console.log("policies/pinned is current");
        return;
    }
    fs.mkdirSync(PINNED_DIR, { recursive: true });
    for (const [f, t] of files) {
        fs.writeFileSync(path.join(PINNED_DIR, f), t);
    }
    console.log(`pinned provider ${JSON.parse(want.pins).provider.slice(0, 12)}… and ${HELPERS.length} helpers in policies/pinned/`);
}

if (require.main === module) {
    main().catch((e) => { console.error(e); process.exit(1); });
}
