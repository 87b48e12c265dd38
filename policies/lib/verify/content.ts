/**
 * Checks of content the program writes or ships: the kill switch by meaning,
 * secret shapes, and file kinds that must never be shipped.
 */

import { HOLE } from "./words";

const SWITCH = /execution[_-]?enabled/i;
/** The switch name followed by an assignment (=, :, a setattr/dict comma), with an optional annotation. */
const ASSIGN = /execution[_-]?enabled\s*["'\]]?\s*(?::\s*[A-Za-z_][\w.[\], ]*?\s*(?==)|)\s*(==|!=|=|:|,)\s*(.*)$/i;
const FALSE_WORDS = /^(false|0|no|off)$/i;

function firstValue(rest: string): string {
    let v = rest.trim();
    const q = /^(["'`])(.*?)\1/.exec(v);
    if (q) {
        return q[2];
    }
    v = v.split(/[\s,;#)}\]`]/)[0] ?? "";
    return v;
}

/**
 * Every place in `text` that gives the kill switch a value other than a
 * literal false, in Python, INI, YAML, TOML, JSON or env syntax, with or
 * without a type annotation. Comparisons (==, !=) are not assignments.
 */
/** Decodes \\uXXXX and \\xXX escapes (JSON, TOML, YAML strings) so an escaped key is still the key. */
export function decodeEscapes(text: string): string {
    return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})|\\x([0-9a-fA-F]{2})/g,
        (_m, u, U, x) => String.fromCodePoint(parseInt(u ?? U ?? x, 16)));
}

const DOC_FILE = /\.(md|markdown|rst|txt|adoc|html?|css|svg|csv|lock)$/i;
const PYTHON_FILE = /\.(py|pyi|pyw)$/i;

/** The syntax a file's name says it has (temp suffixes stripped). */
export function syntaxOf(name: string | undefined): "python" | "doc" | "config" {
    const n = (name ?? "").replace(/\.(iucutter-tmp|tmp|new|partial|bak)$/i, "");
    return PYTHON_FILE.test(n) ? "python" : DOC_FILE.test(n) ? "doc" : "config";
}

/** Python: string literals other than the switch's own name carry no assignment. */
function pythonSwitchAssignments(text: string): string[] {
    const out: string[] = [];
    for (const raw of decodeEscapes(text).split(/\r?\n/)) {
        if (!SWITCH.test(raw)) {
            continue;
        }
        const code = raw.replace(/#.*$/, "").replace(/(["'])((?:\\.|(?!\1).)*)\1/g, (m, q, body) => (SWITCH.test(body) && /^[\w-]+$/.test(body) ? m : `${q}${q}`));
        const forms = [
            /\bexecution_enabled\s*(?::\s*[^=]+?)?\s*=(?!=)\s*([^\s,;)#]+)/g,
            /["']execution[_-]?enabled["']\s*[:,]\s*([^\s,;)}#]+)/g,
            /["']execution[_-]?enabled["']\s*\]\s*=(?!=)\s*([^\s,;)#]+)/g,
        ];
        const shown = raw.trim().replace(new RegExp(HOLE, "g"), "<run-time value>").slice(0, 100);
        for (const re of forms) {
            let m: RegExpExecArray | null;
            while ((m = re.exec(code)) !== null) {
                if (m[1] !== "False") {
                    out.push(shown);
                }
            }
        }
        if (pythonBindingForm(code, raw)) {
            out.push(shown);
        }
    }
    for (const raw of text.split(/\r?\n/)) {
        if (computedNameOrCode(raw)) {
            out.push(`${raw.trim().slice(0, 90)} (a name or code computed at run time)`);
        }
    }
    return [...new Set(out)];
}

/**
 * A setattr-like call, exec/eval, or a namespace store whose name or code the
 * line computes at run time: no line check can tell what it sets (the host's
 * AST check refuses these too).
 */
function computedNameOrCode(raw: string): boolean {
    // Every string blanked: an argument that is not exactly one literal ('' or "") is computed.
    const code = raw.replace(/#.*$/, "").replace(/(["'])((?:\\.|(?!\1).)*)\1/g, "$1$1");
    return /\b(?:setattr|delattr)\s*\(\s*[^,()]+(?:\([^()]*\))?\s*,(?!\s*["']["']\s*[,)])/.test(code)
        || (/\.__(?:set|del)attr__\s*\(/.test(code) && !/\.__(?:set|del)attr__\s*\(\s*(?:[\w.]+\s*,\s*)?["']["']\s*[,)]/.test(code))
        || /(?:^|[^\w.])(?:exec|eval)\s*\((?!\s*["']["']\s*[,)])/.test(code)
        || /(?:\bglobals\(\s*\)|\blocals\(\s*\)|\bvars\([^()]*\)|\.__dict__)\s*\[(?!\s*["']["']\s*\])[^\]]*\]\s*(?:=(?!=)|[-+*/%&|^@]=)/.test(code);
}

/**
 * The binding forms of the grammar that are not `name = value`: loop, with,
 * except and import targets, def and class, walrus and augmented assignment,
 * del, delattr, and code given to exec/eval as a literal. `code` has its
 * comments and strings (but the switch's own name) blanked; `raw` is the line.
 */
function pythonBindingForm(code: string, raw: string): boolean {
    const N = SWITCH.source;
    // The one import of it: read from the config module, under its own name.
    const reads = new RegExp(`^\\s*from\\s+(?:\\.+\\s*config|cutter_agent\\.config)\\s+import\\s+(?:(?!\\bas\\b)[\\w\\s,()])*$`)
        .test(code.replace(new RegExp(`\\b(${N})\\s+as\\s+\\1\\b`, "g"), "$1"));
    if (reads) {
        return false;
    }
    if (new RegExp(`\\b${N}\\s*(?::=|//=|\\*\\*=|>>=|<<=|[-+*/%&|^@]=)`, "i").test(code)) {
        return true;
    }
    if (new RegExp(`\\b(?:def|class)\\s+${N}\\b|\\bdel\\s+[^#]*\\b${N}\\b|\\bas\\s+[\\w.]*\\b${N}\\b|\\b(?:del|__del)attr(?:__)?\\s*\\(|\\bimport\\b`, "i").test(code)
        && SWITCH.test(code)) {
        return true;
    }
    if (new RegExp(`\\bsetattr\\s*\\(\\s*["'][\\w.]*\\.${N}["']`, "i").test(raw)) {
        return true;
    }
    const loop = /\bfor\s+([^:]*?)\s+in\b/g;
    let m: RegExpExecArray | null;
    while ((m = loop.exec(code)) !== null) {
        if (SWITCH.test(m[1])) {
            return true;
        }
    }
    if (/(?:^|[^\w.])(?:exec|eval)\s*\(/.test(raw) && SWITCH.test(raw)) {
        return true;
    }
    return false;
}

export function switchAssignments(text: string, fileName?: string): string[] {
    const syntax = syntaxOf(fileName);
    if (syntax === "doc") {
        return [];
    }
    if (syntax === "python") {
        return pythonSwitchAssignments(text);
    }
    const out: string[] = [];
    for (const raw of decodeEscapes(text).split(/\r?\n/)) {
        const line = raw.replace(/^\s*(export\s+)?/, "");
        if (!SWITCH.test(line)) {
            continue;
        }
        // Every occurrence on the line counts (a; b = True).
        let rest = line;
        let m: RegExpExecArray | null;
        while ((m = SWITCH.exec(rest)) !== null) {
            const tail = rest.slice(m.index);
            const a = ASSIGN.exec(tail);
            rest = tail.slice(m[0].length);
            if (!a || a[1] === "==" || a[1] === "!=") {
                continue;
            }
            const value = firstValue(a[2]);
            if (value.includes(HOLE) || !FALSE_WORDS.test(value)) {
                out.push(raw.trim().replace(new RegExp(HOLE, "g"), "<run-time value>").slice(0, 100));
            }
        }
    }
    return out;
}

/** Secret shapes in plaintext. Returns descriptions only, never the value. */
export function secretShapes(text: string): string[] {
    const out: string[] = [];
    if (/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/.test(text)) {
        out.push("a private key block");
    }
    if (/\bAKIA[0-9A-Z]{16}\b/.test(text)) {
        out.push("an AWS access key id");
    }
    if (/\bgh[pousr]_[A-Za-z0-9]{30,}\b/.test(text) || /\bglpat-[A-Za-z0-9_-]{20,}\b/.test(text) || /\bxox[abprs]-[A-Za-z0-9-]{10,}/.test(text)) {
        out.push("an API token");
    }
    const assign = /\b([A-Za-z0-9_]*(?:PASSWORD|PASSWD|PASSPHRASE|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|_KEY))\s*[=:]\s*(["']?)([^\s"'`]+)\2/gi;
    let m: RegExpExecArray | null;
    while ((m = assign.exec(text)) !== null) {
        const name = m[1];
        const value = m[3];
        const upper = name === name.toUpperCase() && /[A-Z]/.test(name);
        const snake = /[A-Za-z0-9]_(password|passwd|passphrase|token|secret|api_?key|private_?key|access_?key|key)$/i.test(name);
        if (!upper && !snake) {
            continue; // prose ("password: unchanged"), not a NAME=value assignment
        }
        if (!upper && !(value.length >= 16 || (value.length >= 8 && /\d/.test(value) && /[A-Za-z]/.test(value)))) {
            continue;
        }
        if (/^\$|^<.*>$|^\*+$|^\$\{|^%s$/.test(value) || value.length < 4 || value.includes(HOLE)) {
            continue; // a reference or a placeholder, not a value
        }
        out.push(`a literal value for ${name}`);
    }
    if (/\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@$'"]+:[^/\s@$'"]+@/i.test(text)) {
        out.push("a URL or DSN with a password in it");
    }
    return [...new Set(out)];
}

/** A signing provider other than StubSigning, set in any config syntax. */
export function realCryptoAssignments(text: string): string[] {
    const out: string[] = [];
    for (const raw of decodeEscapes(text).split(/\r?\n/)) {
        const m = /signing[_-]?provider["']?\s*(?::\s*[A-Za-z_][\w.]*\s*(?==))?\s*[=:]\s*["']?([A-Za-z0-9_.-]+)/i.exec(raw);
        if (m && m[1] !== "StubSigning") {
            out.push(raw.trim().slice(0, 100));
        }
    }
    return out;
}

/** Shipped file names that must never reach the host in a release. */
export function forbiddenShippedName(name: string): string | undefined {
    const segs = name.split("/").filter((s) => s !== "" && s !== ".");
    if (name.startsWith("/") || segs.includes("..")) {
        return "a member that leaves the tree (absolute or ..)";
    }
    if (segs.includes(".git")) {
        return "git metadata (.git/): hooks and config could push or run code";
    }
    const base = segs[segs.length - 1] ?? "";
    if (/\.(service|socket|timer|path|mount|automount|target)$/.test(base) || segs.includes("systemd")) {
        return "a systemd unit";
    }
    if (/^(crontab|cron\.(d|daily|hourly|weekly|monthly))$/.test(base) || segs.some((s) => /^cron\.(d|daily|hourly|weekly|monthly)$/.test(s))) {
        return "a cron file";
    }
    if (base === ".gitconfig" || base === ".gitmodules") {
        return "git configuration";
    }
    if (base.endsWith(".pyc") || segs.includes("__pycache__")) {
        return "Python bytecode (the release ships source only)";
    }
    return undefined;
}

/** Content of a shipped text file that must not appear (git include.path, hooks paths). */
export function forbiddenShippedContent(text: string): string | undefined {
    if (/^\s*\[include(if\s+[^\]]*)?\]/im.test(text) || /\binclude\.path\b/i.test(text) || /\bincludeIf\b/.test(text)) {
        return "git include.path configuration";
    }
    if (/\bcore\.hooksPath\b/i.test(text)) {
        return "a git hooks path";
    }
    return undefined;
}
