/** HostIdentityGuard's rule, as the read-only probe sees it. */
import { StackConfig } from "../config/config";
import { Observation } from "./observe";

/** Identity = expected hostname, compose marker, .env, and a dot repo with no remote. */
export function identityProblems(c: StackConfig, o: Observation): string[] {
    const problems: string[] = [];
    if (o.hostname !== c.host.name) {
        problems.push(`hostname is "${o.hostname}", expected "${c.host.name}" (host.name): this is not the host the stack is for`);
    }
    if (o.marker !== "present") {
        problems.push(`compose marker ${c.identity.composeMarker} is missing (identity.composeMarker)`);
    }
    if (o.envfile !== "present") {
        problems.push(`${c.identity.envFile} is missing (identity.envFile)`);
    }
    problems.push(...layoutProblems(c, o), ...clockProblems(o));
    if (o.dotRemotes.trim() !== "") {
        problems.push(`${c.paths.dotRepo} has git remote(s) "${o.dotRemotes.trim()}"; O6/O7 forbid any remote`);
    }
    return problems;
}

/** The swap's layout facts (issue 15): symlinked live tree or staging dir, staging on another filesystem. */
export function layoutProblems(c: StackConfig, o: Observation): string[] {
    const out: string[] = [];
    for (const tok of (o.layout ?? "").split(" ").filter(Boolean)) {
        const i = tok.indexOf(":");
        const [kind, val] = i < 0 ? [tok, ""] : [tok.slice(0, i), tok.slice(i + 1)];
        if (kind === "target-symlink") {
            out.push(`the live tree ${c.paths.dotRepo}/${c.paths.targetDir} is a symlink (to ${val}); a backup of it would be a copy of the link and rollback impossible. Replace it by the real directory (out of band, after review)`);
        } else if (kind === "staging-symlink") {
            out.push(`the staging dir ${c.paths.stagingDir} is a symlink (to ${val}); staging must be a real directory on the dot repo's filesystem (paths.stagingDir)`);
        } else if (kind === "staging-other-fs") {
            out.push(`the staging dir ${c.paths.stagingDir} is on another filesystem (${val}) than ${c.paths.dotRepo}; the atomic exchange needs both on one filesystem (paths.stagingDir)`);
        } else {
            out.push(`layout: ${tok}`);
        }
    }
    return out;
}

/** More than this between the host's clock and the operator's is refused (evidence and artifact names carry the host's time). */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** The host clock compared with the operator's (issue 15). */
export function clockProblems(o: Observation, nowMs: number = Date.now()): string[] {
    if (o.clock === undefined) {
        return [];
    }
    const host = Number(o.clock);
    const op = Math.round(nowMs / 1000);
    if (!Number.isFinite(host) || o.clock.trim() === "") {
        return [`the host clock could not be read (date -u +%s printed "${o.clock}")`];
    }
    const skew = host - op;
    if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS) {
        return [`the host clock (${new Date(host * 1000).toISOString()}) is ${Math.abs(skew)} s ${skew < 0 ? "behind" : "ahead of"} the operator's (${new Date(op * 1000).toISOString()}); more than ${MAX_CLOCK_SKEW_SECONDS} s is refused (artifact names and evidence carry the host's time). Fix the host's time (NTP) first`];
    }
    return [];
}

