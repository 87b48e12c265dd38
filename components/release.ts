import * as pulumi from "../lib/core/pulumiSdk";
import { localFromPlan, remoteFromPlan } from "../lib/provider/commandFactory";
import { DeployPlan } from "../lib/plan/plan";
import { SshTarget } from "../lib/host/ssh";

export interface ReleaseArgs {
    plan: DeployPlan;
    target: SshTarget;
    sourceRepo: string;
    guards: pulumi.Resource[];
    /** Config and secrets land before the new tree does. */
    after: pulumi.Resource[];
}

/**
 * The vendored iu-cutter tree: uploaded as one deterministic archive to a
 * staging dir and verified there against the manifest, then swapped into
 * place with the old tree kept in a timestamped artifact dir, asserted, and
 * recorded as a local commit in the dot repo. Destroy restores the old tree.
 * The local annotated tag marks the exact source commit; it is never pushed
 * and is kept on rollback (it is provenance, not deploy state).
 */
export class Release extends pulumi.ComponentResource {
    public readonly tag: pulumi.Resource;
    public readonly recovery: pulumi.Resource;
    public readonly swap: pulumi.Resource;
    public readonly retention?: pulumi.Resource;

    constructor(name: string, args: ReleaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("iucutter:release:Release", name, {}, opts);
        this.tag = localFromPlan(args.plan.tag, args.sourceRepo, { parent: this, retainOnDelete: true });
        // In the state before the swap runs: a destroy after a failed create still reverts from the host's journal.
        this.recovery = remoteFromPlan(args.plan.recovery, args.target, {
            parent: this, dependsOn: [...args.guards, ...args.after],
        });
        this.swap = remoteFromPlan(args.plan.swap, args.target, {
            parent: this, dependsOn: [...args.guards, ...args.after, this.recovery],
        });
        // Previous trees beyond retention.artifacts go only after the new release is in place and recorded.
        if (args.plan.retention) {
            this.retention = remoteFromPlan(args.plan.retention, args.target, { parent: this, dependsOn: [...args.guards, this.swap] });
        }
        this.registerOutputs({});
    }
}
