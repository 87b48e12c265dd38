/**
 * Turns planned commands (lib/plan/plan.ts) into resources. Only planned commands
 * become resources, so nothing can run that the review package does not list.
 */
import * as pulumi from "../core/pulumiSdk";
import { PlannedCommand } from "../plan/plan";
import { LocalCommand, RemoteCommand } from "./remoteCommand";
import { SshTarget } from "../host/ssh";

/** Secret values for a command's `secretInputs`, in the same order. */
export type SecretValues = Record<string, pulumi.Output<string>>;

export function remoteFromPlan(cmd: PlannedCommand, target: SshTarget, opts: pulumi.CustomResourceOptions,
    secrets: SecretValues = {}): RemoteCommand {
    let stdinSecret: pulumi.Output<string> | undefined;
    if (cmd.secretInputs.length > 0) {
        const vals = cmd.secretInputs.map((n) => {
            const v = secrets[n];
            if (!v) {
                throw new pulumi.RunError(`${cmd.resource}: secret input ${n} was not provided`);
            }
            return v;
        });
        stdinSecret = pulumi.secret(pulumi.all(vals).apply((vs) => vs.join("\n")));
    }
    return new RemoteCommand(cmd.resource, {
        connection: target,
        description: cmd.description,
        create: cmd.create,
        delete: cmd.delete,
        writes: cmd.writes,
        triggers: cmd.triggers,
        stdinFile: cmd.stdinFile ?? "",
        stdinSecret,
        captureStdout: cmd.captureStdout ?? false,
        ...(cmd.guard ? { guard: cmd.guard } : {}),
    }, opts);
}

export function localFromPlan(cmd: PlannedCommand, dir: string, opts: pulumi.CustomResourceOptions): LocalCommand {
    return new LocalCommand(cmd.resource, {
        dir,
        description: cmd.description,
        create: cmd.create,
        delete: cmd.delete,
        writes: cmd.writes,
        triggers: cmd.triggers,
    }, opts);
}
