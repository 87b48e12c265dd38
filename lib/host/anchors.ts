/**
 * Pre-state anchors: sha256 over everything the deploy touches, observed
 * read-only and compared with the pins the reviewer approved.
 */
import { StackConfig } from "../config/config";
import { Observation } from "./observe";

export type AnchorName = "tree" | "compose" | "envProduction" | "dotGitStatus";
export const ANCHOR_NAMES: AnchorName[] = ["tree", "compose", "envProduction", "dotGitStatus"];

export interface AnchorRow {
    name: AnchorName;
    observed: string;
    pinned: string | null;
    match: boolean;
}

/**
 * What the host is relative to the reviewed plan:
 *   pre-state  every pinned anchor equals what is observed: the deploy may run;
 *   deployed   this exact release is in place (ledger + tree digest agree);
 *   resuming   a crash of this same deploy left a journal; the swap reverts it first;
 *   unpinned   anchors not yet pinned: preview only, `up` refuses;
 *   drift      anything else: refused, at preview and at up.
 */
export type HostState = "pre-state" | "deployed" | "resuming" | "unpinned" | "drift";

export function observedAnchors(o: Observation): Record<AnchorName, string> {
    return {
        tree: o.tree.split(" ")[0],
        compose: o.compose,
        // Our own secrets step keeps the untouched original: that is the pre-state.
        envProduction: o.envProductionOriginal || o.envProduction,
        dotGitStatus: o.dotGitStatus,
    };
}

export function classify(c: StackConfig, o: Observation, releaseDigest: string): { state: HostState; rows: AnchorRow[] } {
    const obs = observedAnchors(o);
    const rows: AnchorRow[] = ANCHOR_NAMES.map((n) => ({
        name: n, observed: obs[n], pinned: c.anchors[n] ?? null, match: c.anchors[n] === obs[n],
    }));
    if (o.ledger.includes(`digest=${releaseDigest}`) && obs.tree === releaseDigest) {
        return { state: "deployed", rows };
    }
    if (o.journal !== "" && c.anchors.tree !== undefined && o.journal.includes(`pre_tree=${c.anchors.tree}`)) {
        return { state: "resuming", rows };
    }
    if (rows.some((r) => r.pinned === null)) {
        return { state: rows.every((r) => r.pinned === null || r.match) ? "unpinned" : "drift", rows };
    }
    return { state: rows.every((r) => r.match) ? "pre-state" : "drift", rows };
}

/**
 * Drift of the deployed release itself (issue 15): the ledger records this
 * release but the live tree differs (a hand edit, stray bytecode). Reported
 * as such, with the way out that restores the reviewed release.
 */
export function releaseDriftNote(o: Observation, releaseDigest: string): string | undefined {
    const tree = o.tree.split(" ")[0];
    if (!o.ledger.includes(`digest=${releaseDigest}`) || tree === releaseDigest) {
        return undefined;
    }
    return `The deployed release ${releaseDigest.slice(0, 12)} itself drifted: the live tree is ${tree}, not the release (a hand edit or stray files, bytecode included). `
        + "To restore the reviewed release, re-pin anchors.tree to the observed value and review: the update re-runs the release swap "
        + "(a redeploy of the same digest) and keeps the changed tree in a timestamped artifact dir. Or roll back (rollback: true) once the change is taken out.";
}

