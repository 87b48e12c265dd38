/**
 * The parts of the Pulumi SDK that the program uses, taken from the SDK's own
 * modules rather than from `@pulumi/pulumi` itself.
 *
 * Why: the package's index loads about 670 more modules than the SDK's
 * launcher (cmd/run) has already loaded when it requires the program: the
 * Automation API, the provider SDK, and npm's arborist and pacote, which the
 * closure serializer uses to find a function's packages. This program
 * serializes no closure (lib/provider/remoteCommand.ts hands the engine the
 * pinned provider text), so that is 0.6–0.7 s of every `up` and `preview`
 * spent on code that never runs. The modules named here are what the
 * launcher has mostly loaded already (it adds two). The ESLint rule in
 * eslint.config.mjs keeps the index out of the program; test/unit/sdkLoad.test.ts
 * checks the loaded module graph and that every name here is the index's own.
 */
export { ComponentResource, CustomResource, Resource } from "@pulumi/pulumi/resource";
export type { ComponentResourceOptions, CustomResourceOptions } from "@pulumi/pulumi/resource";
export { Output, all, secret } from "@pulumi/pulumi/output";
export type { Input, Inputs } from "@pulumi/pulumi/output";
export { Config } from "@pulumi/pulumi/config";
export { RunError } from "@pulumi/pulumi/errors";
export { getStack } from "@pulumi/pulumi/metadata";
export * as log from "@pulumi/pulumi/log";
import { allConfig } from "@pulumi/pulumi/runtime/config";
import { invoke } from "@pulumi/pulumi/runtime/invoke";
import { isDryRun } from "@pulumi/pulumi/runtime/settings";
/** The functions of `pulumi.runtime` that the program calls. */
export const runtime = { allConfig, invoke, isDryRun };
