/**
 * The policy pack under the real engine: each small program in
 * test/programs/forbidden tries one forbidden action and must fail
 * `pulumi preview --policy-pack policies`; a compliant one must pass; the real
 * program must pass with the contabo stack's config (pointed at the sandbox
 * host); a policy config that would lower a policy is refused.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { failure, newStack, POLICY_PACK, removeStack, REPO_ROOT, resetHost, run, tmpDir } from "../helpers/sandbox";

const PROGRAM = path.join(REPO_ROOT, "test", "programs", "forbidden");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cases } = require(path.join(PROGRAM, "cases.js")) as { cases: Record<string, { policy: string | null }> };

async function programStack(caseName: string): Promise<Stack> {
    return LocalWorkspace.createOrSelectStack({ stackName: `forbidden-${caseName}-${process.pid}`, workDir: PROGRAM });
}

async function previewCase(caseName: string, policyPackConfigs?: string[]) {
    const stack = await programStack(caseName);
    process.env.FORBIDDEN_CASE = caseName;
    try {
        return await stack.preview({ policyPacks: [POLICY_PACK], policyPackConfigs });
    } finally {
        delete process.env.FORBIDDEN_CASE;
        run("pulumi", ["stack", "rm", "--yes", "--force", "--stack", stack.name], { cwd: PROGRAM });
    }
}

describe("policy pack under the real engine (pulumi preview --policy-pack policies)", function () {
    this.timeout(120_000);

    for (const [name, c] of Object.entries(cases)) {
        if (c.policy === null) {
            it(`passes a compliant program (${name})`, async () => {
                const res = await previewCase(name);
                expect(res.stdout).to.contain("iu-cutter-o6-o7");
                expect(res.stdout).not.to.contain("mandatory");
            });
            continue;
        }
        it(`fails preview: ${name} -> ${c.policy}`, async () => {
            const text = await failure(previewCase(name));
            expect(text).to.contain(`[mandatory]  ${c.policy}`);
            expect(text).to.match(/urn:pulumi:forbidden-/, "the message names the resource URN");
            expect(text).to.contain("Rule: ");
            expect(text).to.contain("To comply: ");
            if (name === "plaintext-secret") {
                expect(text).not.to.contain("Sup3rS3cretPw", "a violation never repeats the secret");
            }
        });
    }

    it("refuses a policy config that would lower a policy below mandatory", async () => {
        const dir = tmpDir("iucutter-ppc-");
        const file = path.join(dir, "weaken.json");
        fs.writeFileSync(file, JSON.stringify({ "no-service-restart": "advisory" }));
        const text = await failure(previewCase("restart-systemctl", [file]));
        expect(text).to.contain("PolicyConfigIntegrity");
        expect(text).to.contain("no-service-restart");
    });

    it("refuses a policy config that disables a policy", async () => {
        const dir = tmpDir("iucutter-ppc-");
        const file = path.join(dir, "disable.json");
        fs.writeFileSync(file, JSON.stringify({ "kill-switch-stays-off": { enforcementLevel: "disabled" } }));
        const text = await failure(previewCase("kill-switch-sed", [file]));
        expect(text).to.contain("PolicyConfigIntegrity");
    });

    describe("the real program with the contabo stack's config", () => {
        let stack: Stack | undefined;
        before(() => resetHost());
        after(async () => { if (stack) { await removeStack(stack); } });

        it("passes every policy (contabo identity, paths, dirs and orchestrator config; host, source and DB from the sandbox)", async () => {
            // Read Pulumi.contabo.yaml through the CLI, in a scratch project and backend.
            const dir = tmpDir("iucutter-contabo-");
            fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
            fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.contabo.yaml"), path.join(dir, "Pulumi.contabo.yaml"));
            const env = { PULUMI_BACKEND_URL: `file://${dir}`, PULUMI_CONFIG_PASSPHRASE: "scratch", PULUMI_CONFIG_PASSPHRASE_FILE: "" };
            const init = run("pulumi", ["stack", "init", "contabo", "--non-interactive"], { cwd: dir, env });
            expect(init.status, init.stderr).to.equal(0);
            // Pulumi.yaml declares the two secrets without a default: the engine wants them (encrypted) before it reads the config.
            for (const [k, v] of [["backupGpgFpr", "0".repeat(40)], ["governancePrincipal", "scratch_principal"]]) {
                const set = run("pulumi", ["config", "set", "--secret", "--stack", "contabo", k, v], { cwd: dir, env });
                expect(set.status, set.stderr).to.equal(0);
            }
            const cfg = run("pulumi", ["config", "--json", "--stack", "contabo"], { cwd: dir, env });
            expect(cfg.status, cfg.stderr).to.equal(0);
            const contabo = JSON.parse(cfg.stdout) as Record<string, { objectValue?: Record<string, any>; value?: string }>;
            const get = (k: string) => contabo[`iu-cutter-deploy:${k}`].objectValue ?? JSON.parse(contabo[`iu-cutter-deploy:${k}`].value!);
            const { sandboxConfig, readFacts } = await import("../../scripts/sandboxStack");
            const base = sandboxConfig(readFacts()) as Record<string, any>;
            const cutterConfig = get("cutterConfig");
            // The live database is the sandbox's; everything else is contabo's.
            cutterConfig.orchestrator = { ...cutterConfig.orchestrator, db_name: base.cutterConfig.orchestrator.db_name, db_port: base.cutterConfig.orchestrator.db_port };
            stack = await newStack("contabo-config", {
                overrides: { identity: get("identity"), paths: get("paths"), cutterConfig },
            });
            const res = await stack.preview({ policyPacks: [POLICY_PACK] });
            expect(res.stdout).to.contain("iu-cutter-o6-o7");
            expect(res.stdout).not.to.contain("[mandatory]");
        });
    });
});
