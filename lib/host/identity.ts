/** HostIdentityGuard's rule, as the read-only probe sees it. */
import { StackConfig } from "../config/config";
import { Observation } from "./observe";

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
