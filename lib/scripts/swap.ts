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
import { ASSERT_RELEASE, EXCHANGE, TREE_DIGEST } from "./helpers";
import { bashFunctions, cachedDigestFunction, GIT_STAT_TRUST, helperCall, hostLayout, ReleaseFacts } from "./o6";
import { dq, heredoc, lines, raw, sh, sq, STRICT } from "./shell";
import { count } from "../core/text";

/**
 * The few stack facts the swap's steps read: where things are on the host,
 * and the host's name and protection. The whole stack config fits this type;
 * a step cannot read more than it says.
 */
export type SwapSite = {
    paths: Pick<StackConfig["paths"], "dotRepo" | "targetDir" | "stateDir" | "stagingDir">;
    host: Pick<StackConfig["host"], "name" | "protected">;
};

/** Where one release is staged: inside paths.stagingDir, named by its digest. */
export function stagingPath(c: SwapSite, r: ReleaseFacts): string {
    return `${c.paths.stagingDir}/release-${r.manifestDigest.slice(0, 16)}`;
}

/** The dot repo's own commits: a fixed identity, and no hook of the repo runs. */
export const GIT_IDENTITY = `-c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost -c core.hooksPath=/dev/null`;

/** Output goes to the host's deploy.log first; say/fail also reach the operator while the session lives. */
export function deployLogLines(stateDir: string): string[] {
    const log = stateDir + "/deploy.log";
    return [
        sh`[ -d ${stateDir} ] || install -d -m 0750 ${stateDir}`,
        sh`exec 3>&1 4>&2 >>${log} 2>&1`,
        `say() { printf '%s\\n' "$*"; printf '%s\\n' "$*" >&3 2>/dev/null || true; }`,
        `fail() { printf '%s\\n' "$*"; printf '%s\\n' "$*" >&4 2>/dev/null || true; exit 1; }`,
    ];
}

/** The host-side deploy lock file (flock): one deploy or rollback per host at a time. */
export function lockPath(stateDir: string): string {
    return `${stateDir}/deploy.lock`;
}

/**
 * Takes the host-side deploy lock for the rest of the script (fd 9, released
 * by the kernel when the script ends, even on SIGKILL). A second run is
 * refused with the holder named; it never touches the first run's journal.
 */
export function lockLines(stateDir: string, what: string): string[] {
    const lock = lockPath(stateDir);
    const holder = lockPath(stateDir) + ".holder";
    return [
        sh`exec 9>>${lock}`,
        sh`flock -n -x 9 || fail "DeployLock: another deploy or rollback holds ${dq(lockPath(stateDir))} ($(cat ${holder} 2>/dev/null || echo 'holder unknown')); nothing was changed. Wait for it to finish, then re-run"`,
        sh`printf '%s pid %s since %s\\n' ${what} "$$" "$(date -u +%FT%TZ)" > ${holder}`,
    ];
}

/**
 * On any failure, the operator sees the host-side cause: the tail of this
 * run's part of deploy.log (secret-looking assignments masked). After the
 * journal is written, a failure first reverts to the journal's pre-state, so
 * the host is left old (or, past the journal's removal, new and recorded).
 */
export function failureTrapLines(stateDir: string, withRevert = true): string[] {
    const log = stateDir + "/deploy.log";
    return lines(
        withRevert ? `step=start; journaled=no` : `step=start`,
        `on_exit() {`,
        `  local rc=$?`,
        `  trap - EXIT`,
        `  [ "$rc" -ne 0 ] || exit 0`,
        sh`  { printf 'Release: step %s failed (exit %s); last lines of the host log ${sq(stateDir)}/deploy.log:\\n' "$step" "$rc"`,
        sh`    tail -n 12 ${log} | sed -E 's/((BACKUP_GPG_FPR|GOVERNANCE_PRINCIPAL|[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*)=).*/\\1[masked]/'; } >&4 2>/dev/null || true`,
        withRevert ? [
            `  if [ "$journaled" = yes ]; then`,
            `    say "Release: reverting to the pre-deploy state after the failure of step $step"; revert`,
            `    printf 'Release: reverted after the failure of step %s: the pre-deploy tree, dot-repo HEAD and index, and ledger are back; nothing of this release is recorded\\n' "$step" >&4 2>/dev/null || true`,
            `  fi`,
        ] : [],
        `  exit "$rc"`,
        `}`,
        `trap on_exit EXIT`,
    ).trimEnd().split("\n");
}

/**
 * What the swap and the rollback start with: strict mode, immune to a dropped
 * SSH session, explicit modes (a host umask of 027 or 077 must not change what
 * is unpacked or restored), tree_digest, the host log, and exchange().
 */
function hostScriptPrelude(c: SwapSite): string[] {
    return [STRICT, `trap '' HUP PIPE`, `umask 022`, ...bashFunctions(), ...deployLogLines(c.paths.stateDir), exchangeFunction()];
}

/** The atomic exchange of two paths (pinned helper). */
export function exchangeFunction(): string {
    return `exchange() { ${helperCall(EXCHANGE, '"$1" "$2"')}\n}`;
}

/**
 * revert(): back to the exact pre-deploy state recorded in the journal: the
 * tree (from wherever the deploy had put it: staging or the artifact dir),
 * the dot repo's HEAD and the index of the release path, and the ledger.
 */
export function revertFunction(c: SwapSite, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    const stage = stagingPath(c, r);
    const dot = c.paths.dotRepo;
    const T = L.target;
    const J = L.journal;
    const led = L.ledger;
    return [
        `revert() { # back to the exact pre-deploy state recorded in the journal`,
        sh`  local head pre new; head="$(sed -n 's/^dot_head=//p' ${J})"; pre="$(sed -n 's/^pre_tree=//p' ${J})"; new="$(sed -n 's/^new_tree=//p' ${J})"`,
        sh`  [ "$new" = ${r.manifestDigest} ] || fail "Release: the interrupted deploy in ${dq(L.journal)} was of another release ($new); resolve it by hand: its pre-deploy tree is under ${dq(c.paths.stagingDir)} or ${dq(L.artifacts)}"`,
        sh`  if [ "$(tree_digest ${T} | cut -d' ' -f1)" != "$pre" ]; then`,
        sh`    for cand in ${stage + "/old-tree"} ${stage + "/tree"}; do`,
        sh`      if [ -d "$cand" ] && [ "$(tree_digest "$cand" | cut -d' ' -f1)" = "$pre" ]; then exchange "$cand" ${T}; break; fi`,
        `    done`,
        `  fi`,
        // In the run that failed, the old tree may already be in this run's artifact dir.
        sh`  if [ "$journaled" = yes ] && [ "$(tree_digest ${T} | cut -d' ' -f1)" != "$pre" ]; then`,
        sh`    if [ -d "$art/tree" ] && [ "$(tree_digest "$art/tree" | cut -d' ' -f1)" = "$pre" ]; then exchange "$art/tree" ${T}; fi`,
        `  fi`,
        sh`  [ "$(tree_digest ${T} | cut -d' ' -f1)" = "$pre" ] || fail "Release: cannot find the pre-deploy tree to revert to; see ${dq(L.journal)} and the dot repo history"`,
        sh`  if [ -n "$head" ] && [ "$(git -C ${dot} rev-parse HEAD)" != "$head" ]; then git -C ${dot} reset -q --soft "$head"; fi`,
        sh`  git -C ${dot} reset -q -- ${c.paths.targetDir}`,
        sh`  if [ -f ${L.ledger + ".pre"} ]; then mv -T ${L.ledger + ".pre"} ${led}; elif [ -f ${led} ] && grep -qx ${`digest=${r.manifestDigest}`} ${led}; then rm -- ${led}; fi`,
        sh`  if [ -e ${stage} ]; then rm -r -- ${stage}; fi`,
        `  if [ "$journaled" = yes ] && [ -d "$art" ]; then rm -r -- "$art"; fi`,
        sh`  rm -- ${J}`,
        `  journaled=no`,
        `  say "Release: reverted to the pre-deploy tree, dot-repo HEAD and index, and ledger"`,
        `}`,
    ];
}

/** Before anything: no remote, an interrupted deploy is reverted, and a release already in place is a no-op. */
export function preconditionLines(c: SwapSite, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    const stage = stagingPath(c, r);
    const dot = c.paths.dotRepo;
    const T = L.target;
    return [
        sh`[ -z "$(git -C ${dot} remote)" ] || fail "Release: ${dq(c.paths.dotRepo)} has a git remote; refusing (O6 forbids remotes)"`,
        // Killed after the old tree went into the artifact dir (so after the dot commit): complete it instead.
        sh`if [ -f ${L.journal} ] && [ ! -e ${stage + "/old-tree"} ] && [ ! -e ${stage + "/tree"} ] \\`,
        sh`   && grep -qx ${`new_tree=${r.manifestDigest}`} ${L.journal} && [ -d "$(sed -n 's/^artifact=//p' ${L.journal})/tree" ] \\`,
        sh`   && [ "$(tree_digest ${T} | cut -d' ' -f1)" = ${r.manifestDigest} ]; then`,
        `  say "Release: interrupted deploy of this release was past its artifact step; completing its record"`,
        sh`  j_art="$(sed -n 's/^artifact=//p' ${L.journal})"; j_pre="$(sed -n 's/^pre_tree=//p' ${L.journal})"`,
        ...ledgerLines(c, r, "j_art", "j_pre").map((l) => "  " + l),
        sh`  if [ -e ${stage} ]; then rm -r -- ${stage}; fi`,
        sh`  if [ -e ${L.ledger + ".pre"} ]; then rm -- ${L.ledger + ".pre"}; fi`,
        sh`  rm -- ${L.journal}`,
        `fi`,
        sh`if [ -f ${L.journal} ]; then say "Release: interrupted deploy found; reverting to the pre-state first"; revert; fi`,
        sh`if [ -f ${L.ledger} ] && grep -qx ${`digest=${r.manifestDigest}`} ${L.ledger} \\`,
        sh`   && [ "$(tree_digest ${T} | cut -d' ' -f1)" = ${r.manifestDigest} ]; then`,
        sh`  say "Release: ${dq(r.manifestDigest.slice(0, 12))} already in place"; exit 0`,
        `fi`,
    ];
}

/**
 * The staged tree's digest (every file hashed); when it is the manifest's, its
 * stat signature is recorded so that the probe of later runs need not re-hash
 * the live tree (the exchange keeps every entry's stat). Guards never use it.
 */
export function recordDigestLines(c: SwapSite, r: ReleaseFacts): string[] {
    const stage = stagingPath(c, r);
    return [
        sh`record_digest() { ${raw(helperCall(TREE_DIGEST, '"$1" --record "$3" "$2"'))}\n}`,
        sh`got="$(record_digest ${stage + "/tree"} ${hostLayout(c).treeCache} ${`${r.manifestDigest} ${r.fileCount}`})"`,
    ];
}

/** The whole staged tree against the manifest (after a full upload; a delta staging pass prints its own); a mismatch removes staging and touches nothing else. */
function verifyStagedLines(c: SwapSite, r: ReleaseFacts, done: string): string[] {
    const stage = stagingPath(c, r);
    return [
        ...recordDigestLines(c, r),
        sh`if [ "$got" != ${`${r.manifestDigest} ${r.fileCount}`} ]; then`,
        sh`  rm -r -- ${stage}`,
        sh`  fail "Release: staged tree digest $got does not match the manifest ${dq(r.manifestDigest)} ${dq(r.fileCount)}; staging removed, nothing else touched"`,
        `fi`,
        sh`say "Release: ${dq(done)}"`,
    ];
}

/**
 * The live tree's digest, for the journal (what a revert must bring back).
 * Read before staging records its own tree in the cache: when the live tree
 * is the one the last verified staging hashed (same stat signature), its
 * recorded digest; otherwise it is hashed. The PreStateAnchor guard has
 * hashed it in full just before.
 */
export function preTreeLines(c: SwapSite): string[] {
    const L = hostLayout(c);
    return [sh`pre_tree="$(tree_digest_cached ${L.target} ${L.treeCache} | cut -d' ' -f1)"`];
}

/** tar into staging: no owners, modes from the archive under umask 022, mtimes left at extraction time (one syscall less per file). */
const UNTAR = "tar -x -m --no-same-owner --no-same-permissions -f -";

/** Upload: the archive arrives on stdin, is unpacked in staging and verified. */
export function uploadLines(c: SwapSite, r: ReleaseFacts): string[] {
    const stage = stagingPath(c, r);
    return [
        sh`if [ -e ${stage} ]; then rm -r -- ${stage}; fi`,
        sh`install -d -m 0755 ${stage} ${stage + "/tree"}`,
        sh`if ! ${raw(UNTAR)} -C ${stage + "/tree"}; then`,
        sh`  rm -r -- ${stage}`,
        sh`  fail "Release: unpacking the archive in ${dq(stage)} failed (disk full?); staging removed, nothing else touched"`,
        `fi`,
        ...verifyStagedLines(c, r, `staged and verified ${r.fileCount} files in ${stage}`),
    ];
}

/** What a delta redeploy ships and removes; the base is the live tree, whose digest the PreStateAnchor guard pinned. */
export interface StagingDelta {
    baseDigest: string;
    /** How many files the archive on stdin carries. */
    changedCount: number;
    /** Paths (relative to the tree) the release drops: left out of the live copy (never Python files); a directory is made only for a file that needs it. */
    remove: string[];
}

/**
 * Delta staging: the changed files arrive on stdin and are unpacked into
 * STAGE/delta; then one pass of the pinned tree digest (`--stage`) builds
 * STAGE/tree: every live file the release keeps is copied (a plain copy: no
 * link is shared with the live tree or the artifact, so a later in-place edit
 * of one can never change the other) and its sha256 taken from the very bytes
 * written; the changed files are renamed in and hashed; the files the release
 * drops are left out. The pass prints the live tree's digest as it read it
 * (the journal's pre-state, which must still be the tree the PreStateAnchor
 * guard pinned) and the staged tree's (which must be the manifest's): each
 * file is read and hashed once. Nothing outside staging is written but the
 * digest cache; a kill here leaves only a partial staging dir, which the next
 * run removes first.
 */
export function deltaStagingLines(c: SwapSite, r: ReleaseFacts, d: StagingDelta): string[] {
    const L = hostLayout(c);
    const stage = stagingPath(c, r);
    const changed = count(d.changedCount, "changed file");
    const expected = `${r.manifestDigest} ${r.fileCount}`;
    return [
        sh`if [ -e ${stage} ]; then rm -r -- ${stage}; fi`,
        sh`install -d -m 0755 ${stage} ${stage + "/delta"}`,
        sh`if ! ${raw(UNTAR)} -C ${stage + "/delta"}; then`,
        sh`  rm -r -- ${stage}`,
        sh`  fail "Release: unpacking the ${dq(changed)} in ${dq(stage)} failed (disk full?); staging removed, nothing else touched"`,
        `fi`,
        sh`stage_from_live() { ${raw(helperCall(TREE_DIGEST, sh`${L.target} --stage ${expected} ${L.treeCache} ${stage} ${d.remove}`))}\n}`,
        `if ! staged="$(stage_from_live)"; then`,
        sh`  rm -r -- ${stage}`,
        sh`  fail "Release: copying the live tree into ${dq(stage)} failed (disk full?); staging removed, nothing else touched"`,
        `fi`,
        `pre_tree="$(cut -d' ' -f1 <<<"$staged")"; got="$(cut -d' ' -f3- <<<"$staged")"`,
        sh`if [ "$pre_tree" != ${d.baseDigest} ]; then`,
        sh`  rm -r -- ${stage}`,
        sh`  fail "PreStateAnchor: the live tree changed after the guard checked it (read as $pre_tree while staging, pinned ${dq(d.baseDigest)}); staging removed, nothing else touched. Find out what changed it, then review again"`,
        `fi`,
        sh`if [ "$got" != ${expected} ]; then`,
        sh`  rm -r -- ${stage}`,
        sh`  fail "Release: staged tree digest $got (the live tree ${dq(d.baseDigest.slice(0, 12))} plus ${dq(changed)}) does not match the manifest ${dq(r.manifestDigest)} ${dq(r.fileCount)}; staging removed, nothing else touched"`,
        `fi`,
        sh`rm -r -- ${stage + "/delta"}`,
        sh`say "Release: staged ${dq(changed)} over a copy of the live tree and verified all ${dq(r.fileCount)} files in ${dq(stage)}"`,
    ];
}

/**
 * The journal is written (atomically) before the exchange: from here a failure
 * or a crash reverts. The artifact dir's name is unique (a collision gets a
 * suffix), and the ledger as it was is kept beside it for the revert.
 */
export function journalLines(c: SwapSite, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    const stage = stagingPath(c, r);
    // Shell: $ts is the run's timestamp; the digest prefix is hex.
    const name = `$ts-${r.manifestDigest.slice(0, 12)}`;
    return [
        `ts="$(date -u +%Y%m%dT%H%M%SZ)"`,
        sh`for sfx in '' -1 -2 -3 -4 -5 -6 -7 -8 -9; do art=${L.artifacts}/"${raw(name)}$sfx"; [ -e "$art" ] || break; done`,
        sh`[ ! -e "$art" ] || fail "Release: artifact dirs ${dq(L.artifacts)}/${raw(name)}* all exist; prune old artifacts (reviewed), then re-run; nothing was changed"`,
        sh`if [ -e ${L.ledger + ".pre"} ]; then rm -- ${L.ledger + ".pre"}; fi`,
        sh`if [ -f ${L.ledger} ]; then cp -p -- ${L.ledger} ${L.ledger + ".pre"}; fi`,
        sh`printf 'stage=%s\\nartifact=%s\\npre_tree=%s\\ndot_head=%s\\nnew_tree=%s\\n' ${stage} "$art" "$pre_tree" "$(git -C ${c.paths.dotRepo} rev-parse HEAD)" ${r.manifestDigest} > ${L.journal + ".tmp"}`,
        sh`mv -T ${L.journal + ".tmp"} ${L.journal}`,
        `journaled=yes`,
    ];
}

/** One atomic exchange: the target is always either the whole old or the whole new tree. */
export function exchangeLines(c: SwapSite, r: ReleaseFacts): string[] {
    const stage = stagingPath(c, r);
    return [
        sh`exchange ${stage + "/tree"} ${hostLayout(c).target}`,
        sh`mv -T ${stage + "/tree"} ${stage + "/old-tree"}`,
    ];
}

/** Post-deploy assertions on the live tree; any failure reverts. */
export function assertLines(c: SwapSite, r: ReleaseFacts): string[] {
    const T = hostLayout(c).target;
    return [
        // A .py file whose exact bytes passed under this helper and interpreter before is not parsed again (its verdict
        // depends on its bytes only). A delta's staging pass listed every file's sha256 as it wrote and hashed it: with
        // that listing (its own sha256 is the manifest digest) a cached file is not even read; the re-check below then
        // proves the live tree is still what was listed. A full upload has no listing: every file is read.
        sh`if ! ${raw(helperCall(ASSERT_RELEASE, sh`${T} ${RELEASE_VERSION} --cache ${hostLayout(c).assertCache} ${ASSERT_RELEASE.sha256} ${stagingPath(c, r) + "/listing"} ${r.manifestDigest}`))}`,
        `then revert; fail "Release: post-deploy assertions failed; the previous tree is back in place"; fi`,
        // The exchange moves the verified staged tree without touching an entry, so its recorded stat signature still
        // holds unless something changed it since; then it is hashed again.
        sh`[ "$(tree_digest_cached ${T} ${hostLayout(c).treeCache} | cut -d' ' -f1)" = ${r.manifestDigest} ] || { revert; fail "Release: deployed tree does not match the manifest; reverted"; }`,
    ];
}

/**
 * git sets up and frees about 270 KB of deflate state for every blob it
 * writes; glibc hands the freed heap top back to the kernel each time (its
 * trim threshold is 128 KB) and faults it in again for the next blob. Over
 * 10,000 blobs that is 0.5 s of page faults (sys 0.65 s against 0.16 s with
 * the threshold raised; the add 1.00 s against 0.48 s, bench tree). Nothing
 * git runs or reads changes. The policy pack accepts exactly this one
 * tunable, on git (MALLOC_TRIM in policies/lib/verify/script.ts).
 */
export const GIT_HEAP = "GLIBC_TUNABLES=glibc.malloc.trim_threshold=268435456";

/**
 * The deploy commit in the dot repo (local only). `blobsKnown`: the release
 * shares all but a few blobs with the deployed tree the dot repo already
 * records (a delta redeploy).
 */
export function dotCommitLines(c: SwapSite, r: ReleaseFacts, blobsKnown = false): string[] {
    const dot = c.paths.dotRepo;
    const msg = [
        `deploy iu-cutter ${RELEASE_VERSION} (O6)`,
        "",
        `version: ${RELEASE_VERSION}`,
        `source-commit: ${r.commit}`,
        `manifest-digest: ${r.manifestDigest}`,
        `files: ${r.fileCount}`,
        `execution_enabled: False`,
    ].join("\n");
    const td = c.paths.targetDir;
    return [
        // Files the dot repo's ignore rules match would silently miss the commit: refused (and reverted).
        sh`ignored="$(git -C ${dot} ls-files --others --ignored --exclude-standard -- ${td} | head -n 5 | tr '\\n' ' ')"`,
        `[ -z "$ignored" ] || fail "Release: the dot repo's ignore rules match release files (\${ignored}); the deploy commit would not record them. Add exceptions to the dot repo's .gitignore (reviewed), then re-run; reverted"`,
        // Either way the objects and the commit are the same; only the cost differs. A tree of new blobs goes into
        // one pack file rather than one loose object each (bulk check-in: every blob is over the 1-byte threshold).
        // A delta: every unchanged file is a copy with its mtime kept, and under GIT_STAT_TRUST git's index refresh
        // takes it as the entry it was (0.02 s against 0.22 s of re-hashing, 10,000 files); only the changed files
        // are read. Bulk check-in is not used there: it deflates a blob before it learns the object exists.
        // GIT_HEAP: see its definition (half the time of this add on a first deploy of 10,000 files).
        blobsKnown ? sh`git -C ${dot} ${raw(GIT_STAT_TRUST)} add -A -- ${td}` : sh`${raw(GIT_HEAP)} git -C ${dot} -c core.bigFileThreshold=1 add -A -- ${td}`,
        // A commit of the release path only: whatever else is staged in the dot repo stays staged and out of the deploy commit.
        // With nothing staged outside it (the usual case) the index is exactly that, and a plain commit takes it as
        // staged; `commit -- PATH` builds a second index from HEAD and reads every release file again.
        // commit refreshes the index first: under GIT_STAT_TRUST too, or it would read every copied file again.
        sh`if git -C ${dot} diff --cached --quiet -- ${td}; then say "Release: the dot repo already records this tree at HEAD; no commit"`,
        sh`elif git -C ${dot} diff --cached --quiet -- . ${`:(exclude)${td}`}; then`,
        heredoc(sh`git -C ${dot} ${raw(GIT_IDENTITY)} ${raw(GIT_STAT_TRUST)} commit -q --no-verify -F -`, msg),
        `else`,
        heredoc(sh`git -C ${dot} ${raw(GIT_IDENTITY)} commit -q --no-verify -F - -- ${td}`, msg),
        `fi`,
    ];
}

/** The previous tree, set aside by the exchange, is renamed into a timestamped artifact dir (what rollback restores). */
export function artifactLines(c: SwapSite, r: ReleaseFacts): string[] {
    const stage = stagingPath(c, r);
    return [
        sh`install -d -m 0700 ${hostLayout(c).artifacts}`,
        `mkdir -m 0700 -- "$art"`,
        // One rename when staging and the artifacts share a filesystem; else mv copies, then removes the source.
        sh`mv -T -- ${stage + "/old-tree"} "$art/tree"`,
    ];
}

/** The ledger records the release and the origin tree (before this stack's first deploy: destroy returns there). */
export function ledgerLines(c: SwapSite, r: ReleaseFacts, artVar = "art", preVar = "pre_tree"): string[] {
    const L = hostLayout(c);
    const led = L.ledger;
    return [
        // artVar/preVar name shell variables of this script.
        sh`origin_art="$${raw(artVar)}"; origin_pre="$${raw(preVar)}"; dot_head="$(sed -n 's/^dot_head=//p' ${L.journal})"; origin_head="$dot_head"`,
        sh`if [ -f ${led} ] && grep -q '^origin_artifact=' ${led}; then`,
        sh`  origin_art="$(sed -n 's/^origin_artifact=//p' ${led})"; origin_pre="$(sed -n 's/^origin_pre_tree=//p' ${led})"; origin_head="$(sed -n 's/^origin_dot_head=//p' ${led})"`,
        `fi`,
        // The dot repo's HEAD before this deploy and after its commit, and before this stack's first deploy (what a rollback resets to).
        sh`printf 'digest=%s\\ncommit=%s\\nartifact=%s\\npre_tree=%s\\norigin_artifact=%s\\norigin_pre_tree=%s\\ndot_head=%s\\ndot_commit=%s\\norigin_dot_head=%s\\n' ${r.manifestDigest} ${r.commit} "$${dq(artVar)}" "$${dq(preVar)}" "$origin_art" "$origin_pre" "$dot_head" "$(git -C ${c.paths.dotRepo} rev-parse HEAD)" "$origin_head" > ${L.ledger + ".tmp"}`,
        sh`mv -T ${L.ledger + ".tmp"} ${led}`,
    ];
}

/** Done: staging goes, then the journal (from here the deploy is complete); the operator is told where everything is. */
export function finishLines(c: SwapSite, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    return [
        sh`rm -r -- ${stagingPath(c, r)}`,
        sh`if [ -e ${L.ledger + ".pre"} ]; then rm -- ${L.ledger + ".pre"}; fi`,
        sh`rm -- ${L.journal}`,
        `journaled=no; step=complete`,
        sh`say "Release: iu-cutter ${dq(RELEASE_VERSION)} in place; previous tree kept in $art/tree; recorded in ${dq(c.paths.dotRepo)} as $(git -C ${c.paths.dotRepo} rev-parse --short HEAD)"`,
    ];
}

/** The file the reviewed rollback writes on a protected host before its deletes run (lib/plan/plan.ts rollbackMandate). */
export function rollbackMandatePath(c: SwapSite): string {
    return `${c.paths.stateDir}/rollback-mandate`;
}

/**
 * The dot repo after the tree is restored: while HEAD is still the deploy
 * commit the ledger records, HEAD and the release path's index go back to the
 * pre-deploy HEAD (the deploy commit is named in artifacts/rolled-back-dot-commits,
 * for audit). If someone committed on top since (or the ledger predates this
 * record), history is kept: the rollback is a new commit, and the reason is said.
 */
export function dotRollbackLines(c: SwapSite, r: ReleaseFacts): string[] {
    const L = hostLayout(c);
    const dot = c.paths.dotRepo;
    const td = c.paths.targetDir;
    const record = `${L.artifacts}/rolled-back-dot-commits`;
    return [
        sh`o_head="$(sed -n 's/^origin_dot_head=//p' ${L.ledger})"; d_commit="$(sed -n 's/^dot_commit=//p' ${L.ledger})"; head_now="$(git -C ${dot} rev-parse HEAD)"`,
        `if [ -n "$o_head" ] && [ "$head_now" = "$d_commit" ]; then`,
        sh`  install -d -m 0700 ${L.artifacts}`,
        sh`  printf '%s release %s: dot commit %s rolled back to the pre-deploy HEAD %s\\n' "$(date -u +%FT%TZ)" ${r.manifestDigest} "$d_commit" "$o_head" >> ${record}`,
        sh`  git -C ${dot} reset -q --soft "$o_head"`,
        sh`  git -C ${dot} reset -q -- ${td}`,
        sh`  say "Rollback: the dot repo's HEAD and index are back at the pre-deploy $o_head; the deploy commit $d_commit is named in ${dq(record)}"`,
        `else`,
        sh`  [ -z "$o_head" ] || say "Rollback: the dot repo's HEAD $head_now is not the deploy commit $d_commit (committed on since the deploy): history kept, the rollback is recorded as a new commit"`,
        sh`  git -C ${dot} add -A -- ${td}`,
        sh`  if ! git -C ${dot} diff --cached --quiet -- ${td}; then`,
        heredoc(sh`    git -C ${dot} ${raw(GIT_IDENTITY)} commit -q --no-verify -F - -- ${td}`, `rollback iu-cutter to the pre-deploy tree (O6 rollback)\n\nremoved-manifest-digest: ${r.manifestDigest}`),
        `  fi`,
        `fi`,
    ];
}

/** The delete script: the origin tree comes back byte for byte, and the dot repo's pre-deploy HEAD and index. */
export function rollbackScript(c: SwapSite, r: ReleaseFacts): string {
    const L = hostLayout(c);
    const dot = c.paths.dotRepo;
    const T = L.target;
    const led = L.ledger;
    const restore = `${c.paths.stagingDir}/rollback`;
    return lines(
        ...hostScriptPrelude(c),
        ...failureTrapLines(c.paths.stateDir, false),
        ...lockLines(c.paths.stateDir, `rollback of ${r.manifestDigest.slice(0, 12)}`),
        `step=rollback`,
        sh`say "--- $(date -u +%FT%TZ) rollback of ${dq(r.manifestDigest)}"`,
        // A protected host is only rolled back by the reviewed rollback (its mandate file), never by a plain destroy.
        c.host.protected ? [
            sh`[ -f ${rollbackMandatePath(c)} ] && grep -qx ${`release=${r.manifestDigest}`} ${rollbackMandatePath(c)} \\`,
            sh`  || fail "RollbackGate: ${dq(c.host.name)} is protected and no approved rollback mandate for release ${dq(r.manifestDigest.slice(0, 12))} is on the host (${dq(rollbackMandatePath(c))}); a plain destroy is refused and nothing was changed. Roll back through the reviewed workflow: set rollback: true, review, approve, deploy"`,
        ] : [],
        sh`[ -f ${led} ] || { say "Rollback: no deploy recorded in ${dq(L.ledger)}; nothing to restore"; exit 0; }`,
        sh`art="$(sed -n 's/^origin_artifact=//p' ${led})"`,
        sh`pre="$(sed -n 's/^origin_pre_tree=//p' ${led})"`,
        sh`if [ -z "$art" ]; then art="$(sed -n 's/^artifact=//p' ${led})"; pre="$(sed -n 's/^pre_tree=//p' ${led})"; fi`,
        `[ -d "$art/tree" ] || fail "Rollback: the pre-deploy tree $art/tree is missing; restore by hand from the dot repo history"`,
        sh`if [ -e ${restore} ]; then rm -r -- ${restore}; fi`,
        sh`install -d -m 0700 ${restore}`,
        sh`cp -a -- "$art/tree" ${restore + "/tree"}`,
        sh`[ "$(tree_digest ${restore + "/tree"} | cut -d' ' -f1)" = "$pre" ] || fail "Rollback: $art/tree does not match its recorded digest $pre; refusing"`,
        sh`live="$(tree_digest ${T} | cut -d' ' -f1)"`,
        sh`exchange ${restore + "/tree"} ${T}`,
        // A live tree changed since the deploy (a hot-fix) is never discarded: it is kept beside the artifacts and named.
        sh`if [ "$live" != ${r.manifestDigest} ]; then`,
        sh`  kept=${L.artifacts}/"$(date -u +%Y%m%dT%H%M%SZ)-hand-edited"`,
        sh`  install -d -m 0700 ${L.artifacts}; mkdir -m 0700 -- "$kept"; mv -T -- ${restore + "/tree"} "$kept/tree"`,
        sh`  say "Rollback: the live tree had been changed since the deploy (digest $live, deployed ${dq(r.manifestDigest)}); it is kept in $kept/tree"`,
        `  printf 'Rollback: the live tree had been changed since the deploy; it is kept in %s/tree\\n' "$kept" >&4 2>/dev/null || true`,
        `fi`,
        ...dotRollbackLines(c, r),
        sh`rm -- ${led}`,
        sh`if [ -e ${restore} ]; then rm -r -- ${restore}; fi`,
        c.host.protected ? sh`rm -- ${rollbackMandatePath(c)}` : [],
        `step=complete`,
        sh`say "Rollback: pre-deploy tree restored from $art/tree; recorded in ${dq(c.paths.dotRepo)} as $(git -C ${dot} rev-parse --short HEAD)"`,
    );
}

/**
 * Upload + verify + swap + assertions + dot-repo commit, journaled; the archive
 * arrives on stdin. With a delta, only the changed files arrive and the rest
 * is copied from the live tree; the verification and everything after it are
 * the same.
 */
export function swapScript(c: SwapSite, r: ReleaseFacts, delta?: StagingDelta): { create: string; delete: string } {
    const create = lines(
        ...hostScriptPrelude(c),
        cachedDigestFunction(),
        ...revertFunction(c, r),
        ...failureTrapLines(c.paths.stateDir),
        ...lockLines(c.paths.stateDir, `deploy of ${r.manifestDigest.slice(0, 12)}`),
        sh`say "--- $(date -u +%FT%TZ) deploy ${dq(r.manifestDigest)}"`,
        `step=precondition`, ...preconditionLines(c, r),
        `step=upload`, ...(delta ? deltaStagingLines(c, r, delta) : [...preTreeLines(c), ...uploadLines(c, r)]),
        `step=journal`, ...journalLines(c, r),
        `step=exchange`, ...exchangeLines(c, r),
        `step=assert`, ...assertLines(c, r),
        `step=dot-commit`, ...dotCommitLines(c, r, delta !== undefined),
        `step=artifact`, ...artifactLines(c, r),
        `step=ledger`, ...ledgerLines(c, r),
        `step=finish`, ...finishLines(c, r),
    );
    return { create, delete: rollbackScript(c, r) };
}

/**
 * The delete of `deploy-recovery` (a resource created before the swap, so it
 * is in the state even when the swap's create failed): when an unfinished
 * deploy's journal is on the host (the create failed after the exchange and
 * its revert failed too, or the run was killed), a destroy reverts to the
 * journal's pre-deploy state (tree, dot-repo HEAD and index, ledger). On a
 * protected host only inside the reviewed rollback (its mandate). No journal:
 * nothing to do (a completed deploy is rolled back by the release's delete).
 */
export function recoveryScript(c: SwapSite, r: ReleaseFacts): string {
    const L = hostLayout(c);
    const stage = stagingPath(c, r);
    return lines(
        ...hostScriptPrelude(c),
        ...revertFunction(c, r),
        ...failureTrapLines(c.paths.stateDir, false),
        ...lockLines(c.paths.stateDir, `recovery of ${r.manifestDigest.slice(0, 12)}`),
        // This run has no artifact dir of its own (journaled=no: revert() leaves every artifact dir as it is).
        sh`step=recovery; journaled=no; art=${hostLayout(c).artifacts + "/none"}`,
        sh`[ -f ${L.journal} ] || { say "DeployRecovery: no unfinished deploy journal on the host; nothing to restore"; exit 0; }`,
        c.host.protected ? [
            sh`[ -f ${rollbackMandatePath(c)} ] && grep -qx ${`release=${r.manifestDigest}`} ${rollbackMandatePath(c)} \\`,
            sh`  || fail "RollbackGate: ${dq(c.host.name)} is protected and no approved rollback mandate for release ${dq(r.manifestDigest.slice(0, 12))} is on the host (${dq(rollbackMandatePath(c))}); a plain destroy is refused and nothing was changed (an unfinished deploy's journal is on the host: a reviewed up of this release reverts it first)"`,
        ] : [],
        sh`say "--- $(date -u +%FT%TZ) recovery: the unfinished deploy in ${dq(L.journal)} is reverted to its pre-deploy state"`,
        // Past the artifact step the pre-deploy tree is in the run's artifact dir: a copy goes where revert looks for it.
        sh`j_art="$(sed -n 's/^artifact=//p' ${L.journal})"`,
        sh`if [ ! -e ${stage + "/old-tree"} ] && [ ! -e ${stage + "/tree"} ] && [ -n "$j_art" ] && [ -d "$j_art/tree" ]; then`,
        sh`  install -d -m 0755 ${stage}`,
        sh`  cp -a -- "$j_art/tree" ${stage + "/old-tree"}`,
        `fi`,
        `revert`,
        c.host.protected ? sh`if [ -e ${rollbackMandatePath(c)} ]; then rm -- ${rollbackMandatePath(c)}; fi` : [],
        `step=complete`,
        sh`say "DeployRecovery: the pre-deploy tree, dot-repo HEAD and index, and ledger are back (from the journal)"`,
    );
}
