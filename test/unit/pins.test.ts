/**
 * The pins beside the policy pack (policies/pinned/) are exactly what the
 * build derives now: the serialized host-command provider and the digests of
 * the Python helpers. A change to either must come with its new pin, so it
 * shows in the same reviewed diff.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { HELPERS } from "../../lib/scripts/helpers";
import { PINNED_DIR, renderPins } from "../../scripts/pins";

describe("policy pack pins (policies/pinned)", function () {
    // Serializing the provider loads the SDK's closure machinery: seconds on a loaded machine.
    this.timeout(60_000);
    it("pin the provider code exactly as the SDK serializes it, and every helper's sha256", async () => {
        const want = await renderPins();
        expect(fs.readFileSync(path.join(PINNED_DIR, "host-command-provider.js"), "utf8"), "run node bin/scripts/pins.js").to.equal(want.providerText);
        expect(fs.readFileSync(path.join(PINNED_DIR, "pins.json"), "utf8"), "run node bin/scripts/pins.js").to.equal(want.pins);
        const pins = JSON.parse(want.pins) as { helpers: Record<string, { sha256: string }> };
        expect(Object.keys(pins.helpers).sort()).to.deep.equal(HELPERS.map((h) => h.name).sort());
    });
    it("keep every helper usable as a heredoc body", () => {
        for (const h of HELPERS) {
            expect(h.text.endsWith("\n"), `${h.name} ends with a newline (heredoc body)`).to.equal(true);
            expect(h.text.split("\n")).to.not.include("PY", `${h.name} must not contain the heredoc delimiter line`);
        }
    });
});
