import { concernPolicy } from "./lib/policy";

export const trustedResourcesPolicy = concernPolicy({
    name: "trusted-resource-types",
    description: "A resource is this program's host command only if its provider code is the pinned one; every other type must be on the pack's allowlist (stack, default providers, this program's components, @pulumi/command).",
    rule: "the command-review package lists every command; a resource whose code the pack does not know could run anything",
    comply: "use the program's RemoteCommand/LocalCommand or @pulumi/command",
});
