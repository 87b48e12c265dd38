/**
 * Everything that can refuse, done before a single resource is registered:
 * the engine starts running registered resources while the program is still
 * going, so a refusal after registration would be too late. Order: config,
 * release (source repo), plan, host identity (read-only probe), pre-state
 * anchors, mandate, approval.
 */
import * as path from "path";
import { AnchorRow, classify, HostState } from "../components/preStateAnchor";
import { identityProblems } from "../components/hostConnection";
import { approvalProblem, APPROVAL_ENV } from "./approval";
import { GuardRefusal } from "./refusal";
import { ConfigError, parseStackConfig, rawFromPulumiConfig, StackConfig } from "./config";
import { Mandate } from "./mandate";
import { HostUnreachable, Observation, parseProbe, runReadOnly } from "./observe";
import { buildPlan, DeployPlan, orderedCommands, readRunbook, rollbackCommands } from "./plan";
import { buildArchive, inspectRelease, ReleaseManifest, ReleaseRefused } from "./release";
import { probeScript } from "./scripts";
import { SshTarget } from "./ssh";

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
}

export interface PreflightInput {
    allConfig: Record<string, string>;
    secretKeys: string[];
    stack: string;
    isDryRun: boolean;
    env: NodeJS.ProcessEnv;
    cwd: string;
}

export function preflight(inp: PreflightInput): Preflight {
    let cfg: StackConfig;
    try {
        cfg = parseStackConfig(rawFromPulumiConfig(inp.allConfig), inp.secretKeys);
    } catch (e) {
        if (e instanceof ConfigError) {
            throw new GuardRefusal("StackConfig", e.message);
        }
        throw e;
    }

    const buildDir = inp.env.IUCUTTER_BUILD_DIR ?? path.join(inp.cwd, ".build");
    let manifest: ReleaseManifest;
    try {
        manifest = inspectRelease(cfg.release.sourceRepo, cfg.release.commit, buildDir);
    } catch (e) {
        if (e instanceof ReleaseRefused) {
            throw new GuardRefusal(e.guard, e.message.slice(e.guard.length + 2) + " Nothing was written.");
        }
        throw e;
    }
    const archivePath = buildArchive(cfg.release.sourceRepo, manifest, buildDir);
    const plan = buildPlan(cfg, { commit: manifest.commit, manifestDigest: manifest.digest, fileCount: manifest.fileCount, archivePath }, readRunbook());

    const target: SshTarget = {
        address: cfg.host.address, port: cfg.host.port, user: cfg.host.user, hostKey: cfg.host.hostKey, privateKeyPath: cfg.host.privateKeyPath,
    };
    let observation: Observation;
    try {
        observation = parseProbe(runReadOnly(target, probeScript(cfg)));
    } catch (e) {
        if (e instanceof HostUnreachable) {
            throw new GuardRefusal(e.guard, e.message.slice(e.guard.length + 2));
        }
        throw e;
    }
    const problems = identityProblems(cfg, observation);
    if (problems.length > 0) {
        throw new GuardRefusal("HostIdentityGuard", `refused before any write:\n  - ${problems.join("\n  - ")}`);
    }

    const warnings: string[] = [];
    const { state, rows } = classify(cfg, observation, manifest.digest);
    if (cfg.rollback && state !== "deployed") {
        throw new GuardRefusal("RollbackGate", `rollback requested, but release ${manifest.digest.slice(0, 12)} is not what the host has deployed (host state: ${state}); nothing to roll back. Set rollback back to false.`);
    }
    const table = rows.map((r) => `${r.name}: observed ${r.observed}, pinned ${r.pinned ?? "(not pinned)"}${r.match ? "" : "  <-- differs"}`).join("\n  ");
    if (state === "drift" && !cfg.rollback) {
        throw new GuardRefusal("PreStateAnchor",
            `the host drifted from the reviewed pre-state; refused before any write.\n  ${table}\n`
            + "Re-run the review, have the new observation approved, and pin it (anchors.* in the stack config).");
    }
    if (state === "unpinned") {
        if (!inp.isDryRun) {
            throw new GuardRefusal("PreStateAnchor",
                `anchors are not pinned; refusing to deploy unreviewed.\n  ${table}\nPin the observed values from the review: pulumi config set --path anchors.<name> <sha256>`);
        }
        warnings.push(`PreStateAnchor: anchors not pinned yet; \`up\` will refuse until they are.\n  ${table}`);
    }

    const mandate = new Mandate();
    mandate.set("stack", inp.stack);
    mandate.set("host", { name: cfg.host.name, address: cfg.host.address, port: cfg.host.port, user: cfg.host.user, hostKey: cfg.host.hostKey });
    mandate.set("release", { commit: manifest.commit, version: cfg.release.version, tag: cfg.release.tag, manifestDigest: manifest.digest, fileCount: manifest.fileCount });
    mandate.set("anchors", cfg.anchors);
    mandate.set("secrets", { backupGpgFpr: "set", governancePrincipal: "set" });
    mandate.set("rollback", cfg.rollback);
    for (const c of cfg.rollback ? rollbackCommands(plan) : orderedCommands(plan)) {
        const { stdinFile: _local, ...cmd } = c;
        mandate.add(cmd);
    }
    const mandateDigest = mandate.digest();
    const approval = approvalProblem(cfg.host.protected, mandateDigest, inp.isDryRun, inp.env[APPROVAL_ENV]);
    if (approval) {
        throw new GuardRefusal("ApprovalGate", approval);
    }
    return { cfg, manifest, plan, target, observation, hostState: state, anchorRows: rows, mandate, mandateDigest, warnings };
}
