/**
 * The policy pack's unit tests: every resource goes through the same reader
 * the engine uses (analyzeResource), with this program's trusted provider.
 *  - the first corpus (test/corpus.ts), kept as a regression set;
 *  - the adversarial corpus (test/adversarial/): crafted evasions must all be
 *    blocked, benign read-only look-alikes must all pass;
 *  - the stack policy (writes depend on both guards).
 */
import { expect } from "chai";
import { PolicyResource } from "@pulumi/policy";
import { guardDependenciesPolicy } from "../guardDependencies";
import { analyzeResource, DEFAULT_ROOTS, ResourceInput } from "../lib/analyze";
import * as corpus from "./corpus";
import * as shapes from "./adversarial/shapes";

const KEY = shapes.HOST_KEY;

/** This program's RemoteCommand with the trusted provider; by default it may write anywhere in the roots. */
const hostCommand = (create: string, writes: string[] = DEFAULT_ROOTS): ResourceInput => shapes.hostCommand(create, { writes });

const summary = (fs: Array<{ policy: string; action: string }>) => fs.map((f) => `${f.policy}: ${f.action}`).join("\n");

const regression: Array<[string, { blocked: string[]; passed: string[] }]> = [
    ["kill-switch-stays-off", corpus.killSwitch],
    ["no-service-restart", corpus.noRestart],
    ["no-push-or-remote", corpus.noPush],
    ["no-production-mutation", corpus.noProductionMutation],
    ["no-real-crypto", corpus.noRealCrypto],
    ["no-force", corpus.noForce],
    ["commands-are-readable", corpus.transparency],
    ["writes-in-allowed-roots", corpus.writeRoots],
    ["no-plaintext-secrets", corpus.plaintextSecrets],
];

for (const [name, cases] of regression) {
    describe(`first corpus, ${name}`, () => {
        for (const script of cases.blocked) {
            it(`blocks: ${JSON.stringify(script).slice(0, 100)}`, async () => {
                const f = await analyzeResource(hostCommand(script));
                expect(f, `expected a finding for ${script}`).to.not.be.empty;
            });
        }
        for (const script of cases.passed.filter((x) => !(x in corpus.refusedByDesign))) {
            it(`passes: ${JSON.stringify(script).slice(0, 100)}`, async () => {
                const f = await analyzeResource(hostCommand(script));
                expect(f, summary(f)).to.deep.equal([]);
            });
        }
    });
}

describe("first corpus look-alikes refused by design (outside the vocabulary)", () => {
    for (const [script, why] of Object.entries(corpus.refusedByDesign)) {
        it(`refuses (${why}): ${JSON.stringify(script).slice(0, 80)}`, async () => {
            const all = regression.flatMap(([, c]) => c.passed);
            expect(all, "listed in the first corpus").to.include(script);
            expect(await analyzeResource(hostCommand(script))).to.not.be.empty;
        });
    }
});

describe("policy writes-depend-on-guards (stack)", () => {
    const res = (urn: string, props: Record<string, unknown>, deps: PolicyResource[] = [], parent?: PolicyResource): PolicyResource =>
        ({ urn, type: "pulumi-nodejs:dynamic/host:RemoteCommand", name: urn, props, dependencies: deps, parent, propertyDependencies: {}, opts: {} } as unknown as PolicyResource);
    const run = (resources: PolicyResource[]) => {
        const out: string[] = [];
        (guardDependenciesPolicy.validateStack as (a: unknown, r: (m: string) => void) => void)({ resources, getConfig: () => ({}) }, (m: string) => out.push(m));
        return out;
    };
    const identity = res("identity", { guard: "HostIdentityGuard", writes: [] });
    const pre = res("pre", { guard: "PreStateAnchor", writes: [] }, [identity]);

    it("passes a write that depends on both guards (transitively)", () => {
        expect(run([identity, pre, res("w", { writes: ["/var/lib/cutter/x"] }, [pre])])).to.deep.equal([]);
    });
    it("passes a write whose parent component depends on the guards", () => {
        const parent = { ...res("component", {}, [identity, pre]), type: "iucutter:host:CutterConfig" } as PolicyResource;
        expect(run([identity, pre, res("w", { writes: ["/var/lib/cutter/x"] }, [], parent)])).to.deep.equal([]);
    });
    it("blocks a write with no guard", () => {
        const out = run([identity, pre, res("w", { writes: ["/var/lib/cutter/x"] })]);
        expect(out).to.have.length(1);
        expect(out[0]).to.contain("HostIdentityGuard and PreStateAnchor");
    });
    it("blocks a write that depends on the identity guard only", () => {
        expect(run([identity, pre, res("w", { writes: ["/x"] }, [identity])])[0]).to.contain("without depending on PreStateAnchor");
    });
    it("does not accept a 'guard' that writes", () => {
        const fake = res("fake", { guard: "HostIdentityGuard", writes: ["/etc"] });
        expect(run([fake, pre, res("w", { writes: ["/x"] }, [fake, pre])])).to.have.length(1);
    });
    it("ignores read-only commands", () => {
        expect(run([res("r", { writes: [] })])).to.deep.equal([]);
    });
});

describe("adversarial corpus: crafted evasions are all blocked", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { evasions } = require("./adversarial/evasions") as typeof import("./adversarial/evasions");
    for (const c of evasions) {
        it(`blocks ${c.cls}: ${c.id}`, async () => {
            const f = await analyzeResource(c.resource);
            expect(f, `expected a finding for ${c.id}: ${JSON.stringify(c.resource.props.create ?? c.resource.type).slice(0, 200)}`).to.not.be.empty;
        });
    }
});

describe("adversarial corpus: benign read-only look-alikes all pass", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { benign } = require("./adversarial/benign") as typeof import("./adversarial/benign");
    for (const c of benign) {
        it(`passes ${c.cls}: ${c.id}`, async () => {
            const f = await analyzeResource(c.resource);
            expect(f, summary(f)).to.deep.equal([]);
        });
    }
});

describe("@pulumi/command assets, as the SDK hands them over (text and paths are promises)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const os = require("os") as typeof import("os");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fsm = require("fs") as typeof import("fs");
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pathm = require("path") as typeof import("path");
    const copy = (source: unknown, remotePath = "/var/lib/cutter/config/x.ini"): ResourceInput => ({
        type: "command:remote:CopyToRemote",
        props: { source, remotePath, connection: { host: "203.0.113.7", port: 22, user: "root", hostKey: KEY } },
    });
    const dir = fsm.mkdtempSync(pathm.join(os.tmpdir(), "iucutter-assets-"));
    after(() => fsm.rmSync(dir, { recursive: true, force: true }));

    it("reads a real StringAsset whose text is a promise, and blocks the flip", async () => {
        const a = new pulumi.asset.StringAsset("[orchestrator]\nexecution_enabled = true\n");
        expect(typeof (a.text as unknown as Promise<string>).then).to.equal("function");
        const f = await analyzeResource(copy(a));
        expect(f.map((x) => x.policy)).to.include("kill-switch-stays-off");
    });
    it("passes a real StringAsset that keeps the switch off", async () => {
        const f = await analyzeResource(copy(new pulumi.asset.StringAsset("mode = dryrun\nexecution_enabled = false\n")));
        expect(f, summary(f)).to.deep.equal([]);
    });
    it("reads a real FileAsset through its path promise", async () => {
        const p = pathm.join(dir, "o.ini");
        fsm.writeFileSync(p, "execution_enabled: yes\n");
        const f = await analyzeResource(copy(new pulumi.asset.FileAsset(p)));
        expect(f.map((x) => x.policy)).to.include("kill-switch-stays-off");
    });
    it("reads every member of a real AssetArchive, nested", async () => {
        const arch = new pulumi.asset.AssetArchive({
            "ok.ini": new pulumi.asset.StringAsset("execution_enabled = false\n"),
            "sub": new pulumi.asset.AssetArchive({ "config.ini": new pulumi.asset.StringAsset("signing_provider = KmsSigning\n") }),
        });
        const f = await analyzeResource(copy(arch, "/var/lib/cutter/config"));
        expect(f.map((x) => x.policy)).to.include("no-real-crypto");
    });
    it("walks a real FileArchive directory and refuses a symlink in it", async () => {
        const d = pathm.join(dir, "tree");
        fsm.mkdirSync(d);
        fsm.writeFileSync(pathm.join(d, "a.ini"), "execution_enabled = false\n");
        fsm.symlinkSync("/etc/passwd", pathm.join(d, "passwd"));
        const f = await analyzeResource(copy(new pulumi.asset.FileArchive(d), "/var/lib/cutter/config"));
        expect(summary(f)).to.contain("not a regular file");
    });
    it("refuses a RemoteAsset (nothing to read at preview)", async () => {
        const f = await analyzeResource(copy(new pulumi.asset.RemoteAsset("https://example.invalid/x.ini")));
        expect(f.map((x) => x.policy)).to.include("commands-are-readable");
    });
});
