/**
 * Every guard refuses before any write, with a message that names it. Each
 * case starts from a pristine host, breaks one thing, and proves that the host
 * (apart from the deliberate change) and the shim log are untouched.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Stack } from "@pulumi/pulumi/automation";
import { sandboxSigners } from "../../scripts/sandboxStack";
import {
    commitToSource, facts, failure, hostPath, hostSnapshot, mustRun, newStack, removeStack, resetHost, shimCalls, tmpDir, withConfig,
} from "../helpers/sandbox";

interface Case {
    name: string;
    guard: RegExp;
    /** Breaks something; returns config overrides for the stack. */
    arrange: () => Record<string, unknown> | void;
    pin?: boolean;
    /** Break the host after pinning (drift between review and deploy). */
    afterPin?: () => void;
    /** The step that must refuse. */
    step?: "preview" | "up";
}

function otherHostKey(): string {
    const d = tmpDir("iucutter-key-");
    mustRun("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(d, "k")]);
    return fs.readFileSync(path.join(d, "k.pub"), "utf8").split(" ").slice(0, 2).join(" ");
}

/** Commits a symlink to the sandbox's source repo; returns the new HEAD. */
function commitWithLink(name: string, target: string): string {
    const f = path.join(facts().sourceRepo, name);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.symlinkSync(target, f);
    return commitToSource({}, `link ${name}`);
}

const cases: Case[] = [
    {
        name: "malformed config (relative staging path, unknown key)", guard: /StackConfig: Stack config is invalid; nothing was deployed\.\n.*paths\.stagingDir: paths\.stagingDir must be an absolute path.*host\.hostname: unknown key/s,
        arrange: () => ({ ...withConfig("paths", { stagingDir: "staging" }), ...withConfig("host", { hostname: "x" }) }), pin: false,
    },
    {
        name: "wrong hostname", guard: /HostIdentityGuard: .*hostname is "vmi0000000\.sandbox\.invalid", expected "vmi9999999\.contaboserver\.net"/s,
        arrange: () => withConfig("host", { name: "vmi9999999.contaboserver.net" }),
    },
    {
        name: "host key mismatch (re-imaged or impersonated host)", guard: /HostKeyPin: the SSH host key of 127\.0\.0\.1:\d+ does not match host\.hostKey/,
        arrange: () => withConfig("host", { hostKey: otherHostKey() }), pin: false,
    },
    {
        name: "missing compose marker", guard: /HostIdentityGuard: .*compose marker \/opt\/incomex\/dot\/docker-compose\.yml is missing/s,
        arrange: () => { fs.rmSync(hostPath("/opt/incomex/dot/docker-compose.yml")); }, pin: false,
    },
    {
        name: "missing .env", guard: /HostIdentityGuard: .*\/opt\/incomex\/dot\/\.env is missing/s,
        arrange: () => { fs.rmSync(hostPath("/opt/incomex/dot/.env")); }, pin: false,
    },
    {
        name: "dot repo with a remote", guard: /HostIdentityGuard: .*has git remote\(s\) "origin"/s,
        arrange: () => { mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "remote", "add", "origin", "/nonexistent/remote.git"]); }, pin: false,
    },
    {
        name: "pre-state drift between review and deploy (a vendored file changed)", guard: /PreStateAnchor: the host drifted .*tree: observed [0-9a-f]{64}, pinned [0-9a-f]{64} {2}<-- differs/s,
        arrange: () => undefined,
        afterPin: () => { fs.appendFileSync(hostPath("/opt/incomex/dot/iu-cutter/README.md"), "hotfix\n"); },
        step: "up",
    },
    {
        name: "pre-state drift in the compose file", guard: /PreStateAnchor: .*compose: observed [0-9a-f]{64}, pinned [0-9a-f]{64} {2}<-- differs/s,
        arrange: () => undefined,
        afterPin: () => { fs.appendFileSync(hostPath("/opt/incomex/dot/docker-compose.yml"), "# edited\n"); },
        step: "up",
    },
    {
        name: "unpinned anchors on up", guard: /PreStateAnchor: anchors are not pinned; refusing to deploy unreviewed/,
        arrange: () => undefined, pin: false, step: "up",
    },
    {
        name: "dirty source tree", guard: /ReleaseSource: .* has uncommitted or untracked changes/,
        arrange: () => { fs.writeFileSync(path.join(facts().sourceRepo, "scratch.txt"), "wip\n"); },
    },
    {
        name: "wrong source commit", guard: /ReleaseSource: .* is at [0-9a-f]{12}, but release\.commit pins 1234567/,
        arrange: () => withConfig("release", { commit: "1234567" }),
    },
    {
        name: "a secret-like file in the tree", guard: /NoSecretsInTree: \.env\.local looks like a secret or credential file/,
        arrange: () => withConfig("release", { commit: commitToSource({ ".env.local": "TOKEN=x\n" }, "oops") }),
    },
    {
        name: "a private key in a source file", guard: /NoSecretsInTree: cutter_agent\/keys\.py contains a private key block/,
        arrange: () => withConfig("release", { commit: commitToSource({ "cutter_agent/keys.py": `K = '''${["-----BEGIN", "OPENSSH", "PRIVATE", "KEY-----"].join(" ")}\nfabricated\n'''\n` }, "oops") }),
    },
    {
        name: "__version__ not 0.6.0", guard: /ReleaseVersion: cutter_agent\/__init__\.py has __version__ = "0\.6\.1", expected "0\.6\.0"/,
        arrange: () => withConfig("release", { commit: commitToSource({ "cutter_agent/__init__.py": '__version__ = "0.6.1"\n' }, "bump") }),
    },
    {
        name: "execution_enabled True in the source", guard: /KillSwitch: cutter_agent\/config\.py must set execution_enabled = False \(found: True\)/,
        arrange: () => withConfig("release", { commit: commitToSource({ "cutter_agent/config.py": "execution_enabled = True\n" }, "flip") }),
    },
    {
        name: "orchestrator/ missing in the source", guard: /ReleaseOrchestrator: cutter_agent\/orchestrator\/ is missing/,
        arrange: () => withConfig("release", { commit: commitToSource({ "cutter_agent/orchestrator": null }, "drop") }),
    },
    {
        name: "bytecode committed in the source", guard: /ReleaseManifest: cutter_agent\/__pycache__\/cli\.cpython-311\.pyc is Python bytecode/,
        arrange: () => withConfig("release", { commit: commitToSource({ "cutter_agent/__pycache__/cli.cpython-311.pyc": "\u0000bytecode" }, "pyc") }),
    },
    {
        name: "a release symlink to /etc/passwd", guard: /ReleaseSymlink: cutter_agent\/passwd is a symlink to the absolute path \/etc\/passwd; only relative symlinks/,
        arrange: () => withConfig("release", { commit: commitWithLink("cutter_agent/passwd", "/etc/passwd") }),
    },
    {
        name: "a release symlink climbing out to the host's .env.production", guard: /ReleaseSymlink: cutter_agent\/env -> \.\.\/\.\.\/\.env\.production resolves outside the release tree/,
        arrange: () => withConfig("release", { commit: commitWithLink("cutter_agent/env", "../../.env.production") }),
    },
    {
        name: "a non-UTF-8 file name in the release", guard: /ReleaseManifest: path "docs\/n\u00e4me-\u00ff\.txt" \(bytes [0-9a-f]+\) is not valid UTF-8/,
        arrange: () => {
            const dir = path.join(facts().sourceRepo, "docs");
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(Buffer.concat([Buffer.from(dir + "/n"), Buffer.from([0xe4]), Buffer.from("me-"), Buffer.from([0xff]), Buffer.from(".txt")]), "x\n");
            return withConfig("release", { commit: commitToSource({}, "latin-1 name") });
        },
    },
    {
        name: "protected stack, a plain up without the reviewed plan and approvals", guard: /ApprovalGate: no unreviewed runs: this run was not given the reviewed plan/,
        arrange: () => ({ ...withConfig("host", { protected: true }), allowUnreviewedRuns: false, approvals: sandboxSigners(tmpDir("iucutter-signers-")).approvals }), step: "up",
    },
    {
        name: "ordinary stack, a plain up without the reviewed plan", guard: /ApprovalGate: no unreviewed runs: this run was not given the reviewed plan/,
        arrange: () => ({ allowUnreviewedRuns: false }), step: "up",
    },
    {
        name: "O7 before O6 (no O6 deploy on the host)", guard: /O7Gate: O7 verifies one reviewed O6 deploy, and the host does not carry it.*no O6 deploy recorded/s,
        arrange: () => ({ macro: "o7" }),
    },
];

describe("guards refuse before any write, naming themselves (real engine, sandbox host)", function () {
    this.timeout(120_000);
    let stack: Stack | undefined;

    beforeEach(() => resetHost());
    afterEach(async () => {
        if (stack) {
            await removeStack(stack);
            stack = undefined;
        }
    });

    for (const c of cases) {
        it(`refuses: ${c.name}`, async () => {
            const overrides = c.arrange() ?? {};
            stack = await newStack("refuse", { pin: c.pin ?? true, overrides });
            c.afterPin?.();
            const before = hostSnapshot();
            const text = await failure((c.step ?? "preview") === "preview" ? stack.preview() : stack.up());
            expect(text).to.match(c.guard);
            expect(text, "no stack trace for a refusal").not.to.match(/^\s+at .+\(.+:\d+:\d+\)$/m);
            expect(hostSnapshot(), "nothing written to the host").to.equal(before);
            expect(shimCalls()).to.deep.equal([]);
        });
    }
});
