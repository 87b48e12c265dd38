/**
 * The command-review package: what a reviewer who has never used Pulumi reads
 * before approving a deploy. Rendered from the plan, the observation and the
 * mandate; secrets appear only as "set". Pure: tests render it directly.
 */
import { HELPERS } from "../scripts/helpers";
import FORBIDDEN from "./forbiddenChecklist.json";
import { AnchorRow, HostState } from "../host/anchors";
import { StackConfig } from "../config/config";
import { MandateCommand } from "../plan/mandate";

export interface ReviewData {
    /** Which macro this package is for: o6 (deploy) or o7 (dry run of one O6 deploy). */
    macro: "o6" | "o7";
    /** O7: the O6 deploy the dry run verifies (pinned, or observed when not pinned yet). */
    verifiesDeploy?: { ledgerDigest: string; releaseDigest: string; dotCommit: string };
    verifiesDeployPinned?: boolean;
    stack: string;
    generatedAt: string;
    mandateDigest: string;
    hostState: HostState;
    host: { name: string; observedHostname: string; address: string; port: number; user: string; hostKey: string; protected: boolean };
    identity: { composeMarker: string; envFile: string; markerPresent: boolean; envFilePresent: boolean; dotRemotes: string };
    release: { sourceRepo: string; sourceCommit: string; version: string; tag: string; manifestDigest: string; fileCount: number; totalBytes: number };
    anchors: AnchorRow[];
    commands: MandateCommand[];
    config: { dirs: StackConfig["cutterConfig"]["dirs"]; orchestratorConfigFile: string; rollbackRunbookDest: string; envProductionFile: string };
    secrets: Record<string, "set" | "missing">;
    manifest: string[];
    /** The production contracts observed at review (release tests, runbook source, grant matrix). */
    contracts?: {
        releaseTests: { command: string; python: string; expected: number; passed: number; failed: number; errors: number; skipped: number; notRun?: string };
        rollbackRunbook: { source: string; sha256: string; dest: string };
        grantMatrix?: { pinned: string; observed: string; defaultQuery: boolean };
        hostFacts?: { python: string; agent: string; psql: string; database: string; composeMarker: string; envFile: string; stagingFreeKiB: number; stagingDevice: string; liveDevice: string };
    };
    /** A rollback review: the commands are the deletes of what was deployed. */
    rollback?: boolean;
}

/**
 * The forbidden list of the seeds (O6 §2, O7 §3, §7), each with the policy
 * that makes it mechanical: data, in forbiddenChecklist.json.
 */
export const FORBIDDEN_CHECKLIST: ReadonlyArray<{ rule: string; policy: string }> = FORBIDDEN;

/** Shows each pinned helper once: in a command, its body is replaced by a reference to the section below. */
export function collapseHelpers(script: string): string {
    let out = script;
    for (const h of HELPERS) {
        // The heredoc's first line may carry `|| fail …` after <<'PY' (helperCall's orElse); the body is the same text.
        out = out.split(`\n${h.text}PY`).join(`\n# [pinned helper ${h.name}, sha256 ${h.sha256.slice(0, 16)}…: shown once under "Pinned helpers"]\nPY`);
    }
    return out;
}

function fence(text: string): string {
    let f = "```";
    while (text.includes(f)) {
        f += "`";
    }
    return `${f}sh\n${text.replace(/\n$/, "")}\n${f}`;
}

export function renderMarkdown(r: ReviewData, policyVerdicts?: Array<{ policy: string; verdict: string }>): string {
    const out: string[] = [];
    const o7 = r.macro === "o7";
    const M = o7 ? "O7" : "O6";
    out.push(o7
        ? (r.rollback ? `# Command-review package, macro O7: ROLLBACK (forget the dry run) on ${r.host.name}` : `# Command-review package, macro O7: dry run of the O6 deploy on ${r.host.name}`)
        : (r.rollback ? `# Command-review package, macro O6: ROLLBACK of iu-cutter ${r.release.version} on ${r.host.name}` : `# Command-review package, macro O6: iu-cutter ${r.release.version} to ${r.host.name}`));
    out.push("");
    out.push(`**${M} mandate digest: \`${r.mandateDigest}\`**`);
    out.push("");
    out.push(`Two signed approvals name this digest and the saved plan's sha256: one with role \`review\`, one with role \`sovereign\`. They authorize macro ${M} on this stack only${o7 ? " (not O6, not O8)" : " (not O7)"}; \`deploy\` and the program itself refuse unless both signatures verify for the digest computed at deploy time.`);
    out.push("");
    if (o7 && r.verifiesDeploy) {
        out.push("## The O6 deploy this dry run verifies");
        out.push("");
        out.push(r.verifiesDeployPinned ? "Pinned in `o7.verifiesDeploy`; O7 refuses on a host that does not carry exactly this deploy, at preview, at up, and on the host right before the dry run." : "**Not pinned yet** (observed now): pin these values in `o7.verifiesDeploy` and review again; `up` refuses until then.");
        out.push("");
        out.push("| | value |");
        out.push("|---|---|");
        out.push(`| ledger entry (sha256 of the host's ledger file) | \`${r.verifiesDeploy.ledgerDigest}\` |`);
        out.push(`| release digest (manifest = deployed tree) | \`${r.verifiesDeploy.releaseDigest}\` |`);
        out.push(`| dot-repo commit (the O6 deploy commit) | \`${r.verifiesDeploy.dotCommit}\` |`);
        out.push("");
    }
    out.push(`- Stack: \`${r.stack}\`${r.host.protected ? " (protected: deploys need an approval)" : ""}; generated ${r.generatedAt}`);
    out.push(`- Host state now: **${r.hostState}**`);
    out.push("");
    out.push("## Target host");
    out.push("");
    out.push("| | expected (pinned) | observed |");
    out.push("|---|---|---|");
    out.push(`| hostname | \`${r.host.name}\` | \`${r.host.observedHostname}\` |`);
    out.push(`| SSH | \`${r.host.user}@${r.host.address}:${r.host.port}\` | host key verified against the pin |`);
    out.push(`| host key | \`${r.host.hostKey}\` | |`);
    out.push(`| compose marker | \`${r.identity.composeMarker}\` | ${r.identity.markerPresent ? "present" : "**missing**"} |`);
    out.push(`| .env | \`${r.identity.envFile}\` | ${r.identity.envFilePresent ? "present" : "**missing**"} |`);
    out.push(`| dot repo remotes | none allowed | ${r.identity.dotRemotes.trim() === "" ? "none" : `**${r.identity.dotRemotes}**`} |`);
    out.push("");
    out.push("## Release");
    out.push("");
    out.push(`- Source: \`${r.release.sourceRepo}\` at \`${r.release.sourceCommit}\` (clean tree checked)`);
    out.push(`- Version: \`${r.release.version}\`; tag \`${r.release.tag}\` (local, annotated, never pushed)`);
    out.push(`- Manifest digest: \`${r.release.manifestDigest}\` over ${r.release.fileCount} files (${r.release.totalBytes} bytes); full manifest in \`manifest.txt\``);
    out.push("- Checked in the source: `__version__ == \"0.6.0\"`, `orchestrator/` present, `execution_enabled = False`, no secret-like files, no bytecode");
    if (r.contracts) {
        const t = r.contracts.releaseTests;
        out.push(t.notRun
            ? `- Release tests: not run (${t.notRun}: a rollback is never blocked by the new release's suite)`
            : `- Release tests (clean copy of the commit, bytecode writing off): **${t.passed}/${t.expected} passed** (${t.failed} failed, ${t.errors} errors, ${t.skipped} skipped); \`${t.command}\` with ${t.python}`);
        const rb = r.contracts.rollbackRunbook;
        out.push(`- Rollback runbook (GAP-6) from ${rb.source.startsWith("release:") ? `the release tree, \`${rb.source.slice(8)}\`` : `the owner's file \`${rb.source.slice(5)}\` (sha256 pinned)`}: sha256 \`${rb.sha256}\`, placed at \`${rb.dest}\``);
    }
    out.push("");
    if (r.contracts?.hostFacts) {
        const f = r.contracts.hostFacts;
        out.push("## Host facts (observed read-only now)");
        out.push("");
        out.push("| fact | observed |");
        out.push("|---|---|");
        out.push(`| Python | \`${f.python}\` |`);
        out.push(`| agent CLI (version line, live tree) | \`${f.agent || "(none)"}\` |`);
        out.push(`| psql | \`${f.psql || "(not found)"}\`; database as \`context_pack_readonly\`: ${f.database} |`);
        out.push(`| compose marker | \`${r.identity.composeMarker}\` ${f.composeMarker} |`);
        out.push(`| .env | \`${r.identity.envFile}\` ${f.envFile} |`);
        out.push(`| staging free space | ${f.stagingFreeKiB} KiB (release ${r.release.totalBytes} bytes; twice that is needed) |`);
        out.push(`| staging and live tree on one filesystem | ${f.stagingDevice === f.liveDevice ? "yes" : "**no**"} (devices ${f.stagingDevice}, ${f.liveDevice}) |`);
        out.push("");
    }
    if (r.contracts?.grantMatrix) {
        const g = r.contracts.grantMatrix;
        out.push("## Grant matrix (anchor)");
        out.push("");
        out.push(`Observed now, read-only as \`context_pack_readonly\`, with ${g.defaultQuery ? "the default query" : "the configured query (`verification.grantMatrixSql`)"}; O7 refuses before it runs when it differs from the O4 pin.`);
        out.push("");
        out.push("| | sha256 |");
        out.push("|---|---|");
        out.push(`| pinned (O4, \`verification.grantMatrixSha256\`) | \`${g.pinned}\` |`);
        out.push(`| observed | \`${g.observed}\` ${g.observed === g.pinned ? "match" : "**differs**"} |`);
        out.push("");
    }
    if (!o7) {
    out.push("## Pre-state anchors (sha256)");
    out.push("");
    out.push("| anchor | pinned | observed | |");
    out.push("|---|---|---|---|");
    for (const a of r.anchors) {
        out.push(`| ${a.name} | \`${a.pinned ?? "(not pinned)"}\` | \`${a.observed}\` | ${a.match ? "match" : "**differs**"} |`);
    }
    out.push("");
    out.push("## Config and secrets written");
    out.push("");
    for (const d of r.config.dirs) {
        out.push(`- dir \`${d.path}\` mode ${d.mode} ${d.owner}:${d.group} (GAP-5)`);
    }
    out.push(`- orchestrator config \`${r.config.orchestratorConfigFile}\` (execution_enabled = false) (GAP-5)`);
    out.push(`- rollback runbook \`${r.config.rollbackRunbookDest}\` (GAP-6)`);
    const written = Object.entries(r.secrets).filter(([k]) => k !== "databasePassword");
    out.push(`- \`${r.config.envProductionFile}\` (0600): ${written.map(([k, v]) => `${k} ${v}`).join(", ")} (GAP-3, GAP-4)`);
    if (r.secrets.databasePassword) {
        out.push(`- databasePassword ${r.secrets.databasePassword}: the read-only role's password, on stdin into a mktemp 0600 PGPASSFILE removed on exit; never written to a file that stays`);
    }
    out.push("");
    }
    out.push("## Commands, in execution order");
    out.push("");
    r.commands.forEach((c, i) => {
        out.push(`### ${i + 1}. \`${c.resource}\` (${c.component}, ${c.where === "host" ? "on the host" : "on the operator's machine"})`);
        out.push("");
        out.push(c.description);
        out.push("");
        out.push(`Writes: ${c.writes.length ? c.writes.map((w) => `\`${w}\``).join(", ") : "nothing (read-only)"}`);
        if (c.secretInputs.length) {
            out.push(`Secrets on stdin: ${c.secretInputs.join(", ")} (values never shown)`);
        }
        if (c.stdinFileDigest) {
            out.push(`Stdin: the release archive, manifest digest \`${c.stdinFileDigest}\``);
        }
        out.push("");
        out.push(fence(collapseHelpers(c.create)));
        if (c.delete) {
            out.push("");
            out.push("On rollback (`delete`):");
            out.push("");
            out.push(fence(collapseHelpers(c.delete)));
        }
        out.push("");
    });
    out.push("## Pinned helpers");
    out.push("");
    out.push("Each is embedded verbatim (`python3 - ARGS <<'PY'`) wherever a command above names it; the policy pack accepts Python only when its sha256 is one of these (`policies/pinned/pins.json`).");
    out.push("");
    for (const h of HELPERS) {
        out.push(`### \`${h.name}\` sha256 \`${h.sha256}\`${h.writesArgs.length ? ` (writes its arguments ${h.writesArgs.join(", ")})` : " (reads only)"}${h.parts.length > 1 ? `; its text is ${h.parts.map((p) => `\`${p}\``).join(" then ")}` : ""}`);
        out.push("");
        out.push(fence(h.text));
        out.push("");
    }
    out.push("## Forbidden actions (seeds) and the policy that enforces each");
    out.push("");
    out.push("| forbidden | policy | verdict |");
    out.push("|---|---|---|");
    for (const f of FORBIDDEN_CHECKLIST) {
        const v = policyVerdicts?.find((p) => p.policy === f.policy)?.verdict ?? "see policy run";
        out.push(`| ${f.rule} | \`${f.policy}\` | ${v} |`);
    }
    out.push("");
    return out.join("\n");
}

export function renderJson(r: ReviewData): string {
    const { manifest: _m, ...rest } = r;
    return JSON.stringify(rest, null, 2) + "\n";
}
