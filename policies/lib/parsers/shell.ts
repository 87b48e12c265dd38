/**
 * The shell parser: mvdan.cc/sh/v3 (bash grammar) compiled to WebAssembly
 * from toolchain/shparse (built by scripts/setup.sh into policies/wasm/).
 * Returns the full syntax tree in mvdan's typedjson form. The npm build of the
 * same parser (sh-syntax) only returns statement positions, so it cannot be
 * used to read commands; see README "Policy pack".
 */
import * as fs from "fs";
import * as path from "path";

/** A node of the typedjson tree: `Type` names the Go struct. Its fields are
 * whatever mvdan.cc/sh's struct has; the verifiers read them by name and
 * check every shape they accept. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ShNode = { Type?: string } & Record<string, any>;

export type ShParse = { ast: ShNode } | { error: string };

const WASM_DIRS = [path.join(__dirname, "..", "..", "wasm"), path.join(__dirname, "..", "..", "..", "wasm")];

let loading: Promise<void> | undefined;
let parseFn: ((text: string) => string) | undefined;

function findWasm(): { wasm: string; exec: string } {
    for (const d of WASM_DIRS) {
        const wasm = path.join(d, "shparse.wasm");
        const exec = path.join(d, "wasm_exec.js");
        if (fs.existsSync(wasm) && fs.existsSync(exec)) {
            return { wasm, exec };
        }
    }
    throw new Error(`the shell parser is not built (looked for shparse.wasm and wasm_exec.js in ${WASM_DIRS.join(", ")}); run: bash scripts/setup.sh`);
}

/** Loads the parser once; every policy awaits this before reading a script. */
export function shellParserReady(): Promise<void> {
    if (!loading) {
        loading = (async () => {
            const { wasm, exec } = findWasm();
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            require(exec);
            const GoCtor = (globalThis as unknown as { Go: new () => { importObject: WebAssembly.Imports; run(i: WebAssembly.Instance): Promise<void> } }).Go;
            const go = new GoCtor();
            const { instance } = await WebAssembly.instantiate(fs.readFileSync(wasm), go.importObject);
            void go.run(instance);
            const fn = (globalThis as unknown as { iucutterShParse?: (t: string) => string }).iucutterShParse;
            if (typeof fn !== "function") {
                throw new Error("the shell parser did not start (iucutterShParse missing)");
            }
            parseFn = fn;
        })();
    }
    return loading;
}

const cache = new Map<string, ShParse>();

/** Parses a bash script. Call (and await) shellParserReady() first. */
export function parseShell(text: string): ShParse {
    if (!parseFn) {
        throw new Error("parseShell called before shellParserReady()");
    }
    const hit = cache.get(text);
    if (hit) {
        return hit;
    }
    const res = JSON.parse(parseFn(text)) as ShParse;
    if (cache.size > 2000) {
        cache.clear();
    }
    cache.set(text, res);
    return res;
}
