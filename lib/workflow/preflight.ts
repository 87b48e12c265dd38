/**
 * Everything that can refuse, done before a single resource is registered:
 * the engine starts running registered resources while the program is still
 * going, so a refusal after registration would be too late. Order: config,
 * release (source repo), plan, host identity (read-only probe), pre-state
 * anchors (O6) or the O6 deploy being verified (O7), mandate, approvals.
 */
import * as path from "path";
import { AnchorRow, classify, HostState, releaseDriftNote } from "../host/anchors";
import { identityProblems } from "../host/identity";
import { approvalProblem, Macro } from "./approval";
import { buildO7Plan, O6Deploy, o6DeployProblems, o7Commands, O7Observation, O7Plan, o7ProbeScript, o7RollbackCommands, parseO7Probe } from "../plan/o7";
import { GuardRefusal } from "../core/refusal";
import { ConfigError, DEFAULT_GRANT_MATRIX_QUERY, parseStackConfig, rawFromPulumiConfig, StackConfig } from "../config/config";
import { Mandate } from "../plan/mandate";
import { HostUnreachable, Observation, openSharedConnection, parseProbe, runReadOnly } from "../host/observe";
import { buildPlan, DeployPlan, orderedCommands, rollbackCommands } from "../plan/plan";
import { buildArchive, CleanCopies, inspectRelease, loadRunbook, releaseDelta, ReleaseManifest, ReleaseRefused, ReleaseTestResult, Runbook, runReleaseTests } from "../release/release";
import { grantMatrixProbeScript } from "../scripts/verification";
import { DATABASE_PASSWORD_INPUT, describeDatabaseAccess, usesPassword } from "../scripts/psql";
import { hostFactProblems, HostFacts, hostFactsScript, parseHostFacts } from "../scripts/hostFacts";
import { artifactsToPrune, probeScript } from "../scripts/o6";
import { SshTarget } from "../host/ssh";

export interface Preflight {
    cfg: StackConfig;
    manifest: ReleaseManifest;
    plan: DeployPlan;
    target: SshTarget;
    observation: Observation;
    hostState: HostState;
    anchorRows: AnchorRow[];
    mandate: Mandate;
    mandateDigest: string;
    warnings: string[];
    macro: Macro;
    /** The production contracts observed at review: release tests, runbook source, grant matrix (O7). */
    contracts: Contracts;
    /** O7 only: its commands and the O6 deploy they verify. */
    o7?: { plan: O7Plan; observation: O7Observation; verifiesDeploy: O6Deploy; pinned: boolean };
}

export interface Contracts {
    releaseTests: ReleaseTestResult;
    rollbackRunbook: { source: string; sha256: string; dest: string };
    /** Host facts observed read-only at review (Python, agent CLI, psql + database, marker/.env, staging space and filesystem). */
    hostFacts?: HostFacts;
    /** O7: the grant matrix observed read-only at review, against the O4 pin. */
    grantMatrix?: { pinned: string; observed: string; defaultQuery: boolean };
}

export interface PreflightInput {
    allConfig: Record<string, string>;
    secretKeys: string[];
    stack: string;
    isDryRun: boolean;
    env: NodeJS.ProcessEnv;
    cwd: string;
}

/** The read-only probes' stdin: the read-only role's password line, when database.access has one. */
function psqlStdin(cfg: StackConfig): string | undefined {
    return usesPassword(cfg) && cfg.databasePassword !== undefined ? `${cfg.databasePassword}\n` : undefined;
}

/** Which secrets the deploy receives, by name only ("set"): the review and the mandate show them, never their values. */
export function secretsSet(cfg: StackConfig): Record<string, "set"> {
    return { backupGpgFpr: "set", governancePrincipal: "set", ...(usesPassword(cfg) ? { [DATABASE_PASSWORD_INPUT]: "set" as const } : {}) };
}

export async function preflight(inp: PreflightInput): Promise<Preflight> {
    let cfg: StackConfig;
    try {
        cfg = parseStackConfig(rawFromPulumiConfig(inp.allConfig), inp.secretKeys);
    } catch (e) {
        if (e instanceof ConfigError) {
            throw new GuardRefusal("StackConfig", e.message);
        }
        throw e;
    }
    const target: SshTarget = {
        address: cfg.host.address, port: cfg.host.port, user: cfg.host.user, hostKey: cfg.host.hostKey, privateKeyPath: cfg.host.privateKeyPath,
    };
    // The run's one SSH connection is opened now, with the pinned key, and
    // authenticates while this machine reads the release; nothing runs on the
    // host before the release below is read and accepted.
    const connecting = openSharedConnection(target);
    try {
        return await preflightWith(inp, cfg, target, connecting);
    } finally {
        // A refusal before the first probe still waits for ssh, so that the exit handler stops the master it started.
        await connecting;
    }
}

async function preflightWith(inp: PreflightInput, cfg: StackConfig, target: SshTarget, connecting: Promise<string | undefined>): Promise<Preflight> {
    const buildDir = inp.env.IUCUTTER_BUILD_DIR ?? path.join(inp.cwd, ".build");
    let manifest: ReleaseManifest;
    let releaseTests: ReleaseTestResult;
    let runbook: Runbook;
    // A new commit is unpacked once for the source assertions and the release's suite.
    const copies = new CleanCopies();
    try {
        manifest = inspectRelease(cfg.release.sourceRepo, cfg.release.commit, buildDir, copies);
        // The release's own suite, on a clean copy of the pinned commit (roadmap: "tests 366/366"). Every
        // review runs it; the deploy takes the review's passing result for the same tree and interpreter.
        // A rollback (back to the old tree) is never blocked by the new release's tests.
        releaseTests = cfg.rollback
            ? { command: "(not run: rollback)", python: "", expected: cfg.release.expectedTests, passed: 0, failed: 0, errors: 0, skipped: 0, notRun: "rollback" }
            : runReleaseTests(cfg.release.sourceRepo, manifest.commit, cfg.release.expectedTests, cfg.release.testPython, { dir: buildDir, reuse: !inp.isDryRun }, copies);
        runbook = loadRunbook(cfg.cutterConfig.rollbackRunbook, cfg.release.sourceRepo, manifest.commit);
    } catch (e) {
        if (e instanceof ReleaseRefused) {
            throw new GuardRefusal(e.guard, e.message.slice(e.guard.length + 2) + " Nothing was written.");
        }
        throw e;
    } finally {
        copies.dispose();
    }
    const macro: Macro = cfg.macro;
    // A redeploy over a tree this machine knows (by its pinned anchor) ships only what changed.
    const delta = macro === "o6" && !cfg.rollback ? releaseDelta(cfg.release.sourceRepo, manifest, cfg.anchors.tree, buildDir) : undefined;
    const archivePath = delta?.archivePath ?? buildArchive(cfg.release.sourceRepo, manifest, buildDir);
    // O6 carries no dry run: that is macro O7, on its own stack, with its own approvals.
    const planCfg: StackConfig = macro === "o6" ? { ...cfg, verification: undefined } : cfg;
    const contracts: Contracts = { releaseTests, rollbackRunbook: { source: runbook.source, sha256: runbook.sha256, dest: cfg.cutterConfig.rollbackRunbookDest } };

    await connecting;
    const observation: Observation = readHost(target, probeScript(cfg), parseProbe);
    const problems = identityProblems(cfg, observation);
    if (problems.length > 0) {
        throw new GuardRefusal("HostIdentityGuard", `refused before any write:\n  - ${problems.join("\n  - ")}`);
    }
    // Previous trees beyond retention.artifacts, as the probe listed them (deploys only; a rollback prunes nothing).
    const prune = macro === "o6" && !cfg.rollback
        ? artifactsToPrune((observation.artifacts ?? "").split(" ").filter((n) => n !== ""), observation.ledger, cfg.retention.artifacts)
        : [];
    const plan = buildPlan(planCfg, { commit: manifest.commit, manifestDigest: manifest.digest, fileCount: manifest.fileCount, archivePath, delta, prune }, runbook.text);
    // Host facts, read-only: anything missing refuses, naming the fact (rollbacks are never blocked by them).
    let facts: HostFacts | undefined;
    try {
        facts = parseHostFacts(runReadOnly(target, hostFactsScript(cfg), undefined, psqlStdin(cfg)));
    } catch (e) {
        if (e instanceof HostUnreachable) {
            throw new GuardRefusal(e.guard, e.message.slice(e.guard.length + 2));
        }
        throw e;
    }
    if (!facts) {
        throw new GuardRefusal("HostFacts", "the host-facts probe's output is incomplete; is bash/coreutils installed on the host?");
    }
    const factProblems = hostFactProblems(cfg, facts, manifest.totalBytes, macro === "o6");
    if (factProblems.length > 0 && !cfg.rollback) {
        throw new GuardRefusal("HostFacts", `a fact the deploy relies on is missing on the host; refused before any write:\n  - ${factProblems.join("\n  - ")}`);
    }
    contracts.hostFacts = facts;

    const warnings: string[] = [];
    const { state, rows } = classify(cfg, observation, manifest.digest);
    if (macro === "o7") {
        return preflightO7({ inp, cfg, manifest, plan, target, observation, state, rows, warnings, runbook: runbook.text, contracts });
    }
    if (cfg.rollback && state !== "deployed") {
        throw new GuardRefusal("RollbackGate", `rollback requested, but release ${manifest.digest.slice(0, 12)} is not what the host has deployed (host state: ${state}); nothing to roll back. Set rollback back to false.`);
    }
    const table = rows.map((r) => `${r.name}: observed ${r.observed}, pinned ${r.pinned ?? "(not pinned)"}${r.match ? "" : "  <-- differs"}`).join("\n  ");
    if (state === "drift" && !cfg.rollback) {
        throw new GuardRefusal("PreStateAnchor",
            `the host drifted from the reviewed pre-state; refused before any write.\n  ${table}\n`
            + (releaseDriftNote(observation, manifest.digest) ?? "Re-run the review, have the new observation approved, and pin it (anchors.* in the stack config)."));
    }
    if (state === "unpinned") {
        if (!inp.isDryRun) {
            throw new GuardRefusal("PreStateAnchor",
                `anchors are not pinned; refusing to deploy unreviewed.\n  ${table}\nPin the observed values from the review: pulumi config set --path anchors.<name> <sha256>`);
        }
        warnings.push(`PreStateAnchor: anchors not pinned yet; \`up\` will refuse until they are.\n  ${table}`);
    }

    const mandate = baseMandate(inp.stack, cfg, manifest, contracts);
    mandate.set("anchors", cfg.anchors);
    mandate.set("secrets", secretsSet(cfg));
    mandate.set("rollback", cfg.rollback);
    for (const c of cfg.rollback ? rollbackCommands(plan) : orderedCommands(plan)) {
        const { stdinFile: _local, ...cmd } = c;
        mandate.add(cmd);
    }
    const mandateDigest = gate(inp, cfg, macro, mandate);
    return { cfg, manifest, plan, target, observation, hostState: state, anchorRows: rows, mandate, mandateDigest, warnings, macro, contracts };
}

/** What both macros' mandates hold: the macro, the host, the release, and who may approve it. */
function baseMandate(stack: string, cfg: StackConfig, manifest: ReleaseManifest, contracts: Contracts): Mandate {
    const mandate = new Mandate();
    mandate.set("macro", cfg.macro);
    mandate.set("stack", stack);
    mandate.set("host", { name: cfg.host.name, address: cfg.host.address, port: cfg.host.port, user: cfg.host.user, hostKey: cfg.host.hostKey, protected: cfg.host.protected });
    mandate.set("release", { commit: manifest.commit, version: cfg.release.version, tag: cfg.release.tag, manifestDigest: manifest.digest, fileCount: manifest.fileCount });
    // The trust an approval rests on is part of what is approved: changing the
    // signers or roles makes every earlier approval void.
    mandate.set("approvals", cfg.approvals ?? null);
    // What the review observed of the release's contracts (not the interpreter's version line:
    // the approval is for the suite's result, wherever the review ran).
    const t = contracts.releaseTests;
    mandate.set("releaseTests", { expected: t.expected, passed: t.passed, failed: t.failed, errors: t.errors, skipped: t.skipped, command: t.command, notRun: t.notRun ?? null });
    mandate.set("rollbackRunbook", contracts.rollbackRunbook);
    mandate.set("allowUnreviewedRuns", cfg.allowUnreviewedRuns);
    return mandate;
}

/** The mandate digest, after the ApprovalGate let this run through. */
function gate(inp: PreflightInput, cfg: StackConfig, macro: Macro, mandate: Mandate): string {
    const mandateDigest = mandate.digest();
    const problem = approvalProblem({ cfg, macro, stack: inp.stack, mandateDigest, isDryRun: inp.isDryRun, env: inp.env });
    if (problem) {
        throw new GuardRefusal("ApprovalGate", problem);
    }
    return mandateDigest;
}

interface O7Input {
    inp: PreflightInput; cfg: StackConfig; manifest: ReleaseManifest; plan: DeployPlan; target: SshTarget; observation: Observation;
    state: HostState; rows: AnchorRow[]; warnings: string[]; runbook: string; contracts: Contracts;
}

/**
 * Macro O7: the dry run of the O6 deploy the host carries. Refused (at preview
 * and at up) unless the host carries exactly the O6 deploy this stack's review
 * pinned (o7.verifiesDeploy); never registers an O6 resource.
 */
/** Runs a read-only probe; an unreachable or impersonated host is a refusal naming its guard. */
function readHost<T>(target: SshTarget, script: string, parse: (out: string) => T): T {
    try {
        return parse(runReadOnly(target, script));
    } catch (e) {
        if (e instanceof HostUnreachable) {
            throw new GuardRefusal(e.guard, e.message.slice(e.guard.length + 2));
        }
        throw e;
    }
}

function preflightO7(x: O7Input): Preflight {
    const { inp, cfg, manifest, plan, target, observation, rows, warnings, runbook } = x;
    const o: O7Observation | undefined = readHost(target, o7ProbeScript(cfg), parseO7Probe);
    if (!o) {
        throw new GuardRefusal("HostConnection", "the O7 probe's output is incomplete; is bash/python3/git installed on the host?");
    }
    const pinned = cfg.o7?.verifiesDeploy;
    const observed: O6Deploy = { ledgerDigest: o.ledgerDigest, releaseDigest: o.ledgerRelease, dotCommit: o.dotCommit };
    if (!cfg.rollback) {
        const problems = o6DeployProblems(o, manifest.digest, pinned);
        if (problems.length > 0) {
            throw new GuardRefusal("O7Gate", `O7 verifies one reviewed O6 deploy, and the host does not carry it; refused before anything ran.\n  - ${problems.join("\n  - ")}\n`
                + (pinned ? "If O6 was deployed again, review O7 again and pin the new deploy (o7.verifiesDeploy)." : "Deploy and close O6 first (its own review, approvals and deploy)."));
        }
        if (!pinned) {
            const pin = `pulumi config set --path o7.verifiesDeploy.ledgerDigest ${observed.ledgerDigest} && pulumi config set --path o7.verifiesDeploy.releaseDigest ${observed.releaseDigest} && pulumi config set --path o7.verifiesDeploy.dotCommit ${observed.dotCommit}`;
            if (!inp.isDryRun) {
                throw new GuardRefusal("O7Gate", `the O6 deploy this O7 run verifies is not pinned (o7.verifiesDeploy); refusing to run unreviewed. Pin what the review showed:\n  ${pin}`);
            }
            warnings.push(`O7Gate: the O6 deploy to verify is not pinned yet; \`up\` will refuse until it is. Observed now:\n  ${pin}`);
        }
    }
    // The grant matrix is an anchor: observed read-only now, as the read-only
    // role, with the configured query; a drift from the O4 pin refuses O7 before it runs.
    const v = cfg.verification!;
    let gm: string;
    try {
        gm = /^grantMatrix=(\S+)$/m.exec(runReadOnly(target, grantMatrixProbeScript(cfg), undefined, psqlStdin(cfg)))?.[1] ?? "unreadable";
    } catch (e) {
        if (e instanceof HostUnreachable) {
            throw new GuardRefusal(e.guard, e.message.slice(e.guard.length + 2));
        }
        throw e;
    }
    const contracts: Contracts = { ...x.contracts, grantMatrix: { pinned: v.grantMatrixSha256, observed: gm, defaultQuery: v.grantMatrixSql === DEFAULT_GRANT_MATRIX_QUERY } };
    if (!cfg.rollback && gm !== v.grantMatrixSha256) {
        throw new GuardRefusal("GrantMatrixAnchor", gm === "unreadable"
            ? `cannot read the grant matrix on the host as context_pack_readonly via ${describeDatabaseAccess(cfg)} (verification.grantMatrixSql); O7 refused before anything ran. Check database.access and the query.`
            : `the grant matrix observed now (sha256 ${gm}, verification.grantMatrixSql) is not the O4 pin (verification.grantMatrixSha256 ${v.grantMatrixSha256}); O7 refused before anything ran. Grants changed, or the query is not the one O4's pin was computed with.`);
    }
    const verifiesDeploy = pinned ?? observed;
    const o7plan = buildO7Plan(cfg, plan, verifiesDeploy, manifest.digest, runbook);
    const mandate = baseMandate(inp.stack, cfg, manifest, contracts);
    mandate.set("grantMatrix", { pinned: v.grantMatrixSha256, observed: gm });
    mandate.set("verifiesDeploy", verifiesDeploy);
    mandate.set("verification", cfg.verification ?? null);
    mandate.set("secrets", secretsSet(cfg));
    mandate.set("rollback", cfg.rollback);
    for (const c of cfg.rollback ? o7RollbackCommands(o7plan) : o7Commands(o7plan)) {
        const { stdinFile: _local, ...cmd } = c;
        mandate.add(cmd);
    }
    const mandateDigest = gate(inp, cfg, "o7", mandate);
    return {
        cfg, manifest, plan, target, observation, hostState: x.state, anchorRows: rows, mandate, mandateDigest, warnings, macro: "o7",
        o7: { plan: o7plan, observation: o, verifiesDeploy, pinned: !!pinned }, contracts,
    };
}
