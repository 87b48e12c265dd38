/**
 * The O6 and O7 happy path on the sandbox's flavour (sandbox/up.sh --flavour):
 * run it once on each flavour (default, contabo-like). The contabo-like host
 * keeps the compose marker and .env under /opt/incomex/docker, its release
 * ships its own 11-test suite, and its orchestrator speaks another dialect
 * that the stack reads through a non-default verification.adapter.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { facts, hostPath, newO7Stack, newStack, POLICY_PACK, removeStack, resetHost, reviewMarkdown, shimCalls, tmpDir } from "../helpers/sandbox";
import { sandboxConfig } from "../../scripts/sandboxStack";

const FLAVOURS: Record<string, { wrapper: string; tests: number; dialect: boolean }> = {
    "default": { wrapper: "/opt/incomex/dot", tests: 10, dialect: false },
    "contabo-like": { wrapper: "/opt/incomex/docker", tests: 11, dialect: true },
};

describe(`O6 and O7 happy path on the sandbox flavour "${facts().flavour ?? "default"}" (real engine, policy pack)`, function () {
    this.timeout(600_000);
    const flavour = facts().flavour ?? "default";
    const f = FLAVOURS[flavour];
    let o6: Stack | undefined;
    let o7: Stack | undefined;
    after(async () => {
        for (const s of [o7, o6]) { if (s) { await removeStack(s); } }
    });

    it("the flavour is one the suite knows, and its stack config says what the host looks like", () => {
        expect(f, `unknown sandbox flavour ${flavour}`).to.not.equal(undefined);
        const cfg = sandboxConfig(facts()) as Record<string, any>;
        expect(cfg.identity).to.deep.equal({ composeMarker: `${f.wrapper}/docker-compose.yml`, envFile: `${f.wrapper}/.env` });
        expect(cfg.release.expectedTests).to.equal(f.tests);
        expect(cfg.verification.adapter === undefined, "default adapter unless the flavour speaks another dialect").to.equal(!f.dialect);
    });

    it("O6: review then deploy, with the flavour's marker and .env and the release's own suite", async () => {
        resetHost();
        // Only the flavour's location holds the marker and .env.
        const other = f.wrapper === "/opt/incomex/dot" ? "/opt/incomex/docker" : "/opt/incomex/dot";
        expect(fs.existsSync(hostPath(`${f.wrapper}/docker-compose.yml`))).to.equal(true);
        expect(fs.existsSync(hostPath(`${other}/docker-compose.yml`))).to.equal(false);
        expect(fs.existsSync(hostPath(`${other}/.env`))).to.equal(false);
        o6 = await newStack("flavour-o6");
        const reviewDir = tmpDir("iucutter-flavour-");
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        try {
            const pre = await o6.preview({ policyPacks: [POLICY_PACK] });
            expect(pre.stdout).not.to.contain("[mandatory]");
            const md = reviewMarkdown(reviewDir);
            expect(md).to.contain(`| compose marker | \`${f.wrapper}/docker-compose.yml\` | present |`);
            expect(md).to.contain(`| .env | \`${f.wrapper}/.env\` | present |`);
            expect(md).to.contain(`**${f.tests}/${f.tests} passed**`);
            const up = await o6.up({ policyPacks: [POLICY_PACK] });
            expect(up.stdout).not.to.contain("[mandatory]");
        } finally {
            delete process.env.IUCUTTER_REVIEW_DIR;
        }
        expect(fs.readFileSync(hostPath("/opt/incomex/dot/iu-cutter/cutter_agent/__init__.py"), "utf8")).to.contain('__version__ = "0.6.0"');
        const runPy = fs.readFileSync(hostPath("/opt/incomex/dot/iu-cutter/cutter_agent/orchestrator/run.py"), "utf8");
        expect(runPy.includes("live execution: refused"), "the deployed orchestrator speaks the flavour's dialect").to.equal(f.dialect);
        expect(shimCalls()).to.deep.equal([]);
    });

    it("O7: the dry run passes through the flavour's adapter and closes GAP-3..6", async () => {
        o7 = await newO7Stack("flavour-o7");
        const reviewDir = tmpDir("iucutter-flavour-o7-");
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        const res = await o7.up({ policyPacks: [POLICY_PACK] }).finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        expect(res.stdout).not.to.contain("[mandatory]");
        const rows = res.outputs.readiness.value as Array<{ gap: string; status: string; evidence: string }>;
        for (const g of ["GAP-3", "GAP-4", "GAP-5", "GAP-6"]) {
            const r = rows.find((x) => x.gap === g)!;
            expect(r.status, `${g}: ${r.evidence}`).to.equal("CLOSED");
        }
        const md = fs.readFileSync(path.join(reviewDir, "readiness.md"), "utf8");
        expect(md).to.contain("O7 dry run: **passed**; phases 1/11 2/11 3/11 4/11 5/11 6/11 7/11 8/11 9/11 10/11 11/11");
        const log = fs.readdirSync(hostPath("/var/lib/cutter/state")).find((n) => n.endsWith(".1-start.log"))!;
        const start = fs.readFileSync(hostPath(`/var/lib/cutter/state/${log}`), "utf8");
        expect(start).to.contain(f.dialect ? "gate sg1: waiting for the sovereign" : "PAUSE SG1");
        expect(shimCalls()).to.deep.equal([]);
    });
});
