import { commandPolicy, Concern, describe, Finding, gitSubcommandIndex } from "./lib/common";
import { CommandBearing } from "./lib/resources";
import { effectiveCommands, parseScript } from "./lib/shell";

export const DEFAULT_ALLOWED_ROOTS = ["/opt/incomex/dot", "/var/lib/cutter", "/opt/incomex/.iu-cutter-staging"];
const HARMLESS = /^\/dev\/(null|stdout|stderr|fd\/[0-9]+|tty)$/;
const OUTPUT_OPS = new Set([">", ">>", ">|", "&>", "&>>", "<>"]);
const GIT_WRITES = new Set(["add", "commit", "reset", "tag", "rm", "mv", "checkout", "switch", "merge", "rebase", "stash", "init", "clean",
    "restore", "apply", "am", "cherry-pick", "revert", "notes", "gc", "update-ref", "branch", "config", "pull", "fetch", "worktree", "submodule", "filter-branch", "replace"]);

function operands(a: string[], optsWithArg: string[] = []): string[] {
    const out: string[] = [];
    let endOpts = false;
    for (let i = 1; i < a.length; i++) {
        if (!endOpts && a[i] === "--") { endOpts = true; continue; }
        if (!endOpts && a[i].startsWith("-") && a[i] !== "-") {
            if (optsWithArg.includes(a[i])) { i++; }
            continue;
        }
        out.push(a[i]);
    }
    return out;
}

function optValue(a: string[], names: string[]): string | undefined {
    for (let i = 1; i < a.length; i++) {
        for (const n of names) {
            if (a[i] === n) { return a[i + 1]; }
            if (n.startsWith("--") && a[i].startsWith(n + "=")) { return a[i].slice(n.length + 1); }
            if (!n.startsWith("--") && a[i].startsWith(n) && a[i].length > n.length && !a[i].startsWith("--")) { return a[i].slice(n.length); }
        }
    }
    return undefined;
}

/** Paths a command writes to (best effort, but every common writer is known). */
export function writeTargets(a: string[], redirects: Array<{ op: string; target: string }>): string[] {
    const t: string[] = redirects.filter((r) => OUTPUT_OPS.has(r.op) && !/^&?[0-9-]+$/.test(r.target)).map((r) => r.target);
    const n = a[0];
    switch (n) {
        case "tee": t.push(...operands(a)); break;
        case "mv": {
            const dir = optValue(a, ["-t", "--target-directory"]);
            t.push(...operands(a, ["-t", "-S", "--suffix"]));
            if (dir) { t.push(dir); }
            break;
        }
        case "cp": case "ln": case "rsync": case "scp": {
            const dir = optValue(a, ["-t", "--target-directory"]);
            const ops = operands(a, ["-t", "-S", "--suffix", "-e", "--rsh"]);
            if (dir) { t.push(dir); } else if (ops.length > 0) { t.push(ops[ops.length - 1]); }
            break;
        }
        case "install": {
            const ops = operands(a, ["-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory", "-S", "--suffix"]);
            const dir = optValue(a, ["-t", "--target-directory"]);
            if (a.includes("-d") || a.includes("--directory") || a.some((x) => /^-[A-Za-z]*d[A-Za-z]*$/.test(x) && !x.startsWith("--"))) { t.push(...ops); } else if (dir) { t.push(dir); } else if (ops.length) { t.push(ops[ops.length - 1]); }
            break;
        }
        case "rm": case "rmdir": case "mkdir": case "touch": case "shred": case "unlink":
            t.push(...operands(a, ["-m", "--mode", "-d", "--date", "-r", "--reference", "-t"]));
            break;
        case "truncate": t.push(...operands(a, ["-s", "--size", "-r", "--reference"])); break;
        case "chmod": case "chown": case "chgrp": {
            const ops = operands(a, ["--reference"]);
            t.push(...(a.some((x) => x.startsWith("--reference")) ? ops : ops.slice(1)));
            break;
        }
        case "sed": case "perl":
            if (a.some((x) => /^-[A-Za-z]*i/.test(x) || x.startsWith("--in-place"))) {
                const ops = operands(a, ["-e", "--expression", "-f", "--file"]);
                t.push(...(a.some((x) => x === "-e" || x.startsWith("--expression") || x === "-f") ? ops : ops.slice(1)));
            }
            break;
        case "dd": { const of = a.find((x) => x.startsWith("of=")); if (of) { t.push(of.slice(3)); } break; }
        case "tar": {
            const extract = a.some((x) => /^-?[A-Za-z]*x/.test(x) && !x.startsWith("--") || x === "--extract" || x === "--get");
            const create = a.some((x) => /^-?[A-Za-z]*c/.test(x) && !x.startsWith("--") || x === "--create");
            if (extract) { t.push(optValue(a, ["-C", "--directory"]) ?? "."); }
            if (create) { const f = optValue(a, ["-f", "--file"]); if (f && f !== "-") { t.push(f); } }
            break;
        }
        case "curl": { const o = optValue(a, ["-o", "--output"]); if (o && o !== "-") { t.push(o); } break; }
        case "wget": { const o = optValue(a, ["-O", "--output-document"]); if (o && o !== "-") { t.push(o); } break; }
        case "unzip": t.push(optValue(a, ["-d"]) ?? "."); break;
        case "git": {
            const i = gitSubcommandIndex(a);
            if (GIT_WRITES.has(a[i]) && !(a[i] === "config" && a.slice(i + 1).some((x) => x === "--get" || x === "--list" || x === "-l" || x === "--get-all"))) {
                t.push(optValue(a, ["-C"]) ?? ".");
            }
            break;
        }
        default: break;
    }
    return t;
}

/** Resolves $VAR/${VAR} from simple assignments earlier in the script; keeps the literal prefix. */
function resolver(script: string): (s: string) => string {
    const vars = new Map<string, string>();
    for (const c of parseScript(script).commands) {
        const assigns = c.argv.length === 0 ? c.assignments : (["local", "declare", "readonly", "export"].includes(c.argv[0]) ? c.argv.slice(1) : []);
        for (const a of assigns) {
            const i = a.indexOf("=");
            if (i > 0) {
                vars.set(a.slice(0, i), a.slice(i + 1));
            }
        }
    }
    return (s: string) => {
        let out = s;
        for (let k = 0; k < 5 && /\$\{?[A-Za-z_]/.test(out); k++) {
            out = out.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a, b) => vars.get(a ?? b) ?? m);
        }
        const cut = out.search(/\$|`/);
        return cut < 0 ? out : out.slice(0, cut);
    };
}

function normalize(p: string): string {
    const parts: string[] = [];
    for (const seg of p.split("/")) {
        if (seg === "" || seg === ".") { continue; }
        if (seg === "..") { parts.pop(); continue; }
        parts.push(seg);
    }
    return "/" + parts.join("/");
}

export function under(p: string, roots: string[]): boolean {
    const n = normalize(p);
    return roots.some((r) => n === r || n.startsWith(r.endsWith("/") ? r : r + "/"));
}

export function writeRootFindings(cb: CommandBearing, roots: string[]): Finding[] {
    const out: Finding[] = [];
    if (cb.where === "remote") {
        for (const w of cb.declaredWrites ?? []) {
            if (!w.startsWith("/") || !under(w, roots)) {
                out.push({ action: `declares a write to ${w}, outside the allowed roots (${roots.join(", ")})` });
            }
        }
    }
    for (const s of cb.scripts) {
        const resolve = resolver(s.text);
        let cwd: string | undefined;
        for (const c of effectiveCommands(s.text).commands) {
            if (c.argv[0] === "cd") {
                const d = resolve(c.argv[1] ?? "");
                cwd = d.startsWith("/") ? normalize(d) : undefined;
                continue;
            }
            for (const raw of writeTargets(c.argv, c.source.redirects)) {
                if (HARMLESS.test(raw)) { continue; }
                if (cb.where === "local") {
                    if (!(c.argv[0] === "git" && c.argv[gitSubcommandIndex(c.argv)] === "tag")) {
                        out.push({ action: `writes ${raw} on the operator's machine: ${describe(c, s.field)} (local commands may only create a local git tag)` });
                    }
                    continue;
                }
                let p = resolve(raw);
                if (!p.startsWith("/")) {
                    if (cwd && p !== "" && !raw.startsWith("$")) { p = `${cwd}/${p}`; } else {
                        out.push({ action: `writes to ${raw || "(empty)"}, a path not known before it runs: ${describe(c, s.field)}` });
                        continue;
                    }
                }
                if (!under(p, roots)) {
                    out.push({ action: `writes to ${raw}${p !== raw ? ` (${p}…)` : ""}, outside the allowed roots (${roots.join(", ")}): ${describe(c, s.field)}` });
                }
            }
        }
    }
    return out;
}

export const writeRoots: Concern = {
    name: "writes-in-allowed-roots",
    description: "Commands on the host write only under the allowed roots: the dot repo, /var/lib/cutter and the staging dir.",
    rule: "target: /opt/incomex/dot/iu-cutter (vendored in the dot repo); config and dirs under /var/lib/cutter (GAP-5/6); nothing else on the production host changes",
    comply: "write only under the allowed roots, with paths spelled out in the command",
    configSchema: {
        properties: {
            allowedRoots: {
                type: "array",
                items: { type: "string", pattern: "^/(opt|var/lib|srv)/[^/]+(/[^/]+)*$" },
                minItems: 1,
                default: DEFAULT_ALLOWED_ROOTS,
            },
        },
    },
    check: (cb, config) => writeRootFindings(cb, Array.isArray(config.allowedRoots) ? config.allowedRoots as string[] : DEFAULT_ALLOWED_ROOTS),
};

export const writeRootsPolicy = commandPolicy(writeRoots);
