/**
 * The host commands' provider process (node and the SDK's dynamic-provider
 * host) takes 0.3 s to start on an idle machine and over a second while the
 * program works beside it, and the engine starts it only when the first host
 * command is registered: after the whole read-only preflight. Asking the
 * engine for a function of the same package starts that process now, so that
 * it comes up while preflight reads the release and observes the host.
 *
 * The dynamic provider has no functions: the call is answered with "unknown
 * function" and that answer is dropped. It registers no host command, sends
 * nothing to any host and is not part of the review; the engine registers the
 * package's default provider (an inert `pulumi:providers:pulumi-nodejs`),
 * which the first host command would register anyway.
 */
import * as pulumi from "../core/pulumiSdk";

/** The function asked for: the host commands' own package and module, a name no provider defines. */
export const PROVIDER_START_TOKEN = "pulumi-nodejs:dynamic/host:start";

/** Asks the engine to start the host commands' provider; resolves (never rejects) once the engine answered. */
export function startHostCommandProvider(): Promise<void> {
    return pulumi.runtime.invoke(PROVIDER_START_TOKEN, {}).then(() => undefined, () => undefined);
}
