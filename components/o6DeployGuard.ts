import * as pulumi from "../lib/core/pulumiSdk";
import { remoteFromPlan } from "../lib/provider/commandFactory";
import { O6Deploy } from "../lib/plan/o7";
import { PlannedCommand } from "../lib/plan/plan";
import { SshTarget } from "../lib/host/ssh";

export interface O6DeployGuardArgs {
    target: SshTarget;
    /** The O6 deploy the O7 review pinned (o7.verifiesDeploy). */
    verifiesDeploy: O6Deploy;
    /** The planned guard command (lib/o7.ts). */
    guard: PlannedCommand;
    identityGuard: pulumi.Resource;
}

/**
 * O7's pre-state: the O6 deploy it verifies. Preflight already refused a
 * host that does not carry it (lib/workflow/preflight.ts); this read-only guard
 * re-checks ledger, release and dot-repo commit on the host right before the
 * dry run, so the dry run can only verify the reviewed deploy. (Type name
 * without digits: the policy pack treats `iucutter:<ns>:<Letters>` as this
 * program's components.)
 */
export class O6DeployGuard extends pulumi.ComponentResource {
    public readonly guard: pulumi.Resource;

    constructor(name: string, args: O6DeployGuardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("iucutter:host:VerifiedDeployGuard", name, {}, opts);
        this.guard = remoteFromPlan(args.guard, args.target, { parent: this, dependsOn: [args.identityGuard] });
        this.registerOutputs({ verifiesDeploy: args.verifiesDeploy });
    }
}
