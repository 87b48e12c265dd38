/**
 * The policy SDK unwraps secrets before a policy sees the properties, so a
 * policy cannot tell a value marked secret from a plaintext one. This hook
 * records, for the resource being validated right now, which property paths
 * arrived marked secret. The SDK deserializes the properties synchronously
 * right before it calls each validation, so the record is always the current
 * resource's. Pinned to @pulumi/policy 1.15.0; the real-engine tests fail if
 * an upgrade breaks it.
 */
/* eslint-disable @typescript-eslint/no-var-requires */
const deserialize = require("@pulumi/policy/deserialize");
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

let current: Set<string> = new Set();
let installed = false;

function collect(v: unknown, path: string, out: Set<string>): void {
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o["4dabf18193072939515e22adb298388d"] === SECRET_SIG) {
            out.add(path);
            return;
        }
        for (const [k, x] of Object.entries(o)) {
            collect(x, path ? `${path}.${k}` : k, out);
        }
    }
}

export function installSecretPathHook(): void {
    if (installed) {
        return;
    }
    installed = true;
    const orig = deserialize.deserializeProperties;
    deserialize.deserializeProperties = function (struct: { toJavaScript(): unknown }, proxySecrets: boolean) {
        const found = new Set<string>();
        try {
            collect(struct.toJavaScript(), "", found);
        } catch {
            // unreadable: treat nothing as secret (fail closed for this policy)
        }
        current = found;
        return orig.call(this, struct, proxySecrets);
    };
}

/** Property paths marked secret on the resource being validated now. */
export function secretPathsNow(): Set<string> {
    return current;
}
