import * as pulumi from "../lib/core/pulumiSdk";
import { remoteFromPlan } from "../lib/provider/commandFactory";
import { AnchorRow, HostState } from "../lib/host/anchors";
import { PlannedCommand } from "../lib/plan/plan";
import { SshTarget } from "../lib/host/ssh";

export interface PreStateAnchorArgs {
    state: HostState;
    rows: AnchorRow[];
    target: SshTarget;
    preStateGuard: PlannedCommand;
    identityGuard: pulumi.Resource;
}

/**
 * Pre-state anchors: sha256 over everything the deploy touches, observed
 * while the program runs and compared with the pins the reviewer approved
 * (lib/workflow/preflight.ts refuses drift before any resource exists). Saved plans
 * don't check the starting state; these anchors close that gap, and the guard
 * command re-checks them on the host right before the first write.
 */
export class PreStateAnchor extends pulumi.ComponentResource {
    public readonly state: HostState;
    public readonly rows: AnchorRow[];
    public readonly guard: pulumi.Resource;

    constructor(name: string, args: PreStateAnchorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("iucutter:host:PreStateAnchor", name, {}, opts);
        this.state = args.state;
        this.rows = args.rows;
        this.guard = remoteFromPlan(args.preStateGuard, args.target, { parent: this, dependsOn: [args.identityGuard] });
        this.registerOutputs({ state: args.state, anchors: args.rows });
    }
}
