// ESLint (flat config) with typescript-eslint, type-aware: part of the test run
// (test/unit/lint.test.ts). Compiled output, vendored fixtures and the
// generated pins are not linted.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["**/bin/**", "**/node_modules/**", "fixtures/**", ".sandbox/**", ".toolchain/**", "policies/pinned/**", "policies/wasm/**", "toolchain/**", "**/*.js", "**/*.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "eqeqeq": ["error", "always"],
            "no-constant-condition": ["error", { checkLoops: false }],
            "prefer-const": "error",
        },
    },
    {
        // The program takes the SDK from lib/core/pulumiSdk.ts: the package's
        // index loads npm's arborist and the Automation API on every run (see there).
        files: ["index.ts", "components/**/*.ts", "lib/**/*.ts"],
        ignores: ["lib/core/pulumiSdk.ts", "lib/workflow/operations.ts"],
        rules: {
            "@typescript-eslint/no-restricted-imports": ["error", {
                paths: ["@pulumi/pulumi", "@pulumi/pulumi/index", "@pulumi/pulumi/runtime", "@pulumi/pulumi/runtime/index", "@pulumi/pulumi/dynamic", "@pulumi/pulumi/automation", "@pulumi/pulumi/provider"].map((name) => ({
                    name, allowTypeImports: true,
                    message: "the program takes the SDK from lib/core/pulumiSdk.ts: this module loads npm's arborist (runtime/closure/codePaths), 0.6-0.7 s of every run. Add what is missing there, from the SDK module that defines it",
                })),
            }],
        },
    },
    {
        // The dynamic provider's methods are serialized by Pulumi into the
        // state and run in the engine's provider process: their modules must
        // be required inside the functions, and pulumi.dynamic.ResourceProvider
        // types inputs and outputs as `any`.
        files: ["lib/provider/remoteCommand.ts", "lib/host/ssh.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off", "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        // chai's property assertions (`.to.be.empty`) and fake engine arguments.
        files: ["test/**/*.ts", "policies/test/**/*.ts", "bench/**/*.ts"],
        rules: { "@typescript-eslint/no-unused-expressions": "off", "@typescript-eslint/no-explicit-any": "off" },
    },
);
