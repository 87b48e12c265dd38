/**
 * Host facts, observed read-only at review time and shown in the review
 * package: the host's Python, the agent CLI's version line, psql and the
 * database as the read-only role, where the compose marker and .env are,
 * free space in staging against the release size, and whether staging and the
 * live tree share a filesystem (the atomic exchange needs it). Anything
 * missing refuses, naming the fact. Pure rendering and parsing.
 */
import { StackConfig } from "../config/config";
import { hostLayout } from "./o6";
import { lines, raw, sh, STRICT } from "./shell";
import { describeDatabaseAccess, pgpassSetup, psqlProgram, readOnlyPsql } from "./psql";
import { parseKeyValues } from "../core/keyValues";

/** The agent CLI's version command (release.agentCli.versionCommand), as shell words; run in the live tree with bytecode writing off. */
export function agentVersionCommand(c: { release: Pick<StackConfig["release"], "agentCli"> }): string {
    return sh`${c.release.agentCli.versionCommand}`;
}

export interface HostFacts {
    python: string;
    agent: string;
    psql: string;
    database: "reachable" | "unreachable";
    composeMarker: "present" | "missing";
    envFile: "present" | "missing";
    /** Free space (KiB) on the filesystem that holds (or will hold) paths.stagingDir. */
    stagingFreeKiB: number;
    stagingDevice: string;
    liveDevice: string;
}

export function hostFactsScript(c: StackConfig): string {
    const L = hostLayout(c);
    return lines(
        STRICT,
        ...pgpassSetup(c, "exit 3"),
        `printf 'python=%s\\n' "$(python3 --version 2>&1 | head -n 1 || true)"`,
        sh`agent=""; if [ -d ${L.target} ]; then agent="$(cd ${L.target} && PYTHONDONTWRITEBYTECODE=1 ${raw(agentVersionCommand(c))} 2>/dev/null | head -n 1)" || agent=""; fi`,
        `printf 'agent=%s\\n' "$agent"`,
        `printf 'psql=%s\\n' "$(command -v ${psqlProgram(c)} || true)"`,
        // Reachable means the database answered the query, not just an exit status 0 (a docker that ran nothing also exits 0).
        `db=""; if command -v ${psqlProgram(c)} >/dev/null; then db="$(${readOnlyPsql(c)} 2>/dev/null <<'SQL'\nBEGIN READ ONLY;\nSELECT 'iucutter-db-answered';\nROLLBACK;\nSQL\n)" || db=""; fi`,
        `if [ "$db" = iucutter-db-answered ]; then echo database=reachable; else echo database=unreachable; fi`,
        sh`if [ -f ${c.identity.composeMarker} ]; then echo composeMarker=present; else echo composeMarker=missing; fi`,
        sh`if [ -f ${c.identity.envFile} ]; then echo envFile=present; else echo envFile=missing; fi`,
        // The staging dir may not exist yet: its nearest existing ancestor is where it will be made.
        sh`s=${c.paths.stagingDir}; while [ ! -e "$s" ]; do s="$(dirname "$s")"; done`,
        `printf 'stagingFreeKiB=%s\\n' "$(df -Pk "$s" | tail -n 1 | tr -s ' ' | cut -d' ' -f4)"`,
        `printf 'stagingDevice=%s\\n' "$(stat -c %d "$s")"`,
        sh`printf 'liveDevice=%s\\n' "$(stat -c %d ${c.paths.dotRepo} 2>/dev/null || echo none)"`,
    );
}

export function parseHostFacts(out: string): HostFacts | undefined {
    const kv = parseKeyValues(out);
    const need = ["python", "agent", "psql", "database", "composeMarker", "envFile", "stagingFreeKiB", "stagingDevice", "liveDevice"];
    if (need.some((k) => kv[k] === undefined)) {
        return undefined;
    }
    return { ...kv, stagingFreeKiB: Number(kv.stagingFreeKiB) } as unknown as HostFacts;
}

/**
 * Each missing fact, named. `releaseBytes` is the release's size; staging
 * must hold the new tree and the old tree's copy (twice the release).
 * `staging`: the staging checks apply (O6, which stages and swaps).
 */
export function hostFactProblems(c: StackConfig, f: HostFacts, releaseBytes: number, staging: boolean): string[] {
    const p: string[] = [];
    const o = c.cutterConfig.orchestrator;
    if (!/^Python 3\.\d+/.test(f.python)) {
        p.push(`python: the host has no python3 (\`python3 --version\` printed "${f.python}")`);
    }
    const want = c.release.agentCli.versionLine;
    if (f.agent === "") {
        p.push(`agent CLI: \`${agentVersionCommand(c)}\` in ${hostLayout(c).target} printed no version line`);
    } else if (want !== undefined && !new RegExp(`^(?:${want})$`).test(f.agent)) {
        p.push(`agent CLI: \`${agentVersionCommand(c)}\` in ${hostLayout(c).target} printed "${f.agent}", not a line matching release.agentCli.versionLine (${want})`);
    }
    if (f.psql === "") {
        p.push(psqlProgram(c) === "psql" ? "psql: not found on the host's PATH"
            : "psql: docker not found on the host's PATH (database.access is docker-exec)");
    }
    if (f.database !== "reachable") {
        p.push(c.database.access
            ? `database: not reachable as context_pack_readonly via ${describeDatabaseAccess(c)} (database.access)`
            : `database: not reachable as context_pack_readonly at ${o.db_host}:${o.db_port}/${o.db_name} (cutterConfig.orchestrator.db_*)`);
    }
    // The compose marker, .env and one filesystem for staging and the live tree are
    // HostIdentityGuard's facts (lib/host/identity.ts), judged there once; the review shows them here.
    if (staging) {
        const need = Math.ceil((2 * releaseBytes) / 1024);
        if (!Number.isFinite(f.stagingFreeKiB) || f.stagingFreeKiB < need) {
            p.push(`staging free space: ${f.stagingFreeKiB} KiB free for ${c.paths.stagingDir}, the release needs ${need} KiB (twice its ${releaseBytes} bytes: the new tree and the old tree's copy)`);
        }
    }
    return p;
}
