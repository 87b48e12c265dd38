import { concernPolicy } from "./lib/policy";

export const noRestartPolicy = concernPolicy({
    name: "no-service-restart",
    description: "No service restart, stop, reload or docker recreate, and no signals: only read-only systemctl/docker/journalctl forms.",
    rule: "service restart / docker recreate is forbidden in O6/O7",
    comply: "only read service state (systemctl status, docker ps)",
});
