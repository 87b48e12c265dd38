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
import { bashFunctions, failFunction, hostLayout } from "../scripts/prelude";
import { lines, shq, STRICT } from "../scripts/shell";
import { verificationCleanupScript, verificationScript } from "../scripts/verification";

export interface O6Deploy {
    ledgerDigest: string;
    releaseDigest: string;
    dotCommit: string;
}

export interface O7Observation {
    /** sha256 of the ledger file, or "absent". */
    ledgerDigest: string;
    /** The release digest the ledger records ("" if none). */
    ledgerRelease: string;
    dotCommit: string;
    /** Digest of the deployed tree (or "absent"). */
    tree: string;
    journal: "present" | "absent";
}

/** Read-only probe of the O6 deploy on the host: writes nothing anywhere. */
export function o7ProbeScript(c: StackConfig): string {
    const L = hostLayout(c);
    const led = shq(L.ledger);
    return lines(
        STRICT,
        ...bashFunctions(),
        `if [ -f ${led} ]; then printf 'ledgerDigest=%s\\n' "$(sha256sum < ${led} | cut -c1-64)"; printf 'ledgerRelease=%s\\n' "$(sed -n 's/^digest=//p' ${led})"; else echo ledgerDigest=absent; echo ledgerRelease=; fi`,
        `printf 'dotCommit=%s\\n' "$(git --no-optional-locks -C ${shq(c.paths.dotRepo)} rev-parse HEAD 2>/dev/null || true)"`,
        `if [ -d ${shq(L.target)} ]; then printf 'tree=%s\\n' "$(tree_digest ${shq(L.target)} | cut -d' ' -f1)"; else echo tree=absent; fi`,
        `if [ -e ${shq(L.journal)} ]; then echo journal=present; else echo journal=absent; fi`,
    );
}

export function parseO7Probe(out: string): O7Observation | undefined {
    const kv: Record<string, string> = {};
    for (const l of out.split("\n")) {
        const i = l.indexOf("=");
        if (i > 0) {
            kv[l.slice(0, i)] = l.slice(i + 1).trim();
        }
    }
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

/** The O6 deploy guard: re-checked on the host right before the dry run. Read-only. */
export function o6DeployGuardScript(c: StackConfig, d: O6Deploy): string {
    const L = hostLayout(c);
    const led = shq(L.ledger);
    return lines(
        STRICT,
        ...bashFunctions(),
        failFunction("O6DeployGuard"),
        `[ -f ${led} ] || fail "no O6 deploy recorded on the host (${L.ledger}); O7 refused, nothing was run"`,
        `[ "$(sha256sum < ${led} | cut -c1-64)" = ${shq(d.ledgerDigest)} ] || fail "the ledger ${L.ledger} is not the reviewed O6 deploy's (sha256 ${d.ledgerDigest}); O7 refused"`,
        `grep -qx ${shq(`digest=${d.releaseDigest}`)} ${led} || fail "the ledger does not record release ${d.releaseDigest}; O7 refused"`,
        `[ "$(tree_digest ${shq(L.target)} | cut -d' ' -f1)" = ${shq(d.releaseDigest)} ] || fail "the deployed tree is not release ${d.releaseDigest}; O7 refused"`,
        `[ "$(git --no-optional-locks -C ${shq(c.paths.dotRepo)} rev-parse HEAD)" = ${shq(d.dotCommit)} ] || fail "the dot repo HEAD is not the O6 deploy commit ${d.dotCommit}; O7 refused"`,
        `[ ! -e ${shq(L.journal)} ] || fail "an interrupted deploy journal is present; O7 refused"`,
        `echo "O6DeployGuard: ok (release ${d.releaseDigest.slice(0, 12)}, dot ${d.dotCommit.slice(0, 12)})"`,
    );
}

export interface O7Plan {
    identityGuard: PlannedCommand;
    deployGuard: PlannedCommand;
    verify: PlannedCommand;
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
    const identityGuard: PlannedCommand = { ...p.identityGuard, triggers: [o7Digest] };
    return { identityGuard, deployGuard, verify };
}

export function o7Commands(p: O7Plan): PlannedCommand[] {
    return [p.identityGuard, p.deployGuard, p.verify];
}

/**
 * On an O7 rollback: the identity guard, then the dry run's delete (forget
 * the run: its state file and step logs). The O6 deploy may be gone already.
 */
export function o7RollbackCommands(p: O7Plan): PlannedCommand[] {
    return [p.identityGuard, {
        ...p.verify, description: `ROLLBACK (delete of ${p.verify.resource}): forget the O7 run`, create: p.verify.delete, delete: "",
    }];
}
