/**
 * Policy config must not be able to weaken a policy. The SDK lets a config
 * file set any policy to "advisory" or "disabled"; this guard makes the pack
 * refuse such a config outright (the Configure call fails, so preview fails),
 * naming the policy. Still needed with @pulumi/policy 1.21.0 (no SDK option forbids lowering a level); a real-engine test runs
 * preview with a weakening config and expects this refusal.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const protoutil = require("@pulumi/policy/protoutil");

// "remediate" is not weaker: the SDK reports a remediate-level violation as
// mandatory. trusted-resource-types runs at that level to see `__provider`.
export const ALLOWED_LEVELS = new Set(["mandatory", "remediate"]);

export function installConfigIntegrityGuard(policyNames: string[]): void {
    if (protoutil.__iucutterGuard) {
        return;
    }
    protoutil.__iucutterGuard = true;
    // Loaded for its side effect: it binds protoutil before the guard wraps it.
    require("@pulumi/policy/server");
    const orig = protoutil.convertEnforcementLevel;
    protoutil.convertEnforcementLevel = (el: unknown) => {
        const level = orig(el);
        if (!ALLOWED_LEVELS.has(level)) {
            throw new Error(`PolicyConfigIntegrity: a policy config tried to set a policy of the iu-cutter pack to "${level}". `
                + `Every policy (${policyNames.join(", ")}) is mandatory and cannot be lowered by config; remove the enforcementLevel override.`);
        }
        return level;
    };
}
