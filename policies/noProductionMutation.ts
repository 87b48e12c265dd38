import { concernPolicy } from "./lib/policy";

export const noProductionMutationPolicy = concernPolicy({
    name: "no-production-mutation",
    description: "SQL only through psql in the one reviewed read-only form, as context_pack_readonly, inside BEGIN READ ONLY ... ROLLBACK; the agent only in Mode.DRYRUN.",
    rule: "production mutation and live CUT/VERIFY/enact are forbidden in O6/O7",
    comply: "read-only SQL as context_pack_readonly; the orchestrator with --mode dryrun",
});
