import { concernPolicy } from "./lib/policy";

export const noForcePolicy = concernPolicy({
    name: "no-force",
    description: "No --force and no force-like flags (-f on rm, cp, mv, ln, git, tar ...).",
    rule: "--force is forbidden in O6/O7",
    comply: "never force; fix the state that makes the command fail, after review",
});
