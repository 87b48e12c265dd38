/**
 * Release inspection on real git repositories: the manifest, the digest the
 * host computes (same Python snippet), and every refusal of the source.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { treeDigest } from "../../lib/core/digest";
import { buildArchive, checkTreeShapes, CleanCopies, inspectRelease, loadRunbook, ReleaseRefused, resolveInTree, runReleaseTests } from "../../lib/release/release";
import { ASSERT_RELEASE, TREE_DIGEST } from "../../lib/scripts/helpers";
import { sha256Hex } from "../../lib/core/digest";

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

describe("release inspection", function () {
    // Real git, python and file trees: seconds, not milliseconds, on a loaded 2-core machine.
    this.timeout(60000);
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
        const hostDigest = () => execFileSync("python3", ["-", unpacked], { input: TREE_DIGEST.text, encoding: "utf8" }).trim();
        expect(hostDigest()).to.equal(`${m.digest} ${m.fileCount}`);
        expect(treeDigest(m.entries)).to.equal(m.digest);
        // The host's digest covers every file of a live tree: stray bytecode is drift (issue 15).
        fs.mkdirSync(path.join(unpacked, "cutter_agent", "__pycache__"));
        fs.writeFileSync(path.join(unpacked, "cutter_agent", "__pycache__", "cli.cpython-311.pyc"), "bytecode");
        expect(hostDigest()).to.not.equal(`${m.digest} ${m.fileCount}`);
        expect(hostDigest().split(" ")[1]).to.equal(String(m.fileCount + 1));
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
        ["an extension module", { "cutter_agent/boot.cpython-311-x86_64-linux-gnu.so": "\u007fELF" }, /^ReleaseManifest: cutter_agent\/boot\.cpython-311-x86_64-linux-gnu\.so is a compiled extension module/],
        ["an abi3 extension module", { "cutter_agent/fast.abi3.so": "\u007fELF" }, /^ReleaseManifest: cutter_agent\/fast\.abi3\.so is a compiled extension module/],
        ["wrong version", { "cutter_agent/__init__.py": '__version__ = "0.5.9"\n' }, /^ReleaseVersion: .*"0\.5\.9", expected "0\.6\.0"/],
        ["kill switch on", { "cutter_agent/config.py": "execution_enabled = True\n" }, /^KillSwitch: cutter_agent\/config\.py must set execution_enabled = False \(found: True\)/],
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

    describe("tree shapes (issue 15): symlinks, special files, non-UTF-8 names", () => {
        /** A fixture repo plus symlinks (name -> target), committed. */
        function withLinks(links: Record<string, string>): { dir: string; head: string } {
            const r = repo();
            for (const [name, target] of Object.entries(links)) {
                fs.mkdirSync(path.dirname(path.join(r.dir, name)), { recursive: true });
                fs.symlinkSync(target, path.join(r.dir, name));
            }
            git(r.dir, "add", "-A");
            git(r.dir, "commit", "-q", "-m", "links");
            return { dir: r.dir, head: git(r.dir, "rev-parse", "HEAD").trim() };
        }
        const refused: Array<[string, Record<string, string>, RegExp]> = [
            ["an absolute symlink to the host's env file", { "cutter_agent/env": "/opt/incomex/dot/.env.production" }, /^ReleaseSymlink: cutter_agent\/env is a symlink to the absolute path \/opt\/incomex\/dot\/\.env\.production/],
            ["an absolute symlink to /etc/passwd", { "passwd": "/etc/passwd" }, /^ReleaseSymlink: passwd is a symlink to the absolute path \/etc\/passwd/],
            ["a relative symlink that climbs out", { "cutter_agent/up": "../../.env.production" }, /^ReleaseSymlink: cutter_agent\/up -> \.\.\/\.\.\/\.env\.production resolves outside the release tree/],
            ["a symlink out through another in-tree symlink", { "cutter_agent/here": "..", "out": "cutter_agent/here/../x" }, /^ReleaseSymlink: out -> cutter_agent\/here\/\.\.\/x resolves outside/],
            ["a symlink loop", { "a": "b", "b": "a" }, /^ReleaseSymlink: a -> b resolves outside the release tree \(or loops\)/],
        ];
        for (const [what, links, re] of refused) {
            it(`refuses ${what}, naming it`, () => {
                const { dir, head } = withLinks(links);
                expect(refusal(() => inspectRelease(dir, head)).message).to.match(re);
            });
        }
        it("ships relative symlinks that resolve inside the tree", () => {
            const { dir, head } = withLinks({ "cutter_agent/entry.py": "cli.py", "docs/agent": "../cutter_agent", "docs/agent-cli": "agent/cli.py" });
            const m = inspectRelease(dir, head);
            expect(m.entries.filter((e) => e.kind === "l").map((e) => e.path)).to.deep.equal(["cutter_agent/entry.py", "docs/agent", "docs/agent-cli"]);
        });
        it("refuses a non-UTF-8 file name at inspection, naming its bytes", () => {
            const r = repo();
            // Write the name as raw bytes (0xff is never UTF-8).
            const bad = Buffer.concat([Buffer.from(r.dir + "/raw-"), Buffer.from([0xff]), Buffer.from(".txt")]);
            fs.writeFileSync(bad, "x\n");
            git(r.dir, "add", "-A");
            git(r.dir, "commit", "-q", "-m", "bad name");
            expect(refusal(() => inspectRelease(r.dir, git(r.dir, "rev-parse", "HEAD").trim())).message).to.match(/^ReleaseManifest: path "raw-\u00ff\.txt" \(bytes 7261772dff2e747874\) is not valid UTF-8/);
        });
        it("refuses any git mode but a file or a symlink (special files cannot ship)", () => {
            expect(() => checkTreeShapes([{ mode: "100664", path: "odd" }], [])).to.throw(/^ReleaseManifest: odd has git mode 100664/);
            expect(() => checkTreeShapes([{ mode: "100644", path: "ok" }, { mode: "120000", path: "l" }], [{ path: "l", kind: "l", mode: 0o777, sha256: "", target: "ok", size: 2 }])).not.to.throw();
        });
        it("resolves like the kernel: .. after a symlinked dir goes to the link target's parent", () => {
            const links = new Map([["a/up", ".."], ["a/deep", "../b/c"]]);
            expect(resolveInTree("a/up/x", links)).to.equal("x");
            expect(resolveInTree("a/up/..", links)).to.equal(undefined);
            expect(resolveInTree("a/deep/..", links)).to.equal("b");
        });
    });
});

/**
 * One kill-switch definition: the source inspection (operator's machine, at
 * review) and the on-host assertion (the same pinned helper, on the unpacked
 * archive as the host holds it) give the same verdict on every form.
 */
/** Under utf-7, `+ACIAOw-` is `";` and `+ADs-` is `;`: a UTF-8 reader sees one string literal, python sees the flip. */
const UTF7_FLIP = '# -*- coding: utf-7 -*-\nx = "+ACIAOw-import cutter_agent.config as c+ADs- c.execution_enabled = True #"\n';

/** Binding forms that are not assignments, each a real flip (see the import test). */
const FOR_FLIP = "import cutter_agent.config as c\nfor c.execution_enabled in (True,):\n    pass\n";
const DEF_FLIP = "execution_enabled = False\n\n\ndef execution_enabled():\n    pass\n";
const WITH_FLIP = "import contextlib\nimport cutter_agent.config as c\nwith contextlib.nullcontext(True) as c.execution_enabled:\n    pass\n";

describe("kill-switch: one definition at review and on the host", function () {
    // Each case runs git, the review's inspection and the host helper three times: about a second on a loaded 2-core machine.
    this.timeout(20000);
    it("the utf-7 case is a real flip: python, importing it, sets execution_enabled to True", () => {
        const { dir } = repo({ "cutter_agent/boot.py": UTF7_FLIP });
        const out = execFileSync("python3", ["-c", "import cutter_agent.config as c, cutter_agent.boot; print(c.execution_enabled)"],
            { cwd: dir, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
        expect(out.trim()).to.equal("True");
    });
    it("a loop target, a def and a with target are real flips too: python, importing them, makes execution_enabled truthy", () => {
        const flips: Array<Record<string, string>> = [{ "cutter_agent/boot.py": FOR_FLIP }, { "cutter_agent/config.py": DEF_FLIP }, { "cutter_agent/boot.py": WITH_FLIP }];
        for (const files of flips) {
            const { dir } = repo(files);
            const out = execFileSync("python3", ["-c", "import cutter_agent.config as c\ntry:\n    import cutter_agent.boot\nexcept ImportError:\n    pass\nprint(bool(c.execution_enabled))"],
                { cwd: dir, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
            expect(out.trim(), JSON.stringify(files)).to.equal("True");
        }
    });

    /** The swap's form: with an assertion cache that a clean fixture tree has already filled (every unchanged file is a hit); a fresh copy per use. */
    let filled: string | undefined;
    const warmCache = (): string => {
        if (filled === undefined) {
            filled = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-ks-cache-")), "assert-release.cache");
            execFileSync("python3", ["-", FIXTURE, "0.6.0", "--cache", filled, ASSERT_RELEASE.sha256], { input: ASSERT_RELEASE.text, stdio: ["pipe", "pipe", "pipe"] });
            expect(fs.readFileSync(filled, "utf8").split("\n")[0]).to.match(/^v1 [0-9a-f]{64} [0-9a-f]{64}$/);
        }
        const cache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-ks-cache-")), "assert-release.cache");
        fs.copyFileSync(filled, cache);
        return cache;
    };
    const onHost = (dir: string, head: string, cache?: string): boolean => {
        const tar = buildArchive(dir, inspectReleaseUnchecked(dir, head), fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-ks-")));
        const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-ks-tree-"));
        execFileSync("tar", ["-x", "--no-same-owner", "-f", tar, "-C", unpacked]);
        try {
            execFileSync("python3", ["-", unpacked, "0.6.0", ...(cache ? ["--cache", cache, ASSERT_RELEASE.sha256] : [])], { input: ASSERT_RELEASE.text, stdio: ["pipe", "pipe", "pipe"] });
            return true;
        } catch {
            return false;
        }
    };
    // The archive of a commit whose source inspection refuses: built straight from git.
    const inspectReleaseUnchecked = (dir: string, head: string) => ({ commit: head, entries: [], digest: sha256Hex(head + dir), fileCount: 0, totalBytes: 0 });
    const atReview = (dir: string, head: string): boolean => {
        try {
            inspectRelease(dir, head);
            return true;
        } catch (e) {
            if (e instanceof ReleaseRefused && e.guard === "KillSwitch") {
                return false;
            }
            throw e;
        }
    };
    const cases: Array<[string, Record<string, string>, boolean]> = [
        ["plain `execution_enabled = False`", { "cutter_agent/config.py": "execution_enabled = False\n" }, true],
        ["annotated `execution_enabled: bool = False`", { "cutter_agent/config.py": "execution_enabled: bool = False\n" }, true],
        ["annotated with a comment", { "cutter_agent/config.py": "execution_enabled: bool = False  # GAP-7\n" }, true],
        ["string annotation", { "cutter_agent/config.py": "execution_enabled: \"bool\" = False\n" }, true],
        ["Final annotation", { "cutter_agent/config.py": "from typing import Final\nexecution_enabled: Final[bool] = False\n" }, true],
        ["annotated True", { "cutter_agent/config.py": "execution_enabled: bool = True\n" }, false],
        ["annotation without a value", { "cutter_agent/config.py": "execution_enabled: bool\n" }, false],
        ["False, then True", { "cutter_agent/config.py": "execution_enabled: bool = False\nexecution_enabled = True\n" }, false],
        ["0 instead of False", { "cutter_agent/config.py": "execution_enabled = 0\n" }, false],
        ["an expression", { "cutter_agent/config.py": "import os\nexecution_enabled = os.environ.get('X') == '1'\n" }, false],
        ["tuple unpacking", { "cutter_agent/config.py": "a, execution_enabled = 1, True\n" }, false],
        ["augmented assignment", { "cutter_agent/config.py": "execution_enabled = False\nexecution_enabled |= True\n" }, false],
        ["annotated attribute flip elsewhere", { "cutter_agent/boot.py": "import cutter_agent.config as c\nc.execution_enabled: bool = True\n" }, false],
        ["setattr flip elsewhere", { "cutter_agent/boot.py": "import cutter_agent.config as c\nsetattr(c, 'execution_enabled', True)\n" }, false],
        ["walrus flip elsewhere", { "cutter_agent/boot.py": "if (execution_enabled := True):\n    pass\n" }, false],
        ["False written elsewhere", { "cutter_agent/boot.py": "import cutter_agent.config as c\nc.execution_enabled = False\n" }, true],
        ["a file that does not parse", { "cutter_agent/broken.py": "def (:\n" }, false],
        // Read as python reads it: a coding declaration other than UTF-8 is refused.
        ["a utf-7 declaration that hides a flip inside what UTF-8 reads as a string", { "cutter_agent/boot.py": UTF7_FLIP }, false],
        ["a utf-7 declaration on the second line", { "cutter_agent/boot.py": "#!/usr/bin/env python3\n" + UTF7_FLIP }, false],
        ["a vim-style fileencoding=utf-7 line", { "cutter_agent/boot.py": UTF7_FLIP.replace("-*- coding: utf-7 -*-", "vim: set fileencoding=utf-7 :") }, false],
        ["a latin-1 declaration", { "cutter_agent/config.py": "# coding: latin-1\nexecution_enabled = False\n" }, false],
        ["an unknown encoding declared", { "cutter_agent/boot.py": "# coding: no-such-codec\nx = 1\n" }, false],
        ["a UTF-8 declaration spelled utf8", { "cutter_agent/config.py": "# -*- coding: utf8 -*-\nexecution_enabled = False\n" }, true],
        ["a UTF-8 byte-order mark", { "cutter_agent/config.py": "\ufeffexecution_enabled = False\n" }, true],
        // Every other binding form of the grammar (session 13: each of these passed before, and the first three are
        // real flips, see the import test above the cases).
        ["a loop target elsewhere", { "cutter_agent/boot.py": FOR_FLIP }, false],
        ["a def after the False in config.py", { "cutter_agent/config.py": DEF_FLIP }, false],
        ["a with target elsewhere", { "cutter_agent/boot.py": WITH_FLIP }, false],
        ["a comprehension target elsewhere", { "cutter_agent/boot.py": "import cutter_agent.config as c\n[0 for c.execution_enabled in (True,)]\n" }, false],
        ["a class named for the switch", { "cutter_agent/boot.py": "class execution_enabled:\n    pass\n" }, false],
        ["an import bound to the name", { "cutter_agent/boot.py": "import os as execution_enabled\n" }, false],
        ["another module's name imported as the switch", { "cutter_agent/boot.py": "from .other import flag as execution_enabled\n" }, false],
        ["the switch imported from elsewhere", { "cutter_agent/boot.py": "from os import execution_enabled\n" }, false],
        ["a parameter named for the switch", { "cutter_agent/boot.py": "def run(execution_enabled=True):\n    return execution_enabled\n" }, false],
        ["a keyword argument True", { "cutter_agent/boot.py": "def run(**kw):\n    return kw\nrun(execution_enabled=True)\n" }, false],
        ["a dict key True", { "cutter_agent/boot.py": "import cutter_agent.config as c\nvars(c).update({'execution_enabled': True})\n" }, false],
        ["a __dict__ entry", { "cutter_agent/boot.py": "import cutter_agent.config as c\nc.__dict__['execution_enabled'] = True\n" }, false],
        ["a namespace entry with a computed name", { "cutter_agent/boot.py": "import cutter_agent.config as c\nk = 'execution_' + 'enabled'\nvars(c)[k] = True\n" }, false],
        ["setattr with a computed name", { "cutter_agent/boot.py": "import cutter_agent.config as c\nsetattr(c, 'execution_' + 'enabled', True)\n" }, false],
        ["setattr with an implicitly concatenated name", { "cutter_agent/boot.py": "import cutter_agent.config as c\nsetattr(c, 'execution_' 'enabled', True)\n" }, false],
        ["object.__setattr__", { "cutter_agent/boot.py": "import cutter_agent.config as c\nobject.__setattr__(c, 'execution_enabled', True)\n" }, false],
        ["a module's __setattr__", { "cutter_agent/boot.py": "import cutter_agent.config as c\nc.__setattr__('execution_enabled', True)\n" }, false],
        ["monkeypatch.setattr by dotted path", { "tests/test_live.py": "def test_live(monkeypatch):\n    monkeypatch.setattr('cutter_agent.config.execution_enabled', True)\n" }, false],
        ["delattr", { "cutter_agent/boot.py": "import cutter_agent.config as c\ndelattr(c, 'execution_enabled')\n" }, false],
        ["del", { "cutter_agent/boot.py": "import cutter_agent.config as c\ndel c.execution_enabled\n" }, false],
        ["exec of literal code", { "cutter_agent/boot.py": "exec('import cutter_agent.config as c; c.execution_enabled = True')\n" }, false],
        ["exec of computed code", { "cutter_agent/boot.py": "code = 'x = 1'\nexec(code)\n" }, false],
        ["an except target", { "cutter_agent/boot.py": "try:\n    pass\nexcept Exception as execution_enabled:\n    pass\n" }, false],
        ["a match capture", { "cutter_agent/boot.py": "match 1:\n    case execution_enabled:\n        pass\n" }, false],
        ["operator.setitem on the module's namespace", { "cutter_agent/boot.py": "import operator\nimport cutter_agent.config as c\noperator.setitem(vars(c), 'execution_enabled', True)\n" }, false],
        ["setdefault after a del", { "cutter_agent/boot.py": "import cutter_agent.config as c\nvars(c).setdefault('execution_enabled', True)\n" }, false],
        ["dict() of pairs", { "cutter_agent/boot.py": "import cutter_agent.config as c\nvars(c).update(dict([('execution_enabled', True)]))\n" }, false],
        ["setattr fetched by a computed name", { "cutter_agent/boot.py": "import builtins\nimport cutter_agent.config as c\nf = getattr(builtins, 'set' + 'attr')\nf(c, 'execution_enabled', True)\n" }, false],
        ["a read whose default is True", { "cutter_agent/boot.py": "import cutter_agent.config as c\nlive = getattr(c, 'execution_enabled', True)\n" }, false],
        ["the name, then a value, as a call's arguments (a pair to any reader; the pack's line check reads it so too)", { "cutter_agent/boot.py": "import cutter_agent.config as c\nprint('execution_enabled', c.execution_enabled)\n" }, false],
        ["reads by name, a False default, the name last among keys", { "cutter_agent/boot.py": "import cutter_agent.config as c\nx = getattr(c, 'execution_enabled', False) or getattr(c, 'execution_enabled')\nprint('execution_enabled =', x, hasattr(c, 'execution_enabled'))\nKEYS = ('mode', 'execution_enabled')\n" }, true],
        ["reading the switch from config (the agent's own form)", { "cutter_agent/boot.py": "from .config import execution_enabled\nfrom cutter_agent.config import execution_enabled as execution_enabled\nimport cutter_agent.config as c\nif c.execution_enabled or execution_enabled:\n    print('execution_enabled is', c.execution_enabled)\n" }, true],
        ["False passed or written by name", { "cutter_agent/boot.py": "def run(**kw):\n    return kw\nrun(execution_enabled=False)\nd = {'execution_enabled': False}\nsetattr(run, 'other', 1)\nexec('x = 1')\n" }, true],
    ];
    for (const [what, files, ok] of cases) {
        it(`${ok ? "accepts" : "refuses"} ${what}, identically at review and on the host`, () => {
            const { dir, head } = repo(files);
            expect(atReview(dir, head), "source inspection").to.equal(ok);
            expect(onHost(dir, head), "on-host assertion").to.equal(ok);
            expect(onHost(dir, head, warmCache()), "on-host assertion with the swap's warm cache").to.equal(ok);
        });
    }
});

describe("kill-switch on the host: the swap's assertion cache (assert_release.py --cache)", () => {
    const tree = (extra: Record<string, string> = {}) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-ac-"));
        fs.cpSync(FIXTURE, dir, { recursive: true });
        for (const [f, text] of Object.entries(extra)) {
            fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
            fs.writeFileSync(path.join(dir, f), text);
        }
        return dir;
    };
    const cacheFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-ac-cache-")), "assert-release.cache");
    const run = (dir: string, cache: string, key = ASSERT_RELEASE.sha256) =>
        spawnSync("python3", ["-", dir, "0.6.0", "--cache", cache, key], { input: ASSERT_RELEASE.text, encoding: "utf8" });
    const sha = (f: string) => sha256Hex(fs.readFileSync(f));
    const flip = "import cutter_agent.config as c\nc.execution_enabled = True\n";

    it("records every clean .py file but config.py by its bytes, and only after every assertion passed", () => {
        const dir = tree({ "cutter_agent/extra.py": "X = 1\n" });
        const cache = cacheFile();
        expect(run(dir, cache).status).to.equal(0);
        const lines = fs.readFileSync(cache, "utf8").trim().split("\n");
        expect(lines.slice(1)).to.include(sha(path.join(dir, "cutter_agent", "extra.py")));
        expect(lines.slice(1), "config.py is parsed on every run").to.not.include(sha(path.join(dir, "cutter_agent", "config.py")));
        const failing = tree({ "cutter_agent/extra.py": "X = 1\n", "cutter_agent/boot.py": flip, "cutter_agent/other.py": "Y = 2\n" });
        const before = fs.readFileSync(cache, "utf8");
        const r = run(failing, cache);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain("KillSwitch: cutter_agent/boot.py assigns execution_enabled");
        expect(fs.readFileSync(cache, "utf8"), "a failing run records nothing").to.equal(before);
    });

    it("a hit skips the parse (a recorded digest is believed), and only under the same helper pin and interpreter", () => {
        const dir = tree({ "cutter_agent/boot.py": flip });
        const cache = cacheFile();
        expect(run(dir, cache).status, "a flip new to the cache is parsed and refused").to.equal(1);
        // Write the flip's digest as if a run had found it clean: that it then passes proves the parse was skipped.
        const key = `v1 ${ASSERT_RELEASE.sha256} ${sha256Hex(execFileSync("python3", ["-c", "import sys; sys.stdout.write(sys.version)"]))}`;
        fs.writeFileSync(cache, `${key}\n${sha(path.join(dir, "cutter_agent", "boot.py"))}\n`);
        expect(run(dir, cache).status, "the recorded digest is believed").to.equal(0);
        expect(run(dir, cache, "0".repeat(64)).status, "another helper pin: the cache is ignored").to.equal(1);
        fs.writeFileSync(cache, `${key.slice(0, -1)}0\n${sha(path.join(dir, "cutter_agent", "boot.py"))}\n`);
        expect(run(dir, cache).status, "another interpreter: the cache is ignored").to.equal(1);
    });

    describe("with the staging pass's listing (... KEY LISTING DIGEST)", () => {
        const key = () => `v1 ${ASSERT_RELEASE.sha256} ${sha256Hex(execFileSync("python3", ["-c", "import sys; sys.stdout.write(sys.version)"]))}`;
        const listing = (entries: Array<[string, string]>) => {
            const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-ac-listing-")), "listing");
            fs.writeFileSync(f, entries.map(([rel, h]) => `f 0644 ${h} ${rel}\n`).join(""));
            return { f, digest: sha256Hex(fs.readFileSync(f)) };
        };
        const runL = (dir: string, cache: string, l: { f: string; digest: string }) =>
            spawnSync("python3", ["-", dir, "0.6.0", "--cache", cache, ASSERT_RELEASE.sha256, l.f, l.digest], { input: ASSERT_RELEASE.text, encoding: "utf8" });
        const clean = "X = 1\n";

        it("a listed file whose listed sha256 is a cached verdict is not read (the swap's re-check proves the tree is what was listed)", () => {
            const dir = tree({ "cutter_agent/boot.py": flip });
            const cache = cacheFile();
            fs.writeFileSync(cache, `${key()}\n${sha256Hex(clean)}\n`);
            // The listing claims boot.py holds the clean bytes: that the flip then passes proves the file was not read.
            expect(runL(dir, cache, listing([["cutter_agent/boot.py", sha256Hex(clean)]])).status).to.equal(0);
            expect(run(dir, cache).status, "without the listing the flip is read and refused").to.equal(1);
        });

        it("a listing that is not the manifest's, lists a path twice or has a line that is not a digest line is not used", () => {
            const dir = tree({ "cutter_agent/boot.py": flip });
            const cache = cacheFile();
            fs.writeFileSync(cache, `${key()}\n${sha256Hex(clean)}\n`);
            const good = listing([["cutter_agent/boot.py", sha256Hex(clean)]]);
            const r1 = runL(dir, cache, { f: good.f, digest: "0".repeat(64) });
            expect(r1.status, "digest is not the listing's").to.equal(1);
            expect(r1.stderr).to.contain("KillSwitch: cutter_agent/boot.py assigns execution_enabled");
            const twice = listing([["cutter_agent/boot.py", sha256Hex(flip)], ["cutter_agent/boot.py", sha256Hex(clean)]]);
            expect(runL(dir, cache, twice).status, "a path listed twice (a file name with a line break can forge a line)").to.equal(1);
            const f = path.join(path.dirname(good.f), "odd");
            fs.writeFileSync(f, `f 0644 ${sha256Hex(clean)} cutter_agent/boot.py\nx junk\n`);
            expect(runL(dir, cache, { f, digest: sha256Hex(fs.readFileSync(f)) }).status, "a line that is no digest line").to.equal(1);
            expect(runL(dir, cache, { f: f + ".absent", digest: "0".repeat(64) }).status, "no listing").to.equal(1);
        });

        it("a listed sha256 that is not cached: the file is read, and the verdict is recorded for the bytes parsed, never the listed sha256", () => {
            const dir = tree({ "cutter_agent/extra.py": clean });
            const cache = cacheFile();
            const claimed = sha256Hex(flip);
            expect(runL(dir, cache, listing([["cutter_agent/extra.py", claimed]])).status).to.equal(0);
            const recorded = fs.readFileSync(cache, "utf8").trim().split("\n").slice(1);
            expect(recorded).to.include(sha256Hex(clean)).and.not.include(claimed);
        });
    });

    it("never skips config.py, whatever the cache says", () => {
        const dir = tree({ "cutter_agent/config.py": "execution_enabled = True\n" });
        const cache = cacheFile();
        const key = `v1 ${ASSERT_RELEASE.sha256} ${sha256Hex(execFileSync("python3", ["-c", "import sys; sys.stdout.write(sys.version)"]))}`;
        fs.writeFileSync(cache, `${key}\n${sha(path.join(dir, "cutter_agent", "config.py"))}\n`);
        const r = run(dir, cache);
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain("KillSwitch: cutter_agent/config.py must set execution_enabled = False");
    });
});

describe("release tests at review (release.expectedTests)", function () {
    // Real git, python and file trees: seconds, not milliseconds, on a loaded 2-core machine.
    this.timeout(60000);
    const py = "/usr/bin/python3";
    it("runs the fixture's suite on a clean copy and counts the passed tests", () => {
        const { dir, head } = repo();
        const r = runReleaseTests(dir, head, 10, py);
        expect(r).to.include({ expected: 10, passed: 10, failed: 0, errors: 0, skipped: 0 });
        expect(r.command).to.match(/^PYTHONDONTWRITEBYTECODE=1 /);
        expect(r.python).to.match(/^Python 3\./);
        // Nothing is written into the source repo (no bytecode, no cache).
        expect(git(dir, "status", "--porcelain", "--ignored")).to.equal("");
    });
    it("refuses a count mismatch, naming both counts", () => {
        const { dir, head } = repo();
        expect(refusal(() => runReleaseTests(dir, head, 366, py)).message).to.match(/^ReleaseTests: .* passed 10, release\.expectedTests is 366/);
    });
    it("refuses a failing test, naming the counts", () => {
        const { dir, head } = repo({ "tests/test_broken.py": "def test_broken():\n    assert 1 == 2\n" });
        expect(refusal(() => runReleaseTests(dir, head, 11, py)).message).to.match(/^ReleaseTests: .* did not pass: 10 passed, 1 failed, 0 errors, 0 skipped \(expected 11\/11/);
    });
    it("counts the suite of the commit, not files left in the work tree", () => {
        const { dir, head } = repo();
        fs.writeFileSync(path.join(dir, "tests", "test_local_only.py"), "def test_x():\n    assert True\n");
        // The untracked file is not in the commit, so the count stays 10.
        expect(runReleaseTests(dir, head, 10, py).passed).to.equal(10);
    });
    it("refuses a suite with a test that errors at collection", () => {
        const { dir, head } = repo({ "tests/test_import.py": "import no_such_module\n" });
        expect(refusal(() => runReleaseTests(dir, head, 10, py)).message).to.match(/^ReleaseTests: .*1 errors/);
    });
    describe("the deploy takes the review's result for the same tree and interpreter", () => {
        /** An interpreter that counts its runs of the suite (not its --version calls). */
        function countingPython(): { exe: string; runs: () => number; dirs: () => string[] } {
            const d = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-py-"));
            const exe = path.join(d, "python3");
            const log = path.join(d, "runs");
            fs.writeFileSync(exe, `#!/bin/sh\ncase "$*" in *pytest*) pwd >> ${log} ;; esac\nexec ${py} "$@"\n`, { mode: 0o755 });
            const dirs = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean) : []);
            return { exe, runs: () => dirs().length, dirs };
        }
        const record = (reuse: boolean) => ({ dir: fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-rec-")), reuse });

        it("a review always runs the suite; the deploy after it runs none and gets the same result", () => {
            const { dir, head } = repo();
            const p = countingPython();
            const rec = record(false);
            const atReview = runReleaseTests(dir, head, 10, p.exe, rec);
            const again = runReleaseTests(dir, head, 10, p.exe, rec);
            expect(p.runs(), "each review runs it").to.equal(2);
            const atDeploy = runReleaseTests(dir, head, 10, p.exe, { dir: rec.dir, reuse: true });
            expect(p.runs(), "the deploy took the review's result").to.equal(2);
            expect(atDeploy).to.deep.equal(atReview);
            expect(again).to.deep.equal(atReview);
        });
        it("runs again for another tree, another expected count, or another interpreter", () => {
            const { dir, head } = repo();
            const p = countingPython();
            const rec = record(false);
            runReleaseTests(dir, head, 10, p.exe, rec);
            const deploy = { dir: rec.dir, reuse: true };
            expect(refusal(() => runReleaseTests(dir, head, 11, p.exe, deploy)).message).to.match(/passed 10, release\.expectedTests is 11/);
            expect(p.runs()).to.equal(2);
            const other = countingPython();
            runReleaseTests(dir, head, 10, other.exe, deploy);
            expect(other.runs(), "another interpreter runs the suite").to.equal(1);
            fs.writeFileSync(path.join(dir, "tests", "test_more.py"), "def test_more():\n    assert True\n");
            git(dir, "add", "-A");
            git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "more");
            const next = git(dir, "rev-parse", "HEAD").trim();
            expect(runReleaseTests(dir, next, 11, p.exe, deploy).passed).to.equal(11);
            expect(p.runs(), "a new tree runs the suite").to.equal(3);
        });
        it("a review unpacks a new commit once: the source assertions and the suite share the clean copy, removed after", () => {
            const { dir, head } = repo();
            const p = countingPython();
            const copies = new CleanCopies();
            const tree = copies.dir(dir, head);
            try {
                inspectRelease(dir, head, undefined, copies);
                expect(copies.dir(dir, head), "the same copy").to.equal(tree);
                expect(runReleaseTests(dir, head, 10, p.exe, record(false), copies).passed).to.equal(10);
                expect(p.dirs().map((d) => fs.realpathSync(d))).to.deep.equal([fs.realpathSync(tree)]);
            } finally {
                copies.dispose();
            }
            expect(fs.existsSync(tree), "removed by dispose").to.equal(false);
            expect(git(dir, "status", "--porcelain", "--ignored")).to.equal("");
        });
        it("never keeps a failing result, and a tampered record is not taken", () => {
            const { dir, head } = repo({ "tests/test_broken.py": "def test_broken():\n    assert 1 == 2\n" });
            const p = countingPython();
            const rec = record(false);
            refusal(() => runReleaseTests(dir, head, 11, p.exe, rec));
            expect(fs.readdirSync(rec.dir)).to.deep.equal([]);
            // A record edited so that it no longer says "every expected test passed" is not taken.
            const good = repo();
            runReleaseTests(good.dir, good.head, 10, p.exe, rec);
            const [f] = fs.readdirSync(rec.dir);
            const kept = JSON.parse(fs.readFileSync(path.join(rec.dir, f), "utf8"));
            kept.result.passed = 9;
            fs.writeFileSync(path.join(rec.dir, f), JSON.stringify(kept));
            const before = p.runs();
            expect(runReleaseTests(good.dir, good.head, 10, p.exe, { dir: rec.dir, reuse: true }).passed).to.equal(10);
            expect(p.runs(), "a record that is not a pass of the expected count is ignored").to.equal(before + 1);
        });
    });
    it("refuses when the interpreter has no pytest", () => {
        const { dir, head } = repo();
        expect(refusal(() => runReleaseTests(dir, head, 10, "/nonexistent/python3")).message).to.match(/^ReleaseTests: cannot run \/nonexistent\/python3/);
    });
});

describe("rollback runbook from its owner (cutterConfig.rollbackRunbook)", () => {
    it("reads it from the release tree at the pinned commit", () => {
        const { dir, head } = repo();
        const rb = loadRunbook({ from: "release", path: "db/rollback_runbook.sql" }, dir, head);
        expect(rb.source).to.equal(`release:db/rollback_runbook.sql@${head}`);
        expect(rb.sha256).to.equal(sha256Hex(fs.readFileSync(path.join(FIXTURE, "db", "rollback_runbook.sql"), "utf8")));
    });
    it("reads the commit, not the work tree", () => {
        const { dir, head } = repo();
        fs.writeFileSync(path.join(dir, "db", "rollback_runbook.sql"), "UPDATE cutter.cuts SET state = 'reverted';\n");
        expect(loadRunbook({ from: "release", path: "db/rollback_runbook.sql" }, dir, head).text).to.contain("run_id");
    });
    it("refuses a path the release does not carry", () => {
        const { dir, head } = repo();
        expect(refusal(() => loadRunbook({ from: "release", path: "db/none.sql" }, dir, head)).message).to.match(/^RollbackRunbook: db\/none\.sql is not in the release tree/);
    });
    it("accepts an operator file with its pinned sha256 and refuses any other content", () => {
        const { dir, head } = repo();
        const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-rb-")), "rollback_runbook.sql");
        fs.writeFileSync(f, "BEGIN;\nUPDATE cutter.cuts SET state = 'reverted' WHERE run_id = :'run_id';\nCOMMIT;\n");
        const pin = sha256Hex(fs.readFileSync(f, "utf8"));
        expect(loadRunbook({ from: "file", path: f, sha256: pin }, dir, head)).to.include({ source: `file:${f}`, sha256: pin });
        fs.appendFileSync(f, "DELETE FROM cutter.cuts;\n");
        expect(refusal(() => loadRunbook({ from: "file", path: f, sha256: pin }, dir, head)).message).to.match(/^RollbackRunbook: .* has sha256 [0-9a-f]{64}, cutterConfig\.rollbackRunbook\.sha256 pins/);
    });
    it("refuses a runbook with no SQL statement", () => {
        const { dir, head } = repo({ "db/empty.sql": "-- nothing\nBEGIN;\nCOMMIT;\n" });
        expect(refusal(() => loadRunbook({ from: "release", path: "db/empty.sql" }, dir, head)).message).to.match(/holds no SQL statement/);
    });
});
