/**
 * Table-driven tests of every policy: each blocked command must produce a
 * finding from its policy, each read-only look-alike must produce none.
 */
import { expect } from "chai";
import { PolicyResource } from "@pulumi/policy";
import { guardDependenciesPolicy } from "../guardDependencies";
import { hostKeyFindings } from "../hostKeyPinned";
import { killSwitchFindings } from "../killSwitch";
import { CommandBearing } from "../lib/resources";
import { noForceFindings } from "../noForce";
import { secretShapes } from "../noPlaintextSecrets";
import { noProductionMutationFindings } from "../noProductionMutation";
import { noPushFindings } from "../noPush";
import { noRealCryptoFindings } from "../noRealCrypto";
import { noRestartFindings } from "../noRestart";
import { transparencyFindings } from "../transparency";
import { DEFAULT_ALLOWED_ROOTS, writeRootFindings } from "../writeRoots";
import * as corpus from "./corpus";

type Check = (cb: CommandBearing) => Array<{ action: string }>;

const table: Array<[string, Check, { blocked: string[]; passed: string[] }]> = [
    ["kill-switch-stays-off", killSwitchFindings, corpus.killSwitch],
    ["no-service-restart", noRestartFindings, corpus.noRestart],
    ["no-push-or-remote", noPushFindings, corpus.noPush],
    ["no-production-mutation", noProductionMutationFindings, corpus.noProductionMutation],
    ["no-real-crypto", noRealCryptoFindings, corpus.noRealCrypto],
    ["no-force", noForceFindings, corpus.noForce],
    ["commands-are-readable", transparencyFindings, corpus.transparency],
    ["writes-in-allowed-roots", (cb) => writeRootFindings(cb, DEFAULT_ALLOWED_ROOTS), corpus.writeRoots],
    ["no-plaintext-secrets", (cb) => cb.scripts.flatMap((s) => secretShapes(s.text)).map((a) => ({ action: a })), corpus.plaintextSecrets],
];

for (const [name, check, cases] of table) {
    describe(`policy ${name}`, () => {
        for (const script of cases.blocked) {
            it(`blocks: ${JSON.stringify(script).slice(0, 100)}`, () => {
                const f = check(corpus.remote(script));
                expect(f, `expected a finding for ${script}`).to.not.be.empty;
                for (const x of f) {
                    expect(x.action).to.be.a("string").and.not.equal("");
                }
            });
        }
        for (const script of cases.passed) {
            it(`passes: ${JSON.stringify(script).slice(0, 100)}`, () => {
                expect(check(corpus.remote(script)).map((x) => x.action)).to.deep.equal([]);
            });
        }
    });
}

describe("policy no-plaintext-secrets never repeats the value", () => {
    it("names the shape, not the secret", () => {
        const shapes = secretShapes("postgresql://admin:Sup3rS3cretPw@db/x");
        expect(shapes).to.deep.equal(["a connection string with a password"]);
        expect(shapes.join(" ")).not.to.contain("Sup3rS3cretPw");
    });
});

describe("policy kill-switch-stays-off on environments and shipped files", () => {
    it("blocks a true EXECUTION_ENABLED in a command's environment map", () => {
        expect(killSwitchFindings(corpus.remote("true", { env: { EXECUTION_ENABLED: "true" } }))).to.not.be.empty;
    });
    it("blocks a shipped file that flips the switch", () => {
        expect(killSwitchFindings(corpus.remote("true", { files: [{ origin: "release.tar:cutter_agent/config.py", text: "execution_enabled = True\n" }] }))).to.not.be.empty;
    });
    it("passes a shipped file that keeps it off", () => {
        expect(killSwitchFindings(corpus.remote("true", { files: [{ origin: "x", text: "execution_enabled = False\n" }] }))).to.deep.equal([]);
    });
});

describe("policy host-key-pinned", () => {
    it("blocks a connection without a host key", () => {
        expect(hostKeyFindings(corpus.remote("true", { connection: { hostKey: "" } }))).to.have.length(1);
        expect(hostKeyFindings(corpus.remote("true", { connection: {} }))).to.have.length(1);
    });
    it("blocks a malformed host key", () => {
        expect(hostKeyFindings(corpus.remote("true", { connection: { hostKey: "not a key" } }))).to.have.length(1);
    });
    it("passes a pinned ed25519 key and local commands", () => {
        expect(hostKeyFindings(corpus.remote("true"))).to.deep.equal([]);
        expect(hostKeyFindings(corpus.remote("true", { where: "local", connection: undefined }))).to.deep.equal([]);
    });
});

describe("policy writes-in-allowed-roots on declared writes and local commands", () => {
    it("blocks a declared write outside the roots", () => {
        expect(writeRootFindings(corpus.remote("true", { declaredWrites: ["/etc"] }), DEFAULT_ALLOWED_ROOTS)).to.have.length(1);
    });
    it("blocks a local command that writes a file", () => {
        expect(writeRootFindings(corpus.remote("echo x > /tmp/y", { where: "local" }), DEFAULT_ALLOWED_ROOTS)).to.have.length(1);
    });
    it("passes a local annotated tag", () => {
        expect(writeRootFindings(corpus.remote("git -c user.name=x tag -a v0.6.0-O4-live-dryrun abc -F - <<'E'\nmsg\nE", { where: "local" }), DEFAULT_ALLOWED_ROOTS)).to.deep.equal([]);
    });
});

describe("policy writes-depend-on-guards (stack)", () => {
    const res = (urn: string, props: Record<string, unknown>, deps: PolicyResource[] = [], parent?: PolicyResource): PolicyResource =>
        ({ urn, type: "pulumi-nodejs:dynamic/host:RemoteCommand", name: urn, props, dependencies: deps, parent, propertyDependencies: {}, opts: {} } as unknown as PolicyResource);
    const run = (resources: PolicyResource[]) => {
        const out: string[] = [];
        (guardDependenciesPolicy.validateStack as Function)({ resources, getConfig: () => ({}) }, (m: string) => out.push(m));
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

describe("reading @pulumi/command resources of other programs", () => {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { readCommandBearing } = require("../lib/resources") as typeof import("../lib/resources");
    const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2rzzl+bb0riftqnZzRYbcYUPLcUOLYkwPyF7NIVt3b";
    it("reads create/update/delete, environment and connection of command:remote:Command", () => {
        const cb = readCommandBearing("command:remote:Command", {
            create: "true", update: "systemctl restart iu-cutter", delete: "git push", environment: { EXECUTION_ENABLED: "1" },
            connection: { host: "h", hostKey: KEY },
        }) as CommandBearing;
        expect(noRestartFindings(cb)).to.not.be.empty;
        expect(noPushFindings(cb)).to.not.be.empty;
        expect(killSwitchFindings(cb)).to.not.be.empty;
        expect(hostKeyFindings(cb)).to.deep.equal([]);
    });
    it("reads a command:local:Command run by a non-shell interpreter as code", () => {
        const cb = readCommandBearing("command:local:Command", { create: "from cutter_agent.orchestrator import Mode\nrun(Mode.LIVE)", interpreter: ["python3", "-c"] }) as CommandBearing;
        expect(noProductionMutationFindings(cb)).to.not.be.empty;
    });
    it("requires a pinned host key on command:remote:Command and CopyToRemote", () => {
        expect(hostKeyFindings(readCommandBearing("command:remote:Command", { create: "true", connection: { host: "h" } }) as CommandBearing)).to.have.length(1);
        expect(hostKeyFindings(readCommandBearing("command:remote:CopyToRemote", { remotePath: "/var/lib/cutter/x", connection: { host: "h" } }) as CommandBearing)).to.have.length(1);
    });
    it("treats an unknown dynamic provider or command kind as opaque", () => {
        expect(readCommandBearing("pulumi-nodejs:dynamic:Resource", {})).to.equal("opaque");
        expect(readCommandBearing("command:remote:SomethingNew", {})).to.equal("opaque");
        expect(readCommandBearing("aws:s3/bucket:Bucket", {})).to.equal(undefined);
    });
});
