/**
 * database.access (issue 13 item 2), real engine against the sandbox: the
 * deploy's reads (host facts, the GAP-4 grants in the secrets step) go where
 * database.access says, not to the orchestrator's db_*; an unreachable
 * access refuses before any write, naming database.access; docker-exec runs
 * exactly the reviewed docker form on the host, and a docker that does not
 * answer the query (the sandbox's recording shim) is not "reachable".
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { failure, hostSnapshot, newStack, POLICY_PACK, removeStack, resetHost, reviewMarkdown, SB, tmpDir, withConfig } from "../helpers/sandbox";

describe("database.access (sandbox, real engine)", function () {
    this.timeout(300_000);
    let stack: Stack | undefined;
    afterEach(async () => {
        if (stack) {
            await removeStack(stack);
        }
        stack = undefined;
    });
    const orchestrator = () => (withConfig("cutterConfig", {}).cutterConfig as Record<string, any>).orchestrator as { db_host: string; db_port: number; db_name: string };
    /** The orchestrator's db_port points nowhere: only database.access can reach the database. */
    const withAccess = (access: Record<string, unknown>) => {
        const c = withConfig("cutterConfig", {}).cutterConfig as Record<string, any>;
        return { cutterConfig: { ...c, orchestrator: { ...c.orchestrator, db_port: 1 } }, database: { access } };
    };

    it("tcp: the review (policy pack on) and the O6 secrets step's GAP-4 read go through database.access, not cutterConfig.orchestrator.db_*", async () => {
        resetHost();
        const o = orchestrator();
        const reviewDir = tmpDir("iucutter-dbaccess-");
        stack = await newStack("dbaccess-tcp", { overrides: withAccess({ kind: "tcp", host: o.db_host, port: o.db_port, database: o.db_name }) });
        process.env.IUCUTTER_REVIEW_DIR = reviewDir;
        const res = await stack.preview({ policyPacks: [POLICY_PACK] }).finally(() => { delete process.env.IUCUTTER_REVIEW_DIR; });
        expect(res.stdout).not.to.contain("[mandatory]");
        expect(reviewMarkdown(reviewDir)).to.match(/\| psql \| `\/\S*psql`; database as `context_pack_readonly`: reachable \|/);
        const up = await stack.up({ policyPacks: [POLICY_PACK] });
        expect(up.summary.result).to.equal("succeeded");
        expect(up.stdout).to.contain("key and grants verified");
    });

    it("tcp: an unreachable access refuses before any write, naming database.access", async () => {
        resetHost();
        const o = orchestrator();
        stack = await newStack("dbaccess-unreachable", { overrides: withAccess({ kind: "tcp", host: o.db_host, port: 1, database: o.db_name }) });
        const before = hostSnapshot();
        const re = new RegExp(`HostFacts: .*\\n\\s+- database: not reachable as context_pack_readonly via tcp ${o.db_host.replace(/\./g, "\\.")}:1/${o.db_name} \\(database\\.access\\)`);
        expect(await failure(stack.preview())).to.match(re);
        expect(await failure(stack.up())).to.match(re);
        expect(hostSnapshot()).to.equal(before);
    });

    it("docker-exec: the host runs exactly `docker exec -i CONTAINER psql …`; a docker that does not answer the query refuses before any write, naming database.access", async () => {
        resetHost();
        const o = orchestrator();
        stack = await newStack("dbaccess-docker", { overrides: withAccess({ kind: "docker-exec", container: "incomex-db", database: o.db_name }) });
        const log = path.join(SB, "log", "shim-calls.log");
        fs.writeFileSync(log, "");
        const before = hostSnapshot();
        // The sandbox's docker is a shim that records the call and exits 0 without running psql.
        const msg = await failure(stack.preview());
        expect(msg).to.match(/HostFacts: .*\n\s+- database: not reachable as context_pack_readonly via docker-exec incomex-db\/\w+ \(database\.access\)/);
        expect(msg).not.to.match(/- psql: /);
        const calls = fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.split("\t").slice(1).join(" "));
        expect(calls).to.deep.equal([`docker exec -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d ${o.db_name}`]);
        expect(hostSnapshot()).to.equal(before);
    });
});
