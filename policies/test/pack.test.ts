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

/** Guard scripts that prove their claim (lib/verify/guards.ts), in the program's form. */
const FAIL_FN = "fail() { printf 'Guard: %s\\n' \"$*\" >&2; exit 1; }";
const GUARD = {
    identity: ["set -euo pipefail", FAIL_FN,
        "[ \"$(hostname)\" = vmi1234567.contaboserver.net ] || fail \"wrong host\"",
        "[ -f /opt/incomex/dot/docker-compose.yml ] || fail \"no marker\"",
        "[ -f /opt/incomex/dot/.env ] || fail \"no .env\"",
        "[ -z \"$(git -C /opt/incomex/dot remote)\" ] || fail \"a remote\"",
        "echo ok"].join("\n"),
    preState: ["set -euo pipefail", `tree_digest() { python3 - "$1" <<'PY'\n${shapes.pinnedTreeDigest()}PY\n}`, FAIL_FN,
        `[ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = ${"a".repeat(64)} ] || fail "drift"`,
        "echo ok"].join("\n"),
};

describe("policy writes-depend-on-guards (stack)", () => {
    // Every command on the same host unless a test gives another connection; guards with scripts that prove their claim.
    const HOST = { address: "203.0.113.7", port: 22, user: "root", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA", privateKeyPath: "/k" };
    const res = (urn: string, props: Record<string, unknown>, deps: PolicyResource[] = [], parent?: PolicyResource): PolicyResource => {
        const create = props.guard === "HostIdentityGuard" ? GUARD.identity : props.guard === "PreStateAnchor" ? GUARD.preState : "true";
        return { urn, type: "pulumi-nodejs:dynamic/host:RemoteCommand", name: urn, props: { connection: HOST, create, ...props }, dependencies: deps, parent, propertyDependencies: {}, opts: {} } as unknown as PolicyResource;
    };
    const run = async (resources: PolicyResource[]) => {
        const out: string[] = [];
        await (guardDependenciesPolicy.validateStack as (a: unknown, r: (m: string) => void) => Promise<void>)({ resources, getConfig: () => ({}) }, (m: string) => out.push(m));
        return out;
    };
    const identity = res("identity", { guard: "HostIdentityGuard", writes: [] });
    const pre = res("pre", { guard: "PreStateAnchor", writes: [] }, [identity]);

    it("passes a write that depends on both guards (transitively)", async () => {
        expect(await run([identity, pre, res("w", { writes: ["/var/lib/cutter/x"] }, [pre])])).to.deep.equal([]);
    });
    it("passes a write whose parent component depends on the guards", async () => {
        const parent = { ...res("component", {}, [identity, pre]), type: "iucutter:host:CutterConfig" } as PolicyResource;
        expect(await run([identity, pre, res("w", { writes: ["/var/lib/cutter/x"] }, [], parent)])).to.deep.equal([]);
    });
    it("blocks a write with no guard", async () => {
        const out = await run([identity, pre, res("w", { writes: ["/var/lib/cutter/x"] })]);
        expect(out).to.have.length(1);
        expect(out[0]).to.contain("HostIdentityGuard and PreStateAnchor");
    });
    it("blocks a write that depends on the identity guard only", async () => {
        expect((await run([identity, pre, res("w", { writes: ["/x"] }, [identity])]))[0]).to.contain("without depending on PreStateAnchor");
    });
    it("does not accept a 'guard' that writes", async () => {
        const fake = res("fake", { guard: "HostIdentityGuard", writes: ["/etc"] });
        expect(await run([fake, pre, res("w", { writes: ["/x"] }, [fake, pre])])).to.have.length(1);
    });
    it("does not accept guards that check another host (another address or pinned key)", async () => {
        const conn = (address: string, hostKey: string) => ({ address, port: 22, user: "root", hostKey, privateKeyPath: "/k" });
        const A = conn("203.0.113.7", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA");
        const B = conn("198.51.100.9", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB");
        const gB = res("gB", { guard: "HostIdentityGuard", writes: [], connection: B });
        const pB = res("pB", { guard: "PreStateAnchor", writes: [], connection: B }, [gB]);
        const out = await run([gB, pB, res("w", { writes: ["/var/lib/cutter/x"], connection: A }, [pB])]);
        expect(out).to.have.length(1);
        expect(out[0]).to.contain("without depending on HostIdentityGuard and PreStateAnchor on the host it writes to");
        const sameAddressOtherKey = conn("203.0.113.7", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIC");
        const gK = res("gK", { guard: "HostIdentityGuard", writes: [], connection: sameAddressOtherKey });
        const pA = res("pA", { guard: "PreStateAnchor", writes: [], connection: A }, [gK]);
        expect((await run([gK, pA, res("w", { writes: ["/x"], connection: A }, [pA])]))[0]).to.contain("without depending on HostIdentityGuard on the host");
        const gA = res("gA", { guard: "HostIdentityGuard", writes: [], connection: { ...A, privateKeyPath: "/other" } });
        expect(await run([gA, pA, res("w", { writes: ["/x"], connection: A }, [gA, pA])]), "the login key is not the host").to.deep.equal([]);
    });
    it("ignores read-only commands", async () => {
        expect(await run([res("r", { writes: [] })])).to.deep.equal([]);
    });
    it("does not accept a guard whose script does not check what the guard is for", async () => {
        const fakes: Array<[string, string, string]> = [
            ["HostIdentityGuard", "true", "does not check the hostname"],
            ["HostIdentityGuard", GUARD.identity.replace("set -euo pipefail", "set -euo pipefail\nexit 0"), "can exit successfully"],
            ["HostIdentityGuard", GUARD.identity.replace("|| fail \"wrong host\"", "|| true"), "does not check the hostname"],
            ["PreStateAnchor", "echo all anchors match", "never compares host state"],
            ["PreStateAnchor", GUARD.preState.replace("exit 1; }", "exit 0; }"), "can exit successfully"],
            ["PreStateAnchor", GUARD.preState.replace("set -euo pipefail", "set -euo pipefail\nif true; then exit 0; fi"), "can exit successfully"],
            ["PreStateAnchor", GUARD.preState.replace(/tree_digest\(\) \{[\s\S]*?\n\}/, `tree_digest() { echo ${"a".repeat(64)}; }`), "never compares"],
            ["PreStateAnchor", GUARD.preState.replace("fail \"drift\"", "true"), "never compares"],
            ["PreStateAnchor", GUARD.preState + `\nfail() { exit 0; }`, "can exit successfully"],
            ["HostIdentityGuard", GUARD.identity.replace("[ -f /opt/incomex/dot/.env ] || fail \"no .env\"", "[ -f /opt/incomex/dot/docker-compose.yml ] || fail \"again\""), "two marker files"],
            ["HostIdentityGuard", GUARD.identity.replace("= vmi1234567.contaboserver.net", "= \"$(hostname)\""), "does not check the hostname"],
            ["HostIdentityGuard", GUARD.identity.replace("set -euo pipefail", "set -euo pipefail\ndone_() { exit 0; }\ndone_"), "can exit successfully"],
            ["PreStateAnchor", GUARD.preState.replace("tree_digest /opt/incomex/dot/iu-cutter", "tree_digest /tmp/planted"), "never compares"],
            ["PreStateAnchor", GUARD.preState.replace(/\[ "\$\(tree_digest[^\n]*/, `[ "$(sha256sum < /etc/os-release | cut -c1-64)" = ${"b".repeat(64)} ] || fail "drift"`), "never compares"],
            ["PreStateAnchor", GUARD.preState.replace(/\[ "\$\(tree_digest[^\n]*/, `[ "$(git -C /srv/other rev-parse HEAD)" = ${"c".repeat(40)} ] || fail "drift"`), "never compares"],
        ];
        for (const [kind, script, why] of fakes) {
            const g = res("g", { guard: kind, writes: [], create: script });
            const other = kind === "HostIdentityGuard" ? res("p2", { guard: "PreStateAnchor", writes: [] }) : identity;
            const out = await run([g, other, res("w", { writes: ["/x"] }, [g, other])]);
            expect(out, script).to.have.length(1);
            expect(out[0], script).to.contain(`g claims ${kind} but`).and.contain(why);
        }
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
