/**
 * One CrossGuard policy per concern. Each reads the resource through the
 * shared analyzer (once per resource, cached) and reports the findings that
 * belong to it, worded the same way everywhere:
 *   <urn>: <what was found>. Rule: <seed rule>. To comply: <what to write instead>.
 */
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { analyzeResource } from "./analyze";
import { sha256Hex } from "./digest";
import { secretPathsOf } from "./secretPaths";
import { Finding, PolicyName } from "./verify/findings";

export interface Concern {
    name: PolicyName;
    description: string;
    /** The rule from the seeds this enforces. */
    rule: string;
    /** How to comply, when a finding does not say more. */
    comply: string;
}

export function isUnknownValueError(e: unknown): boolean {
    return !!e && typeof e === "object" && (e as Error).constructor?.name === "UnknownValueError";
}

export function violationMessage(c: Pick<Concern, "rule" | "comply">, urn: string, action: string, instead?: string): string {
    return `${urn}: ${action}. Rule: ${c.rule}. To comply: ${instead ?? c.comply}`;
}

type Outcome = { findings: Finding[] } | { unknown: true };

/**
 * The engine hides internal properties (`__provider`) from Analyze but sends
 * them to Remediate, which it calls first for every resource, in the same
 * analyzer process. trusted-resource-types records the digest of each
 * dynamic resource's provider code there, and analysis uses that record.
 */
const providerDigests = new Map<string, string>();

export function recordProvider(urn: string, providerText: unknown): void {
    const text = typeof providerText === "string" ? providerText : undefined;
    providerDigests.set(urn, text === undefined ? "" : sha256Hex(text));
}

const cache = new Map<string, Promise<Outcome>>();

/** Reads the resource once for all policies; an unknown value is its own outcome (fail closed). */
export function readResource(args: Pick<ResourceValidationArgs, "urn" | "type" | "props">, secretPaths: string[]): Promise<Outcome> {
    let key: string;
    let props: Record<string, unknown>;
    try {
        props = JSON.parse(JSON.stringify(args.props ?? {}, (_k, v) => (v && typeof v === "object" && typeof v.then === "function" ? "(promise)" : v)));
        props = { ...props, ...assetsOf(args.props) };
        key = `${args.urn}\u0000${args.type}\u0000${JSON.stringify(props)}\u0000${secretPaths.join(",")}`;
    } catch (e) {
        if (isUnknownValueError(e)) {
            return Promise.resolve({ unknown: true });
        }
        throw e;
    }
    let hit = cache.get(key);
    if (!hit) {
        hit = analyzeResource({ type: args.type, props, secretPaths, providerDigest: providerDigests.get(args.urn) }).then((findings) => ({ findings }));
        if (cache.size > 500) {
            cache.clear();
        }
        cache.set(key, hit);
    }
    return hit;
}

/** Assets and archives keep their SDK objects (their text arrives as promises). */
function assetsOf(props: Record<string, unknown> | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const k of ["source"]) {
        if (props && props[k] && typeof props[k] === "object") {
            out[k] = props[k];
        }
    }
    return out;
}

export function concernPolicy(c: Concern, extra: Partial<ResourceValidationPolicy> = {}): ResourceValidationPolicy {
    return {
        name: c.name,
        description: c.description,
        enforcementLevel: "mandatory",
        ...extra,
        validateResource: async (args: ResourceValidationArgs, report: ReportViolation) => {
            const secretPaths = secretPathsOf(args.props);
            const outcome = await readResource(args, secretPaths);
            if ("unknown" in outcome) {
                report(violationMessage(c, args.urn, "a value this policy must read is unknown at preview, so it cannot be checked (fail closed)",
                    "make every input of the resource known at preview"));
                return;
            }
            for (const f of outcome.findings) {
                if (f.policy === c.name) {
                    report(violationMessage(c, args.urn, f.action, f.instead));
                }
            }
        },
    };
}
