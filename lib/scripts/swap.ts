/**
 * The release swap on the host, as named steps. `swapScript` composes them
 * into the create script (upload → verify → journal → exchange → assert →
 * dot-repo commit → artifact → ledger) and the delete script (rollback to the
 * origin tree). Each step is a pure function of the few values it needs.
 *
 * Both renames of the swap happen inside paths.stagingDir's filesystem (it
 * must be on the same mount as the dot repo), so each is atomic; the old tree
 * is then kept in a timestamped artifact dir under paths.stateDir.
 * SIGHUP/SIGPIPE are ignored and output goes to the host log first, so a
 * dropped SSH connection cannot stop the script half way; if it is killed
 * anyway, the journal makes the next run revert to the exact pre-state (tree
 * and dot-repo HEAD) before anything else.
 */
import { RELEASE_VERSION, StackConfig } from "../config/config";
import { ASSERT_RELEASE, EXCHANGE, TREE_DIGEST_RECORD } from "./helpers";
import { bashFunctions, helperCall, hostLayout, ReleaseFacts } from "./o6";
import { heredoc, lines, shq, STRICT } from "./shell";

/** Where one release is staged: inside paths.stagingDir, named by its digest. */
export function stagingPath(c: StackConfig, r: ReleaseFacts): string {
    return `${c.paths.stagingDir}/release-${r.manifestDigest.slice(0, 16)}`;
}

/** The dot repo's own commits: a fixed identity, and no hook of the repo runs. */
export const GIT_IDENTITY = `-c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost -c core.hooksPath=/dev/null`;

/** Output goes to the host's deploy.log first; say/fail also reach the operator while the session lives. */
export function deployLogLines(stateDir: string): string[] {
    return [
        `[ -d ${shq(stateDir)} ] || install -d -m 0750 ${shq(stateDir)}`,
        `exec 3>&1 4>&2 >>${shq(stateDir + "/deploy.log")} 2>&1`,
        `say() { printf '%s\\n' "$*"; printf '%s\\n' "$*" >&3 2>/dev/null || true; }`,
        `fail() { printf '%s\\n' "$*"; printf '%s\\n' "$*" >&4 2>/dev/null || true; exit 1; }`,
    ];
}

/** The atomic exchange of two paths (pinned helper). */
export function exchangeFunction(): string {
    return `exchange() { ${helperCall(EXCHANGE, '"$1" "$2"')}\n}`;
}

/** revert(): back to the exact pre-deploy state recorded in the journal (tree, dot-repo HEAD). */
export function revertFunction(c: StackConfig, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    const stage = stagingPath(c, r);
    const dot = shq(c.paths.dotRepo);
    const T = shq(L.target);
    const J = shq(L.journal);
    return [
        `revert() { # back to the exact pre-deploy state recorded in the journal`,
        `  local head pre new; head="$(sed -n 's/^dot_head=//p' ${J})"; pre="$(sed -n 's/^pre_tree=//p' ${J})"; new="$(sed -n 's/^new_tree=//p' ${J})"`,
        `  [ "$new" = ${shq(r.manifestDigest)} ] || fail "Release: the interrupted deploy in ${L.journal} was of another release ($new); resolve it by hand: its pre-deploy tree is under ${c.paths.stagingDir}"`,
        `  if [ "$(tree_digest ${T} | cut -d' ' -f1)" != "$pre" ]; then`,
        `    for cand in ${shq(stage + "/old-tree")} ${shq(stage + "/tree")}; do`,
        `      if [ -d "$cand" ] && [ "$(tree_digest "$cand" | cut -d' ' -f1)" = "$pre" ]; then exchange "$cand" ${T}; break; fi`,
        `    done`,
        `  fi`,
        `  [ "$(tree_digest ${T} | cut -d' ' -f1)" = "$pre" ] || fail "Release: cannot find the pre-deploy tree to revert to; see ${L.journal} and the dot repo history"`,
        `  if [ -n "$head" ] && [ "$(git -C ${dot} rev-parse HEAD)" != "$head" ]; then git -C ${dot} reset -q --soft "$head"; fi`,
        `  git -C ${dot} reset -q -- ${shq(c.paths.targetDir)}`,
        `  rm -- ${J}`,
        `  say "Release: reverted to the pre-deploy tree and dot-repo HEAD"`,
        `}`,
    ];
}

/** Before anything: no remote, an interrupted deploy is reverted, and a release already in place is a no-op. */
export function preconditionLines(c: StackConfig, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    const dot = shq(c.paths.dotRepo);
    const T = shq(L.target);
    return [
        `[ -z "$(git -C ${dot} remote)" ] || fail "Release: ${c.paths.dotRepo} has a git remote; refusing (O6 forbids remotes)"`,
        `if [ -f ${shq(L.journal)} ]; then say "Release: interrupted deploy found; reverting to the pre-state first"; revert; fi`,
        `if [ -f ${shq(L.ledger)} ] && grep -qx ${shq(`digest=${r.manifestDigest}`)} ${shq(L.ledger)} \\`,
        `   && [ "$(tree_digest ${T} | cut -d' ' -f1)" = ${shq(r.manifestDigest)} ]; then`,
        `  say "Release: ${r.manifestDigest.slice(0, 12)} already in place"; exit 0`,
        `fi`,
    ];
}

/**
 * The staged tree's digest (every file hashed); when it is the manifest's, its
 * stat signature is recorded so that the probe of later runs need not re-hash
 * the live tree (the exchange keeps every entry's stat). Guards never use it.
 */
export function recordDigestLines(c: StackConfig, r: ReleaseFacts): string[] {
    const stage = stagingPath(c, r);
    return [
        `record_digest() { ${helperCall(TREE_DIGEST_RECORD, '"$1" "$2" "$3"')}\n}`,
        `got="$(record_digest ${shq(stage + "/tree")} ${shq(hostLayout(c).treeCache)} ${shq(`${r.manifestDigest} ${r.fileCount}`)})"`,
    ];
}

/** Upload: the archive arrives on stdin, is unpacked in staging and verified. */
export function uploadLines(c: StackConfig, r: ReleaseFacts): string[] {
    const stage = stagingPath(c, r);
    return [
        `if [ -e ${shq(stage)} ]; then rm -r -- ${shq(stage)}; fi`,
        `install -d -m 0755 ${shq(stage)} ${shq(stage + "/tree")}`,
        `if ! tar -x --no-same-owner --no-same-permissions -f - -C ${shq(stage + "/tree")}; then`,
        `  rm -r -- ${shq(stage)}`,
        `  fail "Release: unpacking the archive in ${stage} failed (disk full?); staging removed, nothing else touched"`,
        `fi`,
        ...recordDigestLines(c, r),
        `if [ "$got" != ${shq(`${r.manifestDigest} ${r.fileCount}`)} ]; then`,
        `  rm -r -- ${shq(stage)}`,
        `  fail "Release: staged tree digest $got does not match the manifest ${r.manifestDigest} ${r.fileCount}; staging removed, nothing else touched"`,
        `fi`,
        `say "Release: staged and verified ${r.fileCount} files in ${stage}"`,
    ];
}

/** What a delta redeploy ships and removes; the base is the live tree, whose digest the PreStateAnchor guard pinned. */
export interface StagingDelta {
    baseDigest: string;
    /** How many files the archive on stdin carries. */
    changedCount: number;
    /** Paths (relative to the tree) the release drops: removed from the live copy (never Python files). */
    remove: string[];
    /** Directories the release no longer has, deepest first (removed if empty). */
    emptied: string[];
}

/** Paths as shell words under `dir`, a few per line (they are review text too). */
function pathLines(prefix: string, dir: string, paths: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < paths.length; i += 8) {
        out.push(`${prefix} ${paths.slice(i, i + 8).map((p) => shq(`${dir}/${p}`)).join(" ")}`);
    }
    return out;
}

/**
 * Delta staging, step 1 (copy-from-live): the live tree is copied into
 * staging (a plain copy: no link is shared with the live tree or the
 * artifact), then the files the release drops are removed from the copy
 * (files it replaces are unlinked by tar as it unpacks them). Nothing outside staging is written; a kill here leaves only a
 * partial staging dir, which the next run removes first.
 */
export function copyFromLiveLines(c: StackConfig, r: ReleaseFacts, d: StagingDelta): string[] {
    const stage = stagingPath(c, r);
    const tree = stage + "/tree";
    return [
        `if [ -e ${shq(stage)} ]; then rm -r -- ${shq(stage)}; fi`,
        `install -d -m 0755 ${shq(stage)}`,
        `if ! cp -a -- ${shq(hostLayout(c).target)} ${shq(tree)}; then`,
        `  rm -r -- ${shq(stage)}`,
        `  fail "Release: copying the live tree into ${stage} failed (disk full?); staging removed, nothing else touched"`,
        `fi`,
        ...pathLines("rm --", tree, d.remove),
        ...pathLines("rmdir --ignore-fail-on-non-empty --", tree, d.emptied),
    ];
}

/**
 * Delta staging, step 2: the changed files arrive on stdin and are unpacked
 * over the copy; then the whole staged tree is verified against the
 * manifest, exactly as after a full upload.
 */
export function deltaUploadLines(c: StackConfig, r: ReleaseFacts, d: StagingDelta): string[] {
    const stage = stagingPath(c, r);
    return [
        `if ! tar -x --no-same-owner --no-same-permissions -f - -C ${shq(stage + "/tree")}; then`,
        `  rm -r -- ${shq(stage)}`,
        `  fail "Release: unpacking the ${d.changedCount} changed files in ${stage} failed (disk full?); staging removed, nothing else touched"`,
        `fi`,
        ...recordDigestLines(c, r),
        `if [ "$got" != ${shq(`${r.manifestDigest} ${r.fileCount}`)} ]; then`,
        `  rm -r -- ${shq(stage)}`,
        `  fail "Release: staged tree digest $got (the live tree ${d.baseDigest.slice(0, 12)} plus ${d.changedCount} changed files) does not match the manifest ${r.manifestDigest} ${r.fileCount}; staging removed, nothing else touched"`,
        `fi`,
        `say "Release: staged ${d.changedCount} changed files over a copy of the live tree and verified all ${r.fileCount} files in ${stage}"`,
    ];
}

/** The journal is written (atomically) before the exchange: from here a crash reverts. */
export function journalLines(c: StackConfig, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    const stage = stagingPath(c, r);
    return [
        `ts="$(date -u +%Y%m%dT%H%M%SZ)"`,
        `art=${shq(L.artifacts)}/"$ts-${r.manifestDigest.slice(0, 12)}"`,
        `pre_tree="$(tree_digest ${shq(L.target)} | cut -d' ' -f1)"`,
        `printf 'stage=%s\\nartifact=%s\\npre_tree=%s\\ndot_head=%s\\nnew_tree=%s\\n' ${shq(stage)} "$art" "$pre_tree" "$(git -C ${shq(c.paths.dotRepo)} rev-parse HEAD)" ${shq(r.manifestDigest)} > ${shq(L.journal + ".tmp")}`,
        `mv -T ${shq(L.journal + ".tmp")} ${shq(L.journal)}`,
    ];
}

/** One atomic exchange: the target is always either the whole old or the whole new tree. */
export function exchangeLines(c: StackConfig, r: ReleaseFacts): string[] {
    const stage = stagingPath(c, r);
    return [
        `exchange ${shq(stage + "/tree")} ${shq(hostLayout(c).target)}`,
        `mv -T ${shq(stage + "/tree")} ${shq(stage + "/old-tree")}`,
    ];
}

/** Post-deploy assertions on the live tree; any failure reverts. */
export function assertLines(c: StackConfig, r: ReleaseFacts): string[] {
    const T = shq(hostLayout(c).target);
    return [
        `if ! ${helperCall(ASSERT_RELEASE, `${T} ${shq(RELEASE_VERSION)}`)}`,
        `then revert; fail "Release: post-deploy assertions failed; the previous tree is back in place"; fi`,
        `[ "$(tree_digest ${T} | cut -d' ' -f1)" = ${shq(r.manifestDigest)} ] || { revert; fail "Release: deployed tree does not match the manifest; reverted"; }`,
    ];
}

/** The deploy commit in the dot repo (local only). */
export function dotCommitLines(c: StackConfig, r: ReleaseFacts): string[] {
    const dot = shq(c.paths.dotRepo);
    const msg = [
        `deploy iu-cutter ${RELEASE_VERSION} (O6)`,
        "",
        `version: ${RELEASE_VERSION}`,
        `source-commit: ${r.commit}`,
        `manifest-digest: ${r.manifestDigest}`,
        `files: ${r.fileCount}`,
        `execution_enabled: False`,
    ].join("\n");
    return [
        `git -C ${dot} add -A -- ${shq(c.paths.targetDir)}`,
        heredoc(`git -C ${dot} ${GIT_IDENTITY} commit -q --no-verify -F -`, msg),
    ];
}

/** The previous tree is kept in a timestamped artifact dir (what rollback restores). */
export function artifactLines(c: StackConfig, r: ReleaseFacts): string[] {
    const stage = stagingPath(c, r);
    return [
        `install -d -m 0700 "$art"`,
        `cp -a -- ${shq(stage + "/old-tree")} "$art/tree.partial"`,
        `mv -T "$art/tree.partial" "$art/tree"`,
    ];
}

/** The ledger records the release and the origin tree (before this stack's first deploy: destroy returns there). */
export function ledgerLines(c: StackConfig, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    const led = shq(L.ledger);
    return [
        `origin_art="$art"; origin_pre="$pre_tree"`,
        `if [ -f ${led} ] && grep -q '^origin_artifact=' ${led}; then`,
        `  origin_art="$(sed -n 's/^origin_artifact=//p' ${led})"; origin_pre="$(sed -n 's/^origin_pre_tree=//p' ${led})"`,
        `fi`,
        `printf 'digest=%s\\ncommit=%s\\nartifact=%s\\npre_tree=%s\\norigin_artifact=%s\\norigin_pre_tree=%s\\n' ${shq(r.manifestDigest)} ${shq(r.commit)} "$art" "$pre_tree" "$origin_art" "$origin_pre" > ${shq(L.ledger + ".tmp")}`,
        `mv -T ${shq(L.ledger + ".tmp")} ${led}`,
    ];
}

/** Done: the journal and staging go; the operator is told where everything is. */
export function finishLines(c: StackConfig, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    return [
        `rm -- ${shq(L.journal)}`,
        `rm -r -- ${shq(stagingPath(c, r))}`,
        `say "Release: iu-cutter ${RELEASE_VERSION} in place; previous tree kept in $art/tree; recorded in ${c.paths.dotRepo} as $(git -C ${shq(c.paths.dotRepo)} rev-parse --short HEAD)"`,
    ];
}

/** The delete script: the origin tree comes back byte for byte, and the dot repo records it. */
export function rollbackScript(c: StackConfig, r: ReleaseFacts): string {
    const L = hostLayout(c);
    const dot = shq(c.paths.dotRepo);
    const T = shq(L.target);
    const led = shq(L.ledger);
    const restore = `${c.paths.stagingDir}/rollback`;
    return lines(
        STRICT,
        `trap '' HUP PIPE`,
        ...bashFunctions(),
        ...deployLogLines(c.paths.stateDir),
        exchangeFunction(),
        `say "--- $(date -u +%FT%TZ) rollback of ${r.manifestDigest}"`,
        `[ -f ${led} ] || { say "Rollback: no deploy recorded in ${L.ledger}; nothing to restore"; exit 0; }`,
        `art="$(sed -n 's/^origin_artifact=//p' ${led})"`,
        `pre="$(sed -n 's/^origin_pre_tree=//p' ${led})"`,
        `if [ -z "$art" ]; then art="$(sed -n 's/^artifact=//p' ${led})"; pre="$(sed -n 's/^pre_tree=//p' ${led})"; fi`,
        `[ -d "$art/tree" ] || fail "Rollback: the pre-deploy tree $art/tree is missing; restore by hand from the dot repo history"`,
        `if [ -e ${shq(restore)} ]; then rm -r -- ${shq(restore)}; fi`,
        `install -d -m 0700 ${shq(restore)}`,
        `cp -a -- "$art/tree" ${shq(restore + "/tree")}`,
        `[ "$(tree_digest ${shq(restore + "/tree")} | cut -d' ' -f1)" = "$pre" ] || fail "Rollback: $art/tree does not match its recorded digest $pre; refusing"`,
        `exchange ${shq(restore + "/tree")} ${T}`,
        `git -C ${dot} add -A -- ${shq(c.paths.targetDir)}`,
        `if ! git -C ${dot} diff --cached --quiet; then`,
        heredoc(`  git -C ${dot} ${GIT_IDENTITY} commit -q --no-verify -F -`, `rollback iu-cutter to the pre-deploy tree (O6 rollback)\n\nremoved-manifest-digest: ${r.manifestDigest}`),
        `fi`,
        `rm -- ${led}`,
        `rm -r -- ${shq(restore)}`,
        `say "Rollback: pre-deploy tree restored from $art/tree; recorded in ${c.paths.dotRepo} as $(git -C ${dot} rev-parse --short HEAD)"`,
    );
}

/**
 * Upload + verify + swap + assertions + dot-repo commit, journaled; the archive
 * arrives on stdin. With a delta, only the changed files arrive and the rest
 * is copied from the live tree; the verification and everything after it are
 * the same.
 */
export function swapScript(c: StackConfig, r: ReleaseFacts, delta?: StagingDelta): { create: string; delete: string } {
    const create = lines(
        STRICT,
        `trap '' HUP PIPE`,
        ...bashFunctions(),
        ...deployLogLines(c.paths.stateDir),
        exchangeFunction(),
        ...revertFunction(c, r),
        `say "--- $(date -u +%FT%TZ) deploy ${r.manifestDigest}"`,
        ...preconditionLines(c, r),
        ...(delta ? [...copyFromLiveLines(c, r, delta), ...deltaUploadLines(c, r, delta)] : uploadLines(c, r)),
        ...journalLines(c, r),
        ...exchangeLines(c, r),
        ...assertLines(c, r),
        ...dotCommitLines(c, r),
        ...artifactLines(c, r),
        ...ledgerLines(c, r),
        ...finishLines(c, r),
    );
    return { create, delete: rollbackScript(c, r) };
}
