import { commandPolicy, Concern, Finding } from "./lib/common";
import { CommandBearing } from "./lib/resources";

const KEY = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}$/;

export function hostKeyFindings(cb: CommandBearing): Finding[] {
    if (cb.where !== "remote") {
        return [];
    }
    const conn = cb.connection ?? {};
    const key = typeof conn.hostKey === "string" ? conn.hostKey.trim() : "";
    if (key === "") {
        return [{ action: "the SSH connection does not pin the host key (connection.hostKey is empty): any host answering at that address would be trusted" }];
    }
    if (!KEY.test(key)) {
        return [{ action: "connection.hostKey is not a public key of the form '<type> <base64>'" }];
    }
    return [];
}

export const hostKeyPinned: Concern = {
    name: "host-key-pinned",
    description: "Every SSH connection pins the host's public key.",
    rule: "identity guards: expected-host check before any write (a host that cannot prove its key is not the expected host)",
    comply: "set connection.hostKey to the host's public key, read out of band",
    check: (cb) => hostKeyFindings(cb),
};

export const hostKeyPinnedPolicy = commandPolicy(hostKeyPinned);
