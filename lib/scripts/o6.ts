/**
 * Every script the program runs on the host, rendered from plain values.
 * Pure functions: the review package shows exactly these strings, the
 * policies read exactly these strings, and unit tests pin their behaviour.
 *
 * Conventions: each script starts with `set -euo pipefail`; no script uses a
 * force flag, `eval`, or decodes anything into a shell; secrets only arrive on
 * stdin and are never echoed.
 */
import { RELEASE_VERSION, StackConfig } from "../config/config";
import { describeDatabaseAccess, governanceGrantsAssignment, pgpassSetup } from "./psql";
import { dq, heredoc, lines, raw, sh, STRICT } from "./shell";

export interface ReleaseFacts {
    commit: string;
    manifestDigest: string;
    fileCount: number;
}

// The prelude pieces every script shares are defined once in ./prelude.
export { bashFunctions, cachedDigestFunction, failFunction, GIT_STAT_TRUST, helperCall, hostLayout } from "./prelude";
import { bashFunctions, cachedDigestFunction, failFunction, GIT_STAT_TRUST, hostLayout } from "./prelude";

/** The host paths and identity files the probes and guards read. */
type HostSite = { paths: StackConfig["paths"]; identity: StackConfig["identity"] };

const ANCHOR_ORDER = ["tree", "compose", "envProduction", "dotGitStatus"] as const;

/**
 * The pre-state anchors, defined once: the shell command that prints each
 * anchor's sha256 on the host. The probe (review) and the PreStateAnchor
 * guard (right before the first write) run the same commands.
 */
export function anchorDigests(c: HostSite): Record<typeof ANCHOR_ORDER[number], string> {
    const L = hostLayout(c);
    const dot = c.paths.dotRepo;
    const original = L.envBackupDir + "/original";
    return {
        tree: sh`tree_digest ${L.target} | cut -d' ' -f1`,
        compose: sh`sha256sum < ${c.identity.composeMarker} | cut -c1-64`,
        // The env file is the one anchor an earlier step of this same deploy
        // changes (secrets); its untouched original is kept, so that is checked.
        envProduction: sh`if [ -f ${original} ]; then sha256sum < ${original}; else sha256sum < ${c.paths.envProductionFile}; fi | cut -c1-64`,
        // The release path under GIT_STAT_TRUST (a delta's copies keep git's index as the last add left it, and
        // the tree anchor reads every byte there); the rest of the dot repo under git's full stat check.
        dotGitStatus: sh`{ git -C ${dot} rev-parse HEAD; git --no-optional-locks -C ${dot} status --porcelain=v1 --untracked-files=all -- . ${`:(exclude)${c.paths.targetDir}`}; git --no-optional-locks -C ${dot} ${raw(GIT_STAT_TRUST)} status --porcelain=v1 --untracked-files=all -- ${c.paths.targetDir}; } | sha256sum | cut -c1-64`,
    };
}

/**
 * Read-only probe, run at preview and at up: prints key=value lines the
 * program compares with the stack's pins. Writes nothing anywhere.
 */
export function probeScript(c: HostSite): string {
    const L = hostLayout(c);
    const A = anchorDigests(c);
    return lines(
        STRICT,
        ...bashFunctions(),
        `printf 'hostname=%s\\n' "$(hostname)"`,
        sh`if [ -f ${c.identity.composeMarker} ]; then echo marker=present; else echo marker=missing; fi`,
        sh`if [ -f ${c.identity.envFile} ]; then echo envfile=present; else echo envfile=missing; fi`,
        // A no-op run does not re-hash the tree: the cache is keyed by every entry's stat; the guards always hash.
        cachedDigestFunction(),
        sh`if [ -d ${L.target} ]; then printf 'tree=%s\\n' "$(tree_digest_cached ${L.target} ${L.treeCache})"; else echo tree=absent; fi`,
        sh`if [ -f ${c.identity.composeMarker} ]; then printf 'compose=%s\\n' "$(${raw(A.compose)})"; else echo compose=absent; fi`,
        sh`if [ -f ${c.paths.envProductionFile} ]; then printf 'envProduction=%s\\n' "$(sha256sum < ${c.paths.envProductionFile} | cut -c1-64)"; else echo envProduction=absent; fi`,
        sh`if [ -f ${L.envBackupDir + "/original"} ]; then printf 'envProductionOriginal=%s\\n' "$(sha256sum < ${L.envBackupDir + "/original"} | cut -c1-64)"; else echo envProductionOriginal=; fi`,
        sh`if git -C ${c.paths.dotRepo} rev-parse --git-dir >/dev/null 2>&1; then`,
        sh`  printf 'dotGitStatus=%s\\n' "$( ${raw(A.dotGitStatus)})"`,
        sh`  printf 'dotRemotes=%s\\n' "$(git -C ${c.paths.dotRepo} remote | tr '\\n' ' ')"`,
        `else echo dotGitStatus=absent; echo dotRemotes=; fi`,
        sh`if [ -f ${L.journal} ]; then printf 'journal=%s\\n' "$(tr '\\n' ' ' < ${L.journal})"; else echo journal=; fi`,
        sh`if [ -f ${L.ledger} ]; then printf 'ledger=%s\\n' "$(tr '\\n' ' ' < ${L.ledger})"; else echo ledger=; fi`,
        sh`if [ -d ${L.artifacts} ]; then printf 'artifacts=%s\\n' "$(ls -1 -- ${L.artifacts} | tr '\\n' ' ')"; else echo artifacts=; fi`,
        ...layoutProbeLines(c),
    );
}

/**
 * Layout facts the swap relies on (issue 15): the live tree and the staging
 * dir are real directories, not symlinks, and staging is on the dot repo's
 * mount (both renames of the swap must stay on one filesystem). Prints
 * `layout=` followed by the problems found (empty when none). Reads only.
 */
export function layoutProbeLines(c: { paths: Pick<StackConfig["paths"], "dotRepo" | "targetDir" | "stateDir" | "stagingDir"> }): string[] {
    const L = hostLayout(c);
    const S = c.paths.stagingDir;
    return [
        `lay=""`,
        sh`if [ -L ${L.target} ]; then lay="$lay target-symlink:$(readlink ${L.target})"; fi`,
        sh`if [ -L ${S} ]; then lay="$lay staging-symlink:$(readlink ${S})"; fi`,
        sh`near=${S}; while [ ! -e "$near" ] && [ "$near" != / ]; do near="$(dirname "$near")"; done`,
        sh`if [ -d ${c.paths.dotRepo} ] && [ "$(stat -L -c %m "$near")" != "$(stat -c %m ${c.paths.dotRepo})" ]; then lay="$lay staging-other-fs:$(stat -L -c %m "$near")"; fi`,
        `printf 'layout=%s\\n' "$lay"`,
        `printf 'clock=%s\\n' "$(date -u +%s)"`,
    ];
}

/** HostIdentityGuard, re-checked on the host immediately before the first write. */
export function identityGuardScript(c: { host: Pick<StackConfig["host"], "name">; identity: StackConfig["identity"]; paths: Pick<StackConfig["paths"], "dotRepo"> }): string {
    return lines(
        STRICT,
        failFunction("HostIdentityGuard"),
        sh`[ "$(hostname)" = ${c.host.name} ] || fail "hostname is '$(hostname)', expected ${dq(c.host.name)}: wrong host, nothing was written"`,
        sh`[ -f ${c.identity.composeMarker} ] || fail "compose marker ${dq(c.identity.composeMarker)} is missing: not the expected stack host"`,
        sh`[ -f ${c.identity.envFile} ] || fail "${dq(c.identity.envFile)} is missing: not the expected stack host"`,
        sh`[ -z "$(git -C ${c.paths.dotRepo} remote)" ] || fail "${dq(c.paths.dotRepo)} has a git remote; O6/O7 forbid remotes (remove it out of band after review)"`,
        sh`echo "HostIdentityGuard: ok (${dq(c.host.name)})"`,
    );
}

/**
 * PreStateAnchor guard: immediately before the first write, every anchor must
 * still equal the pinned (reviewed) value, unless this exact release is
 * already in place (ledger) or a crash of this same deploy left a journal.
 */
export function preStateGuardScript(c: HostSite & { anchors: StackConfig["anchors"] }, r: ReleaseFacts): string {
    const L = hostLayout(c);
    const A = anchorDigests(c);
    const a = c.anchors;
    const check = (name: string, cmd: string, pinned: string | undefined) => pinned === undefined
        ? sh`fail "anchors.${dq(name)} is not pinned: copy the observed value from the review package into the stack config"`
        : sh`[ "$(${raw(cmd)})" = ${pinned} ] || fail "anchors.${dq(name)} drifted: observed $(${raw(cmd)}), pinned ${dq(pinned)}. Re-run the review; nothing was written"`;
    return lines(
        STRICT,
        ...bashFunctions(),
        failFunction("PreStateAnchor"),
        ...lockCheckLines(c, "PreStateAnchor"),
        sh`if [ -f ${L.ledger} ] && grep -qx ${`digest=${r.manifestDigest}`} ${L.ledger} \\`,
        sh`   && [ "$(tree_digest ${L.target} | cut -d' ' -f1)" = ${r.manifestDigest} ]; then`,
        sh`  echo "PreStateAnchor: release ${dq(r.manifestDigest.slice(0, 12))} already in place"; exit 0`,
        `fi`,
        sh`if [ -f ${L.journal} ]; then`,
        sh`  grep -qx ${`pre_tree=${a.tree ?? "unpinned"}`} ${L.journal} || fail "an incomplete deploy journal ${dq(L.journal)} is not from this reviewed deploy; inspect it by hand"`,
        `  echo "PreStateAnchor: resuming an interrupted deploy of this release"; exit 0`,
        `fi`,
        ...ANCHOR_ORDER.map((n) => check(n, A[n], a[n])),
        `echo "PreStateAnchor: all anchors match"`,
    );
}

/**
 * DeployLock, checked by the guards: while another run holds the host-side
 * deploy lock (lib/scripts/swap.ts lockLines), nothing is written and its
 * journal is never taken for an interrupted deploy. Read-only (shared probe).
 */
export function lockCheckLines(c: { paths: Pick<StackConfig["paths"], "stateDir"> }, who: string): string[] {
    const lock = `${c.paths.stateDir}/deploy.lock`;
    return [
        sh`if [ -f ${lock} ]; then`,
        sh`  exec 9<${lock}`,
        sh`  flock -n -s 9 || fail "DeployLock: another deploy or rollback holds ${dq(lock)} ($(cat ${lock + ".holder"} 2>/dev/null || echo 'holder unknown')); ${dq(who)}: nothing was written. Wait for it to finish, then re-run"`,
        `  flock -u 9`,
        `fi`,
    ];
}

/** RollbackGate: a rollback only starts from the exact deployed release. */
export function rollbackGuardScript(c: { paths: StackConfig["paths"] }, r: ReleaseFacts): string {
    const L = hostLayout(c);
    return lines(
        STRICT,
        ...bashFunctions(),
        failFunction("RollbackGate"),
        ...lockCheckLines(c, "RollbackGate"),
        sh`[ -f ${L.ledger} ] && grep -qx ${`digest=${r.manifestDigest}`} ${L.ledger} || fail "release ${dq(r.manifestDigest.slice(0, 12))} is not the deployed one (${dq(L.ledger)}); nothing to roll back"`,
        sh`[ "$(tree_digest ${L.target} | cut -d' ' -f1)" = ${r.manifestDigest} ] || fail "the deployed tree was changed since the deploy; refusing to roll back over it"`,
        sh`[ ! -f ${L.journal} ] || fail "an interrupted deploy journal exists (${dq(L.journal)}); resolve it first"`,
        sh`echo "RollbackGate: release ${dq(r.manifestDigest.slice(0, 12))} in place; rollback may proceed"`,
    );
}

export function dirsScript(c: { cutterConfig: Pick<StackConfig["cutterConfig"], "dirs"> }): { create: string; delete: string } {
    const create = lines(
        STRICT,
        ...c.cutterConfig.dirs.map((d) => sh`install -d -m ${d.mode} -o ${d.owner} -g ${d.group} ${d.path}`),
        sh`stat -c '%n %a %U:%G' ${c.cutterConfig.dirs.map((d) => d.path)}`,
    );
    const del = lines(
        STRICT,
        // Only empty directories are removed: data written by the agent stays.
        ...[...c.cutterConfig.dirs].reverse().map((d) => sh`rmdir --ignore-fail-on-non-empty ${d.path} 2>/dev/null || true`),
    );
    return { create, delete: del };
}

/** Writes a file atomically (temp file in the same dir, then rename). */
export function fileScript(dest: string, content: string, mode: string, what: string): { create: string; delete: string; writes: string[] } {
    const tmp = `${dest}.iucutter-tmp`;
    const dir = dest.slice(0, dest.lastIndexOf("/")) || "/";
    const create = lines(
        STRICT,
        `umask 077`,
        sh`[ -d ${dir} ] || install -d -m 0755 ${dir}`,
        heredoc(sh`cat > ${tmp}`, content),
        sh`chmod ${mode} ${tmp}`,
        sh`mv -T ${tmp} ${dest}`,
        sh`printf '%s %s\\n' "$(sha256sum < ${dest} | cut -c1-64)" ${`${what} -> ${dest}`}`,
    );
    const del = lines(STRICT, sh`if [ -e ${dest} ]; then rm -- ${dest}; fi`);
    return { create, delete: del, writes: [dest, tmp, dir] };
}

/** orchestrator.* config rendered as an INI-like file (GAP-5). */
export function renderOrchestratorConfig(c: { cutterConfig: Pick<StackConfig["cutterConfig"], "orchestrator"> }): string {
    const o = c.cutterConfig.orchestrator;
    return [
        "# iu-cutter orchestrator config, written by iu-cutter-deploy (O6). Do not edit by hand.",
        "[orchestrator]",
        `execution_enabled = ${o.execution_enabled ? "true" : "false"}`,
        `mode = ${o.mode}`,
        `signing_provider = ${o.signing_provider}`,
        `state_dir = ${o.state_dir}`,
        "",
        "[database]",
        `host = ${o.db_host}`,
        `port = ${o.db_port}`,
        `name = ${o.db_name}`,
        `role = ${o.db_role}`,
        "",
    ].join("\n");
}

/**
 * Secrets (GAP-3, GAP-4): reads BACKUP_GPG_FPR and the governance principal
 * from stdin, verifies the key is in the host's keyring and the principal has
 * exactly the pinned grants (read-only query), then sets the two keys in the
 * env file (0600). The original file is kept once for rollback.
 */
export function secretsScript(c: StackConfig): { create: string; delete: string } {
    const L = hostLayout(c);
    const env = c.paths.envProductionFile;
    const backup = `${L.envBackupDir}/original`;
    const pinned = [...c.governance.grants].sort().join("\n");
    const create = lines(
        STRICT,
        failFunction("Secrets"),
        `IFS= read -r BACKUP_GPG_FPR || fail "BACKUP_GPG_FPR missing on stdin"`,
        `IFS= read -r GOVERNANCE_PRINCIPAL || fail "governance principal missing on stdin"`,
        ...pgpassSetup(c, `fail "the database password (databasePassword) is missing on stdin"`),
        `gpg --batch --with-colons --list-keys "$BACKUP_GPG_FPR" 2>/dev/null | grep -q '^fpr:' \\`,
        `  || fail "GAP-3: the BACKUP_GPG_FPR key is not in the host's GnuPG keyring; import it first"`,
        governanceGrantsAssignment(c, "GRANTS", sh`fail ${`GAP-4: cannot read the grant matrix as context_pack_readonly via ${describeDatabaseAccess(c)} (database.access; database unreachable?)`}`),
        heredoc(`PINNED="$(cat`, pinned) + `\n)"`,
        `[ -n "$GRANTS" ] || fail "GAP-4: the governance principal has no grants or does not exist"`,
        `[ "$GRANTS" = "$PINNED" ] || fail "GAP-4: the governance principal's grants differ from governance.grants (pinned)"`,
        sh`install -d -m 0700 ${L.envBackupDir}`,
        sh`if [ ! -e ${backup} ]; then cp -p -- ${env} ${backup}; fi`,
        `umask 077`,
        sh`{ grep -v -e '^BACKUP_GPG_FPR=' -e '^GOVERNANCE_PRINCIPAL=' ${backup} || true`,
        sh`  printf 'BACKUP_GPG_FPR=%s\\nGOVERNANCE_PRINCIPAL=%s\\n' "$BACKUP_GPG_FPR" "$GOVERNANCE_PRINCIPAL"; } > ${env + ".iucutter-tmp"}`,
        sh`chmod 0600 ${env + ".iucutter-tmp"}`,
        sh`mv -T ${env + ".iucutter-tmp"} ${env}`,
        `echo "Secrets: BACKUP_GPG_FPR and GOVERNANCE_PRINCIPAL set in ${env} (0600); key and grants verified"`,
    );
    const del = lines(
        STRICT,
        sh`if [ -e ${backup} ]; then cp -p -- ${backup} ${env + ".iucutter-tmp"} && mv -T ${env + ".iucutter-tmp"} ${env} && rm -- ${backup}; fi`,
        `echo "Secrets: ${env} restored to its pre-deploy content"`,
    );
    return { create, delete: del };
}

/** Local annotated tag at the pinned commit in the source repo; never pushed. */
export function tagScript(c: { release: Pick<StackConfig["release"], "tag" | "provenance"> }, fullCommit: string): string {
    const tag = c.release.tag;
    return lines(
        STRICT,
        sh`if git rev-parse -q --verify ${`refs/tags/${c.release.tag}`} >/dev/null; then`,
        sh`  [ "$(git rev-parse ${`${c.release.tag}^{commit}`})" = ${fullCommit} ] || { echo "Release: tag ${dq(c.release.tag)} exists at another commit; refusing to move it" >&2; exit 1; }`,
        sh`  echo "tag ${dq(c.release.tag)} already at ${dq(fullCommit.slice(0, 12))}"; exit 0`,
        `fi`,
        heredoc(sh`git -c user.name=iu-cutter-deploy -c user.email=iu-cutter-deploy@localhost tag -a ${tag} ${fullCommit} -F -`,
            `iu-cutter ${RELEASE_VERSION}\n\n${c.release.provenance}`),
        sh`echo "tag ${dq(c.release.tag)} created at ${dq(fullCommit.slice(0, 12))} (local only)"`,
    );
}

/** A previous tree kept by a deploy: `<UTC timestamp>-<digest prefix>[-n]` (the env backup and hand-edit dirs are not). */
const ARTIFACT_NAME = /^\d{8}T\d{6}Z-[0-9a-f]{12}(-\d+)?$/;

/**
 * Which artifact dirs a deploy may prune: the oldest timestamped ones beyond
 * `keep`, never one the ledger names (the last deploy's previous tree and the
 * origin tree a rollback restores). Pure: the review shows the result.
 */
export function artifactsToPrune(names: string[], ledger: string, keep: number): string[] {
    const protectedDirs = new Set([...ledger.matchAll(/(?:^|\s)(?:artifact|origin_artifact)=(\S+)/g)].map((m) => m[1].split("/").pop() ?? ""));
    const trees = names.filter((n) => ARTIFACT_NAME.test(n)).sort().reverse();
    return trees.slice(keep).filter((n) => !protectedDirs.has(n)).sort();
}

/** ArtifactRetention: removes exactly the listed artifact dirs (literal paths, as reviewed); never anything the ledger names. */
export function retentionScript(c: { paths: Pick<StackConfig["paths"], "dotRepo" | "targetDir" | "stateDir" | "stagingDir">; retention: StackConfig["retention"] }, prune: string[]): string {
    const L = hostLayout(c);
    return lines(
        STRICT,
        ...prune.map((n) => sh`if [ -d ${`${L.artifacts}/${n}`} ]; then rm -r -- ${`${L.artifacts}/${n}`}; fi`),
        sh`echo "ArtifactRetention: ${dq(prune.length)} previous tree(s) pruned; keeping the newest ${dq(c.retention.artifacts)} and every rollback target"`,
    );
}

