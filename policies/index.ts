/**
 * iu-cutter O6/O7 policy pack: every action the seeds forbid fails
 * `pulumi preview --policy-pack policies`. All policies are mandatory and the
 * pack refuses any policy config that would lower one (see lib/integrity.ts).
 */
import { PolicyPack } from "@pulumi/policy";
import { guardDependenciesPolicy } from "./guardDependencies";
import { hostKeyPinnedPolicy } from "./hostKeyPinned";
import { killSwitchPolicy } from "./killSwitch";
import { installConfigIntegrityGuard } from "./lib/integrity";
import { installSecretPathHook } from "./lib/secretPaths";
import { noForcePolicy } from "./noForce";
import { noPlaintextSecretsPolicy } from "./noPlaintextSecrets";
import { noProductionMutationPolicy } from "./noProductionMutation";
import { noPushPolicy } from "./noPush";
import { noRealCryptoPolicy } from "./noRealCrypto";
import { noRestartPolicy } from "./noRestart";
import { transparencyPolicy } from "./transparency";
import { trustedResourcesPolicy } from "./trustedResources";
import { writeRootsPolicy } from "./writeRoots";

export const policies = [
    trustedResourcesPolicy,
    killSwitchPolicy,
    noRestartPolicy,
    noPushPolicy,
    noProductionMutationPolicy,
    noRealCryptoPolicy,
    noPlaintextSecretsPolicy,
    noForcePolicy,
    transparencyPolicy,
    hostKeyPinnedPolicy,
    writeRootsPolicy,
    guardDependenciesPolicy,
];

installConfigIntegrityGuard(policies.map((p) => p.name));
installSecretPathHook();

new PolicyPack("iu-cutter-o6-o7", {
    enforcementLevel: "mandatory",
    policies,
});
