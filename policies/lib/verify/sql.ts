/**
 * The only SQL O6/O7 allow: read-only statements inside BEGIN READ ONLY ...
 * ROLLBACK, as parsed by PostgreSQL's own parser, with function calls and
 * operators from allowlists, and psql meta-commands from a short list.
 */
import { parseSql, PgNode, splitPsql } from "../parsers/psql";

const META_OK = new Set(["\\set", "\\pset", "\\echo", "\\qecho", "\\timing", "\\x", "\\a", "\\t"]);

/** Side-effect-free functions a read-only query may call. */
export const SAFE_FUNCTIONS = new Set([
    "count", "sum", "min", "max", "avg", "bool_and", "bool_or", "every", "string_agg", "array_agg", "json_agg", "jsonb_agg",
    "coalesce", "nullif", "greatest", "least", "aclexplode", "format", "lower", "upper", "length", "char_length",
    "octet_length", "concat", "concat_ws", "substr", "substring", "left", "right", "trim", "btrim", "ltrim", "rtrim",
    "replace", "split_part", "position", "strpos", "lpad", "rpad", "repeat", "reverse", "md5", "sha256", "encode",
    "quote_ident", "quote_literal", "quote_nullable", "to_char", "to_date", "to_timestamp", "to_number", "date_trunc",
    "date_part", "extract", "age", "now", "current_date", "current_timestamp", "clock_timestamp", "statement_timestamp",
    "current_user", "session_user", "current_database", "current_schema", "current_setting", "version", "pg_typeof",
    "has_table_privilege", "has_schema_privilege", "has_database_privilege", "has_column_privilege",
    "has_function_privilege", "pg_has_role", "pg_get_userbyid", "pg_table_size", "pg_relation_size",
    "pg_total_relation_size", "pg_database_size", "pg_size_pretty", "obj_description", "col_description",
    "format_type", "row_number", "rank", "dense_rank", "abs", "round", "floor", "ceil", "ceiling", "mod", "cardinality",
    "array_length", "array_to_string", "unnest", "generate_series", "jsonb_build_object", "json_build_object",
    "jsonb_object_agg", "to_jsonb", "to_json", "row_to_json", "regexp_replace", "regexp_match", "starts_with",
]);

const SAFE_OPERATORS = new Set(["=", "<>", "!=", "<", ">", "<=", ">=", "||", "+", "-", "*", "/", "%", "~~", "!~~", "~~*",
    "!~~*", "~", "!~", "~*", "!~*", "@>", "<@", "&&", "->", "->>", "#>", "#>>", "?", "^"]);

/** Statement kinds that never belong in the read-only transaction (anywhere in the tree). */
const WRITING_NODES = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt", "CopyStmt", "CreateStmt",
    "CreateTableAsStmt", "DropStmt", "TruncateStmt", "AlterTableStmt", "GrantStmt", "GrantRoleStmt", "DoStmt",
    "CallStmt", "ExecuteStmt", "VacuumStmt", "LockStmt", "NotifyStmt", "ListenStmt", "UnlistenStmt", "LoadStmt",
    "ClusterStmt", "ReindexStmt", "RefreshMatViewStmt", "CreateFunctionStmt", "RuleStmt", "ViewStmt", "IndexStmt",
    "VariableSetStmt", "CreateRoleStmt", "AlterRoleStmt", "DropRoleStmt", "CheckPointStmt", "DiscardStmt",
    "CreateExtensionStmt", "AlterSystemStmt", "CreateTrigStmt", "CommentStmt", "SecLabelStmt", "RenameStmt",
    "AlterOwnerStmt", "ReassignOwnedStmt", "DropOwnedStmt", "CreateSchemaStmt", "CreateSeqStmt", "AlterSeqStmt",
    "DeclareCursorStmt", "FetchStmt", "ClosePortalStmt", "TransactionStmt", "ConstraintsSetStmt", "CreatedbStmt",
    "DropdbStmt", "CreateSubscriptionStmt", "CreatePublicationStmt", "ImportForeignSchemaStmt", "CreateForeignTableStmt"]);

function nodeName(n: unknown): string | undefined {
    if (n && typeof n === "object") {
        const k = Object.keys(n as object);
        if (k.length === 1 && /^[A-Z]/.test(k[0])) {
            return k[0];
        }
    }
    return undefined;
}

function strings(list: unknown): string[] {
    return (Array.isArray(list) ? list : []).map((x) => ((x as { String?: { sval?: string } }).String?.sval ?? "")).filter(Boolean);
}

/** Walks every node of a parse tree; `visit` gets (node kind, node body). */
function walk(v: unknown, visit: (kind: string, body: Record<string, unknown>) => void): void {
    if (Array.isArray(v)) {
        v.forEach((x) => walk(x, visit));
        return;
    }
    if (v && typeof v === "object") {
        const kind = nodeName(v);
        if (kind) {
            const body = (v as Record<string, Record<string, unknown>>)[kind];
            visit(kind, body ?? {});
            walk(body, visit);
            return;
        }
        for (const x of Object.values(v as object)) {
            walk(x, visit);
        }
    }
}

/** Problems inside one statement's tree: writes, locks, INTO, unlisted functions and operators. */
function treeProblems(stmt: PgNode, allowDml: boolean): string[] {
    const out: string[] = [];
    walk(stmt, (kind, body) => {
        if (WRITING_NODES.has(kind) && !(allowDml && ["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"].includes(kind))) {
            out.push(`${kind.replace(/Stmt$/, "").toUpperCase()} is not a read-only statement`);
        }
        if (kind === "SelectStmt") {
            if (body.intoClause) { out.push("SELECT ... INTO creates a table"); }
            if (body.lockingClause) { out.push("SELECT ... FOR UPDATE/SHARE takes row locks"); }
        }
        if (kind === "FuncCall") {
            const name = strings(body.funcname);
            const fn = name[name.length - 1]?.toLowerCase() ?? "";
            const schema = name.length > 1 ? name[0].toLowerCase() : "pg_catalog";
            if (!SAFE_FUNCTIONS.has(fn) || schema !== "pg_catalog") {
                out.push(`calls ${name.join(".")}(), which is not on the list of side-effect-free functions`);
            }
        }
        if (kind === "A_Expr") {
            const op = strings(body.name);
            if (op.length > 1 || (op.length === 1 && !SAFE_OPERATORS.has(op[0]))) {
                out.push(`uses the operator ${op.join(".")}, which is not on the list of built-in operators`);
            }
        }
        if (kind === "RangeFunction" || kind === "RangeTableFunc") {
            // checked through its FuncCall nodes
        }
    });
    return out;
}

function isReadOnlyBegin(s: PgNode): boolean {
    const t = (s as { TransactionStmt?: { kind?: string; options?: unknown[] } }).TransactionStmt;
    if (!t || !["TRANS_STMT_BEGIN", "TRANS_STMT_START"].includes(t.kind ?? "")) {
        return false;
    }
    let ro = false;
    let rw = false;
    walk(t.options ?? [], (kind, body) => {
        if (kind === "DefElem" && body.defname === "transaction_read_only") {
            const v = (body.arg as { A_Const?: { ival?: { ival?: number } } } | undefined)?.A_Const?.ival?.ival;
            if (v === 1) { ro = true; } else { rw = true; }
        }
    });
    ro = ro && !rw;
    return ro;
}

function isRollback(s: PgNode): boolean {
    const t = (s as { TransactionStmt?: { kind?: string } }).TransactionStmt;
    return !!t && t.kind === "TRANS_STMT_ROLLBACK";
}

/**
 * Problems with a psql batch: BEGIN READ ONLY first, ROLLBACK last, only
 * read statements between, allowed meta-commands only. Empty = accepted.
 */
export function readOnlyBatchProblems(text: string): string[] {
    const p = splitPsql(text);
    const out = p.errors.map((e) => `the SQL cannot be read: ${e}`);
    for (const m of p.meta) {
        const cmd = m.split(/\s+/)[0].replace(/^(\\[a-z]+).*$/i, "$1");
        if (m.includes("`")) {
            out.push(`psql meta-command ${cmd} with a backquote (runs a shell command)`);
        } else if (!META_OK.has(cmd)) {
            out.push(`psql meta-command ${cmd} can run shell commands, read or write files, or reconnect`);
        } else if (/AUTOCOMMIT|ON_ERROR_ROLLBACK/i.test(m)) {
            out.push(`psql ${m.slice(0, 40)} changes transaction behaviour`);
        }
    }
    const parsed = parseSql(p.sql);
    if ("error" in parsed) {
        out.push(`the SQL does not parse as PostgreSQL: ${parsed.error}`);
        return out;
    }
    const st = parsed.stmts;
    if (st.length === 0) {
        return out;
    }
    if (!isReadOnlyBegin(st[0])) {
        out.push("the SQL must start with BEGIN READ ONLY (or START TRANSACTION READ ONLY)");
    }
    if (!isRollback(st[st.length - 1])) {
        out.push("the SQL must end with ROLLBACK");
    }
    const body = st.slice(isReadOnlyBegin(st[0]) ? 1 : 0, isRollback(st[st.length - 1]) ? -1 : undefined);
    for (const s of body) {
        const kind = nodeName(s) ?? "?";
        if (kind === "SelectStmt" || kind === "VariableShowStmt") {
            out.push(...treeProblems(s, false));
        } else if (kind === "ExplainStmt") {
            const opts = JSON.stringify((s as { ExplainStmt: { options?: unknown } }).ExplainStmt.options ?? []);
            if (/"defname":"analy[sz]e"/i.test(opts)) {
                out.push("EXPLAIN ANALYZE executes the statement");
            }
            out.push(...treeProblems(s, true));
        } else if (kind === "PrepareStmt") {
            // PREPARE parses and plans against the live schema; nothing runs (EXECUTE is refused).
            out.push(...treeProblems(s, true));
        } else if (kind === "DeallocateStmt") {
            continue;
        } else if (kind === "TransactionStmt") {
            out.push("transaction control inside the read-only transaction (COMMIT/BEGIN/SAVEPOINT...)");
        } else {
            out.push(`${kind.replace(/Stmt$/, "").toUpperCase()} is not a read-only statement`);
        }
    }
    return [...new Set(out)];
}
