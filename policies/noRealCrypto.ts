import { concernPolicy } from "./lib/policy";

export const noRealCryptoPolicy = concernPolicy({
    name: "no-real-crypto",
    description: "StubSigning stays: no real signing provider, no crypto tooling beyond listing keys.",
    rule: "replacing StubSigning with real crypto is deferred to O10 (needs a sovereign ruling)",
    comply: "keep StubSigning",
});
