import { commandPolicy, commandsOf, Concern, describe, Finding, firstOperand, gitSubcommandIndex } from "./lib/common";
import { CommandBearing } from "./lib/resources";

const LONG_FORCE = /^--(force|force-with-lease|force-if-includes|force-recreate|force-rm|force-yes|force-all)(=.*)?$/;
const GIT_F_MEANS_FORCE = new Set(["push", "tag", "branch", "checkout", "switch", "clean", "rm", "mv", "add", "worktree", "submodule", "reset", "update-ref", "fetch", "pull"]);
const DOCKER_F_MEANS_FORCE = new Set(["rm", "rmi", "prune", "kill"]);

function shortFlagsHave(arg: string, letter: string): boolean {
    return /^-[A-Za-z]+$/.test(arg) && arg.slice(1).includes(letter);
}

export function noForceFindings(cb: CommandBearing): Finding[] {
    const out: Finding[] = [];
    for (const c of commandsOf(cb)) {
        const a = c.argv;
        const long = a.find((x) => LONG_FORCE.test(x));
        if (long) {
            out.push({ action: `${long.split("=")[0]} in ${describe(c, c.field)}` });
            continue;
        }
        if (a[0] === "git") {
            const i = gitSubcommandIndex(a);
            if (GIT_F_MEANS_FORCE.has(a[i]) && a.slice(i + 1).some((x) => shortFlagsHave(x, "f"))) {
                out.push({ action: `git ${a[i]} -f (force) in ${describe(c, c.field)}` });
            }
            if (a[i] === "push" && a.slice(i + 1).some((x) => /^\+/.test(x))) {
                out.push({ action: `git push +refspec (force) in ${describe(c, c.field)}` });
            }
        } else if (a[0] === "rm" || a[0] === "rmdir" || a[0] === "unlink") {
            if (a.slice(1).some((x) => x !== "--" && shortFlagsHave(x, "f"))) {
                out.push({ action: `${a[0]} -f (force) in ${describe(c, c.field)}` });
            }
        } else if (a[0] === "docker" || a[0] === "docker-compose" || a[0] === "podman") {
            const i = firstOperand(a, 1, ["-H", "--host", "--context", "-c", "--config"]);
            const verbs = a.slice(i, i + 3);
            if (verbs.some((v) => DOCKER_F_MEANS_FORCE.has(v))) {
                const at = i + verbs.findIndex((v) => DOCKER_F_MEANS_FORCE.has(v));
                if (a.slice(at + 1).some((x) => shortFlagsHave(x, "f"))) {
                    out.push({ action: `${a[0]} ${a[at]} -f (force) in ${describe(c, c.field)}` });
                }
            }
        } else if (["mv", "cp", "ln", "install", "chown", "chmod", "tee", "truncate", "shred"].includes(a[0])) {
            // -f overwrites without asking: for mv/cp/ln it silently replaces the target.
            if (["mv", "cp", "ln"].includes(a[0]) && a.slice(1).some((x) => x !== "--" && shortFlagsHave(x, "f"))) {
                out.push({ action: `${a[0]} -f (force overwrite) in ${describe(c, c.field)}` });
            }
        } else if (a[0] === "apt-get" || a[0] === "apt" || a[0] === "dpkg") {
            if (a.some((x) => /^--force-/.test(x) || x === "--allow-downgrades" || x === "--allow-remove-essential")) {
                out.push({ action: `${a[0]} forced install in ${describe(c, c.field)}` });
            }
        }
    }
    return out;
}

export const noForce: Concern = {
    name: "no-force",
    description: "No --force (or -f where it means force: git, rm, docker, mv/cp/ln).",
    rule: "execution-enable conditions: no `--force`; no silent retry that changes authority",
    comply: "remove the force flag; if an operation needs force, it needs its own review",
    check: (cb) => noForceFindings(cb),
};

export const noForcePolicy = commandPolicy(noForce);
