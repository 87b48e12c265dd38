import * as pulumi from "../lib/core/pulumiSdk";
import { remoteFromPlan } from "../lib/provider/commandFactory";
import { Observation } from "../lib/host/observe";
import { PlannedCommand } from "../lib/plan/plan";
import { SshTarget } from "../lib/host/ssh";

export interface HostConnectionArgs {
    target: SshTarget;
    /** What the read-only probe saw (preflight already refused a wrong host). */
    observation: Observation;
    /** The planned HostIdentityGuard command. */
    identityGuard: PlannedCommand;
}

/**
 * The target host: the SSH connection with its pinned key, what a read-only
 * probe observed on it, and the HostIdentityGuard that every write depends
 * on. Identity is checked twice: by the probe while the program runs (so the
 * preview shows it and refuses the wrong host; see lib/workflow/preflight.ts), and on
 * the host by the guard command immediately before the first write.
 */
export class HostConnection extends pulumi.ComponentResource {
    public readonly target: SshTarget;
    public readonly observation: Observation;
    public readonly identityGuard: pulumi.Resource;

    constructor(name: string, args: HostConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("iucutter:host:HostConnection", name, {}, opts);
        this.target = args.target;
        this.observation = args.observation;
        this.identityGuard = remoteFromPlan(args.identityGuard, this.target, { parent: this });
        this.registerOutputs({ hostname: this.observation.hostname });
    }
}
