import * as pulumi from "@pulumi/pulumi";
import { remoteFromPlan } from "../lib/commandFactory";
import { StackConfig } from "../lib/config";
import { Observation } from "../lib/observe";
import { PlannedCommand } from "../lib/plan";
import { SshTarget } from "../lib/ssh";

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
 * preview shows it and refuses the wrong host; see lib/preflight.ts), and on
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

/** Identity = expected hostname, compose marker, .env, and a dot repo with no remote. */
export function identityProblems(c: StackConfig, o: Observation): string[] {
    const problems: string[] = [];
    if (o.hostname !== c.host.name) {
        problems.push(`hostname is "${o.hostname}", expected "${c.host.name}" (host.name): this is not the host the stack is for`);
    }
    if (o.marker !== "present") {
        problems.push(`compose marker ${c.identity.composeMarker} is missing (identity.composeMarker)`);
    }
    if (o.envfile !== "present") {
        problems.push(`${c.identity.envFile} is missing (identity.envFile)`);
    }
    if (o.dotRemotes.trim() !== "") {
        problems.push(`${c.paths.dotRepo} has git remote(s) "${o.dotRemotes.trim()}"; O6/O7 forbid any remote`);
    }
    return problems;
}
