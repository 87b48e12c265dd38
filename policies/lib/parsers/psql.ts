/**
 * psql input, read the way psql reads it: a backslash outside quotes and
 * comments starts a meta-command that runs to the end of the line (anywhere
 * on the line), and `:name`, `:'name'`, `:"name"` outside quotes are
 * variables. What is left is SQL, parsed by the PostgreSQL parser itself
 * (libpg_query). Strings follow the server's rules with
 * standard_conforming_strings on (PostgreSQL's default): a backslash escapes
 * only inside E'...'.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pg = require("libpg-query") as { loadModule(): Promise<void>; parseSync(q: string): { stmts: Array<{ stmt: Record<string, unknown> }> } };

let loading: Promise<void> | undefined;

export function sqlParserReady(): Promise<void> {
    loading ??= pg.loadModule();
    return loading;
}

export { PsqlInput, splitPsql } from "./psqlText";

export type PgNode = Record<string, unknown>;

/** Parses SQL with libpg_query. Call (and await) sqlParserReady() first. */
export function parseSql(sql: string): { stmts: PgNode[] } | { error: string } {
    try {
        const r = pg.parseSync(sql);
        return { stmts: (r.stmts ?? []).map((s) => s.stmt) };
    } catch (e) {
        return { error: (e as Error).message };
    }
}
