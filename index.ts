/**
 * iu-cutter-deploy: macros O6 and O7 as code, one stack per macro (config
 * `macro`): O6 tags, deploys, writes config and secrets, asserts; O7 runs the
 * read-only dry run of one reviewed O6 deploy and the readiness checklist.
 *
 * `pulumi preview` is the command-review package: it observes the host
 * read-only, checks identity and pre-state anchors (O6) or the O6 deploy (O7),
 * and lists every command with the mandate digest. `pulumi up` runs exactly
 * those commands, only as the reviewed plan with verified signed approvals
 * (lib/workflow/approval.ts), after re-checking the host before the first write.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "./lib/core/pulumiSdk";
import { CutterConfig } from "./components/cutterConfig";
import { CutterSecrets } from "./components/cutterSecrets";
import { HostConnection } from "./components/hostConnection";
import { PreStateAnchor } from "./components/preStateAnchor";
import { Release } from "./components/release";
import { secretKeysFromEnv } from "./lib/config/config";
import { DATABASE_PASSWORD_INPUT, usesPassword } from "./lib/scripts/psql";
import { entryLine } from "./lib/core/digest";
import { GuardRefusal } from "./lib/core/refusal";
import { Preflight, preflight, secretsSet } from "./lib/workflow/preflight";
import { remoteFromPlan, SecretValues } from "./lib/provider/commandFactory";
import { startHostCommandProvider } from "./lib/provider/providerStart";
import { renderJson, ReviewData } from "./lib/workflow/review";
import { GapRow, parseEvidence, readiness, renderReadiness } from "./lib/scripts/verification";
import { DryRunVerification } from "./components/dryRunVerification";
import { O6DeployGuard } from "./components/o6DeployGuard";

export = async () => {
    try {
        return await program();
    } catch (e) {
        if (e instanceof pulumi.RunError) {
            throw e;
        }
        // Shown as text: the SDK's own error inspection fails on some errors
        // under source maps and would hide the cause (see README).
        const err = e as Error;
        throw new GuardRefusal("ProgramError", `${err?.message ?? String(e)}\n${(err?.stack ?? "").split("\n").slice(1, 8).join("\n")}`);
    }
};

async function program() {
    // The provider's process starts while preflight works (lib/provider/providerStart.ts);
    // one turn of the event loop hands the request to the engine before preflight's synchronous parts.
    void startHostCommandProvider();
    await new Promise((resolve) => setImmediate(resolve));
    // Every refusal happens here, before any host command exists.
    const pf = await preflight({
        allConfig: pulumi.runtime.allConfig(), secretKeys: secretKeysFromEnv(), stack: pulumi.getStack(),
        isDryRun: pulumi.runtime.isDryRun(), env: process.env, cwd: process.cwd(),
    });
    const { cfg, plan, manifest, mandate, mandateDigest } = pf;
    for (const w of pf.warnings) {
        await pulumi.log.warn(w);
    }
    const secretCfg = new pulumi.Config();
    const backupGpgFpr = secretCfg.requireSecret("backupGpgFpr");
    const governancePrincipal = secretCfg.requireSecret("governancePrincipal");
    // Read only when database.access asks for it (tcp with password: true): a stack without one never needs the key.
    const dbSecrets: Record<string, pulumi.Output<string>> = usesPassword(cfg)
        ? { [DATABASE_PASSWORD_INPUT]: secretCfg.requireSecret(DATABASE_PASSWORD_INPUT) } : {};

    const reviewData: ReviewData = {
        macro: pf.macro,
        verifiesDeploy: pf.o7?.verifiesDeploy,
        verifiesDeployPinned: pf.o7?.pinned,
        stack: pulumi.getStack(),
        generatedAt: new Date().toISOString(),
        mandateDigest,
        hostState: pf.hostState,
        host: {
            name: cfg.host.name, observedHostname: pf.observation.hostname, address: cfg.host.address, port: cfg.host.port,
            user: cfg.host.user, hostKey: cfg.host.hostKey, protected: cfg.host.protected,
        },
        identity: {
            composeMarker: cfg.identity.composeMarker, envFile: cfg.identity.envFile,
            markerPresent: pf.observation.marker === "present", envFilePresent: pf.observation.envfile === "present",
            dotRemotes: pf.observation.dotRemotes,
        },
        release: {
            sourceRepo: cfg.release.sourceRepo, sourceCommit: manifest.commit, version: cfg.release.version, tag: cfg.release.tag,
            manifestDigest: manifest.digest, fileCount: manifest.fileCount, totalBytes: manifest.totalBytes,
        },
        anchors: pf.anchorRows,
        commands: mandate.commands,
        config: {
            dirs: cfg.cutterConfig.dirs, orchestratorConfigFile: cfg.cutterConfig.orchestratorConfigFile,
            rollbackRunbookDest: cfg.cutterConfig.rollbackRunbookDest, envProductionFile: cfg.paths.envProductionFile,
        },
        secrets: secretsSet(cfg),
        manifest: manifest.entries.map(entryLine),
        rollback: cfg.rollback,
        contracts: pf.contracts,
    };

    // The review data is written while the program runs: at preview (the
    // reviewer's copy) and at up (the deploy's record of what it ran). The
    // workflow (lib/workflow/operations.ts) renders review.md from it, with
    // the engine's policy verdicts: one writer.
    const reviewDir = process.env.IUCUTTER_REVIEW_DIR;
    if (reviewDir) {
        fs.mkdirSync(reviewDir, { recursive: true });
        const prefix = pulumi.runtime.isDryRun() ? "review" : "deployed";
        fs.writeFileSync(path.join(reviewDir, `${prefix}.json`), renderJson(reviewData));
        fs.writeFileSync(path.join(reviewDir, "manifest.txt"), reviewData.manifest.join(""));
    }

    if (pf.macro === "o7") {
        return o7Program(pf, reviewData, reviewDir, { backupGpgFpr, governancePrincipal, ...dbSecrets });
    }

    // --- the host: identity guard, then pre-state guard, then the writes ------
    const host = new HostConnection("host", { target: pf.target, observation: pf.observation, identityGuard: plan.identityGuard });
    const anchors = new PreStateAnchor("pre-state", {
        state: pf.hostState, rows: pf.anchorRows, target: pf.target, preStateGuard: plan.preStateGuard, identityGuard: host.identityGuard,
    });
    const guards = [host.identityGuard, anchors.guard];
    if (cfg.rollback) {
        // The writes leave the program: `up` runs their delete scripts (the
        // rollback), after the guards above re-checked the host.
        await pulumi.log.warn(`ROLLBACK: this update removes the deployed release ${manifest.digest.slice(0, 12)} and everything this stack wrote (mandate ${mandateDigest})`);
        if (plan.rollbackMandate) {
            // Written after the guards; the release's delete (which runs after it in this update) checks it on a protected host.
            remoteFromPlan(plan.rollbackMandate, pf.target, { dependsOn: guards });
        }
        return { mandateDigest, hostState: pf.hostState, rollback: true, release: reviewData.release };
    }
    const cutterConfig = new CutterConfig("cutter-config", { plan, target: pf.target, guards });
    const secrets = new CutterSecrets("cutter-secrets", {
        plan, target: pf.target, guards: [...guards, cutterConfig.dirs], backupGpgFpr, governancePrincipal, extraSecrets: dbSecrets,
    });
    new Release("release", {
        plan, target: pf.target, sourceRepo: cfg.release.sourceRepo, guards,
        after: [cutterConfig.dirs, cutterConfig.orchestratorConfig, cutterConfig.rollbackRunbook, secrets.envProduction],
    });
    await pulumi.log.info(`O6 mandate digest: ${mandateDigest} (host state: ${pf.hostState})`);

    return {
        macro: "o6",
        mandateDigest,
        hostState: pf.hostState,
        release: reviewData.release,
        observedAnchors: Object.fromEntries(pf.anchorRows.map((r) => [r.name, r.observed])),
        commands: mandate.commands.map((c) => `${c.resource}: ${c.description}`),
    };
}

/**
 * Macro O7: the identity guard, the O6 deploy guard, the dry run. Nothing of
 * O6 is registered here (O6 lives on its own stack), so O7 cannot touch it.
 */
async function o7Program(pf: Preflight, reviewData: ReviewData, reviewDir: string | undefined, secrets: SecretValues) {
    const { cfg, mandate, mandateDigest } = pf;
    const o7 = pf.o7!;
    const host = new HostConnection("host", { target: pf.target, observation: pf.observation, identityGuard: o7.plan.identityGuard });
    const base = {
        macro: "o7", mandateDigest, hostState: pf.hostState, release: reviewData.release, verifiesDeploy: o7.verifiesDeploy,
        commands: mandate.commands.map((c) => `${c.resource}: ${c.description}`),
    };
    if (cfg.rollback) {
        await pulumi.log.warn(`ROLLBACK: this update forgets the O7 run of the O6 deploy ${o7.verifiesDeploy.ledgerDigest.slice(0, 12)} (mandate ${mandateDigest})`);
        // The guard, then the host-side mandate; the dry run's delete (which runs after them in this update) checks it on a protected host.
        const rollbackGuard = remoteFromPlan(o7.plan.rollbackGuard!, pf.target, { dependsOn: [host.identityGuard] });
        remoteFromPlan(o7.plan.rollbackMandate!, pf.target, { dependsOn: [host.identityGuard, rollbackGuard] });
        return { ...base, rollback: true };
    }
    const deployGuard = new O6DeployGuard("o6-deploy", {
        target: pf.target, verifiesDeploy: o7.verifiesDeploy, guard: o7.plan.deployGuard, identityGuard: host.identityGuard,
    });
    const verify = new DryRunVerification("o7", {
        command: o7.plan.verify, target: pf.target, after: [host.identityGuard, deployGuard.guard], secrets,
    });
    const readinessOut: pulumi.Output<GapRow[]> = verify.run.stdout.apply((out) => {
        const ev = parseEvidence(out ?? "");
        const rows = readiness(cfg, Object.keys(ev).length ? ev : undefined);
        if (reviewDir && !pulumi.runtime.isDryRun()) {
            fs.writeFileSync(path.join(reviewDir, "readiness.md"), renderReadiness(rows, Object.keys(ev).length ? ev : undefined, pulumi.getStack()));
        }
        return rows;
    });
    await pulumi.log.info(`O7 mandate digest: ${mandateDigest} (verifies O6 deploy: ledger ${o7.verifiesDeploy.ledgerDigest.slice(0, 12)}, release ${o7.verifiesDeploy.releaseDigest.slice(0, 12)}, dot ${o7.verifiesDeploy.dotCommit.slice(0, 12)})`);
    return { ...base, readiness: readinessOut };
}
