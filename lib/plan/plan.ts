/**
 * The deploy plan: every command, in execution order, rendered from config
 * and release facts by pure functions. Components turn it into resources; the
 * review package and the mandate digest are computed from it. Nothing else
 * can put a command on the host.
 */
import { StackConfig } from "../config/config";
import { canonicalJson, sha256Hex } from "../core/digest";
import { MandateCommand } from "./mandate";
import { o7RollbackMandatePath, verificationCleanupScript, verificationScript } from "../scripts/verification";
import {
    dirsScript, fileScript, hostLayout, identityGuardScript, preStateGuardScript, ReleaseFacts,
    renderOrchestratorConfig, retentionScript, rollbackGuardScript, secretsScript, tagScript,
} from "../scripts/o6";
import { recoveryScript, rollbackMandatePath, StagingDelta, stagingPath, swapScript } from "../scripts/swap";
import { ReleaseDelta } from "../release/release";
import { lines, STRICT } from "../scripts/shell";
import { psqlSecretInputs, psqlWrites } from "../scripts/psql";
import { count } from "../core/text";

export interface PlannedCommand extends MandateCommand {
    /** Local file streamed on stdin, if any. */
    stdinFile?: string;
}

export interface DeployPlan {
    identityGuard: PlannedCommand;
    preStateGuard: PlannedCommand;
    dirs: PlannedCommand;
    orchestratorConfig: PlannedCommand;
    rollbackRunbook: PlannedCommand;
    secrets: PlannedCommand;
    swap: PlannedCommand;
    tag: PlannedCommand;
    /** O7 dry-run verification, when the stack enables it. */
    verify?: PlannedCommand;
    /** Rollback runs only: the host-side mandate the release's delete checks on a protected host (issue 15). */
    rollbackMandate?: PlannedCommand;
    /** Created before the swap, so it is in the state even if the swap's create fails: its delete reverts an unfinished deploy from the journal (issue 15). */
    recovery: PlannedCommand;
    /** Deploys only: pruning of previous trees beyond retention.artifacts (after the swap). */
    retention?: PlannedCommand;
    /** sha256 over every writing command; the guards re-run when it changes. */
    writesDigest: string;
}

/** The swap's view of a delta: the base and the path lists the script names. */
export function stagingDelta(d: ReleaseDelta): StagingDelta {
    return { baseDigest: d.baseDigest, changedCount: d.changed.length, remove: d.removed };
}

/**
 * The deploy plan. With `r.delta` (a redeploy over a live tree this machine
 * knows by its pinned anchor), the swap ships only the changed files and
 * copies the rest from the live tree; everything else is the same.
 */
export function buildPlan(c: StackConfig, r: ReleaseFacts & { archivePath: string; delta?: ReleaseDelta; prune?: string[] }, runbook: string): DeployPlan {
    const L = hostLayout(c);
    const stage = stagingPath(c, r);
    const cmd = (resource: string, component: string, description: string, s: { create: string; delete?: string },
        writes: string[], extra: Partial<PlannedCommand> = {}): PlannedCommand => ({
        resource, component, where: "host", description, create: s.create, delete: s.delete ?? "",
        writes, triggers: [], secretInputs: [], ...extra,
    });

    const dirs = cmd("cutter-dirs", "CutterConfig", "GAP-5: provision the /var/lib/cutter/* directories",
        dirsScript(c), c.cutterConfig.dirs.map((d) => d.path));
    const orchFile = fileScript(c.cutterConfig.orchestratorConfigFile, renderOrchestratorConfig(c), "0640", "orchestrator config");
    const orch = cmd("orchestrator-config", "CutterConfig", "GAP-5: write the orchestrator.* config (execution_enabled = false)",
        orchFile, orchFile.writes);
    const runbookFile = fileScript(c.cutterConfig.rollbackRunbookDest, runbook, "0640", "rollback runbook");
    const runbookCmd = cmd("rollback-runbook", "CutterConfig", "GAP-6: place rollback_runbook.sql (placed, never executed)",
        runbookFile, runbookFile.writes);
    const secrets = cmd("env-production-secrets", "CutterSecrets",
        "GAP-3/GAP-4: verify BACKUP_GPG_FPR in the keyring and the governance principal's grants, then set both in the env file (0600)",
        secretsScript(c), [c.paths.envProductionFile, `${c.paths.envProductionFile}.iucutter-tmp`, L.envBackupDir, ...psqlWrites(c)],
        { secretInputs: ["backupGpgFpr", "governancePrincipal", ...psqlSecretInputs(c)] });
    const upload = r.delta
        ? `Copy the live tree (pinned anchor ${r.delta.baseDigest.slice(0, 12)}, release ${r.delta.baseCommit.slice(0, 12)}) into staging, `
            + `upload only the ${count(r.delta.changed.length, "changed file")} (${r.delta.removed.length} removed), and verify all ${r.fileCount} files against the manifest; `
        : `Upload the release archive (${r.fileCount} files) to staging and verify it against the manifest; `;
    const swap = cmd("release-deploy", "Release",
        `${upload}swap it into place `
        + "(old tree to a timestamped artifact dir); assert version, orchestrator/ and kill-switch (revert on failure); commit in the dot repo. "
        + "Rollback (delete) restores the old tree and commits that.",
        swapScript(c, r, r.delta ? stagingDelta(r.delta) : undefined), [L.target, L.artifacts, L.journal, `${L.journal}.tmp`, L.ledger, `${L.ledger}.tmp`, `${c.paths.dotRepo}/.git`, `${c.paths.stateDir}/deploy.log`, c.paths.stateDir, c.paths.stagingDir, stage],
        // The pinned pre-state tree is a trigger: re-pinning a drifted live tree re-runs the swap (a redeploy of
        // the same digest that restores the reviewed release), never "unchanged" over the drifted tree.
        { triggers: [r.manifestDigest, ...(c.anchors.tree ? [`pre-tree:${c.anchors.tree}`] : [])], stdinFile: r.archivePath, stdinFileDigest: r.manifestDigest });
    const recovery = cmd("deploy-recovery", "Release",
        "DeployRecovery: nothing on create; on destroy or rollback, an unfinished deploy's journal on the host (a failed create whose revert failed too, or a killed run) "
        + "is reverted to its pre-deploy tree, dot-repo HEAD and index, and ledger (a protected host: only in the reviewed rollback)",
        { create: lines(STRICT, `echo "DeployRecovery: armed (a destroy reverts an unfinished deploy from its journal)"`), delete: recoveryScript(c, r) },
        [L.target, L.journal, L.ledger, `${L.ledger}.tmp`, `${c.paths.dotRepo}/.git`, `${c.paths.stateDir}/deploy.log`, c.paths.stateDir, c.paths.stagingDir, stage,
            ...(c.host.protected ? [rollbackMandatePath(c)] : [])]);
    const tag: PlannedCommand = {
        resource: "release-tag", component: "Release", where: "local",
        description: `Create the local annotated tag ${c.release.tag} at ${r.commit.slice(0, 12)} in the source repo (never pushed)`,
        create: tagScript(c, r.commit), delete: "", writes: [`${c.release.sourceRepo}/.git/refs/tags/${c.release.tag}`],
        triggers: [], secretInputs: [],
    };
    const verify = c.verification?.enabled
        ? cmd("o7-dry-run-verification", "DryRunVerification",
            "O7: run the orchestrator in Mode.DRYRUN through context_pack_readonly (SG1 pause, resume, SG2 pause, resume, closeout, idempotent closeout); "
            + "row counts and grant matrix identical before and after; Mode.LIVE refused before, during and after; readiness evidence for GAP-3..8",
            { create: verificationScript(c, r.manifestDigest, runbook), delete: verificationCleanupScript(c, r.manifestDigest, runbook) },
            [c.cutterConfig.orchestrator.state_dir, o7RollbackMandatePath(c), ...psqlWrites(c)],
            { triggers: [r.manifestDigest], secretInputs: ["backupGpgFpr", "governancePrincipal", ...psqlSecretInputs(c)], captureStdout: true })
        : undefined;
    // Retention (issue 15): the previous trees beyond retention.artifacts, named one by one as the probe saw them.
    const retention = r.prune && r.prune.length > 0
        ? cmd("artifact-retention", "Release",
            `ArtifactRetention: remove the ${r.prune.length} oldest previous tree(s) beyond retention.artifacts = ${c.retention.artifacts} (never a rollback target): ${r.prune.join(", ")}`,
            { create: retentionScript(c, r.prune) }, [L.artifacts, ...r.prune.map((n) => `${L.artifacts}/${n}`)], { triggers: [canonicalJson(r.prune)] })
        : undefined;
    const writesDigest = sha256Hex(canonicalJson([dirs, orch, runbookCmd, secrets, recovery, swap, verify ?? null, ...(retention ? [retention] : [])]));
    const identityGuard = cmd("host-identity-guard", "HostConnection",
        "HostIdentityGuard: re-check hostname, compose marker, .env and that the dot repo has no remote, right before the first write",
        // Re-run in a rollback too (its own trigger), so the host's identity is checked right before the deletes.
        { create: identityGuardScript(c) }, [], { triggers: [writesDigest, ...(c.rollback ? ["rollback"] : [])], guard: "HostIdentityGuard" });
    const preStateGuard = c.rollback
        ? cmd("pre-state-guard", "PreStateAnchor",
            "RollbackGate: the deployed release is exactly this one and untouched, right before the rollback deletes run",
            { create: rollbackGuardScript(c, r) }, [], { triggers: [writesDigest, "rollback"], guard: "PreStateAnchor" })
        : cmd("pre-state-guard", "PreStateAnchor",
            "PreStateAnchor: re-check every pinned sha256 anchor right before the first write (abort on drift)",
            { create: preStateGuardScript(c, r) }, [], { triggers: [writesDigest], guard: "PreStateAnchor" });
    const mandateFile = fileScript(rollbackMandatePath(c), `release=${r.manifestDigest}\n`, "0600", "rollback mandate");
    const rollbackMandate = c.rollback
        ? cmd("rollback-mandate", "Release", `RollbackGate: record on the host that the reviewed rollback of ${r.manifestDigest.slice(0, 12)} may run (a protected host refuses a plain destroy)`,
            mandateFile, mandateFile.writes)
        : undefined;
    return { identityGuard, preStateGuard, dirs, orchestratorConfig: orch, rollbackRunbook: runbookCmd, secrets, recovery, swap, tag, verify, writesDigest, rollbackMandate, retention };
}

/** Execution order, as the review package lists it. */
export function orderedCommands(p: DeployPlan): PlannedCommand[] {
    return [p.tag, p.identityGuard, p.preStateGuard, p.dirs, p.orchestratorConfig, p.rollbackRunbook, p.secrets, p.recovery, p.swap, ...(p.retention ? [p.retention] : []), ...(p.verify ? [p.verify] : [])];
}

/**
 * A rollback's commands: the guards, then every write's `delete`, in reverse
 * order (what `up` runs when the writes leave the program). The tag is kept.
 */
export function rollbackCommands(p: DeployPlan): PlannedCommand[] {
    const writes = [p.dirs, p.orchestratorConfig, p.rollbackRunbook, p.secrets, p.recovery, p.swap, ...(p.verify ? [p.verify] : [])].reverse();
    return [p.identityGuard, p.preStateGuard, ...(p.rollbackMandate ? [p.rollbackMandate] : []), ...writes.map((w) => ({
        ...w, description: `ROLLBACK (delete of ${w.resource}): ${w.description}`, create: w.delete, delete: "", stdinFile: undefined, stdinFileDigest: undefined,
    }))];
}
