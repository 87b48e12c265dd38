/**
 * The serialized provider code of this program's host commands, exactly as
 * the SDK puts it into `__provider` (written by scripts/pins.ts beside its
 * digest). Tests build trusted resources from it; anything else is an
 * impersonation.
 */
import * as fs from "fs";
import * as path from "path";

const candidates = [path.join(__dirname, "..", "..", "pinned", "host-command-provider.js"), path.join(__dirname, "..", "..", "..", "pinned", "host-command-provider.js")];

export const TRUSTED_PROVIDER: string = fs.readFileSync(candidates.find((c) => fs.existsSync(c)) ?? candidates[0], "utf8");
