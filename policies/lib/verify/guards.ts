/**
 * A resource that declares `guard` is counted as that guard by the stack
 * policy, so its script must prove the claim, not only read:
 *
 * - HostIdentityGuard: unconditional checks, each failing the script, of the
 *   hostname against a literal (`[ "$(hostname)" = NAME ] || fail`), of two
 *   marker files (`[ -f PATH ] || fail`) and of the dot repo having no remote
 *   (`[ -z "$(git -C DIR remote)" ] || fail`), with nothing before them
 *   that can end the script successfully.
 * - PreStateAnchor: a comparison of host state with a pinned digest that
 *   fails the script on a mismatch (`[ "$(DIGEST)" = HEX ] || fail`, or
 *   `if … [ "$(DIGEST)" != HEX ]; then fail; fi`), where DIGEST is the pinned
 *   tree-digest helper, `sha256sum < FILE` or `git rev-parse HEAD`; a
 *   successful `exit` before it only inside an `if` that has itself compared
 *   a digest (the release already in place) or checked the journal's pinned
 *   pre-state (`grep -qx pre_tree=HEX JOURNAL || fail`).
 *
 * "fail" is a function of the script whose last command is `exit N` with
 * N > 0, or `exit N` itself. Anything the reader does not recognise counts
 * as not proving the claim (fail closed).
 */
import { createHash } from "crypto";
import { parseShell, ShNode } from "../parsers/shell";
import { under, wordLiteral as lit } from "./script";

const HEX64 = /^[0-9a-f]{64}$/;
const HEX40 = /^[0-9a-f]{40}$/;

function callWords(s: ShNode | undefined): ShNode[] | undefined {
    const c = s?.Cmd as ShNode | undefined;
    return c?.Type === "CallExpr" && ((c.Assigns ?? []) as ShNode[]).length === 0 ? (c.Args ?? []) as ShNode[] : undefined;
}

/** The statements of `"$(…)"`: a word that is exactly one double-quoted command substitution. */
function substOf(w: ShNode | undefined): ShNode[] | undefined {
    const parts = (w?.Parts ?? []) as ShNode[];
    if (parts.length !== 1 || parts[0].Type !== "DblQuoted") { return undefined; }
    const inner = (parts[0].Parts ?? []) as ShNode[];
    return inner.length === 1 && inner[0].Type === "CmdSubst" ? (inner[0].Stmts ?? []) as ShNode[] : undefined;
}

/** A pipeline's commands, left to right (a single command is a pipeline of one). */
function pipeline(s: ShNode): ShNode[] {
    const c = s.Cmd as ShNode | undefined;
    if (c?.Type === "BinaryCmd" && c.Op === "|") {
        return [...pipeline(c.X), ...pipeline(c.Y)];
    }
    return [s];
}

/** Where the state a PreStateAnchor compares must live: the live tree (tree digest), files and the dot repo under the deploy's roots. */
export interface AnchorPlaces { liveTree: string; roots: string[] }


class GuardReader {
    readonly failing = new Set<string>();
    readonly digestFns = new Set<string>();
    readonly bodies = new Map<string, ShNode>();

    constructor(stmts: ShNode[], treeDigestSha: string | undefined, readonly places: AnchorPlaces) {
        for (const s of stmts) {
            const c = s.Cmd as ShNode | undefined;
            if (c?.Type !== "FuncDecl") { continue; }
            const name = String(c.Name?.Value ?? "");
            this.bodies.set(name, c.Body);
            const body = (c.Body?.Cmd?.Stmts ?? []) as ShNode[];
            const last = callWords(body[body.length - 1]);
            if (last && lit(last[0]) === "exit" && /^[1-9][0-9]*$/.test(lit(last[1]) ?? "")) {
                this.failing.add(name);
            }
            // tree_digest() { python3 - "$1" <<'PY' (the pinned helper) PY }
            const only = body.length === 1 ? body[0] : undefined;
            const w = callWords(only);
            const here = ((only?.Redirs ?? []) as ShNode[]).find((r) => String(r.Op) === "<<");
            if (w && lit(w[0]) === "python3" && lit(w[1]) === "-" && w.length === 3 && here?.Hdoc && treeDigestSha
                && createHash("sha256").update(lit(here.Hdoc) ?? "").digest("hex") === treeDigestSha) {
                this.digestFns.add(name);
            }
        }
        // A name defined twice is neither (the later definition wins at run time).
        for (const name of [...this.failing, ...this.digestFns]) {
            if (stmts.filter((s) => (s.Cmd as ShNode | undefined)?.Type === "FuncDecl" && String(s.Cmd.Name?.Value) === name).length !== 1) {
                this.failing.delete(name);
                this.digestFns.delete(name);
            }
        }
    }

    /** `fail …` (a failing function) or `exit N`, N > 0. */
    fails(s: ShNode | undefined): boolean {
        const w = callWords(s);
        const head = lit(w?.[0]);
        return head !== undefined && (this.failing.has(head) || (head === "exit" && /^[1-9][0-9]*$/.test(lit(w?.[1]) ?? "")));
    }

    /** The text a digest producer prints, as a pipeline: the pinned tree digest, sha256sum of a file, git's HEAD. */
    isDigest(stmts: ShNode[] | undefined): boolean {
        if (!stmts || stmts.length !== 1) { return false; }
        const cmds = pipeline(stmts[0]).map((p) => ({ w: callWords(p), redirs: (p.Redirs ?? []) as ShNode[] }));
        if (cmds.some((c) => !c.w)) { return false; }
        const first = cmds[0].w!.map(lit);
        const cut = cmds.slice(1).every((c) => lit(c.w![0]) === "cut" && c.w!.slice(1).every((x) => lit(x) !== undefined));
        if (!cut) { return false; }
        // The pinned tree digest of the live tree itself.
        if (this.digestFns.has(first[0] ?? "") && first.length === 2 && first[1] === this.places.liveTree) { return true; }
        // sha256 of a file under the roots (a planted file elsewhere would prove nothing).
        const from = cmds[0].redirs.length === 1 && String(cmds[0].redirs[0].Op) === "<" ? lit(cmds[0].redirs[0].Word) : undefined;
        if (first[0] === "sha256sum" && first.length === 1 && from !== undefined && under(from, this.places.roots)) { return true; }
        // HEAD of a repository under the roots (the dot repo).
        const dir = first[0] === "git" ? first[first.indexOf("-C") + 1] : undefined;
        return first[0] === "git" && first.every((x) => x !== undefined) && first.indexOf("-C") > 0 && dir !== undefined && under(dir, this.places.roots)
            && first[first.length - 2] === "rev-parse" && first[first.length - 1] === "HEAD";
    }

    /** `[ "$(DIGEST)" OP HEX ]`: the comparison operator, or undefined. */
    digestTest(s: ShNode | undefined): "=" | "!=" | undefined {
        const w = callWords(s);
        if (!w || w.length !== 5 || lit(w[0]) !== "[" || lit(w[4]) !== "]") { return undefined; }
        const op = lit(w[2]);
        const v = lit(w[3]) ?? "";
        if ((op !== "=" && op !== "!=") || !(HEX64.test(v) || HEX40.test(v)) || !this.isDigest(substOf(w[1]))) { return undefined; }
        return op;
    }

    /** `A || fail` with A one of the given tests. */
    checkOf(s: ShNode, test: (x: ShNode) => boolean): boolean {
        const c = s.Cmd as ShNode | undefined;
        return c?.Type === "BinaryCmd" && c.Op === "||" && test(c.X) && this.fails(c.Y);
    }

    /** Every test of an && chain. */
    conjuncts(s: ShNode): ShNode[] {
        const c = s.Cmd as ShNode | undefined;
        return c?.Type === "BinaryCmd" && c.Op === "&&" ? [...this.conjuncts(c.X), ...this.conjuncts(c.Y)] : [s];
    }

    /** Whether a statement can end the script successfully: `exit` without a non-zero literal, `return`, anywhere inside, also in a function it calls. */
    canSucceed(n: unknown, depth = 0): boolean {
        if (!n || typeof n !== "object" || depth > 8) { return depth > 8; }
        const node = n as ShNode;
        if (node.Type === "CallExpr") {
            const w = (node.Args ?? []) as ShNode[];
            const head = lit(w[0]);
            if (head === "return" || (head === "exit" && !/^[1-9][0-9]*$/.test(lit(w[1]) ?? ""))) { return true; }
            const body = head !== undefined ? this.bodies.get(head) : undefined;
            if (body && this.canSucceed(body, depth + 1)) { return true; }
        }
        if (node.Type === "FuncDecl") { return false; }
        return Object.entries(node).some(([k, v]) => k !== "Type" && (Array.isArray(v) ? v.some((x) => this.canSucceed(x, depth)) : this.canSucceed(v, depth)));
    }
}

function hostnameTest(g: GuardReader, s: ShNode): boolean {
    const w = callWords(s);
    const sub = substOf(w?.[1]);
    const cmd = sub && sub.length === 1 ? callWords(sub[0]) : undefined;
    return !!w && w.length === 5 && lit(w[0]) === "[" && lit(w[2]) === "=" && !!lit(w[3]) && lit(w[4]) === "]"
        && !!cmd && cmd.length === 1 && lit(cmd[0]) === "hostname";
}

function fileTest(s: ShNode): string | undefined {
    const w = callWords(s);
    return w && w.length === 4 && lit(w[0]) === "[" && lit(w[1]) === "-f" && lit(w[3]) === "]" ? lit(w[2]) : undefined;
}

function noRemoteTest(s: ShNode): boolean {
    const w = callWords(s);
    const sub = substOf(w?.[2]);
    const cmd = sub && sub.length === 1 ? callWords(sub[0])?.map(lit) : undefined;
    return !!w && w.length === 4 && lit(w[0]) === "[" && lit(w[1]) === "-z" && lit(w[3]) === "]"
        && !!cmd && cmd.length === 4 && cmd[0] === "git" && cmd[1] === "-C" && !!cmd[2] && cmd[3] === "remote";
}

/** What a guard's script fails to prove for its kind; empty when it proves it. */
export function guardProblems(kind: "HostIdentityGuard" | "PreStateAnchor", script: string, treeDigestSha: string | undefined, places: AnchorPlaces): string[] {
    const parsed = parseShell(script);
    if ("error" in parsed) {
        return [`its script does not parse (${parsed.error})`];
    }
    const stmts = (parsed.ast.Stmts ?? []) as ShNode[];
    const g = new GuardReader(stmts, treeDigestSha, places);
    if (kind === "HostIdentityGuard") {
        const seen = { host: false, files: new Set<string>(), remote: false };
        for (const s of stmts) {
            if (seen.host && seen.files.size >= 2 && seen.remote) { break; }
            if (g.checkOf(s, (x) => hostnameTest(g, x))) { seen.host = true; continue; }
            if (g.checkOf(s, (x) => fileTest(x) !== undefined)) { seen.files.add(fileTest((s.Cmd as ShNode).X)!); continue; }
            if (g.checkOf(s, noRemoteTest)) { seen.remote = true; continue; }
            if (g.canSucceed(s)) {
                return ["it can exit successfully before checking the hostname, two marker files and the dot repo's remotes"];
            }
        }
        const missing = [
            ...(seen.host ? [] : ['the hostname against a literal ([ "$(hostname)" = NAME ] || fail)']),
            ...(seen.files.size >= 2 ? [] : ["two marker files ([ -f PATH ] || fail)"]),
            ...(seen.remote ? [] : ['the dot repo\'s remotes ([ -z "$(git -C DIR remote)" ] || fail)']),
        ];
        return missing.length > 0 ? [`it does not check ${missing.join(", ")}, each failing the script, before anything can end it`] : [];
    }
    for (const s of stmts) {
        if (g.checkOf(s, (x) => g.digestTest(x) === "=")) {
            return [];
        }
        const c = s.Cmd as ShNode | undefined;
        if (c?.Type === "IfClause" && !c.Else) {
            const cond = ((c.Cond ?? []) as ShNode[]).flatMap((x) => g.conjuncts(x));
            const then = (c.Then ?? []) as ShNode[];
            // if … [ "$(DIGEST)" != HEX ]; then fail …; fi: a conditional anchor.
            if (cond.some((x) => g.digestTest(x) === "!=") && then.length >= 1 && g.fails(then[then.length - 1]) && !then.some((x) => g.canSucceed(x))) {
                return [];
            }
            if (!g.canSucceed(s)) { continue; }
            // A successful exit only where a digest was compared (the release in place) or the journal's pre-state checked.
            const digestInCond = cond.some((x) => g.digestTest(x) === "=");
            const journal = then.some((x) => g.checkOf(x, (t) => {
                const w = callWords(t)?.map(lit);
                return !!w && w.length === 4 && w[0] === "grep" && w[1] === "-qx" && /^[a-z_]+=[0-9a-f]{64}$/.test(w[2] ?? "") && !!w[3];
            }) && then.indexOf(x) < then.findIndex((y) => g.canSucceed(y)));
            if (digestInCond || journal) { continue; }
        }
        if (g.canSucceed(s)) {
            return ["it can exit successfully before comparing host state with a pinned digest"];
        }
    }
    return [`it never compares host state with a pinned digest, failing on a mismatch ([ "$(tree_digest ${places.liveTree} | cut -d' ' -f1)" = SHA256 ] || fail; or sha256sum of a file, or git HEAD, under ${places.roots.join(", ")})`];
}
