/**
 * What every host script shares, defined once: the pinned-helper call, the
 * one fail(), the tree_digest function, and the layout of the host-side state.
 */
import { StackConfig } from "../config/config";
import { Helper, TREE_DIGEST } from "./helpers";
import { sh, sq } from "./shell";

/** A pinned helper run from a heredoc: `python3 - ARGS <<'PY'` + the file verbatim; `orElse` runs if it fails. */
export function helperCall(h: Helper, args: string, orElse?: string): string {
    return `python3 - ${args} <<'PY'${orElse ? ` || ${orElse}` : ""}\n${h.text}PY`;
}

/** The one definition of fail(): the message names the guard or step. */
export function failFunction(who: string): string {
    return sh`fail() { printf '${sq(who)}: %s\\n' "$*" >&2; exit 1; }`;
}

/** tree_digest DIR: prints "<sha256> <count>" (the pinned helper). */
export function bashFunctions(): string[] {
    return [`tree_digest() { ${helperCall(TREE_DIGEST, '"$1"')}\n}`];
}

/** Layout of the host-side state under paths.stateDir. */
export function hostLayout(c: { paths: Pick<StackConfig["paths"], "dotRepo" | "targetDir" | "stateDir"> }) {
    const target = `${c.paths.dotRepo}/${c.paths.targetDir}`;
    return {
        target,
        artifacts: `${c.paths.stateDir}/artifacts`,
        journal: `${c.paths.stateDir}/deploy.journal`,
        ledger: `${c.paths.stateDir}/deployed-release`,
        envBackupDir: `${c.paths.stateDir}/artifacts/env-production`,
        /** The live tree's digest keyed by its stat signature (written by a verified staging; read by the probe only). */
        treeCache: `${c.paths.stateDir}/tree-digest.cache`,
    };
}
