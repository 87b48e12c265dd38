/**
 * The O7 host scripts: the read-only probe of the O6 deploy (at review) and
 * the O6DeployGuard (on the host, right before the dry run). Both read the
 * deploy with the same commands (o6DeployDigests).
 */
import { StackConfig } from "../config/config";
import { bashFunctions, failFunction, hostLayout } from "./prelude";
import { lines, shq, STRICT } from "./shell";

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

/** The O6 deploy, defined once: the command that prints each fact on the host. */
export function o6DeployDigests(c: StackConfig): { L: ReturnType<typeof hostLayout>; led: string; ledgerDigest: string; tree: string; dotCommit: string } {
    const L = hostLayout(c);
    return {
        L, led: shq(L.ledger),
        ledgerDigest: `sha256sum < ${shq(L.ledger)} | cut -c1-64`,
        tree: `tree_digest ${shq(L.target)} | cut -d' ' -f1`,
        dotCommit: `git --no-optional-locks -C ${shq(c.paths.dotRepo)} rev-parse HEAD`,
    };
}

/** Read-only probe of the O6 deploy on the host: writes nothing anywhere. */
export function o7ProbeScript(c: StackConfig): string {
    const D = o6DeployDigests(c);
    const { L, led } = D;
    return lines(
        STRICT,
        ...bashFunctions(),
        `if [ -f ${led} ]; then printf 'ledgerDigest=%s\\n' "$(${D.ledgerDigest})"; printf 'ledgerRelease=%s\\n' "$(sed -n 's/^digest=//p' ${led})"; else echo ledgerDigest=absent; echo ledgerRelease=; fi`,
        `printf 'dotCommit=%s\\n' "$(${D.dotCommit} 2>/dev/null || true)"`,
        `if [ -d ${shq(L.target)} ]; then printf 'tree=%s\\n' "$(${D.tree})"; else echo tree=absent; fi`,
        `if [ -e ${shq(L.journal)} ]; then echo journal=present; else echo journal=absent; fi`,
    );
}

/** The O6 deploy guard: re-checked on the host right before the dry run. Read-only. */
export function o6DeployGuardScript(c: StackConfig, d: O6Deploy): string {
    const D = o6DeployDigests(c);
    const { L, led } = D;
    return lines(STRICT, ...bashFunctions(), failFunction("O6DeployGuard"),
        `[ -f ${led} ] || fail "no O6 deploy recorded on the host (${L.ledger}); O7 refused, nothing was run"`,
        `[ "$(${D.ledgerDigest})" = ${shq(d.ledgerDigest)} ] || fail "the ledger ${L.ledger} is not the reviewed O6 deploy's (sha256 ${d.ledgerDigest}); O7 refused"`,
        `grep -qx ${shq(`digest=${d.releaseDigest}`)} ${led} || fail "the ledger does not record release ${d.releaseDigest}; O7 refused"`,
        `[ "$(${D.tree})" = ${shq(d.releaseDigest)} ] || fail "the deployed tree is not release ${d.releaseDigest}; O7 refused"`,
        `[ "$(${D.dotCommit})" = ${shq(d.dotCommit)} ] || fail "the dot repo HEAD is not the O6 deploy commit ${d.dotCommit}; O7 refused"`,
        `[ ! -e ${shq(L.journal)} ] || fail "an interrupted deploy journal is present; O7 refused"`,
        `echo "O6DeployGuard: ok (release ${d.releaseDigest.slice(0, 12)}, dot ${d.dotCommit.slice(0, 12)})"`,
    );
}
