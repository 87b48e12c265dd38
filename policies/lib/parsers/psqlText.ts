/**
 * psql input, read the way psql reads it: a backslash outside quotes and
 * comments starts a meta-command that runs to the end of the line (anywhere
 * on the line), and `:name`, `:'name'`, `:"name"` outside quotes are
 * variables. Strings follow the server's rules with
 * standard_conforming_strings on (PostgreSQL's default): a backslash escapes
 * only inside E'...'. Pure text, no parser: the one SQL reader of the
 * program (the GAP-6 runbook check) and of the pack (before libpg_query).
 */

export interface PsqlInput {
    /** SQL text with meta-commands removed and variables replaced by literals. */
    sql: string;
    /** Meta-commands, each as written (from the backslash to the end of the line). */
    meta: string[];
    /** The top-level SQL statements as written (psql variables kept, comments and meta-commands removed), trimmed, without their `;`. */
    statements: string[];
    errors: string[];
}

export function splitPsql(text: string): PsqlInput {
    let sql = "";
    // The same text with variables as written (what psql would send after substituting them).
    let raw = "";
    const emit = (parsed: string, written = parsed) => { sql += parsed; raw += written; };
    const meta: string[] = [];
    const errors: string[] = [];
    const statements: string[] = [];
    let start = 0;
    let i = 0;
    const n = text.length;
    while (i < n) {
        const c = text[i];
        const next = text[i + 1];
        if (c === "-" && next === "-") {
            const e = text.indexOf("\n", i);
            i = e < 0 ? n : e;
            emit(" ");
            continue;
        }
        if (c === "/" && next === "*") {
            let depth = 1;
            let j = i + 2;
            while (j < n && depth > 0) {
                if (text[j] === "/" && text[j + 1] === "*") { depth++; j += 2; continue; }
                if (text[j] === "*" && text[j + 1] === "/") { depth--; j += 2; continue; }
                j++;
            }
            if (depth > 0) { errors.push("unterminated /* comment"); }
            emit(" ");
            i = j;
            continue;
        }
        if (c === "'" || c === '"') {
            // E'...' strings take backslash escapes; a doubled quote is the quote itself.
            const escaped = c === "'" && /[eE]$/.test(sql) && !/[A-Za-z0-9_$][eE]$/.test(sql);
            const j = closingQuote(text, i, c, escaped);
            if (j >= n) { errors.push(c === "'" ? "unterminated string literal" : "unterminated quoted identifier"); }
            emit(text.slice(i, j + 1));
            i = j + 1;
            continue;
        }
        if (c === "$") {
            const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
            if (m && !/[A-Za-z0-9_]$/.test(sql)) {
                const end = text.indexOf(m[0], i + m[0].length);
                if (end < 0) { errors.push("unterminated dollar quote"); emit(text.slice(i)); i = n; continue; }
                emit(text.slice(i, end + m[0].length));
                i = end + m[0].length;
                continue;
            }
        }
        if (c === "\\") {
            const e = text.indexOf("\n", i);
            meta.push(text.slice(i, e < 0 ? n : e).trim());
            // psql sends the statement buffer on \g, and \; is a literal ;
            i = e < 0 ? n : e;
            continue;
        }
        if (c === ":" && next !== ":" && !sql.endsWith(":")) {
            const m = /^:(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|([A-Za-z_][A-Za-z0-9_]*))/.exec(text.slice(i));
            if (m) {
                emit(m[1] ? "'psql_variable'" : m[2] ? '"psql_variable"' : "NULL", m[0]);
                i += m[0].length;
                continue;
            }
        }
        if (c === ";") {
            statements.push(raw.slice(start).trim());
            start = raw.length + 1;
        }
        emit(c);
        i++;
    }
    if (raw.slice(start).trim() !== "") {
        statements.push(raw.slice(start).trim());
    }
    return { sql, meta, statements: statements.filter((x) => x !== ""), errors };
}

/** Index of the quote that closes the one at `i` (or text.length when there is none). */
function closingQuote(text: string, i: number, q: string, backslashEscapes: boolean): number {
    let j = i + 1;
    for (; j < text.length; j++) {
        if (backslashEscapes && text[j] === "\\") { j++; continue; }
        if (text[j] === q && text[j + 1] === q) { j++; continue; }
        if (text[j] === q) { break; }
    }
    return j;
}
