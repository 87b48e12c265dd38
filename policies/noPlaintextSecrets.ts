import { concernPolicy } from "./lib/policy";

export const noPlaintextSecretsPolicy = concernPolicy({
    name: "no-plaintext-secrets",
    description: "No secret in plaintext in any field not marked secret: passwords, tokens, keys, credentialed URLs.",
    rule: "hardcoding secrets or runtime IDs is forbidden; secrets stay in .env/.env.production",
    comply: "pass secrets as Pulumi secrets, on stdin",
});
