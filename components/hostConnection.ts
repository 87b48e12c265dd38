import * as pulumi from "@pulumi/pulumi";
import { GuardRefusal, remoteFromPlan } from "../lib/commandFactory";
import { StackConfig } from "../lib/config";
import { HostUnreachable, Observation, parseProbe, runReadOnly } from "../lib/observe";
import { PlannedCommand } from "../lib/plan";
import { probeScript } from "../lib/scripts";
import { SshTarget } from "../lib/ssh";

export interface HostConnectionArgs {
    config: StackConfig;
    /** The planned HostIdentityGuard command. */
    identityGuard: PlannedCommand;
}

/**
 * The target host: the SSH connection with its pinned key, what a read-only
 * probe observes on it now, and the HostIdentityGuard that every write
 * depends on. Identity is checked twice: here, while the program runs (so the
 * preview shows it and refuses the wrong host), and on the host by the guard
 * command immediately before the first write.
 */
export class HostConnection extends pulumi.ComponentResource {
    public readonly target: SshTarget;
    public readonly observation: Observation;
    public readonly identityGuard: pulumi.Resource;

    constructor(name: string, args: HostConnectionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("iucutter:host:HostConnection", name, {}, opts);
        const c = args.config;
        this.target = {
            address: c.host.address, port: c.host.port, user: c.host.user,
            hostKey: c.host.hostKey, privateKeyPath: c.host.privateKeyPath,
        };
        try {
            this.observation = parseProbe(runReadOnly(this.target, probeScript(c)));
        } catch (e) {
            if (e instanceof HostUnreachable) {
                throw new GuardRefusal(e.guard, e.message.slice(e.guard.length + 2));
            }
            throw e;
        }
        const problems = identityProblems(c, this.observation);
        if (problems.length > 0) {
            throw new GuardRefusal("HostIdentityGuard", `refused before any write:\n  - ${problems.join("\n  - ")}`);
        }
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
