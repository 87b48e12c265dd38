/**
 * O7 as code: the post-deploy dry-run verification script and the
 * execution-enable readiness checklist. Pure: tests render and evaluate both.
 *
 * Grant matrix: the query is config (verification.grantMatrixSql; the
 * documented default is DEFAULT_GRANT_MATRIX_QUERY in lib/config/config.ts),
 * run read-only as the read-only role; the sha256 is over its output lines,
 * each ending in "\n".
 */
import { DEFAULT_GRANT_MATRIX_QUERY, RELEASE_VERSION, StackConfig } from "../config/config";
import { sha256Hex } from "../core/digest";
import { dq, heredoc, lines, raw, sh, STRICT } from "./shell";
import { ASSERT_RELEASE } from "./helpers";
import { splitPsql } from "../../policies/lib/parsers/psqlText";
import { GuardRefusal } from "../core/refusal";
import { failFunction, helperCall, hostLayout } from "./o6";
import { governanceGrantsAssignment, pgpassEnv, pgpassSetup, readOnlyPsql } from "./psql";

/** The grant-matrix query (verification.grantMatrixSql) as the read-only batch psql runs. */
export function grantMatrixSql(query: string): string {
    return ["BEGIN READ ONLY;", `${query};`, "ROLLBACK;"].join("\n");
}

/** The default rendering (DEFAULT_GRANT_MATRIX_QUERY), read-only. */
export const GRANT_MATRIX_SQL = grantMatrixSql(DEFAULT_GRANT_MATRIX_QUERY);

/**
 * The grant matrix observed read-only at review time: prints
 * "grantMatrix=<sha256>" (or "grantMatrix=unreadable"). Writes nothing.
 */
export function grantMatrixProbeScript(c: StackConfig): string {
    const q = c.verification?.grantMatrixSql ?? DEFAULT_GRANT_MATRIX_QUERY;
    return lines(
        STRICT,
        ...pgpassSetup(c, "exit 3"),
        `if g="$(${readOnlyPsql(c)} 2>/dev/null <<'SQL'\n${grantMatrixSql(q)}\nSQL\n)"; then printf 'grantMatrix=%s\\n' "$(printf '%s\\n' "$g" | sha256sum | cut -c1-64)"; else echo grantMatrix=unreadable; fi`,
    );
}

/**
 * GAP-6's revert test in dry-run: every statement of the runbook is PREPAREd
 * (parsed, analysed against the live schema, planned; never executed) in a
 * read-only transaction that is rolled back.
 */
export function runbookPrepareSql(runbook: string): string {
    // The same psql reader as the policy pack's: quotes, comments, dollar quotes and meta-commands as psql sees them.
    const p = splitPsql(runbook);
    if (p.errors.length > 0) {
        throw new GuardRefusal("RollbackRunbook", `rollback_runbook.sql cannot be read completely (${p.errors.join("; ")}); fix it at its source, it is never executed here`);
    }
    const stmts = p.statements.map((x) => x.replace(/\s+/g, " ")).filter((x) => !/^(BEGIN|COMMIT|ROLLBACK|END|START)\b/i.test(x));
    return ["BEGIN READ ONLY;", ...stmts.map((s, i) => `PREPARE iucutter_revert_${i + 1} AS ${s};`), "ROLLBACK;"].join("\n");
}

/**
 * The orchestrator run id: stable for the same release and verification (so
 * preview and up agree, and the mandate digest holds), new whenever either
 * changes (a closed run is never resumed by a later verification).
 */
export function runId(c: StackConfig, manifestDigest: string, runbook: string): string {
    const shape = sha256Hex(verificationScriptFor(c, manifestDigest, runbook, "RUN-ID")).slice(0, 8);
    return `o7-${manifestDigest.slice(0, 12)}-${shape}-${c.verification?.runLabel ?? "1"}`;
}

function fill(template: string, vars: Record<string, string>): string {
    return template.replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m);
}

export function verificationScript(c: StackConfig, manifestDigest: string, runbook: string): string {
    return verificationScriptFor(c, manifestDigest, runbook, runId(c, manifestDigest, runbook));
}

const STEP_LOGS = ["live-before", "1-start", "2-resume-sg1", "live-during", "3-resume-sg2", "4-closeout-again", "live-after"];

/**
 * On rollback: forget this dry run (its state file, per the orchestrator
 * contract, and its step logs), so the same release can be verified again
 * after a redeploy. Touches nothing else.
 */
export function verificationCleanupScript(c: StackConfig, manifestDigest: string, runbook: string): string {
    const id = runId(c, manifestDigest, runbook);
    const dir = c.cutterConfig.orchestrator.state_dir;
    const files = [`${dir}/run-${id}.json`, ...STEP_LOGS.map((n) => `${dir}/${id}.${n}.log`)];
    const m = o7RollbackMandatePath(c);
    return lines(
        STRICT,
        // A protected host forgets the dry run only in the reviewed rollback (its host-side mandate), never in a plain destroy.
        c.host.protected ? [
            failFunction("RollbackGate"),
            sh`[ -f ${m} ] && grep -qx ${`run=${id}`} ${m} \\`,
            sh`  || fail "${dq(c.host.name)} is protected and no approved O7 rollback mandate for run ${dq(id)} is on the host (${dq(m)}); a plain destroy is refused and nothing was changed. Roll back through the reviewed workflow: set rollback: true on the O7 stack, review, approve, deploy"`,
        ] : [],
        ...files.map((f) => sh`if [ -e ${f} ]; then rm -- ${f}; fi`),
        sh`if [ -e ${m} ]; then rm -- ${m}; fi`,
        sh`echo "DryRunVerification: run ${dq(id)} forgotten"`,
    );
}

/** The file the reviewed O7 rollback writes on the host before the dry run's delete runs (lib/plan/o7.ts). */
export function o7RollbackMandatePath(c: { paths: Pick<StackConfig["paths"], "stateDir"> }): string {
    return `${c.paths.stateDir}/o7-rollback-mandate`;
}

/** What the O7 rollback mandate says: the run it may forget. */
export function o7RollbackMandateLine(c: StackConfig, manifestDigest: string, runbook: string): string {
    return `run=${runId(c, manifestDigest, runbook)}\n`;
}

function verificationScriptFor(c: StackConfig, manifestDigest: string, runbook: string, id: string): string {
    const v = c.verification!;
    const o = c.cutterConfig.orchestrator;
    const L = hostLayout(c);
    const psql = readOnlyPsql(c);
    const gm = grantMatrixSql(v.grantMatrixSql);
    const countsSql = ["BEGIN READ ONLY;", ...v.scopeTables.map((t) => `SELECT '${t} ' || count(*) FROM ${t};`), "ROLLBACK;"].join("\n");
    const vars = { runId: id, document: String(v.targetDocument?.id ?? 0), config: c.cutterConfig.orchestratorConfigFile };
    const start = fill(v.commands.start, vars);
    const resume = fill(v.commands.resume, vars);
    const live = fill(v.commands.checkLiveRefused, vars);
    const T = L.target;
    const grants = [...c.governance.grants].sort().join("\n");
    const doc = v.targetDocument;
    const step = (name: string, cmd: string) => [
        // No bytecode in the vendored tree: the dry run must leave the deploy exactly as it was.
        // With a password, the orchestrator logs in as the read-only role through the same temp PGPASSFILE.
        sh`set +e; out="$(cd ${T} && PYTHONDONTWRITEBYTECODE=1 ${raw(pgpassEnv(c))}${raw(cmd)} 2>&1)"; rc=$?; set -e`,
        sh`printf '%s\\n' "$out" > ${`${o.state_dir}/${vars.runId}.${name}.log`}`,
        `all="$all$out"$'\\n'`,
    ];
    const A = v.adapter;
    const X = A.exitCodes;
    /** The output has a whole line matching the adapter's pattern. */
    const has = (re: string) => sh`printf '%s\\n' "$out" | grep -Eqx ${re}`;
    const liveCheck = (when: string) => [
        ...step(`live-${when}`, live),
        `[ "$rc" = ${X.liveRefused} ] && ${has(A.liveRefused)} || fail "live mode was not refused ${when} the dry run (exit $rc): $(printf '%s' "$out" | tail -1)"`,
    ];
    return lines(
        STRICT,
        failFunction("DryRunVerification"),
        `IFS= read -r BACKUP_GPG_FPR || fail "BACKUP_GPG_FPR missing on stdin"`,
        `IFS= read -r GOVERNANCE_PRINCIPAL || fail "governance principal missing on stdin"`,
        ...pgpassSetup(c, `fail "the database password (databasePassword) is missing on stdin"`),
        `all=""`,
        `# --- before: kill-switch, row counts, grant matrix ---------------------`,
        helperCall(ASSERT_RELEASE, sh`${T} ${RELEASE_VERSION}`, `fail "execution_enabled is not False (or the deployed tree is not ${RELEASE_VERSION}) before the dry run"`),
        `counts_before="$(${psql} <<'SQL'\n${countsSql}\nSQL\n)" || fail "cannot read the row counts as context_pack_readonly"`,
        `grants_before="$(${psql} <<'SQL'\n${gm}\nSQL\n)" || fail "cannot read the grant matrix"`,
        `grant_sha="$(printf '%s\\n' "$grants_before" | sha256sum | cut -c1-64)"`,
        sh`[ "$grant_sha" = ${v.grantMatrixSha256} ] || fail "grant matrix sha256 is $grant_sha, pinned ${dq(v.grantMatrixSha256)}: grants changed"`,
        `# --- the dry run: SG1 pause, resume, SG2 pause, resume, closeout, idempotent closeout ---`,
        ...liveCheck("before"),
        ...step("1-start", start),
        `[ "$rc" = ${X.paused} ] && ${has(A.pauseSg1)} || fail "start did not pause at SG1 (exit $rc)"`,
        `${has(A.mode)} || fail "the orchestrator did not run in Mode.DRYRUN"`,
        ...step("2-resume-sg1", resume),
        `[ "$rc" = ${X.paused} ] && ${has(A.resumedSg1)} && ${has(A.pauseSg2)} || fail "resume after SG1 did not pause at SG2 (exit $rc)"`,
        ...liveCheck("during"),
        ...step("3-resume-sg2", resume),
        `[ "$rc" = ${X.closed} ] && ${has(A.resumedSg2)} && ${has(A.closeout)} || fail "resume after SG2 did not close out (exit $rc)"`,
        ...step("4-closeout-again", resume),
        `[ "$rc" = ${X.closed} ] && ${has(A.alreadyClosed)} && ! ${has(A.phase)} || fail "closeout resume is not idempotent (exit $rc)"`,
        ...liveCheck("after"),
        sh`phases="$(printf '%s' "$all" | sed -n -E ${`s#^(${A.phase})$#\\2/11 #p`} | tr -d '\\n')"`,
        sh`[ "$phases" = ${Array.from({ length: 11 }, (_, i) => `${i + 1}/11 `).join("")} ] || fail "phases run were: $phases (expected 1/11 .. 11/11 once each, in order)"`,
        `# --- after: the same counts and grants (non-mutation proof), kill-switch --------`,
        `counts_after="$(${psql} <<'SQL'\n${countsSql}\nSQL\n)" || fail "cannot read the row counts"`,
        `[ "$counts_after" = "$counts_before" ] || fail "row counts changed during the dry run: before [$(printf '%s' "$counts_before" | tr '\\n' ' ')] after [$(printf '%s' "$counts_after" | tr '\\n' ' ')]"`,
        `grants_after="$(${psql} <<'SQL'\n${gm}\nSQL\n)"`,
        `[ "$grants_after" = "$grants_before" ] || fail "the grant matrix changed during the dry run"`,
        helperCall(ASSERT_RELEASE, sh`${T} ${RELEASE_VERSION}`, `fail "execution_enabled is not False after the dry run"`),
        `# --- readiness evidence (GAP-3..6, GAP-8), all read-only ----------------------`,
        sh`if gpg --batch --with-colons --list-keys "$BACKUP_GPG_FPR" 2>/dev/null | grep -q '^fpr:' && grep -qxF "BACKUP_GPG_FPR=$BACKUP_GPG_FPR" ${c.paths.envProductionFile}; then gap3=ok; else gap3=missing; fi`,
        governanceGrantsAssignment(c, "gov", `gov=""`),
        heredoc(`pinned_gov="$(cat`, grants) + `\n)"`,
        sh`if [ -n "$gov" ] && [ "$gov" = "$pinned_gov" ] && grep -q '^GOVERNANCE_PRINCIPAL=' ${c.paths.envProductionFile}; then gap4=ok; else gap4=mismatch; fi`,
        `gap5=ok`,
        ...c.cutterConfig.dirs.map((d) => sh`[ "$(stat -c '%a %U:%G' ${d.path} 2>/dev/null)" = ${`${d.mode.replace(/^0(?=\d{3}$)/, "")} ${d.owner}:${d.group}`} ] || gap5=dirs`),
        sh`grep -qx 'execution_enabled = false' ${c.cutterConfig.orchestratorConfigFile} || gap5=config`,
        sh`runbook_sha="$(sha256sum < ${c.cutterConfig.rollbackRunbookDest} | cut -c1-64)" || runbook_sha=absent`,
        sh`if [ "$runbook_sha" = ${sha256Hex(runbook)} ] && ${raw(readOnlyPsql(c, c.cutterConfig.rollbackRunbookPrepareVars))} >/dev/null <<'SQL'\n${raw(runbookPrepareSql(runbook))}\nSQL\nthen gap6=ok; else gap6=failed; fi`,
        ...(doc ? [
            `doc="$(${psql} <<'SQL'\nBEGIN READ ONLY;\nSELECT d.title || '|' || (SELECT count(*) FROM cutter.candidates c WHERE c.document_id = d.id) FROM cutter.documents d WHERE d.id = ${doc.id};\nROLLBACK;\nSQL\n)" || doc=""`,
        ] : [`doc=""`]),
        `printf 'EVIDENCE counts=%s\\n' "$(printf '%s\\n' "$counts_before" | sha256sum | cut -c1-64)"`,
        `printf 'EVIDENCE countsDetail=%s\\n' "$(printf '%s' "$counts_before" | tr '\\n' ',')"`,
        `printf 'EVIDENCE grantMatrix=%s\\n' "$grant_sha"`,
        `printf 'EVIDENCE phases=%s\\n' "$phases"`,
        `printf 'EVIDENCE dryRun=passed\\nEVIDENCE liveRefused=before,during,after\\nEVIDENCE killSwitch=off\\n'`,
        `printf 'EVIDENCE gap3=%s\\nEVIDENCE gap4=%s\\nEVIDENCE gap5=%s\\nEVIDENCE gap6=%s\\n' "$gap3" "$gap4" "$gap5" "$gap6"`,
        `printf 'EVIDENCE runbook=%s\\n' "$runbook_sha"`,
        `printf 'EVIDENCE document=%s\\n' "$doc"`,
        `printf 'EVIDENCE checkedAt=%s\\n' "$(date -u +%FT%TZ)"`,
    );
}

/** Where the rollback runbook comes from, as GAP-6's evidence names it. */
export function runbookSource(c: StackConfig): string {
    const r = c.cutterConfig.rollbackRunbook;
    return r.from === "release" ? `the release tree (${r.path} at ${c.release.commit})` : `the owner's file ${r.path} (sha256 pinned in cutterConfig.rollbackRunbook.sha256)`;
}

export type GapStatus = "CLOSED" | "OPEN";

export interface GapRow {
    gap: string;
    title: string;
    status: GapStatus;
    evidence: string;
    /** sha256 of the observed value the verdict rests on (when there is one). */
    digest?: string;
    checkedAt?: string;
}

export function parseEvidence(stdout: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const l of stdout.split("\n")) {
        const m = /^EVIDENCE (\w+)=(.*)$/.exec(l);
        if (m) {
            out[m[1]] = m[2];
        }
    }
    return out;
}

/** The execution-enable readiness checklist. Never claims what it did not check. */
export function readiness(c: StackConfig, ev: Record<string, string> | undefined): GapRow[] {
    const at = ev?.checkedAt;
    const v = c.verification;
    const notYet = "not verified yet: runs with the O7 dry-run verification after the deploy";
    const rows: GapRow[] = [];
    const row = (gap: string, title: string, ok: boolean | undefined, evidence: string, digest?: string) =>
        rows.push({ gap, title, status: ok ? "CLOSED" : "OPEN", evidence: ev ? evidence : notYet, digest: ev ? digest : undefined, checkedAt: ev ? at : undefined });
    row("GAP-3", "BACKUP_GPG_FPR provisioned", ev?.gap3 === "ok",
        ev?.gap3 === "ok" ? "key present in the host's GnuPG keyring and set in the env file (value not shown)" : `check result: ${ev?.gap3}`);
    row("GAP-4", "governance principal pinned + grants verified", ev?.gap4 === "ok",
        ev?.gap4 === "ok" ? `principal set; its grants equal the ${c.governance.grants.length} pinned grants` : `check result: ${ev?.gap4}`,
        sha256Hex([...c.governance.grants].sort().join("\n")));
    row("GAP-5", "orchestrator.* config + /var/lib/cutter/* dirs", ev?.gap5 === "ok",
        ev?.gap5 === "ok" ? `${c.cutterConfig.dirs.length} dirs with the configured owner/mode; ${c.cutterConfig.orchestratorConfigFile} has execution_enabled = false` : `check result: ${ev?.gap5}`);
    row("GAP-6", "rollback_runbook.sql deployed + revert tested in dry-run", ev?.gap6 === "ok",
        ev?.gap6 === "ok" ? `${c.cutterConfig.rollbackRunbookDest} matches the reviewed runbook from ${runbookSource(c)}, sha256 ${ev?.runbook}; each of its statements prepared against the live schema (never executed) in a read-only transaction` : `check result: ${ev?.gap6} (runbook from ${runbookSource(c)})`,
        ev?.runbook);
    rows.push({
        gap: "GAP-7", title: "standalone ruling authorizing the execution_enabled flip",
        status: v?.gap7RulingRef ? "CLOSED" : "OPEN",
        evidence: v?.gap7RulingRef ? `recorded ruling reference: ${v.gap7RulingRef} (recorded by the operator; not verifiable by this program)` : "no recorded ruling; outside this program (O8 needs its own ruling)",
    });
    const d = v?.targetDocument;
    let gap8ok = false;
    let gap8ev = "no target document declared (verification.targetDocument)";
    if (d) {
        const [title, count] = (ev?.document ?? "").split("|");
        const problems: string[] = [];
        if (!d.isNew) { problems.push("not declared new"); }
        if (d.signatureCritical) { problems.push("declared signature-critical"); }
        if (ev && !title) { problems.push(`document ${d.id} not found in the live database`); }
        if (title && /constitution/i.test(title)) { problems.push("it is the Constitution"); }
        if (title && title !== d.title) { problems.push(`title is "${title}", declared "${d.title}"`); }
        if (count !== undefined && Number(count) > d.maxCandidates) { problems.push(`${count} candidates > ${d.maxCandidates}`); }
        gap8ok = !!ev && problems.length === 0;
        gap8ev = problems.length ? `OPT-5 not met: ${problems.join("; ")}` : `document ${d.id} "${d.title}": new, not signature-critical, not the Constitution, ${count} candidates <= ${d.maxCandidates}`;
    }
    rows.push({ gap: "GAP-8", title: "harmless target document selected (OPT-5)", status: gap8ok ? "CLOSED" : "OPEN",
        evidence: d && !ev ? notYet : gap8ev, checkedAt: ev ? at : undefined });
    return rows;
}

export function renderReadiness(rows: GapRow[], ev: Record<string, string> | undefined, stack: string): string {
    const out = [
        `# Execution-enable readiness checklist (${stack})`,
        "",
        ev ? `O7 dry run: **${ev.dryRun ?? "?"}**; phases ${ev.phases ?? "?"}; Mode.LIVE refused ${ev.liveRefused ?? "?"}; row counts unchanged (sha256 ${ev.counts ?? "?"}); grant matrix sha256 ${ev.grantMatrix ?? "?"}; checked ${ev.checkedAt ?? "?"}.`
            : "The O7 dry run has not run yet for this release.",
        "",
        "| gap | | status | evidence | digest |",
        "|---|---|---|---|---|",
        ...rows.map((r) => `| ${r.gap} | ${r.title} | **${r.status}** | ${r.evidence} | ${r.digest ? `\`${r.digest}\`` : ""} |`),
        "",
        "execution_enabled may be flipped only when every gap is CLOSED and the other O8 entry conditions hold; this program never flips it.",
        "",
    ];
    return out.join("\n");
}
