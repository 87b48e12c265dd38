import * as pulumi from "../lib/core/pulumiSdk";
import { remoteFromPlan, SecretValues } from "../lib/provider/commandFactory";
import { PlannedCommand } from "../lib/plan/plan";
import { RemoteCommand } from "../lib/provider/remoteCommand";
import { SshTarget } from "../lib/host/ssh";

export interface DryRunVerificationArgs {
    command: PlannedCommand;
    target: SshTarget;
    /** The deployed release (and everything it waited for). */
    after: pulumi.Resource[];
    secrets: SecretValues;
}

/**
 * Macro O7 on the host, after the deploy: the orchestrator in Mode.DRYRUN
 * through the read-only role, SG1 pause -> resume -> SG2 pause -> resume ->
 * closeout -> idempotent closeout, with row counts and the grant matrix
 * compared before and after, and Mode.LIVE refused before, during and after.
 * Its stdout carries the readiness evidence (digests and verdicts, no secret).
 */
export class DryRunVerification extends pulumi.ComponentResource {
    public readonly run: RemoteCommand;

    constructor(name: string, args: DryRunVerificationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("iucutter:verify:DryRunVerification", name, {}, opts);
        this.run = remoteFromPlan(args.command, args.target, { parent: this, dependsOn: args.after }, args.secrets);
        this.registerOutputs({});
    }
}
