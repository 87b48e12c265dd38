/**
 * The database as the deploy reads it, defined once: the one read-only psql
 * invocation (the form the policy pack accepts) and the governance-grants
 * query that both GAP-4 checks run (the secrets step and the O7 evidence).
 */
import { DatabaseAccess, StackConfig } from "../config/config";
import { raw, sh } from "./shell";

type DbConfig = { cutterConfig: Pick<StackConfig["cutterConfig"], "orchestrator">; database?: StackConfig["database"] };

/** The mktemp template of the PGPASSFILE (host /tmp, 0600 as mktemp creates it); resources declare it in `writes`. */
export const PGPASS_TEMPLATE = "/tmp/iucutter-pgpass.XXXXXXXXXX";

/** The secret input name of the read-only role's password (config key databasePassword). */
export const DATABASE_PASSWORD_INPUT = "databasePassword";

/** The read-only role logs in with a password (database.access tcp with password: true). */
export function usesPassword(c: DbConfig): boolean {
    const a = databaseAccess(c);
    return a.kind === "tcp" && a.password === true;
}

/**
 * `PGPASSFILE="$passfile" ` when there is a password (the temp file
 * `pgpassSetup` wrote), else nothing: the environment prefix of every program
 * that logs in as the read-only role (psql, and the orchestrator's dry run).
 */
export function pgpassEnv(c: DbConfig): string {
    return usesPassword(c) ? `PGPASSFILE="$passfile" ` : "";
}

/** What a command that runs the read-only psql declares: the PGPASSFILE's mktemp template, when there is a password. */
export function psqlWrites(c: DbConfig): string[] {
    return usesPassword(c) ? [PGPASS_TEMPLATE] : [];
}

/** The secret inputs a command that runs the read-only psql needs on stdin (after its own). */
export function psqlSecretInputs(c: DbConfig): string[] {
    return usesPassword(c) ? [DATABASE_PASSWORD_INPUT] : [];
}

/**
 * With a password: the next stdin line is the read-only role's password; it
 * goes into a fresh mktemp 0600 PGPASSFILE (printf is a shell builtin: the
 * password is never in any program's argv or environment), which an EXIT trap
 * removes. `onMissing` is rendered shell run when stdin has no password line.
 * Without a password: nothing.
 */
export function pgpassSetup(c: DbConfig, onMissing: string): string[] {
    const a = databaseAccess(c);
    if (!usesPassword(c) || a.kind !== "tcp") {
        return [];
    }
    return [
        `IFS= read -r DB_PASSWORD || ${onMissing}`,
        sh`passfile="$(mktemp ${PGPASS_TEMPLATE})"`,
        `trap 'rm -- "$passfile"' EXIT`,
        sh`printf '%s:%s:%s:%s:%s\\n' ${a.host} ${a.port} ${a.database} ${a.role} "$DB_PASSWORD" > "$passfile"`,
    ];
}

/** database.access as configured, or tcp at the orchestrator's db_host/db_port/db_name when absent. */
export function databaseAccess(c: DbConfig): DatabaseAccess {
    const o = c.cutterConfig.orchestrator;
    return c.database?.access ?? { kind: "tcp", host: o.db_host, port: o.db_port, database: o.db_name, role: "context_pack_readonly" };
}

/** Where the deploy reads the database, for messages: `tcp HOST:PORT/DB` or `docker-exec CONTAINER/DB`. */
export function describeDatabaseAccess(c: DbConfig): string {
    const a = databaseAccess(c);
    return a.kind === "tcp" ? `tcp ${a.host}:${a.port}/${a.database}` : `docker-exec ${a.container}/${a.database}`;
}

/** The program that must exist on the host for the read-only psql (psql itself, or docker for docker-exec). */
export function psqlProgram(c: DbConfig): "psql" | "docker" {
    return databaseAccess(c).kind === "tcp" ? "psql" : "docker";
}

/**
 * The read-only psql invocation as the read-only role, per database.access;
 * `vars` become psql variables (-v k=v, quoted). docker-exec runs psql inside
 * the container over its local socket (no -h/-p), with `-i` only: the one
 * docker form the policy pack accepts. With a password, psql reads it from
 * the PGPASSFILE `pgpassSetup` wrote (`PGPASSFILE="$passfile"`).
 */
export function readOnlyPsql(c: DbConfig, vars: Record<string, string> = {}): string {
    const a = databaseAccess(c);
    const v = Object.entries(vars).map(([k, x]) => sh` -v ${`${k}=${x}`}`).join("");
    const base = sh`psql -X -q -A -t -v ON_ERROR_STOP=1${raw(v)}`;
    return a.kind === "tcp"
        ? sh`${raw(pgpassEnv(c))}${raw(base)} -h ${a.host} -p ${a.port} -U ${a.role} -d ${a.database}`
        : sh`docker exec -i ${a.container} ${raw(base)} -U ${a.role} -d ${a.database}`;
}

/** The governance principal's grants as `schema.table:PRIVILEGE` lines, sorted (psql variable :'principal'), read-only. */
export const GOVERNANCE_GRANTS_SQL = [
    "BEGIN READ ONLY;",
    "SELECT n.nspname || '.' || k.relname || ':' || a.privilege_type",
    "  FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace,",
    "       LATERAL aclexplode(k.relacl) a",
    " WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = :'principal')",
    " ORDER BY 1;",
    "ROLLBACK;",
].join("\n");

/** `VAR="$(psql … as the read-only role, principal from $GOVERNANCE_PRINCIPAL …)"`: the grants, for a comparison with the pin. */
export function governanceGrantsAssignment(c: DbConfig, variable: string, orElse: string): string {
    // `variable` names a shell variable and `orElse` is rendered shell; the SQL is a quoted heredoc.
    return sh`${raw(variable)}="$(${raw(readOnlyPsql(c))} -v principal="$GOVERNANCE_PRINCIPAL" <<'SQL'\n${raw(GOVERNANCE_GRANTS_SQL)}\nSQL\n)" || ${raw(orElse)}`;
}
