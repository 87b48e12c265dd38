import { concernPolicy, recordProvider } from "./lib/policy";

/**
 * Runs as a "remediation" only to see `__provider`, which the engine sends to
 * Remediate but hides from Analyze; it never changes a resource (returns
 * undefined). Its violations are reported as mandatory (the SDK treats a
 * remediate-level violation as mandatory).
 */
export const trustedResourcesPolicy = concernPolicy({
    name: "trusted-resource-types",
    description: "A resource is this program's host command only if its provider code is the pinned one; every other type must be on the pack's allowlist (stack, default providers, this program's components, @pulumi/command).",
    rule: "the command-review package lists every command; a resource whose code the pack does not know could run anything",
    comply: "use the program's RemoteCommand/LocalCommand or @pulumi/command",
}, {
    enforcementLevel: "remediate",
    remediateResource: (args) => {
        if (args.type.startsWith("pulumi-nodejs:dynamic")) {
            recordProvider(args.urn, (args.props as Record<string, unknown>).__provider);
        }
        return undefined;
    },
});
