/**
 * The policy SDK unwraps secrets before a policy sees the properties, so a
 * policy cannot tell a value marked secret from a plaintext one (still so in
 * 1.21.0, the newest release). This hook records which property paths arrived
 * marked secret, keyed by the JSON of the deserialized properties, because
 * Analyze calls may interleave while policies await. Used by @pulumi/policy
 * 1.21.0; the real-engine test "secret-marked-create" fails if an upgrade
 * breaks it.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const deserialize = require("@pulumi/policy/deserialize");
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Secret paths by the JSON of the deserialized properties (Analyze calls may interleave). */
const byProps = new Map<string, string[]>();
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

export function propsKey(props: unknown): string {
    return JSON.stringify(props, (_k, v) => (v && typeof v === "object" && typeof v.then === "function" ? "(promise)" : v));
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
            // unreadable: nothing recorded; the policies then read every field as plaintext
        }
        const result = orig.call(this, struct, proxySecrets);
        if (found.size > 0) {
            try {
                if (byProps.size > 2000) {
                    byProps.clear();
                }
                byProps.set(propsKey(result), [...found]);
            } catch {
                // unknown values: the policies fail closed on them anyway
            }
        }
        return result;
    };
}

/** Property paths that arrived marked secret on the resource with these properties. */
export function secretPathsOf(props: unknown): string[] {
    try {
        return byProps.get(propsKey(props)) ?? [];
    } catch {
        return [];
    }
}
