import { concernPolicy } from "./lib/policy";

export const hostKeyPinnedPolicy = concernPolicy({
    name: "host-key-pinned",
    description: "Every SSH connection pins the host key.",
    rule: "identity guards: the expected host is checked, so the host key is pinned",
    comply: "set connection.hostKey to the host's public key, read out of band",
});
