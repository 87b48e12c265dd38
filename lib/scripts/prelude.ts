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

/**
 * git options under which the index trusts a release file whose size and
 * whole-second mtime match its entry, whatever its inode and ctime. A delta
 * redeploy copies every unchanged file into a new inode with its mtime kept
 * (tree_digest.py --stage), so git need not read them again; used only on the
 * release path, whose every byte the tree anchor (tree_digest) reads anyway.
 * git's own racy-entry check still re-reads an entry written in the second
 * its index was.
 */
export const GIT_STAT_TRUST = "-c core.checkStat=minimal -c core.trustctime=false";

/** The one definition of fail(): the message names the guard or step. */
export function failFunction(who: string): string {
    return sh`fail() { printf '${sq(who)}: %s\\n' "$*" >&2; exit 1; }`;
}

/** tree_digest DIR: prints "<sha256> <count>" (the pinned helper). */
export function bashFunctions(): string[] {
    return [`tree_digest() { ${helperCall(TREE_DIGEST, '"$1"')}\n}`];
}

/**
 * tree_digest_cached DIR CACHE: the digest recorded in CACHE when DIR's stat
 * signature (every entry's path, mode, size, mtime, ctime, inode, device) is
 * exactly the recorded one, else a full hash. Never used by a guard.
 */
export function cachedDigestFunction(): string {
    return `tree_digest_cached() { ${helperCall(TREE_DIGEST, '"$1" --cached "$2"')}\n}`;
}

/**
 * Layout of the host-side state: under paths.stateDir, except the previous
 * trees. Those live on the staging filesystem (which the host facts require
 * to be the dot repo's), so that the old tree the exchange sets aside becomes
 * the artifact by one rename; under paths.stateDir (/var/lib, often another
 * mount) `mv` copied every file, 2.3 s per 10,000 files on the sandbox.
 */
export function hostLayout(c: { paths: Pick<StackConfig["paths"], "dotRepo" | "targetDir" | "stateDir" | "stagingDir"> }) {
    const target = `${c.paths.dotRepo}/${c.paths.targetDir}`;
    return {
        target,
        artifacts: `${c.paths.stagingDir}/artifacts`,
        journal: `${c.paths.stateDir}/deploy.journal`,
        ledger: `${c.paths.stateDir}/deployed-release`,
        envBackupDir: `${c.paths.stateDir}/artifacts/env-production`,
        /** The digest of the tree a verified staging hashed, keyed by its stat signature (read by the probe and the swap's own re-checks, never by a guard). */
        treeCache: `${c.paths.stateDir}/tree-digest.cache`,
        /** The sha256 of every .py file the swap's assertions found clean, under one helper pin and interpreter (read and written by the swap's assertions only). */
        assertCache: `${c.paths.stateDir}/assert-release.cache`,
    };
}
