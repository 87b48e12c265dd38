/**
 * Release inspection on real git repositories: the manifest, the digest the
 * host computes (same Python snippet), and every refusal of the source.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { treeDigest } from "../../lib/core/digest";
import { buildArchive, inspectRelease, ReleaseRefused } from "../../lib/release/release";
import { TREE_DIGEST } from "../../lib/scripts/helpers";

const FIXTURE = path.join(__dirname, "..", "..", "..", "fixtures", "iu-cutter-v0.6");

function git(repo: string, ...args: string[]): string {
    return execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { encoding: "utf8" });
}

function repo(extra: Record<string, string> = {}, modes: Record<string, number> = {}): { dir: string; head: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-src-"));
    fs.cpSync(FIXTURE, dir, { recursive: true });
    for (const [rel, content] of Object.entries(extra)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), content);
    }
    for (const [rel, mode] of Object.entries(modes)) {
        fs.chmodSync(path.join(dir, rel), mode);
    }
    git(dir, "init", "-q", "-b", "main");
    git(dir, "add", "-A");
    git(dir, "commit", "-q", "-m", "v0.6");
    return { dir, head: git(dir, "rev-parse", "HEAD").trim() };
}

function refusal(fn: () => unknown): ReleaseRefused {
    try {
        fn();
    } catch (e) {
        if (e instanceof ReleaseRefused) {
            return e;
        }
        throw e;
    }
    throw new Error("expected a ReleaseRefused");
}

describe("release inspection", () => {
    it("builds a sorted manifest whose digest equals the host's digest of the unpacked archive", () => {
        const { dir, head } = repo({ "bin/run.sh": "#!/bin/sh\necho hi\n", "docs/ü-note.md": "x\n" }, { "bin/run.sh": 0o755 });
        fs.symlinkSync("cli.py", path.join(dir, "cutter_agent", "entry.py"));
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "link");
        const m = inspectRelease(dir, head.slice(0, 7) === head.slice(0, 7) ? git(dir, "rev-parse", "HEAD").trim().slice(0, 12) : head);
        expect(m.entries.map((e) => e.path)).to.deep.equal([...m.entries.map((e) => e.path)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
        expect(m.entries.find((e) => e.path === "bin/run.sh")!.mode).to.equal(0o755);
        expect(m.entries.find((e) => e.path === "cutter_agent/entry.py")!.kind).to.equal("l");
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-out-"));
        const tar = buildArchive(dir, m, out);
        const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-unpacked-"));
        execFileSync("tar", ["-x", "--no-same-owner", "-f", tar, "-C", unpacked]);
        fs.mkdirSync(path.join(unpacked, "cutter_agent", "__pycache__"));
        fs.writeFileSync(path.join(unpacked, "cutter_agent", "__pycache__", "cli.cpython-311.pyc"), "bytecode");
        const host = execFileSync("python3", ["-", unpacked], { input: TREE_DIGEST.text, encoding: "utf8" }).trim();
        expect(host).to.equal(`${m.digest} ${m.fileCount}`);
        expect(treeDigest(m.entries)).to.equal(m.digest);
    });

    it("makes the same archive twice (deterministic)", () => {
        const { dir, head } = repo();
        const m = inspectRelease(dir, head);
        const a = fs.readFileSync(buildArchive(dir, m, fs.mkdtempSync(path.join(os.tmpdir(), "a-"))));
        const b = fs.readFileSync(buildArchive(dir, m, fs.mkdtempSync(path.join(os.tmpdir(), "b-"))));
        expect(a.equals(b)).to.equal(true);
    });

    const refusals: Array<[string, Record<string, string>, RegExp]> = [
        [".env file", { ".env": "X=1\n" }, /^NoSecretsInTree: \.env looks like a secret/],
        [".env.production file", { "deploy/.env.production": "X=1\n" }, /^NoSecretsInTree: deploy\/\.env\.production/],
        ["private key file", { "keys/id_ed25519": "x\n" }, /^NoSecretsInTree: keys\/id_ed25519/],
        ["pem file", { "certs/server.pem": "x\n" }, /^NoSecretsInTree: certs\/server\.pem/],
        ["private key block in code", { "cutter_agent/k.py": `K='${["-----BEGIN", "RSA", "PRIVATE", "KEY-----"].join(" ")}'\n` }, /^NoSecretsInTree: cutter_agent\/k\.py contains a private key block/],
        ["bytecode", { "cutter_agent/x.pyc": "\u0000" }, /^ReleaseManifest: cutter_agent\/x\.pyc is Python bytecode/],
        ["wrong version", { "cutter_agent/__init__.py": '__version__ = "0.5.9"\n' }, /^ReleaseVersion: .*"0\.5\.9", expected "0\.6\.0"/],
        ["kill switch on", { "cutter_agent/config.py": "execution_enabled = True\n" }, /^KillSwitch: .*found: True/],
        ["kill switch flipped elsewhere", { "cutter_agent/boot.py": "import cutter_agent.config as c\nc.execution_enabled = True\n" }, /^KillSwitch: cutter_agent\/boot\.py assigns execution_enabled/],
    ];
    for (const [what, files, re] of refusals) {
        it(`refuses a source with ${what}`, () => {
            const { dir, head } = repo(files);
            expect(refusal(() => inspectRelease(dir, head)).message).to.match(re);
        });
    }

    it("refuses a dirty tree", () => {
        const { dir, head } = repo();
        fs.writeFileSync(path.join(dir, "README.md"), "edited\n");
        expect(refusal(() => inspectRelease(dir, head)).message).to.match(/^ReleaseSource: .* has uncommitted or untracked changes \( M README\.md\)/);
    });

    it("refuses another commit", () => {
        const { dir } = repo();
        expect(refusal(() => inspectRelease(dir, "deadbee")).message).to.match(/^ReleaseSource: .* but release\.commit pins deadbee/);
    });

    it("refuses a path that is not a repository", () => {
        expect(refusal(() => inspectRelease(os.tmpdir(), "deadbee")).guard).to.equal("ReleaseSource");
    });
});

describe("release manifest cache", () => {
    it("reuses the manifest of a checked commit but still refuses a dirty tree", () => {
        const { dir, head } = repo();
        const cache = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-cache-"));
        const first = inspectRelease(dir, head, cache);
        expect(fs.existsSync(path.join(cache, `manifest-${head}.json`))).to.equal(true);
        expect(inspectRelease(dir, head, cache)).to.deep.equal(first);
        fs.writeFileSync(path.join(dir, "wip.txt"), "x");
        expect(() => inspectRelease(dir, head, cache)).to.throw(/uncommitted or untracked/);
    });
});
