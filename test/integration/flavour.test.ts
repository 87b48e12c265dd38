/**
 * The O6 and O7 happy path on the sandbox's flavour (sandbox/up.sh --flavour):
 * run it once on each flavour (default, contabo-like). The contabo-like host
 * keeps the compose marker and .env under /opt/incomex/docker, its release
 * ships its own 11-test suite, and its orchestrator speaks another dialect
 * that the stack reads through a non-default verification.adapter, and its
 * read-only role logs in with a password (scram-sha-256, no trust): the
 * databasePassword secret reaches the host only on stdin, and the last test
 * searches everything the runs left for it (state, logs, review, host).
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { facts, hostPath, newO7Stack, newStack, POLICY_PACK, removeStack, resetHost, reviewMarkdown, run, SB, shimCalls, tmpDir } from "../helpers/sandbox";
import { REPO_ROOT } from "../../scripts/sandboxStack";
import { sandboxConfig } from "../../scripts/sandboxStack";

const FLAVOURS: Record<string, { wrapper: string; tests: number; dialect: boolean; password: boolean }> = {
    "default": { wrapper: "/opt/incomex/dot", tests: 10, dialect: false, password: false },
    "contabo-like": { wrapper: "/opt/incomex/docker", tests: 11, dialect: true, password: true },
};

/** Every regular file under `dir` (symlinks not followed). */
function filesUnder(dir: string): string[] {
    if (!fs.existsSync(dir)) { return []; }
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) { out.push(...filesUnder(p)); } else if (e.isFile()) { out.push(p); }
    }
    return out;
}

/** The files under `dir` whose bytes contain `needle`. */
function filesContaining(files: string[], needle: string): string[] {
    const n = Buffer.from(needle);
    return files.filter((f) => { try { return fs.readFileSync(f).includes(n); } catch { return false; } });
}

describe(`O6 and O7 happy path on the sandbox flavour "${facts().flavour ?? "default"}" (real engine, policy pack)`, function () {
    this.timeout(600_000);
    const flavour = facts().flavour ?? "default";
    const f = FLAVOURS[flavour];
    let o6: Stack | undefined;
    let o7: Stack | undefined;
    /** Everything the engine and the program printed: preview/up stdout and stderr, and every engine event. */
    const output: string[] = [];
    const reviewDirs: string[] = [];
    const onEvent = (e: unknown) => { output.push(JSON.stringify(e)); };
    after(async () => {
        for (const s of [o7, o6]) { if (s) { await removeStack(s); } }
    });

    it("the flavour is one the suite knows, and its stack config says what the host looks like", () => {
        expect(f, `unknown sandbox flavour ${flavour}`).to.not.equal(undefined);
        const cfg = sandboxConfig(facts()) as Record<string, any>;
        expect(cfg.identity).to.deep.equal({ composeMarker: `${f.wrapper}/docker-compose.yml`, envFile: `${f.wrapper}/.env` });
        expect(cfg.release.expectedTests).to.equal(f.tests);
        expect(cfg.verification.adapter === undefined, "default adapter unless the flavour speaks another dialect").to.equal(!f.dialect);
        expect(cfg.database?.access?.password === true, "database.access.password on the flavour with password auth").to.equal(f.password);
        expect(typeof facts().dbPassword === "string" && facts().dbPassword!.length >= 16, "the sandbox role has a password").to.equal(f.password);
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
        reviewDirs.push(reviewDir);
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        try {
            const pre = await o6.preview({ policyPacks: [POLICY_PACK], onEvent });
            output.push(pre.stdout, pre.stderr);
            expect(pre.stdout).not.to.contain("[mandatory]");
            const md = reviewMarkdown(reviewDir);
            expect(md).to.contain(`| compose marker | \`${f.wrapper}/docker-compose.yml\` | present |`);
            expect(md).to.contain(`| .env | \`${f.wrapper}/.env\` | present |`);
            expect(md).to.contain(`**${f.tests}/${f.tests} passed**`);
            expect(md.includes("databasePassword set"), "the review names the password as set, never its value").to.equal(f.password);
            const up = await o6.up({ policyPacks: [POLICY_PACK], onEvent });
            output.push(up.stdout, up.stderr);
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
        reviewDirs.push(reviewDir);
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        const res = await o7.up({ policyPacks: [POLICY_PACK], onEvent }).finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        output.push(res.stdout, res.stderr);
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

    it(f.password
        ? "the database password appears nowhere: repo tree, stack state (export and raw file), review packages, engine events and output, the host's files and deploy.log; no PGPASSFILE is left in /tmp"
        : "without a password (trust for the read-only role): no databasePassword in the stack, no PGPASSFILE left in /tmp", () => {
        expect(o6 && o7, "the O6 and O7 runs above").to.not.equal(undefined);
        const leftTemp = fs.readdirSync("/tmp").filter((n) => /^iucutter-pgpass\./.test(n));
        expect(leftTemp, "PGPASSFILEs left in the host's /tmp").to.deep.equal([]);
        const state = filesUnder(path.join(REPO_ROOT, ".pulumi-state"));
        for (const s of [o6!, o7!]) { expect(state.some((p) => path.basename(p) === `${s.name}.json`), `raw state file of ${s.name}`).to.equal(true); }
        if (!f.password) {
            for (const s of [o6!, o7!]) {
                expect(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${s.name}.yaml`), "utf8")).to.not.contain("databasePassword");
            }
            return;
        }
        const pw = facts().dbPassword!;
        // The password did reach the database: the deploy read it as the read-only role, which has no trust line.
        const hba = fs.readFileSync(path.join(SB, "pg", "data", "pg_hba.conf"), "utf8");
        expect(hba.split("\n")[0]).to.equal("host all context_pack_readonly 127.0.0.1/32 scram-sha-256");
        const noPw = run("psql", ["-X", "-w", "-At", "-h", "127.0.0.1", "-p", String(facts().pgPort), "-U", "context_pack_readonly", "-d", "cutter_live", "-c", "SELECT 1"], { env: { PGPASSWORD: "" } });
        expect(noPw.status, "the read-only role cannot log in without its password").to.not.equal(0);
        const found: string[] = [];
        // The repo tree: every file git tracks or would add (ignored files like .sandbox/ and .pulumi-state/ are searched below).
        const tree = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT }).stdout.split("\0").filter((x) => x).map((x) => path.join(REPO_ROOT, x));
        expect(tree.length).to.be.greaterThan(100);
        found.push(...filesContaining(tree, pw));
        // State: the export without --show-secrets, and the raw files of the local backend.
        for (const s of [o6!, o7!]) {
            const exp = run("pulumi", ["stack", "export", "--stack", s.name], { cwd: REPO_ROOT });
            expect(exp.status, exp.stderr).to.equal(0);
            expect(exp.stdout).to.contain("RemoteCommand");
            if (exp.stdout.includes(pw)) { found.push(`pulumi stack export --stack ${s.name}`); }
        }
        found.push(...filesContaining(state, pw));
        // The review packages and everything the engine and the program printed.
        for (const d of reviewDirs) { found.push(...filesContaining(filesUnder(d), pw)); }
        expect(output.join("\n").length).to.be.greaterThan(10_000);
        if (output.some((o) => o.includes(pw))) { found.push("engine events / program output"); }
        // The host: every file under the sandbox host's dirs (deploy.log among them), and the PostgreSQL server log.
        const hostFiles = Object.values(facts().hostDirs).flatMap(filesUnder);
        expect(hostFiles.some((p) => p.endsWith("/deploy.log")), "the host's deploy.log is searched").to.equal(true);
        found.push(...filesContaining([...hostFiles, path.join(SB, "pg", "server.log"), path.join(SB, "log", "shim-calls.log")].filter((p) => fs.existsSync(p)), pw));
        expect(found, "where the database password was found").to.deep.equal([]);
    });
});
