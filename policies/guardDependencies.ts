import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { arr, LOCAL_COMMAND, REMOTE_COMMAND } from "./lib/analyze";
import { isUnknownValueError, violationMessage } from "./lib/policy";

const toArray = (v: unknown): unknown[] => arr(v) ?? [];

export type GuardKind = "HostIdentityGuard" | "PreStateAnchor";

export function guardKind(r: { type: string; props: Record<string, unknown> }): GuardKind | undefined {
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

const RULE = "identity guards (compose marker, .env, expected host) and pre-state sha256 anchors with abort-on-drift come before any write";
const COMPLY = "add dependsOn: [identityGuard, preStateGuard] (directly, or on a parent component) to every resource that writes to the host";

export const guardDependenciesPolicy: StackValidationPolicy = {
    name: "writes-depend-on-guards",
    description: "Every resource that writes to the host depends, directly or through its parent, on the HostIdentityGuard and the PreStateAnchor guard.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        for (const r of args.resources) {
            try {
                if (!writesToHost(r)) {
                    continue;
                }
                const kinds = new Set<GuardKind>();
                for (const d of prerequisites(r)) {
                    const k = guardKind(d);
                    if (k) { kinds.add(k); }
                }
                const missing = (["HostIdentityGuard", "PreStateAnchor"] as GuardKind[]).filter((k) => !kinds.has(k));
                if (missing.length > 0) {
                    report(violationMessage({ rule: RULE, comply: COMPLY }, r.urn, `writes to the host without depending on ${missing.join(" and ")}`), r.urn);
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
