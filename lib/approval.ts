/**
 * ApprovalGate: on a protected stack, a non-preview run must carry the
 * mandate digest a reviewer approved (IUCUTTER_APPROVED_MANDATE, set by the
 * deploy command from a recorded approval), and it must equal the digest the
 * program computes now. A plain `pulumi up` therefore cannot bypass review.
 */
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./config";

export const APPROVAL_ENV = "IUCUTTER_APPROVED_MANDATE";

export function approvalProblem(isProtected: boolean, computed: string, isDryRun: boolean, approved: string | undefined): string | undefined {
    if (isDryRun) {
        return undefined;
    }
    if (!approved) {
        if (!isProtected) {
            return undefined;
        }
        return `this stack is protected (host.protected): a deploy needs an approved mandate digest. Run the review, have it approved, and deploy with the approval (${APPROVAL_ENV}=<digest>). Computed digest now: ${computed}. Nothing was written.`;
    }
    if (approved.trim() !== computed) {
        return `the approved mandate digest ${approved.trim()} does not match what this run would do (${computed}): the program, config, release or host changed since review. Review again. Nothing was written.`;
    }
    return undefined;
}

export function checkApproval(c: StackConfig, computed: string, isDryRun: boolean, env: NodeJS.ProcessEnv = process.env): void {
    const p = approvalProblem(c.host.protected, computed, isDryRun, env[APPROVAL_ENV]);
    if (p) {
        throw new pulumi.RunError(`ApprovalGate: ${p}`);
    }
}
