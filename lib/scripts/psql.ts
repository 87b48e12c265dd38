/**
 * The database as the deploy reads it, defined once: the one read-only psql
 * invocation (the form the policy pack accepts) and the governance-grants
 * query that both GAP-4 checks run (the secrets step and the O7 evidence).
 */
import { StackConfig } from "../config/config";
import { shq } from "./shell";

/** The read-only psql invocation as the read-only role; `vars` become psql variables (-v k=v, quoted). */
export function readOnlyPsql(c: { cutterConfig: Pick<StackConfig["cutterConfig"], "orchestrator"> }, vars: Record<string, string> = {}): string {
    const o = c.cutterConfig.orchestrator;
    const v = Object.entries(vars).map(([k, x]) => ` -v ${k}=${shq(x)}`).join("");
    return `psql -X -q -A -t -v ON_ERROR_STOP=1${v} -h ${shq(o.db_host)} -p ${shq(String(o.db_port))} -U context_pack_readonly -d ${shq(o.db_name)}`;
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
export function governanceGrantsAssignment(c: { cutterConfig: Pick<StackConfig["cutterConfig"], "orchestrator"> }, variable: string, orElse: string): string {
    return `${variable}="$(${readOnlyPsql(c)} -v principal="$GOVERNANCE_PRINCIPAL" <<'SQL'\n${GOVERNANCE_GRANTS_SQL}\nSQL\n)" || ${orElse}`;
}
