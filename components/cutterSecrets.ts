import * as pulumi from "../lib/core/pulumiSdk";
import { remoteFromPlan } from "../lib/provider/commandFactory";
import { DeployPlan } from "../lib/plan/plan";
import { SshTarget } from "../lib/host/ssh";

export interface CutterSecretsArgs {
    plan: DeployPlan;
    target: SshTarget;
    guards: pulumi.Resource[];
    backupGpgFpr: pulumi.Output<string>;
    governancePrincipal: pulumi.Output<string>;
    /** The read-only role's password, when database.access has one (same stdin, after the two above). */
    extraSecrets?: Record<string, pulumi.Output<string>>;
}

/**
 * GAP-3 and GAP-4: BACKUP_GPG_FPR and the governance principal, from Pulumi
 * secret config, verified on the host (key in the keyring, principal with
 * exactly the pinned grants) and written into the env file with mode 0600.
 * The values travel only on the command's stdin and are encrypted in state.
 */
export class CutterSecrets extends pulumi.ComponentResource {
    public readonly envProduction: pulumi.Resource;

    constructor(name: string, args: CutterSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("iucutter:host:CutterSecrets", name, {}, opts);
        this.envProduction = remoteFromPlan(args.plan.secrets, args.target, { parent: this, dependsOn: args.guards }, {
            backupGpgFpr: args.backupGpgFpr,
            governancePrincipal: args.governancePrincipal,
            ...(args.extraSecrets ?? {}),
        });
        this.registerOutputs({});
    }
}
