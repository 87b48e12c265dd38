import * as pulumi from "../lib/core/pulumiSdk";
import { remoteFromPlan } from "../lib/provider/commandFactory";
import { DeployPlan } from "../lib/plan/plan";
import { SshTarget } from "../lib/host/ssh";

export interface CutterConfigArgs {
    plan: DeployPlan;
    target: SshTarget;
    /** The identity guard and pre-state anchor guard: every write waits for both. */
    guards: pulumi.Resource[];
}

/**
 * GAP-5 and GAP-6 on the host: the /var/lib/cutter/* directories, the
 * orchestrator.* config file (execution_enabled can only be false, enforced by
 * the config schema and by policy), and rollback_runbook.sql.
 */
export class CutterConfig extends pulumi.ComponentResource {
    public readonly dirs: pulumi.Resource;
    public readonly orchestratorConfig: pulumi.Resource;
    public readonly rollbackRunbook: pulumi.Resource;

    constructor(name: string, args: CutterConfigArgs, opts?: pulumi.ComponentResourceOptions) {
        super("iucutter:host:CutterConfig", name, {}, opts);
        this.dirs = remoteFromPlan(args.plan.dirs, args.target, { parent: this, dependsOn: args.guards });
        this.orchestratorConfig = remoteFromPlan(args.plan.orchestratorConfig, args.target, { parent: this, dependsOn: [...args.guards, this.dirs] });
        this.rollbackRunbook = remoteFromPlan(args.plan.rollbackRunbook, args.target, { parent: this, dependsOn: [...args.guards, this.dirs] });
        this.registerOutputs({});
    }
}
