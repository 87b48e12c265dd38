/**
 * Shell text rendering. Every command that reaches a host is rendered here or
 * in lib/scripts/o6.ts from plain values, so that the reviewed text is exactly the
 * executed text and every policy can read it.
 */

/** Single-quotes a word for any POSIX shell. */
export function shq(value: string): string {
    if (value === "") {
        return "''";
    }
    if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) {
        return value;
    }
    return "'" + value.replace(/'/g, `'"'"'`) + "'";
}

/** Joins script lines; a trailing newline keeps heredocs well-formed. */
export function lines(...parts: Array<string | string[] | undefined | false>): string {
    const out: string[] = [];
    for (const p of parts) {
        if (p === undefined || p === false) {
            continue;
        }
        if (Array.isArray(p)) {
            out.push(...p);
        } else {
            out.push(p);
        }
    }
    return out.join("\n") + "\n";
}

/** A script prologue every rendered script starts with: fail on any error. */
export const STRICT = "set -euo pipefail";

/**
 * A heredoc that writes `content` to stdin of `command` verbatim. The
 * delimiter is chosen so that it cannot occur in the content.
 */
export function heredoc(command: string, content: string, tag = "IUCUTTER_EOF"): string {
    let delim = tag;
    let n = 0;
    while (content.split("\n").includes(delim)) {
        n++;
        delim = `${tag}_${n}`;
    }
    const body = content.endsWith("\n") ? content : content + "\n";
    return `${command} <<'${delim}'\n${body}${delim}`;
}

/** Shell text that `sh` inserts as it is: another rendered fragment, never a value from config. */
export class ShellText {
    constructor(public readonly text: string) {}
    toString(): string { return this.text; }
}

/** Marks already-rendered shell (a fragment built by `sh` or a pinned helper call) for `sh`. */
export function raw(text: string): ShellText {
    return new ShellText(text);
}

export type ShellValue = string | number | ShellText | ReadonlyArray<string | number | ShellText>;

/**
 * Quoting by construction: every interpolated value is one shell word (an
 * array: one word each), unless it is explicitly `raw(...)`. A value cannot
 * end a quote, start a substitution or split into two words, whatever it holds.
 *
 *   sh`install -d -m ${mode} ${path}`   // path "a b'c" stays one word
 */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): string {
    let out = strings[0];
    values.forEach((v, i) => {
        out += word(v) + strings[i + 1];
    });
    return out;
}

function word(v: ShellValue): string {
    if (v instanceof ShellText) {
        return v.text;
    }
    if (typeof v === "number") {
        if (!Number.isFinite(v)) {
            throw new Error(`sh: ${v} is not a number a shell can read`);
        }
        return String(v);
    }
    if (Array.isArray(v)) {
        return v.map((x) => word(x as string | number | ShellText)).join(" ");
    }
    return shq(v as string);
}

/** A value inside "double quotes" of an `sh` template (a message): \ " $ ` are escaped, so it stays text. */
export function dq(value: string | number): ShellText {
    return new ShellText(String(value).replace(/[\\"$`]/g, (ch) => `\\${ch}`));
}

/** A value inside 'single quotes' of an `sh` template (e.g. a printf format): a ' closes, escapes and reopens. */
export function sq(value: string | number): ShellText {
    return new ShellText(String(value).replace(/'/g, `'\\''`));
}
