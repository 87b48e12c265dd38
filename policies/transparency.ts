import { concernPolicy } from "./lib/policy";

export const transparencyPolicy = concernPolicy({
    name: "commands-are-readable",
    description: "Every command is read completely by a real shell parser and is in the reviewed vocabulary: no eval, no code on stdin, no interpreters except pinned helpers, no wrappers, schedulers or D-Bus, no expansions in command names.",
    rule: "deploys travel as a reviewed command-review package and run only within the reviewed mandate (a reviewer cannot approve what they cannot read)",
    comply: "write the command out in full with programs from the vocabulary (policies/MODEL.md)",
});
