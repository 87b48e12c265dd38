/**
 * What a reading of a resource produces: findings, each owned by one policy.
 * The analyzer reads a resource once; every policy reports the findings that
 * belong to its concern.
 */
export const POLICY_NAMES = [
    "trusted-resource-types",
    "commands-are-readable",
    "kill-switch-stays-off",
    "no-service-restart",
    "no-push-or-remote",
    "no-production-mutation",
    "no-real-crypto",
    "no-plaintext-secrets",
    "no-force",
    "host-key-pinned",
    "writes-in-allowed-roots",
] as const;

export type PolicyName = typeof POLICY_NAMES[number];

export interface Finding {
    policy: PolicyName;
    /** What was found and where. Never contains a secret value. */
    action: string;
    /** What to write instead, when it differs from the policy's general advice. */
    instead?: string;
}

export class Findings {
    readonly list: Finding[] = [];

    add(policy: PolicyName, action: string, instead?: string): void {
        if (!this.list.some((f) => f.policy === policy && f.action === action)) {
            this.list.push({ policy, action, ...(instead ? { instead } : {}) });
        }
    }
}
