import { concernPolicy } from "./lib/policy";

export const writeRootsPolicy = concernPolicy({
    name: "writes-in-allowed-roots",
    description: "Every write target is literal, normalized, declared in the resource's writes and inside the allowed roots; guards and writes: [] are proven read-only.",
    rule: "writes only under /opt/incomex/dot, /var/lib/cutter and the staging dir, as reviewed",
    comply: "write literal absolute paths under the allowed roots and declare them",
});
