/**
 * A PostgreSQL statement splitter for policy checks: splits on `;` outside
 * string literals, quoted identifiers, dollar quotes and comments; drops
 * comments; keeps psql meta-commands (\set, \i, ...) apart. Then decides
 * whether a batch is "read-only statements inside a read-only transaction
 * that is rolled back", the only SQL O6/O7 allow.
 */

export interface SqlBatch {
    statements: string[];
    meta: string[];
    errors: string[];
}

export function splitSql(text: string): SqlBatch {
    const statements: string[] = [];
    const meta: string[] = [];
    const errors: string[] = [];
    let cur = "";
    let i = 0;
    let atLineStart = true;
    const push = () => {
        const s = cur.replace(/\s+/g, " ").trim();
        if (s) { statements.push(s); }
        cur = "";
    };
    while (i < text.length) {
        const c = text[i];
        if (atLineStart && c === "\\" && cur.trim() === "") {
            const e = text.indexOf("\n", i);
            meta.push(text.slice(i, e < 0 ? text.length : e).trim());
            i = e < 0 ? text.length : e + 1;
            continue;
        }
        atLineStart = c === "\n" || (atLineStart && (c === " " || c === "\t"));
        if (c === "-" && text[i + 1] === "-") {
            const e = text.indexOf("\n", i);
            cur += " ";
            i = e < 0 ? text.length : e;
            continue;
        }
        if (c === "/" && text[i + 1] === "*") {
            let depth = 1;
            let j = i + 2;
            while (j < text.length && depth > 0) {
                if (text[j] === "/" && text[j + 1] === "*") { depth++; j += 2; continue; }
                if (text[j] === "*" && text[j + 1] === "/") { depth--; j += 2; continue; }
                j++;
            }
            if (depth > 0) { errors.push("unterminated comment"); }
            cur += " ";
            i = j;
            continue;
        }
        if (c === "'" || c === '"') {
            let j = i + 1;
            while (j < text.length) {
                if (text[j] === c && text[j + 1] === c) { j += 2; continue; }
                if (text[j] === "\\" && c === "'" && /[eE]$/.test(text.slice(0, i))) { j += 2; continue; }
                if (text[j] === c) { break; }
                j++;
            }
            if (j >= text.length) { errors.push(`unterminated ${c === "'" ? "string" : "identifier"}`); }
            cur += text.slice(i, j + 1);
            i = j + 1;
            continue;
        }
        if (c === "$") {
            const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i));
            if (m && !/[A-Za-z0-9_]$/.test(cur)) {
                const tag = m[0];
                const end = text.indexOf(tag, i + tag.length);
                if (end < 0) { errors.push("unterminated dollar quote"); cur += text.slice(i); i = text.length; continue; }
                cur += text.slice(i, end + tag.length);
                i = end + tag.length;
                continue;
            }
        }
        if (c === ";") { push(); i++; continue; }
        cur += c;
        i++;
    }
    push();
    return { statements, meta, errors };
}

/** Functions that write, signal, or reach outside the transaction. */
const WRITING_FUNCTIONS = [
    "nextval", "setval", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
    "lo_import", "lo_export", "lo_unlink", "lo_create", "lo_from_bytea", "lo_put", "pg_file_write", "pg_file_unlink",
    "pg_file_rename", "dblink_exec", "dblink", "pg_advisory_lock", "pg_advisory_xact_lock", "set_config",
    "pg_switch_wal", "pg_create_restore_point", "pg_promote", "pg_replication_origin_create",
    "pg_create_physical_replication_slot", "pg_create_logical_replication_slot", "pg_drop_replication_slot",
    "txid_current", "pg_current_xact_id", "pg_notify", "pg_read_file", "pg_read_binary_file", "pg_ls_dir",
];

const READ_STATEMENTS = /^(SELECT|WITH|SHOW|TABLE|VALUES|EXPLAIN|FETCH|DECLARE|CLOSE|MOVE)\b/i;
const BEGIN_READ_ONLY = /^(BEGIN|START TRANSACTION)\b.*\bREAD ONLY\b/i;
const ROLLBACK = /^(ROLLBACK|ABORT)\b(?!\s+(TO|PREPARED)\b)/i;

function stripLiterals(s: string): string {
    return s.replace(/'(?:[^']|'')*'/g, "''").replace(/\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$/g, "''");
}

/** Why a single statement would not be read-only, or undefined if it is. */
export function statementProblem(stmt: string): string | undefined {
    const s = stripLiterals(stmt).trim();
    const head = s.split(/\s+/).slice(0, 3).join(" ").toUpperCase();
    if (/^EXPLAIN\b/i.test(s) && !/\bANALY[SZ]E\b/i.test(s)) {
        return undefined; // EXPLAIN without ANALYZE only plans; nothing runs
    }
    if (/^PREPARE\s+\w+(\s*\([^)]*\))?\s+AS\b/i.test(s) || /^DEALLOCATE\b/i.test(s)) {
        return undefined; // PREPARE parses and plans; only EXECUTE would run it (and EXECUTE is refused)
    }
    if (!READ_STATEMENTS.test(s)) {
        return `${head.split(" ")[0]} is not a read-only statement`;
    }
    if (/^EXPLAIN\b/i.test(s) && /\bANALY[SZ]E\b/i.test(s)) {
        const inner = s.replace(/^EXPLAIN\s*(\([^)]*\))?\s*(ANALY[SZ]E\s*)?(VERBOSE\s*)?/i, "");
        return statementProblem(inner) ? "EXPLAIN ANALYZE executes a writing statement" : undefined;
    }
    if (/\b(INSERT\s+INTO|UPDATE\s+[\w."]+\s+SET|DELETE\s+FROM|MERGE\s+INTO|TRUNCATE)\b/i.test(s)) {
        return "a data-modifying statement inside a read statement (CTE)";
    }
    if (/^SELECT\b[\s\S]*\bINTO\s+(TEMP(ORARY)?\s+|UNLOGGED\s+|TABLE\s+)?[A-Za-z_"]/i.test(s) && !/\bINTO\s+STRICT\b/i.test(s)) {
        return "SELECT ... INTO creates a table";
    }
    if (/\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b/i.test(s)) {
        return "SELECT ... FOR UPDATE/SHARE takes row locks";
    }
    for (const f of WRITING_FUNCTIONS) {
        if (new RegExp(`\\b${f}\\s*\\(`, "i").test(s)) {
            return `calls ${f}(), which writes or acts outside the transaction`;
        }
    }
    return undefined;
}

/**
 * Checks a batch: BEGIN ... READ ONLY first, only read statements, ROLLBACK
 * last; no psql meta-command that runs files, shells or writes.
 */
export function readOnlyBatchProblems(text: string): string[] {
    const b = splitSql(text);
    const problems: string[] = b.errors.map((e) => `SQL could not be read: ${e}`);
    for (const m of b.meta) {
        const cmd = m.split(/\s+/)[0];
        if (!["\\set", "\\pset", "\\timing", "\\echo", "\\qecho", "\\x", "\\a", "\\t", "\\f", "\\if", "\\elif", "\\else", "\\endif", "\\q", "\\conninfo", "\\encoding"].includes(cmd)) {
            problems.push(`psql meta-command ${cmd} can run files, shells or write`);
        }
        if (cmd === "\\set" && /AUTOCOMMIT/i.test(m)) {
            problems.push("psql \\set AUTOCOMMIT changes transaction behaviour");
        }
    }
    const st = b.statements;
    if (st.length === 0) {
        return problems;
    }
    if (!BEGIN_READ_ONLY.test(st[0])) {
        problems.push(`SQL must start with BEGIN READ ONLY (or START TRANSACTION READ ONLY); it starts with "${st[0].slice(0, 40)}"`);
    }
    if (!ROLLBACK.test(st[st.length - 1])) {
        problems.push(`SQL must end with ROLLBACK; it ends with "${st[st.length - 1].slice(0, 40)}"`);
    }
    const body = st.slice(BEGIN_READ_ONLY.test(st[0]) ? 1 : 0, ROLLBACK.test(st[st.length - 1]) ? -1 : undefined);
    for (const s of body) {
        if (/^SET\s+(SESSION\s+|LOCAL\s+)?TRANSACTION\b/i.test(s) || /^SET\s+(SESSION\s+|LOCAL\s+)?(default_)?transaction_read_only\b/i.test(s)) {
            if (/READ\s+WRITE|\b(OFF|FALSE|0)\b/i.test(s)) {
                problems.push("SET TRANSACTION READ WRITE / transaction_read_only = off");
            }
            continue;
        }
        if (/^SET\s+(SESSION\s+|LOCAL\s+)?(ROLE|SESSION AUTHORIZATION)\b/i.test(s)) {
            problems.push("SET ROLE / SESSION AUTHORIZATION changes the read-only role");
            continue;
        }
        if (/^(COMMIT|END|ROLLBACK|ABORT|BEGIN|START|SAVEPOINT|RELEASE|PREPARE TRANSACTION|COMMIT PREPARED)\b/i.test(s)) {
            problems.push(`transaction control "${s.split(" ")[0].toUpperCase()}" inside the read-only transaction`);
            continue;
        }
        const p = statementProblem(s);
        if (p) {
            problems.push(p);
        }
    }
    return problems;
}
