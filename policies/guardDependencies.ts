import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { arr, DEFAULT_LIVE_TREE, DEFAULT_ROOTS, loadPins, LOCAL_COMMAND, REMOTE_COMMAND } from "./lib/analyze";
import { shellParserReady } from "./lib/parsers/shell";
import { isUnknownValueError, violationMessage } from "./lib/policy";
import { guardProblems } from "./lib/verify/guards";

const toArray = (v: unknown): unknown[] => arr(v) ?? [];

export type GuardKind = "HostIdentityGuard" | "PreStateAnchor";

/** The guard a resource claims to be (a read-only host command with `guard` set), whether or not its script proves it. */
export function claimedGuard(r: { type: string; props: Record<string, unknown> }): GuardKind | undefined {
    if (r.type !== REMOTE_COMMAND) {
        return undefined;
    }
    const g = r.props.guard;
    const writes = toArray(r.props.writes);
    if ((g === "HostIdentityGuard" || g === "PreStateAnchor") && writes.length === 0) {
        return g;
    }
    return undefined;
}

/** What a claimed guard's script fails to prove (lib/verify/guards.ts); the shell parser must be ready. */
export function guardShortfall(r: { type: string; props: Record<string, unknown> }, treeDigestSha: string | undefined): string | undefined {
    const k = claimedGuard(r);
    if (!k) {
        return undefined;
    }
    const create = r.props.create;
    if (typeof create !== "string") {
        return "its script is not plain text at preview";
    }
    return guardProblems(k, create, treeDigestSha, { liveTree: DEFAULT_LIVE_TREE, roots: DEFAULT_ROOTS })[0];
}

/** Resources that change the host. Unknown command kinds count as writers (fail closed). */
export function writesToHost(r: { type: string; props: Record<string, unknown> }): boolean {
    if (r.type === REMOTE_COMMAND) {
        return r.props.writes === undefined ? true : toArray(r.props.writes).length > 0;
    }
    if (r.type === LOCAL_COMMAND) {
        return false;
    }
    return r.type.startsWith("command:remote:") || r.type.startsWith("pulumi-nodejs:dynamic");
}

/** Everything `r` waits for: its dependencies, its ancestors' dependencies, transitively. */
export function prerequisites(r: PolicyResource): Set<PolicyResource> {
    const seen = new Set<PolicyResource>();
    const stack: PolicyResource[] = [];
    for (let p: PolicyResource | undefined = r; p; p = p.parent) {
        stack.push(...p.dependencies);
    }
    while (stack.length > 0) {
        const d = stack.pop()!;
        if (seen.has(d)) { continue; }
        seen.add(d);
        for (let p: PolicyResource | undefined = d; p; p = p.parent) {
            stack.push(...p.dependencies);
        }
    }
    return seen;
}

/**
 * The host a command runs on, as its connection names it (address, port,
 * user, pinned key); a guard guards only writes to that same host. Missing
 * or unknown parts make no host (a guard without one guards nothing).
 */
export function hostOf(r: { props: Record<string, unknown> }): string | undefined {
    const c = r.props.connection;
    if (!c || typeof c !== "object") {
        return undefined;
    }
    const o = c as Record<string, unknown>;
    const parts = [o.address ?? o.host, o.port ?? 22, o.user ?? "root", typeof o.hostKey === "string" ? o.hostKey.trim() : undefined];
    return parts.every((x) => typeof x === "string" || typeof x === "number") ? parts.join("|") : undefined;
}

const RULE = "identity guards (compose marker, .env, expected host) and pre-state sha256 anchors with abort-on-drift come before any write";
const COMPLY = "add dependsOn: [identityGuard, preStateGuard] (directly, or on a parent component) to every resource that writes to the host";

export const guardDependenciesPolicy: StackValidationPolicy = {
    name: "writes-depend-on-guards",
    description: "Every resource that writes to the host depends, directly or through its parent, on the HostIdentityGuard and the PreStateAnchor guard.",
    enforcementLevel: "mandatory",
    validateStack: async (args, report) => {
        await shellParserReady();
        const treeDigestSha = loadPins().helpers["tree_digest.py"]?.sha256;
        const shortfall = new Map<PolicyResource, string | undefined>();
        const proven = (d: PolicyResource): string | undefined => {
            if (!shortfall.has(d)) { shortfall.set(d, guardShortfall(d, treeDigestSha)); }
            return shortfall.get(d);
        };
        for (const r of args.resources) {
            try {
                if (!writesToHost(r)) {
                    continue;
                }
                const kinds = new Set<GuardKind>();
                const elsewhere = new Set<GuardKind>();
                const unproven: string[] = [];
                const host = hostOf(r);
                for (const d of prerequisites(r)) {
                    const k = claimedGuard(d);
                    if (!k) { continue; }
                    // A guard checks the host it connects to: one on another host (or a write whose host is unknown) does not count.
                    if (host === undefined || hostOf(d) !== host) { elsewhere.add(k); continue; }
                    // Nor does one whose script does not check what the guard is for.
                    const why = proven(d);
                    if (why) { unproven.push(`${d.name} claims ${k} but ${why}`); continue; }
                    kinds.add(k);
                }
                const missing = (["HostIdentityGuard", "PreStateAnchor"] as GuardKind[]).filter((k) => !kinds.has(k));
                if (missing.length > 0) {
                    const other = missing.filter((k) => elsewhere.has(k));
                    const note = other.length > 0 ? ` on the host it writes to (the ${other.join(" and ")} it depends on check${other.length === 1 ? "s" : ""} another connection)` : "";
                    const claims = unproven.length > 0 ? `; ${unproven.join("; ")}` : "";
                    report(violationMessage({ rule: RULE, comply: COMPLY }, r.urn, `writes to the host without depending on ${missing.join(" and ")}${note}${claims}`), r.urn);
                }
            } catch (e) {
                if (isUnknownValueError(e)) {
                    report(violationMessage({ rule: RULE, comply: COMPLY }, r.urn, "cannot tell whether it writes: a value is unknown at preview (fail closed)"), r.urn);
                    continue;
                }
                throw e;
            }
        }
    },
};
