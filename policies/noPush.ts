import { concernPolicy } from "./lib/policy";

export const noPushPolicy = concernPolicy({
    name: "no-push-or-remote",
    description: "No git push, no remote, no git configuration or hook changes, nothing sent off the host.",
    rule: "push / public remote creation is forbidden (the dot repo has no remote and must never get one)",
    comply: "commit locally only; never add remotes, config or hooks",
});
