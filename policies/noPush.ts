import { commandPolicy, commandsOf, Concern, describe, Finding, gitSubcommandIndex } from "./lib/common";
import { CommandBearing } from "./lib/resources";

export function noPushFindings(cb: CommandBearing): Finding[] {
    const out: Finding[] = [];
    for (const c of commandsOf(cb)) {
        const a = c.argv;
        if (a[0] === "git") {
            // Aliases and config set through -c can smuggle a push in.
            for (let i = 1; i < a.length; i++) {
                if ((a[i] === "-c" || a[i] === "--config-env") && /^(alias\.|remote\.|url\.|pushurl|branch\.[^=]*\.(remote|pushremote))/i.test(a[i + 1] ?? "")) {
                    out.push({ action: `git -c ${(a[i + 1] ?? "").split("=")[0]} defines an alias or remote: ${describe(c, c.field)}` });
                }
            }
            const i = gitSubcommandIndex(a);
            const sub = a[i];
            const rest = a.slice(i + 1);
            if (sub === "push" || sub === "send-pack" || sub === "http-push") {
                out.push({ action: `git ${sub} publishes commits or tags: ${describe(c, c.field)}` });
            } else if (sub === "remote" && ["add", "set-url", "rename"].includes(rest.find((x) => !x.startsWith("-")) ?? "")) {
                out.push({ action: `git remote ${rest.find((x) => !x.startsWith("-"))} creates or changes a remote: ${describe(c, c.field)}` });
            } else if (sub === "config" && rest.some((x) => /^(remote\.|url\..*\.(push)?insteadof|alias\.)/i.test(x))) {
                out.push({ action: `git config sets a remote, URL rewrite or alias: ${describe(c, c.field)}` });
            } else if (sub === "clone" || sub === "submodule" && rest.includes("add")) {
                out.push({ action: `git ${sub} creates a remote: ${describe(c, c.field)}` });
            }
        }
        if (a[0] === "gh" || a[0] === "hub" || a[0] === "glab") {
            out.push({ action: `${a[0]} talks to a code host (publishing or creating remotes): ${describe(c, c.field)}` });
        }
    }
    return out;
}

export const noPush: Concern = {
    name: "no-push-or-remote",
    description: "No git push (commits or tags) and no creation or change of any git remote.",
    rule: "forbidden in O6/O7: push / public remote creation (the dot repo has no remote and must never get one; the release tag is local only)",
    comply: "keep commits and the v0.6.0-O4-live-dryrun tag local; a remote is a separate decision needing a security review",
    check: (cb) => noPushFindings(cb),
};

export const noPushPolicy = commandPolicy(noPush);
