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
