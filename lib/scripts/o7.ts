/**
 * The O7 host scripts: the read-only probe of the O6 deploy (at review) and
 * the O6DeployGuard (on the host, right before the dry run). Both read the
 * deploy with the same commands (o6DeployDigests).
 */
import { StackConfig } from "../config/config";
import { bashFunctions, failFunction, hostLayout } from "./prelude";
import { lockCheckLines } from "./o6";
import { dq, lines, raw, sh, STRICT } from "./shell";

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
export function o6DeployDigests(c: { paths: StackConfig["paths"] }): { L: ReturnType<typeof hostLayout>; led: string; ledgerDigest: string; tree: string; dotCommit: string } {
    const L = hostLayout(c);
    return {
        L, led: L.ledger,
        ledgerDigest: sh`sha256sum < ${L.ledger} | cut -c1-64`,
        tree: sh`tree_digest ${L.target} | cut -d' ' -f1`,
        dotCommit: sh`git --no-optional-locks -C ${c.paths.dotRepo} rev-parse HEAD`,
    };
}

/** Read-only probe of the O6 deploy on the host: writes nothing anywhere. */
export function o7ProbeScript(c: { paths: StackConfig["paths"] }): string {
    const D = o6DeployDigests(c);
    const { L, led } = D;
    return lines(
        STRICT,
        ...bashFunctions(),
        sh`if [ -f ${led} ]; then printf 'ledgerDigest=%s\\n' "$(${raw(D.ledgerDigest)})"; printf 'ledgerRelease=%s\\n' "$(sed -n 's/^digest=//p' ${led})"; else echo ledgerDigest=absent; echo ledgerRelease=; fi`,
        sh`printf 'dotCommit=%s\\n' "$(${raw(D.dotCommit)} 2>/dev/null || true)"`,
        sh`if [ -d ${L.target} ]; then printf 'tree=%s\\n' "$(${raw(D.tree)})"; else echo tree=absent; fi`,
        sh`if [ -e ${L.journal} ]; then echo journal=present; else echo journal=absent; fi`,
    );
}

/** The O6 deploy guard: re-checked on the host right before the dry run. Read-only. */
export function o6DeployGuardScript(c: { paths: StackConfig["paths"] }, d: O6Deploy): string {
    const D = o6DeployDigests(c);
    const { L, led } = D;
    return lines(STRICT, ...bashFunctions(), failFunction("O6DeployGuard"),
        sh`[ -f ${led} ] || fail "no O6 deploy recorded on the host (${dq(L.ledger)}); O7 refused, nothing was run"`,
        sh`[ "$(${raw(D.ledgerDigest)})" = ${d.ledgerDigest} ] || fail "the ledger ${dq(L.ledger)} is not the reviewed O6 deploy's (sha256 ${dq(d.ledgerDigest)}); O7 refused"`,
        sh`grep -qx ${`digest=${d.releaseDigest}`} ${led} || fail "the ledger does not record release ${dq(d.releaseDigest)}; O7 refused"`,
        sh`[ "$(${raw(D.tree)})" = ${d.releaseDigest} ] || fail "the deployed tree is not release ${dq(d.releaseDigest)}; O7 refused"`,
        sh`[ "$(${raw(D.dotCommit)})" = ${d.dotCommit} ] || fail "the dot repo HEAD is not the O6 deploy commit ${dq(d.dotCommit)}; O7 refused"`,
        sh`[ ! -e ${L.journal} ] || fail "an interrupted deploy journal is present; O7 refused"`,
        sh`echo "O6DeployGuard: ok (release ${dq(d.releaseDigest.slice(0, 12))}, dot ${dq(d.dotCommit.slice(0, 12))})"`,
    );
}

/**
 * The O7 rollback's pre-state guard (read-only, right before the rollback
 * mandate is written): the host carries the O6 deploy this O7 verified, or
 * no O6 deploy at all (O6 rolled back first); no deploy runs, no journal.
 */
export function o7RollbackGuardScript(c: { paths: StackConfig["paths"] }, d: O6Deploy): string {
    const D = o6DeployDigests(c);
    const { L, led } = D;
    return lines(STRICT, ...bashFunctions(), failFunction("RollbackGate"),
        ...lockCheckLines(c, "RollbackGate"),
        sh`if [ -f ${led} ] && [ "$(${raw(D.ledgerDigest)})" != ${d.ledgerDigest} ]; then`,
        sh`  fail "the host's ledger ${dq(L.ledger)} records another O6 deploy than the one this O7 verified (ledger sha256 ${dq(d.ledgerDigest.slice(0, 12))}); nothing was changed. Review the O7 rollback again against the host's deploy"`,
        `fi`,
        sh`[ ! -e ${L.journal} ] || fail "an interrupted O6 deploy journal is present (${dq(L.journal)}); finish or roll back O6 first; nothing was changed"`,
        sh`echo "RollbackGate: the O6 deploy this O7 verified (or none) is on the host; the O7 rollback may proceed"`,
    );
}
