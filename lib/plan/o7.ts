/**
 * Macro O7 as its own reviewed macro: the dry run verifies one O6 deploy, the
 * one the host's ledger recorded when O7 was reviewed (o7.verifiesDeploy:
 * ledger digest, release digest, dot-repo commit). O7 refuses, at preview and
 * at up, on a host that does not carry exactly that deploy, and its on-host
 * guard re-checks it right before the dry run. Pure rendering plus the
 * read-only probe.
 */
import { StackConfig } from "../config/config";
import { canonicalJson, sha256Hex } from "../core/digest";
import { DeployPlan, PlannedCommand } from "./plan";
import { o7RollbackMandateLine, o7RollbackMandatePath, verificationCleanupScript, verificationScript } from "../scripts/verification";
import { fileScript } from "../scripts/o6";

export { O6Deploy, O7Observation, o6DeployGuardScript, o7ProbeScript, o7RollbackGuardScript } from "../scripts/o7";
import { O6Deploy, o6DeployGuardScript, O7Observation, o7RollbackGuardScript } from "../scripts/o7";
import { parseKeyValues } from "../core/keyValues";

export function parseO7Probe(out: string): O7Observation | undefined {
    const kv = parseKeyValues(out);
    for (const k of ["ledgerDigest", "ledgerRelease", "dotCommit", "tree", "journal"]) {
        if (kv[k] === undefined) {
            return undefined;
        }
    }
    return kv as unknown as O7Observation;
}

/**
 * What the host carries, compared with the O6 deploy the O7 review pinned and
 * with the release this stack names. Empty: exactly that deploy is in place.
 */
export function o6DeployProblems(o: O7Observation, releaseDigest: string, pinned: O6Deploy | undefined): string[] {
    const p: string[] = [];
    if (o.ledgerDigest === "absent" || o.ledgerRelease === "") {
        return [`the host has no O6 deploy recorded (no ledger): run and close O6 first; O7 verifies an O6 deploy`];
    }
    if (o.ledgerRelease !== releaseDigest) {
        p.push(`the host's ledger records release ${o.ledgerRelease}, this stack's release is ${releaseDigest}`);
    }
    if (o.tree !== o.ledgerRelease) {
        p.push(`the deployed tree (${o.tree}) is not the release the ledger records (${o.ledgerRelease}): the tree changed after O6`);
    }
    if (o.journal === "present") {
        p.push("an interrupted O6 deploy left its journal: finish or roll back O6 first");
    }
    if (pinned) {
        const obs: O6Deploy = { ledgerDigest: o.ledgerDigest, releaseDigest: o.ledgerRelease, dotCommit: o.dotCommit };
        for (const k of ["ledgerDigest", "releaseDigest", "dotCommit"] as const) {
            if (obs[k] !== pinned[k]) {
                p.push(`o7.verifiesDeploy.${k}: the host has ${obs[k] || "(none)"}, the reviewed O6 deploy has ${pinned[k]}`);
            }
        }
    }
    return p;
}

export interface O7Plan {
    identityGuard: PlannedCommand;
    deployGuard: PlannedCommand;
    verify: PlannedCommand;
    /** Rollback runs only: the pre-state guard of the O7 rollback (read-only). */
    rollbackGuard?: PlannedCommand;
    /** Rollback runs only: the host-side mandate the dry run's delete checks on a protected host (issue 15). */
    rollbackMandate?: PlannedCommand;
}

/**
 * O7's commands: the identity guard, the O6 deploy guard, and the dry run.
 * The orchestrator run id includes the verified deploy (runLabel + ledger
 * digest), so a new O6 deploy always gets a fresh O7 run, never a resume of
 * a closed one.
 */
export function buildO7Plan(c: StackConfig, p: DeployPlan, d: O6Deploy, manifestDigest: string, runbook: string): O7Plan {
    const v = c.verification!;
    const cv: StackConfig = { ...c, verification: { ...v, runLabel: `${v.runLabel}-${d.ledgerDigest.slice(0, 8)}` } };
    const deployGuard: PlannedCommand = {
        resource: "o6-deploy-guard", component: "O6DeployGuard", where: "host",
        description: `O6DeployGuard: the host carries exactly the reviewed O6 deploy (ledger sha256 ${d.ledgerDigest.slice(0, 12)}…, release ${d.releaseDigest.slice(0, 12)}…, dot commit ${d.dotCommit.slice(0, 12)}), right before the dry run`,
        create: o6DeployGuardScript(c, d), delete: "", writes: [], triggers: [canonicalJson(d)], secretInputs: [], guard: "PreStateAnchor",
    };
    const verify: PlannedCommand = {
        ...p.verify!,
        create: verificationScript(cv, manifestDigest, runbook),
        delete: verificationCleanupScript(cv, manifestDigest, runbook),
        triggers: [manifestDigest, canonicalJson(d)],
    };
    const o7Digest = sha256Hex(canonicalJson([deployGuard, verify]));
    const identityGuard: PlannedCommand = { ...p.identityGuard, triggers: [o7Digest, ...(c.rollback ? ["rollback"] : [])] };
    if (!c.rollback) {
        return { identityGuard, deployGuard, verify };
    }
    const rollbackGuard: PlannedCommand = {
        resource: "o7-rollback-guard", component: "O6DeployGuard", where: "host",
        description: `RollbackGate: the host carries the O6 deploy this O7 verified (ledger sha256 ${d.ledgerDigest.slice(0, 12)}…) or none, and no deploy runs, right before the O7 rollback`,
        create: o7RollbackGuardScript(c, d), delete: "", writes: [], triggers: [o7Digest, "rollback"], secretInputs: [], guard: "PreStateAnchor",
    };
    const m = fileScript(o7RollbackMandatePath(c), o7RollbackMandateLine(cv, manifestDigest, runbook), "0600", "O7 rollback mandate");
    const rollbackMandate: PlannedCommand = {
        resource: "o7-rollback-mandate", component: "DryRunVerification", where: "host",
        description: "RollbackGate: record on the host that the reviewed O7 rollback may forget this dry run (a protected host refuses a plain destroy)",
        create: m.create, delete: m.delete, writes: m.writes, triggers: [], secretInputs: [],
    };
    return { identityGuard, deployGuard, verify, rollbackGuard, rollbackMandate };
}

export function o7Commands(p: O7Plan): PlannedCommand[] {
    return [p.identityGuard, p.deployGuard, p.verify];
}

/**
 * On an O7 rollback: the identity guard, the rollback guard and the host-side
 * rollback mandate (rollback: true), then the dry run's delete (forget the
 * run: its state file and step logs). The O6 deploy may be gone already.
 */
export function o7RollbackCommands(p: O7Plan): PlannedCommand[] {
    return [p.identityGuard, ...(p.rollbackGuard ? [p.rollbackGuard] : []), ...(p.rollbackMandate ? [p.rollbackMandate] : []), {
        ...p.verify, description: `ROLLBACK (delete of ${p.verify.resource}): forget the O7 run`, create: p.verify.delete, delete: "",
    }];
}
