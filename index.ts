/**
 * iu-cutter-deploy: macro O6 as code.
 *
 * `pulumi preview` is the command-review package: it observes the host
 * read-only, checks identity and pre-state anchors, and lists every command
 * with the mandate digest. `pulumi up` runs exactly those commands, after
 * re-checking identity and anchors on the host before the first write.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CutterConfig } from "./components/cutterConfig";
import { CutterSecrets } from "./components/cutterSecrets";
import { HostConnection } from "./components/hostConnection";
import { PreStateAnchor } from "./components/preStateAnchor";
import { Release } from "./components/release";
import { checkApproval } from "./lib/approval";
import { GuardRefusal } from "./lib/commandFactory";
import { ConfigError, parseStackConfig, rawFromPulumiConfig, secretKeysFromEnv, StackConfig } from "./lib/config";
import { Mandate } from "./lib/mandate";
import { buildPlan, orderedCommands, readRunbook } from "./lib/plan";
import { buildArchive, inspectRelease, ReleaseRefused } from "./lib/release";
import { renderJson, renderMarkdown, ReviewData } from "./lib/review";
import { entryLine } from "./lib/digest";

function loadConfig(): StackConfig {
    try {
        return parseStackConfig(rawFromPulumiConfig(pulumi.runtime.allConfig()), secretKeysFromEnv());
    } catch (e) {
        if (e instanceof ConfigError) {
            throw new pulumi.RunError(e.message);
        }
        throw e;
    }
}

const cfg = loadConfig();
const secretCfg = new pulumi.Config();
const backupGpgFpr = secretCfg.requireSecret("backupGpgFpr");
const governancePrincipal = secretCfg.requireSecret("governancePrincipal");

// --- the release, checked in the source repo before anything else ----------
let manifest;
try {
    manifest = inspectRelease(cfg.release.sourceRepo, cfg.release.commit);
} catch (e) {
    if (e instanceof ReleaseRefused) {
        throw new GuardRefusal(e.guard, e.message.slice(e.guard.length + 2) + " Nothing was written.");
    }
    throw e;
}
const buildDir = process.env.IUCUTTER_BUILD_DIR ?? path.join(process.cwd(), ".build");
const archivePath = buildArchive(cfg.release.sourceRepo, manifest, buildDir);
const plan = buildPlan(cfg, {
    commit: manifest.commit, manifestDigest: manifest.digest, fileCount: manifest.fileCount, archivePath,
}, readRunbook());

// --- the host: identity, then pre-state anchors, then the writes ----------
const host = new HostConnection("host", { config: cfg, identityGuard: plan.identityGuard });
const anchors = new PreStateAnchor("pre-state", {
    config: cfg, observation: host.observation, releaseDigest: manifest.digest, target: host.target,
    preStateGuard: plan.preStateGuard, identityGuard: host.identityGuard,
});
const guards = [host.identityGuard, anchors.guard];
const cutterConfig = new CutterConfig("cutter-config", { plan, target: host.target, guards });
const secrets = new CutterSecrets("cutter-secrets", {
    plan, target: host.target, guards: [...guards, cutterConfig.dirs], backupGpgFpr, governancePrincipal,
});
new Release("release", {
    plan, target: host.target, sourceRepo: cfg.release.sourceRepo, guards,
    after: [cutterConfig.dirs, cutterConfig.orchestratorConfig, cutterConfig.rollbackRunbook, secrets.envProduction],
});

// --- the mandate: what was reviewed is what runs ----------------------------
const mandate = new Mandate();
mandate.set("stack", pulumi.getStack());
mandate.set("host", { name: cfg.host.name, address: cfg.host.address, port: cfg.host.port, user: cfg.host.user, hostKey: cfg.host.hostKey });
mandate.set("release", { commit: manifest.commit, version: cfg.release.version, tag: cfg.release.tag, manifestDigest: manifest.digest, fileCount: manifest.fileCount });
mandate.set("anchors", cfg.anchors);
mandate.set("secrets", { backupGpgFpr: "set", governancePrincipal: "set" });
for (const c of orderedCommands(plan)) {
    const { stdinFile: _local, ...cmd } = c;
    mandate.add(cmd);
}
export const mandateDigest = mandate.digest();
checkApproval(cfg, mandateDigest, pulumi.runtime.isDryRun());
pulumi.log.info(`mandate digest: ${mandateDigest} (host state: ${anchors.state})`);

const reviewData: ReviewData = {
    stack: pulumi.getStack(),
    generatedAt: new Date().toISOString(),
    mandateDigest,
    hostState: anchors.state,
    host: {
        name: cfg.host.name, observedHostname: host.observation.hostname, address: cfg.host.address, port: cfg.host.port,
        user: cfg.host.user, hostKey: cfg.host.hostKey, protected: cfg.host.protected,
    },
    identity: {
        composeMarker: cfg.identity.composeMarker, envFile: cfg.identity.envFile,
        markerPresent: host.observation.marker === "present", envFilePresent: host.observation.envfile === "present",
        dotRemotes: host.observation.dotRemotes,
    },
    release: {
        sourceRepo: cfg.release.sourceRepo, sourceCommit: manifest.commit, version: cfg.release.version, tag: cfg.release.tag,
        manifestDigest: manifest.digest, fileCount: manifest.fileCount, totalBytes: manifest.totalBytes,
    },
    anchors: anchors.rows,
    commands: mandate.commands,
    config: {
        dirs: cfg.cutterConfig.dirs, orchestratorConfigFile: cfg.cutterConfig.orchestratorConfigFile,
        rollbackRunbookDest: cfg.cutterConfig.rollbackRunbookDest, envProductionFile: cfg.paths.envProductionFile,
    },
    secrets: { backupGpgFpr: "set", governancePrincipal: "set" },
    manifest: manifest.entries.map(entryLine),
};

// The review package is written while the program runs, at preview (the
// reviewer's copy) and at up (the deploy's own record of what it ran).
const reviewDir = process.env.IUCUTTER_REVIEW_DIR;
if (reviewDir) {
    fs.mkdirSync(reviewDir, { recursive: true });
    const prefix = pulumi.runtime.isDryRun() ? "review" : "deployed";
    fs.writeFileSync(path.join(reviewDir, `${prefix}.json`), renderJson(reviewData));
    fs.writeFileSync(path.join(reviewDir, `${prefix}.md`), renderMarkdown(reviewData));
    fs.writeFileSync(path.join(reviewDir, "manifest.txt"), reviewData.manifest.join(""));
}

export const hostState = anchors.state;
export const release = reviewData.release;
export const observedAnchors = Object.fromEntries(anchors.rows.map((r) => [r.name, r.observed]));
export const commands = mandate.commands.map((c) => `${c.resource}: ${c.description}`);
