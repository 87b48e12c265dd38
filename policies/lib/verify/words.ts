/**
 * Shell words as values: a word is a list of alternatives (a variable with
 * several literal assignments has several), each a list of segments that are
 * either literal text or a run-time part with its provenance.
 */
export type Provenance =
    /** One line from stdin (`read -r`): no newline. */
    | "read"
    /** Output of `date -u +FORMAT` with no "/" in the format: a file-name token. */
    | "token"
    /** Data read from the host (hashes, git ids, file contents): not text the script wrote. */
    | "host"
    /** Text the script builds itself by transforming literals: unknowable at preview. */
    | "author"
    /** Anything else (an unassigned variable, the environment, a special parameter). */
    | "unknown";

export type Seg = { k: "lit"; s: string; glob?: boolean } | { k: "dyn"; src: string; prov: Provenance };

export type Val = Seg[];

/** Stands for a run-time part of a word or of written content (never a literal character of a script). */
export const HOLE = "\u0000";

/** At most this many alternatives are followed; more is "unknown". */
export const MAX_ALTERNATIVES = 16;

export function lit(s: string): Val {
    return [{ k: "lit", s }];
}

export function dyn(src: string, prov: Provenance): Val {
    return [{ k: "dyn", src, prov }];
}

export function isStatic(v: Val): boolean {
    return v.every((s) => s.k === "lit");
}

export function hasGlob(v: Val): boolean {
    return v.some((s) => s.k === "lit" && s.glob === true);
}

export function text(v: Val, hole = HOLE): string {
    return v.map((s) => (s.k === "lit" ? s.s : hole)).join("");
}

/** For messages: the word with run-time parts shown as $(...) / $name. */
export function show(v: Val): string {
    return v.map((s) => (s.k === "lit" ? s.s : s.src)).join("");
}

/** Concatenates alternatives of consecutive parts (cartesian product, capped). */
export function concat(parts: Val[][]): Val[] {
    let acc: Val[] = [[]];
    for (const alts of parts) {
        const next: Val[] = [];
        for (const a of acc) {
            for (const b of alts) {
                next.push([...a, ...b]);
            }
        }
        acc = next.length > MAX_ALTERNATIVES ? [dyn("(too many alternatives)", "unknown")] : next;
    }
    return acc.map(merge);
}

function merge(v: Val): Val {
    const out: Val = [];
    for (const s of v) {
        const last = out[out.length - 1];
        if (s.k === "lit" && last && last.k === "lit" && !s.glob && !last.glob) {
            out[out.length - 1] = { k: "lit", s: last.s + s.s };
        } else {
            out.push({ ...s });
        }
    }
    return out;
}

/** The weakest provenance among a value's run-time parts. */
export function provenance(vs: Val[]): Provenance | "literal" {
    const order: Array<Provenance | "literal"> = ["literal", "token", "read", "host", "author", "unknown"];
    let worst = 0;
    for (const v of vs) {
        for (const s of v) {
            if (s.k === "dyn") {
                worst = Math.max(worst, order.indexOf(s.prov));
            }
        }
    }
    return order[worst];
}

/** Decodes the escapes of $'...' (ANSI-C quoting). */
export function decodeAnsiC(raw: string): string {
    let out = "";
    for (let i = 0; i < raw.length; i++) {
        const c = raw[i];
        if (c !== "\\") { out += c; continue; }
        const rest = raw.slice(i + 1);
        let m: RegExpExecArray | null;
        if ((m = /^x([0-9a-fA-F]{1,2})/.exec(rest))) { out += String.fromCharCode(parseInt(m[1], 16)); i += m[0].length; continue; }
        if ((m = /^u([0-9a-fA-F]{1,4})/.exec(rest)) || (m = /^U([0-9a-fA-F]{1,8})/.exec(rest))) { out += String.fromCodePoint(parseInt(m[1], 16)); i += m[0].length; continue; }
        if ((m = /^([0-7]{1,3})/.exec(rest))) { out += String.fromCharCode(parseInt(m[1], 8)); i += m[0].length; continue; }
        if ((m = /^c(.)/.exec(rest))) { out += String.fromCharCode(m[1].charCodeAt(0) & 31); i += 2; continue; }
        const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", v: "\v", "\\": "\\", "'": "'", '"': '"', "?": "?" };
        out += map[rest[0]] ?? "\\" + (rest[0] ?? "");
        i += 1;
    }
    return out;
}

/** What printf would print for a static format and arguments (escapes and %s, %d, %b, %q, %%). */
export function printfStatic(format: string, args: string[]): string {
    let out = "";
    let ai = 0;
    const next = () => (ai < args.length ? args[ai++] : "");
    const esc = (s: string) => s.replace(/\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|[0-7]{1,3}|.)/g, (m) => decodeAnsiC(m));
    do {
        for (let i = 0; i < format.length; i++) {
            const c = format[i];
            if (c === "\\") {
                const m = /^\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|0?[0-7]{1,3}|.)/.exec(format.slice(i));
                out += decodeAnsiC(m![0].replace(/^\\0([0-7])/, "\\$1"));
                i += m![0].length - 1;
                continue;
            }
            if (c === "%") {
                const m = /^%[-+ #0]*\d*(?:\.\d+)?([a-zA-Z%])/.exec(format.slice(i));
                if (!m) { out += c; continue; }
                i += m[0].length - 1;
                if (m[1] === "%") { out += "%"; continue; }
                const a = next();
                out += m[1] === "b" ? esc(a) : a;
                continue;
            }
            out += c;
        }
    } while (ai < args.length && /%[^%]/.test(format));
    return out;
}
