import { concernPolicy } from "./lib/policy";

export const killSwitchPolicy = concernPolicy({
    name: "kill-switch-stays-off",
    description: "execution_enabled stays False: every file written or shipped is read for the switch by meaning; no in-place edits, no Python written by scripts, the live tree changes only by the atomic exchange.",
    rule: "flipping execution_enabled is forbidden in O6/O7 (GAP-7 needs a standalone ruling)",
    comply: "never set execution_enabled to anything but false",
});
