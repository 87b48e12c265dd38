import { commandPolicy, commandsOf, Concern, describe, Finding, isMessageOnly, meaningfulText } from "./lib/common";
import { CommandBearing } from "./lib/resources";
import { readOnlyBatchProblems } from "./lib/sql";

export const READ_ONLY_ROLE = "context_pack_readonly";
const DB_MUTATORS = new Set(["createdb", "dropdb", "createuser", "dropuser", "pg_restore", "vacuumdb", "reindexdb", "clusterdb",
    "pg_ctl", "pg_ctlcluster", "pg_upgrade", "pg_resetwal", "pg_rewind", "pg_createcluster", "pg_dropcluster", "mysql", "mariadb", "redis-cli", "mongo", "mongosh", "sqlite3"]);
const AGENT = /^(cutter|iu-cutter|cutter-agent|cutter_agent)$/;
const LIVE_VERBS = /^(cut|verify|enact)$/i;
const MODE_LIVE = /\bMode\.LIVE\b/;

function psqlArgs(a: string[]): { sql: string[]; files: string[]; user?: string; conn: string[] } {
    const sql: string[] = [];
    const files: string[] = [];
    const conn: string[] = [];
    let user: string | undefined;
    for (let i = 1; i < a.length; i++) {
        const x = a[i];
        const val = (short: string, long: string): string | undefined => {
            if (x === short || x === long) { i++; return a[i]; }
            if (x.startsWith(long + "=")) { return x.slice(long.length + 1); }
            if (x.startsWith(short) && x.length > short.length && !x.startsWith("--")) { return x.slice(short.length); }
            return undefined;
        };
        let v: string | undefined;
        if ((v = val("-c", "--command")) !== undefined) { sql.push(v); continue; }
        if ((v = val("-f", "--file")) !== undefined) { files.push(v); continue; }
        if ((v = val("-U", "--username")) !== undefined) { user = v; continue; }
        if ((v = val("-d", "--dbname")) !== undefined) { conn.push(v); continue; }
        if (["-h", "--host", "-p", "--port", "-v", "--set", "--variable", "-o", "--output", "-L", "--log-file", "-P", "--pset", "-F", "-R", "-T"].includes(x)) { i++; continue; }
        if (!x.startsWith("-")) { conn.push(x); }
    }
    for (const c of conn) {
        const m = /(?:^|\s)user\s*=\s*(\S+)/.exec(c) ?? /^postgres(?:ql)?:\/\/([^:@/]+)/.exec(c);
        if (m) { user = m[1]; }
    }
    return { sql, files, user, conn };
}

export function noProductionMutationFindings(cb: CommandBearing): Finding[] {
    const out: Finding[] = [];
    const cmds = commandsOf(cb);
    for (const c of cmds) {
        const a = c.argv;
        const where = describe(c, c.field);
        if (a[0] === "psql") {
            const p = psqlArgs(a);
            const envUser = [...c.env, ...Object.entries(cb.env).map(([k, v]) => `${k}=${v}`)].find((e) => e.startsWith("PGUSER="))?.slice(7);
            const user = p.user ?? envUser;
            if (user !== READ_ONLY_ROLE) {
                out.push({ action: `psql connects as ${user ? `role "${user}"` : "an unspecified role"}, not ${READ_ONLY_ROLE}: ${where}` });
            }
            for (const f of p.files) {
                if (f !== "-") {
                    out.push({ action: `psql -f ${f} runs SQL the review cannot read: ${where}` });
                }
            }
            const batch = [...p.sql, ...c.source.stdin].join(";\n");
            if (batch.trim() === "" && p.files.length === 0) {
                out.push({ action: `psql reads SQL from a pipe or terminal the review cannot read: ${where}` });
            }
            for (const prob of readOnlyBatchProblems(batch)) {
                out.push({ action: `${prob}: ${where}` });
            }
            continue;
        }
        if (DB_MUTATORS.has(a[0])) {
            out.push({ action: `${a[0]} changes a database or its server: ${where}` });
            continue;
        }
        // The agent itself: live CUT/VERIFY/enact, or any live mode.
        const isPythonAgent = /^python[0-9.]*$/.test(a[0]) && a.some((x, i) => (a[i - 1] === "-m" && /^cutter_agent/.test(x)) || /cutter_agent\/cli\.py$/.test(x));
        if (AGENT.test(a[0]) || isPythonAgent) {
            const dry = a.some((x, i) => x === "--dry-run" || x === "--dryrun" || /^--mode=dry-?run$/i.test(x) || (x === "--mode" && /^dry-?run$/i.test(a[i + 1] ?? "")));
            const verb = a.find((x) => LIVE_VERBS.test(x));
            if (verb && !dry) {
                out.push({ action: `live ${verb.toUpperCase()} invocation of the agent: ${where}` });
            }
            if (a.some((x, i) => /^--mode=live$/i.test(x) || (x === "--mode" && /^live$/i.test(a[i + 1] ?? "")) || x === "--live")) {
                out.push({ action: `the agent is started in Mode.LIVE: ${where}` });
            }
        }
        for (const e of c.env) {
            if (/^[A-Z_]*MODE=["']?live["']?$/i.test(e)) {
                out.push({ action: `${e.split("=")[0]}=live selects Mode.LIVE: ${where}` });
            }
        }
        if (!isMessageOnly(c, cmds) && MODE_LIVE.test(meaningfulText(c))) {
            out.push({ action: `Mode.LIVE in ${where}` });
        }
        if (/^python[0-9.]*$/.test(a[0])) {
            for (const body of c.source.stdin) {
                if (MODE_LIVE.test(body)) {
                    out.push({ action: `Python code using Mode.LIVE fed to ${where}` });
                }
            }
        }
    }
    for (const [k, v] of Object.entries(cb.env)) {
        if (/MODE$/i.test(k) && /^live$/i.test(v)) {
            out.push({ action: `environment ${k}=live selects Mode.LIVE` });
        }
    }
    return out;
}

export const noProductionMutation: Concern = {
    name: "no-production-mutation",
    description: "SQL only as read-only statements in a BEGIN READ ONLY ... ROLLBACK transaction by context_pack_readonly; no live CUT/VERIFY/enact; no Mode.LIVE.",
    rule: "forbidden in O6/O7: production mutation; live CUT/VERIFY/enact (O7 runs Mode.DRYRUN through context_pack_readonly, BEGIN READ ONLY/ROLLBACK)",
    comply: `connect as ${READ_ONLY_ROLE}, wrap read-only statements in BEGIN READ ONLY; ... ROLLBACK;, run the agent only in Mode.DRYRUN`,
    check: (cb) => noProductionMutationFindings(cb),
};

export const noProductionMutationPolicy = commandPolicy(noProductionMutation);
