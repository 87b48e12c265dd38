/**
 * The Python helpers the host scripts run, as real files (lib/scripts/py/*.py).
 * Each is embedded verbatim in a `python3 - ARGS <<'PY'` heredoc; the policy
 * pack accepts such code only when its sha256 is pinned in
 * policies/pinned/pins.json (scripts/pins.ts writes the pins; a unit test
 * fails when they are stale).
 */
import * as fs from "fs";
import * as path from "path";
import { sha256Hex } from "../core/digest";

export interface Helper {
    name: string;
    /** The files its text is made of, in order (lib/scripts/py/): shared code first, its own file last. */
    parts: string[];
    text: string;
    sha256: string;
    /** Argument positions (1-based) that the helper writes to. */
    writesArgs: number[];
}

const DIRS = [path.join(__dirname, "py"), path.join(__dirname, "..", "..", "..", "lib", "scripts", "py")];

/** One file of lib/scripts/py, as the helpers embed it. */
export function helperPart(name: string): string {
    for (const d of DIRS) {
        const f = path.join(d, name);
        if (fs.existsSync(f)) {
            return fs.readFileSync(f, "utf8");
        }
    }
    throw new Error(`helper ${name} not found (looked in ${DIRS.join(", ")})`);
}

/** A helper's text is its file, after the files it begins with (`parts`: shared code, e.g. fan_out.py). */
function load(name: string, writesArgs: number[], shared: string[] = []): Helper {
    const parts = [...shared, name];
    const text = parts.map(helperPart).join("");
    return { name, parts, text, sha256: sha256Hex(text), writesArgs };
}

/**
 * Canonical digest of a tree (see lib/core/digest.ts): prints "<sha256> <count>". Plain: reads only;
 * `--cached CACHE`: reads only (the probe); `--record EXPECTED CACHE`: writes CACHE (argument 4);
 * `--stage EXPECTED CACHE STAGE [DROPPED...]`: writes CACHE (argument 4) and STAGE/tree (argument 5).
 */
export const TREE_DIGEST = load("tree_digest.py", [4, 5], ["fan_out.py"]);
/**
 * Post-deploy assertions (version, orchestrator/, kill switch). Parses, never imports. Plain: reads only;
 * `--cache CACHE KEY` (the swap): writes CACHE (argument 4).
 */
export const ASSERT_RELEASE = load("assert_release.py", [4], ["fan_out.py"]);
/** Atomic exchange of two paths (renameat2 RENAME_EXCHANGE). Writes both. */
export const EXCHANGE = load("exchange.py", [1, 2]);


export const HELPERS: Helper[] = [TREE_DIGEST, ASSERT_RELEASE, EXCHANGE];
