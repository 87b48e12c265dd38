/**
 * Test helpers around the sandbox host and the real Pulumi engine (through
 * the Automation API, local file backend). Every integration test starts from
 * a pristine host (resetHost) and its own stack.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { TREE_DIGEST } from "../../lib/scripts/helpers";
import { configureSandboxStack, readFacts, REPO_ROOT, SandboxFacts, SandboxStackOptions, stackFile } from "../../scripts/sandboxStack";

export { REPO_ROOT };

// The tests drive the engine through Stack.preview/up, whose event-log tailer
// (3.188) can tear a long line and then warns with the whole torn event (up to
// megabytes: the debug events carry every resource's inputs). The tests do not
// read events; keep the warning, one line long. The workflow reads its own
// event log (lib/workflow/operations.ts) and fails on a torn line instead.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
    const first = String(args[0] ?? "");
    if (first.includes("Failed to parse engine event")) {
        warn(`warning: the Automation API dropped a torn engine event (pulumi/pulumi#6768): ${first.replace(/\s+/g, " ").slice(0, 160)}…`);
        return;
    }
    warn(...args);
};
export const SB = process.env.IUCUTTER_SANDBOX_DIR ?? path.join(REPO_ROOT, ".sandbox");
export const POLICY_PACK = path.join(REPO_ROOT, "policies");

export function facts(): SandboxFacts {
    return readFacts();
}

export function run(cmd: string, args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}) {
    const r = spawnSync(cmd, args, { cwd: opts.cwd, input: opts.input, env: { ...process.env, ...opts.env }, encoding: "utf8", maxBuffer: 64 << 20 });
    return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

export function mustRun(cmd: string, args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): string {
    const r = run(cmd, args, opts);
    if (r.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
    }
    return r.stdout;
}

/** Back to the pristine sandbox host (v0.4, empty /var/lib/cutter, fresh DB). */
export function resetHost(): void {
    mustRun("bash", [path.join(REPO_ROOT, "sandbox", "reset-host.sh")]);
}

/** A host path as seen from the test machine ("/opt/incomex/dot" -> .sandbox/host/opt-incomex/dot). */
export function hostPath(p: string): string {
    const f = facts();
    for (const [prefix, dir] of Object.entries(f.hostDirs)) {
        if (p === prefix || p.startsWith(prefix + "/")) {
            return dir + p.slice(prefix.length);
        }
    }
    throw new Error(`${p} is not inside the sandbox host's private dirs`);
}

/** The canonical tree digest of a local directory, computed by the host's own Python snippet. */
export function treeDigest(dir: string): string {
    return mustRun("python3", ["-", dir], { input: TREE_DIGEST.text }).trim().split(" ")[0];
}

/**
 * Every entry under a local directory, as sorted lines: type, mode, and the
 * content sha256 (files), the target (symlinks) or nothing (directories,
 * including empty ones). Unlike the release digest, bytecode and
 * __pycache__ are included: this proves "no write", not "same release".
 */
export function fullTreeListing(root: string): string[] {
    const out: string[] = [];
    const walk = (dir: string, rel: string) => {
        for (const name of fs.readdirSync(dir).sort()) {
            const full = path.join(dir, name);
            const r = rel ? `${rel}/${name}` : name;
            const st = fs.lstatSync(full);
            const mode = (st.mode & 0o7777).toString(8).padStart(4, "0");
            if (st.isSymbolicLink()) {
                out.push(`l ${r} -> ${fs.readlinkSync(full)}`);
            } else if (st.isDirectory()) {
                out.push(`d ${mode} ${r}`);
                walk(full, r);
            } else if (st.isFile()) {
                out.push(`f ${mode} ${crypto.createHash("sha256").update(fs.readFileSync(full)).digest("hex")} ${r}`);
            } else {
                out.push(`? ${mode} ${r}`);
            }
        }
    };
    walk(root, "");
    return out;
}

/** A digest of everything the deploy could touch on the host (directories, modes, symlinks, bytecode): proves "no write". */
export function hostSnapshot(): string {
    const f = facts();
    const listing = (d: string) => crypto.createHash("sha256").update(fullTreeListing(d).join("\n")).digest("hex");
    const parts = [
        listing(f.hostDirs["/opt/incomex"]),
        listing(f.hostDirs["/var/lib/cutter"]),
        mustRun("git", ["-C", hostPath("/opt/incomex/dot"), "log", "--format=%H"]),
        mustRun("git", ["-C", f.sourceRepo, "tag", "-l"]),
    ];
    return parts.join("|");
}

export function shimCalls(): string[] {
    const f = facts();
    return fs.existsSync(f.shimLog) ? fs.readFileSync(f.shimLog, "utf8").split("\n").filter(Boolean) : [];
}

let counter = 0;

/**
 * A fresh stack pointed at the sandbox host; pinned to the host's current
 * state unless pin is false. Test stacks allow unreviewed runs (a plain
 * `up`), unless they are protected (signers) or set allowUnreviewedRuns.
 */
export async function newStack(label: string, opts: Omit<SandboxStackOptions, "root"> = {}): Promise<Stack> {
    const name = `sandbox-it-${label}-${process.pid}-${++counter}`;
    const overrides = opts.signers ? opts.overrides : { allowUnreviewedRuns: true, ...(opts.overrides ?? {}) };
    return configureSandboxStack(name, { ...opts, pin: opts.pin ?? true, overrides });
}

/** O6 on `o6`'s host is deployed: a fresh O7 stack pinned to that deploy (unreviewed runs allowed). */
export async function newO7Stack(label: string, opts: Omit<SandboxStackOptions, "root" | "o7"> = {}): Promise<Stack> {
    return newStack(label, { pinO7: true, ...opts, o7: true });
}

export async function removeStack(stack: Stack): Promise<void> {
    run("pulumi", ["stack", "rm", "--yes", "--force", "--stack", stack.name], { cwd: REPO_ROOT });
    const f = stackFile(stack.name);
    if (fs.existsSync(f)) {
        fs.rmSync(f);
    }
}

/** Merges one top-level config object key with changes (for overrides). */
export function withConfig(key: string, change: Record<string, unknown>): Record<string, unknown> {
    // Lazy: sandboxStack imports this module's facts.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sandboxConfig } = require("../../scripts/sandboxStack") as typeof import("../../scripts/sandboxStack");
    const base = sandboxConfig(facts()) as Record<string, Record<string, unknown>>;
    return { [key]: { ...base[key], ...change } };
}

/** Runs a promise that must fail; returns the error text. */
export async function failure(p: Promise<unknown>): Promise<string> {
    try {
        await p;
    } catch (e) {
        return String((e as Error).message ?? e);
    }
    throw new Error("expected a failure, but it succeeded");
}

export function tmpDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function workspaceFor(dir: string, stackName: string) {
    return LocalWorkspace.createOrSelectStack({ stackName, workDir: dir });
}

/** Commits a change to the sandbox's source repo; returns the new HEAD. */
export function commitToSource(files: Record<string, string | null>, message: string): string {
    const repo = facts().sourceRepo;
    for (const [rel, content] of Object.entries(files)) {
        const f = path.join(repo, rel);
        if (content === null) {
            fs.rmSync(f, { recursive: true, force: true });
        } else {
            fs.mkdirSync(path.dirname(f), { recursive: true });
            fs.writeFileSync(f, content);
        }
    }
    mustRun("git", ["-C", repo, "add", "-A"]);
    mustRun("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message]);
    return mustRun("git", ["-C", repo, "rev-parse", "HEAD"]).trim();
}

/**
 * Processes of this sandbox only, by argv: `host` ones run inside its mount
 * namespace (the sandbox's sshd sessions), `client` ones are this machine's
 * ssh clients to its port. Fault tests kill through this, so that sandboxes
 * of other checkouts running at the same time are never touched.
 */
export function sandboxPids(where: "host" | "client", match: (argv: string[]) => boolean): number[] {
    const nsOf = (pid: string) => { try { return fs.readlinkSync(`/proc/${pid}/ns/mnt`); } catch { return undefined; } };
    const ours = nsOf(fs.readFileSync(path.join(SB, "ns.pid"), "utf8").trim());
    const port = String(facts().sshPort);
    const out: number[] = [];
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
            const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
            const mine = where === "host"
                ? ours !== undefined && nsOf(pid) === ours
                : argv[0] === "ssh" && argv.some((a, i) => a === "-p" && argv[i + 1] === port);
            if (mine && match(argv)) {
                out.push(Number(pid));
            }
        } catch { /* gone */ }
    }
    return out;
}

/**
 * A hold point: a PROGRAM on the sessions' PATH (the sandbox's shims dir comes
 * first) that runs the real one and, when one of its arguments matches the
 * shell pattern ARG, marks itself held and waits until released. The deploy
 * script then stands still right after that command returned, so a kill lands
 * exactly there. Without it, a short step (the dot-repo commit is followed by
 * the ledger within milliseconds) is a race between the test's poll and the
 * script, which a loaded CI machine once lost. By default the held process
 * lets go of the script's descriptors (the deploy lock among them); with
 * keepLock it keeps fd 9, the deploy lock, as a process the script started
 * and outlived would (its other descriptors, the SSH channel among them, go).
 */
export interface Hold { program: string; arg: string; keepLock?: boolean }
export const HELD = () => path.join(SB, "log", "hold-reached");
const RELEASE = () => path.join(SB, "log", "hold-release");
let armed: string | undefined;
export function armHold(h: Hold): void {
    disarmHold();
    const real = ["/usr/bin", "/bin"].map((d) => path.join(d, h.program)).find((f) => fs.existsSync(f));
    if (!real) { throw new Error(`no ${h.program} in /usr/bin or /bin to hold`); }
    fs.writeFileSync(RELEASE(), "");
    armed = path.join(SB, "shims", h.program);
    fs.writeFileSync(armed, [
        "#!/bin/sh",
        "# Fault-injection shim (test/helpers/sandbox.ts armHold): the real program, then a wait at the hold point.",
        `${real} "$@"; rc=$?`,
        `for a in "$@"; do case "$a" in ${h.arg}) if [ $rc -eq 0 ] && [ -e '${RELEASE()}' ]; then`,
        `  exec </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&-${h.keepLock ? "" : " 9>&-"}`,
        `  : > '${HELD()}'`,
        `  while [ -e '${RELEASE()}' ]; do sleep 0.01; done`,
        "  break",
        "fi;; esac; done",
        "exit $rc",
        "",
    ].join("\n"), { mode: 0o755 });
}
export function disarmHold(): void {
    for (const f of [armed, HELD(), RELEASE()]) { if (f) { fs.rmSync(f, { force: true }); } }
    armed = undefined;
}

/**
 * The review package as a reviewer reads it, from what the program wrote in
 * `dir` (`review.json` at preview, `deployed.json` at up): review.md has one
 * writer, the workflow, which renders it the same way.
 */
export function reviewMarkdown(dir: string, which: "review" | "deployed" = "review"): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { renderMarkdown } = require("../../lib/workflow/review") as typeof import("../../lib/workflow/review");
    const data = JSON.parse(fs.readFileSync(path.join(dir, `${which}.json`), "utf8"));
    const manifestFile = path.join(dir, "manifest.txt");
    const manifest = fs.existsSync(manifestFile) ? fs.readFileSync(manifestFile, "utf8").split(/(?<=\n)/) : [];
    return renderMarkdown({ ...data, manifest });
}
