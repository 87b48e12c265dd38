/**
 * Reads one shell script completely, through mvdan/sh's syntax tree, and
 * verifies it against the reviewed vocabulary (./programs.ts). Whatever the
 * reader cannot follow is a finding: the pack passes only what it read.
 */
import * as path from "path";
import { parseShell, ShNode } from "../parsers/shell";
import { realCryptoAssignments, switchAssignments } from "./content";
import { Findings, PolicyName } from "./findings";
import { checkProgram } from "./programs";
import { concat, decodeAnsiC, dyn, hasGlob, HOLE, isStatic, lit, printfStatic, Provenance, show, text, Val } from "./words";

export interface Pins {
    provider: string;
    helpers: Record<string, { sha256: string; writesArgs: number[] }>;
}

export interface ScriptEnv {
    where: "remote" | "local";
    field: string;
    /** Declared write targets; undefined: the resource declares none (only the roots apply). */
    declaredWrites?: string[];
    /** A guard or a resource with `writes: []`: must be proven read-only. */
    readOnly: boolean;
    roots: string[];
    /** The live release tree: changes only through the atomic exchange. */
    liveTree: string;
    /** Working directory of a local command. */
    cwd?: string;
    pins: Pins;
    findings: Findings;
    /**
     * What the resource streams to the script's stdin: a file the pack read
     * completely (`stdinFile`), a secret it cannot read (`stdinSecret`), or
     * nothing. Undefined: nothing.
     */
    stdinData?: "archive" | "secret";
}

/** The statements whose output an if/for/while/case prints: every branch, condition and body. */
function compoundBodies(c: ShNode): ShNode[] {
    // An elif or else branch is an untyped node with Cond/Then/Else.
    if (c.Type === "IfClause" || c.Then !== undefined) {
        return [...(c.Cond ?? []), ...(c.Then ?? []), ...(c.Else ? compoundBodies(c.Else) : [])] as ShNode[];
    }
    if (c.Type === "CaseClause") {
        return ((c.Items ?? []) as ShNode[]).flatMap((i) => (i.Stmts ?? []) as ShNode[]);
    }
    return [...(c.Cond ?? []), ...(c.Do ?? [])] as ShNode[];
}

/** What a tool prints when it copies the resource's stdin secret. */
export const SECRET_STDIN: ProducedText = { kind: "unknown", why: "the resource's stdin secret, which the pack cannot read, copied as content" };

/**
 * Whether the run-time part v[i] stands at the end of its line after a
 * literal `KEY=` (or a pgpass line's `field:…:` prefix) that does not name
 * the switch.
 */
function keyValueAtLineEnd(v: Val, i: number, file: string): boolean {
    let before = "";
    for (let j = i - 1; j >= 0; j--) {
        const seg = v[j];
        if (seg.k !== "lit") { before = HOLE + before; break; }
        before = seg.s + before;
        if (seg.s.includes("\n")) { break; }
    }
    const line = before.slice(before.lastIndexOf("\n") + 1);
    const next = v[i + 1];
    const endsLine = next === undefined || (next.k === "lit" && next.s.startsWith("\n"));
    return /^[A-Za-z_][A-Za-z0-9_.]*=$|^[^\s=\0]+:$/.test(line) && endsLine && switchAssignments(`${line}True`, file).length === 0;
}

/** Paths that are the script's own stdin. */
export const STDIN_PATH = /^\/(dev\/stdin|dev\/fd\/0|proc\/(self|\d+|thread-self)\/fd\/0)$/;

/**
 * Whether a text tool reads its stdin (no file operand, `-`, or a path that
 * is stdin). Where option values and file names cannot be told apart, a
 * word with no `/` counts as not a file: it reads stdin.
 */
export function readsStdin(name: string, args: Arg[]): boolean {
    const operands = args.filter((a) => !(a.s ?? a.t).startsWith("-") || (a.s ?? "") === "-");
    const isStdin = (a: Arg) => a.s === "-" || STDIN_PATH.test(a.s ?? "") || STDIN_PATH.test((a.s ?? "").replace(/^[a-z]+=/, ""));
    if (args.some(isStdin)) {
        return true;
    }
    if (name === "tr") {
        return true;
    }
    if (["sed", "grep", "egrep", "fgrep", "awk"].includes(name)) {
        return operands.length < 2;
    }
    if (["cat", "head", "tail", "sort", "uniq", "cut", "tac", "nl", "rev", "base64", "base32", "xxd", "od", "fold", "fmt", "paste", "expand", "iconv", "gzip", "gunzip", "zcat", "dd", "sha256sum", "wc"].includes(name)) {
        return !operands.some((a) => (a.s ?? "").includes("/"));
    }
    return false;
}

type VarDef = { word: ShNode } | { prov: Provenance; src: string } | { val: Val[] };

/** What a command's stdin is, for programs that read code or content from it. */
export type Stdin =
    | { kind: "heredoc"; body: Val[]; quoted: boolean }
    | { kind: "pipe"; producer: ProducedText }
    | undefined;

/** Text a command prints: known literally, or host data, or unknown. */
export type ProducedText = { kind: "text"; vals: Val[] } | { kind: "host" } | { kind: "unknown"; why: string };

export interface Arg {
    /** The alternatives this word can take. */
    alts: Val[];
    /** The single literal value, if the word is static. */
    s?: string;
    /** For option parsing: the literal text, or a marker for a run-time part. */
    t: string;
}

export interface Call {
    name: string;
    args: Arg[];
    env: Record<string, Val[]>;
    stdin: Stdin;
    /** Where stdout goes, if into files (content checks). */
    stdoutFiles: string[];
    ctx: ScriptCtx;
}

const STD_BIN = ["/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];
const SAFE_DEVICES = /^\/dev\/(null|stdout|stderr|fd\/[12]|tty)$/;
/** The one GLIBC_TUNABLES value a script may give a command (git): the malloc trim threshold, a literal number of bytes. */
export const MALLOC_TRIM = /^glibc\.malloc\.trim_threshold=[0-9]{1,12}$/;
/** Environment names a script may set for a command or export. */
export const ENV_ALLOWED = new Set(["LC_ALL", "LANG", "TZ", "PYTHONDONTWRITEBYTECODE", "PGPASSFILE", "PGCONNECT_TIMEOUT", "TERM", "COLUMNS"]);
/** Shell variables that change how the shell or its children behave (an inherited one stays exported when reassigned). */
const SPECIAL_VAR = /^(PATH|IFS|ENV|BASH_ENV|CDPATH|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|GLOBIGNORE|HISTFILE|HOME|TMPDIR|LD_.*|GIT_.*|PYTHON.*|PERL.*|RUBY.*|NODE_.*|PG.*|BASH_.*|EXECUTION.*|.*EXECUTION_ENABLED.*|GLIBC_TUNABLES|GCONV_PATH|LOCPATH|NLSPATH|XDG_.*|MALLOC_.*|GNUPGHOME)$/i;

/**
 * A temp file the script creates with `mktemp TEMPLATE` (a fresh 0600 file,
 * never a predictable path): the literal template, in /tmp, named
 * iucutter-NAME with ten X. The resource declares the template in `writes`.
 */
export const MKTEMP_TEMPLATE = /^\/tmp\/iucutter-[a-z0-9-]+\.X{10}$/;

export class ScriptCtx {
    readonly vars = new Map<string, VarDef[]>();
    readonly funcs = new Map<string, ShNode>();
    readonly resolvedWrites: string[] = [];
    /** Templates this script ran `mktemp` on (their files are the script's own). */
    readonly mktemps = new Set<string>();
    /** Paths an EXIT trap of this script removes. */
    readonly exitTrapRemoves = new Set<string>();
    private readonly resolving = new Set<string>();
    private positional: Val[][][] = [];
    /** The working directory as far as the reader can tell (a literal `cd`), else undefined. */
    cwd: string | undefined;
    private depth = 0;

    constructor(readonly env: ScriptEnv) {
        this.cwd = env.cwd;
    }

    /**
     * `exec >FILE` (or `N>FILE`) sends everything the rest of the script
     * prints (or writes to fd N) into FILE, which no reading of one command
     * can check: only a log or a lock file may take it.
     */
    private execRedirects(rs: ShNode[]): void {
        for (const r of rs) {
            const op = String(r.Op);
            if (![">", ">>", ">|", "&>", "&>>", "<>"].includes(op)) {
                continue;
            }
            const target = wordLiteral(r.Word);
            if (target === undefined || !(/\.(log|lock)$/.test(target) || SAFE_DEVICES.test(target))) {
                this.find("kill-switch-stays-off", `exec ${r.N?.Value ?? ""}${op}${target ?? show(this.word(r.Word)[0] ?? [])} sends the rest of the script's output into a file no single command's reading covers`,
                    "redirect each command's output where it is written; exec may send output only to a .log or .lock file");
            }
        }
    }

    /** What statements print into a redirect: their text, or the stdin secret when one of them reads it (their stdin being the resource's). */
    private printedBy(stmts: ShNode[], input: Stdin): ProducedText {
        return input === undefined && this.secretReader(stmts) ? SECRET_STDIN : this.producedList(stmts);
    }

    /** A tool reading the script's own stdin while that stdin is the resource's secret. */
    readsSecret(name: string, args: Arg[]): boolean {
        return this.env.stdinData === "secret" && readsStdin(name, args);
    }

    /** Some statement (simple, in a pipeline's first stage, nested in a group or a function it calls) reads the inherited stdin while it is the resource's secret. */
    secretReader(stmts: ShNode[], depth = 0): boolean {
        if (this.env.stdinData !== "secret") {
            return false;
        }
        if (depth > 6) {
            return true;
        }
        return stmts.some((st) => {
            if (((st.Redirs ?? []) as ShNode[]).some((r) => ["<", "<<", "<<-", "<<<"].includes(String(r.Op)))) {
                return false;
            }
            const c = st.Cmd as ShNode | undefined;
            if (!c) { return false; }
            if (c.Type === "BinaryCmd") { return this.secretReader(c.Op === "|" || c.Op === "|&" ? [c.X] : [c.X, c.Y], depth + 1); }
            if (c.Type === "Block" || c.Type === "Subshell") { return this.secretReader(c.Stmts ?? [], depth + 1); }
            if (["IfClause", "ForClause", "WhileClause", "CaseClause"].includes(String(c.Type))) { return this.secretReader(compoundBodies(c), depth + 1); }
            if (c.Type !== "CallExpr") { return false; }
            const words = (c.Args ?? []) as ShNode[];
            const fn = this.funcs.get(wordLiteral(words[0]) ?? "");
            if (fn) { return this.secretReader([fn], depth + 1); }
            const name = path.posix.basename(wordLiteral(words[0]) ?? "");
            const args = words.slice(1).map((w) => { const t = wordLiteral(w); return { alts: [], s: t, t: t ?? HOLE } as Arg; });
            return readsStdin(name, args);
        });
    }

    find(policy: PolicyName, action: string, instead?: string): void {
        this.env.findings.add(policy, `${action} (${this.env.field})`, instead);
    }

    // ---- entry -------------------------------------------------------------

    /** Parses and verifies a whole script. */
    run(script: string): void {
        const p = parseShell(script);
        if ("error" in p) {
            this.find("commands-are-readable", `the script does not parse as bash: ${p.error}`, "write plain, complete bash");
            return;
        }
        this.collect(p.ast);
        this.stmts(p.ast.Stmts ?? []);
    }

    /** A nested literal script (`bash -c '...'`, `trap '...'`): same context. */
    runNested(script: string, how: string): void {
        if (++this.depth > 6) {
            this.find("commands-are-readable", `${how} nested too deep to read`);
            return;
        }
        const p = parseShell(script);
        if ("error" in p) {
            this.find("commands-are-readable", `${how}: the script does not parse: ${p.error}`);
        } else {
            this.collect(p.ast);
            this.stmts(p.ast.Stmts ?? []);
        }
        this.depth--;
    }

    // ---- pre-pass: every assignment and function in the script ------------

    private addVar(name: string, d: VarDef): void {
        const l = this.vars.get(name) ?? [];
        l.push(d);
        this.vars.set(name, l);
    }

    private collect(node: unknown): void {
        if (Array.isArray(node)) {
            node.forEach((n) => this.collect(n));
            return;
        }
        if (!node || typeof node !== "object") {
            return;
        }
        const n = node as ShNode;
        switch (n.Type) {
            case "CallExpr": {
                for (const a of n.Assigns ?? []) {
                    this.addVar(a.Name?.Value ?? "", a.Value ? { word: a.Value } : { val: [lit("")] });
                }
                const words = (n.Args ?? []) as ShNode[];
                const name = wordLiteral(words[0]);
                if (name === "read") {
                    for (const w of words.slice(1)) {
                        const s = wordLiteral(w);
                        if (s && !s.startsWith("-")) { this.addVar(s, { prov: "read", src: `$${s}` }); }
                    }
                }
                if (name === "printf") {
                    const vi = words.findIndex((w) => wordLiteral(w) === "-v");
                    const v = vi > 0 ? wordLiteral(words[vi + 1]) : undefined;
                    if (v) { this.addVar(v, { prov: "author", src: `printf -v ${v}` }); }
                }
                break;
            }
            case "DeclClause":
                for (const a of n.Args ?? []) {
                    if (a.Name?.Value) {
                        this.addVar(a.Name.Value, a.Value ? { word: a.Value } : { val: [lit("")] });
                    }
                }
                break;
            case "ForClause":
                if (n.Loop?.Type === "WordIter" && n.Loop.Name?.Value) {
                    for (const w of n.Loop.Items ?? []) {
                        this.addVar(n.Loop.Name.Value, { word: w });
                    }
                }
                break;
            case "FuncDecl":
                if (n.Name?.Value) {
                    if (this.funcs.has(n.Name.Value)) {
                        this.find("commands-are-readable", `function ${n.Name.Value} is defined twice`, "define each function once");
                    }
                    this.funcs.set(n.Name.Value, n.Body);
                }
                break;
            default:
                break;
        }
        for (const [k, v] of Object.entries(n)) {
            if (k !== "Type" && v && typeof v === "object") {
                this.collect(v);
            }
        }
    }

    // ---- statements --------------------------------------------------------

    stmts(list: ShNode[], stdin?: Stdin): void {
        for (const s of list) {
            this.stmt(s, stdin);
        }
    }

    private stmt(s: ShNode, stdin?: Stdin): void {
        if (s.Background) {
            this.find("commands-are-readable", "a command runs in the background (&)", "run it in the foreground");
        }
        if (s.Coprocess) {
            this.find("commands-are-readable", "a coprocess", "run the command directly");
        }
        const r = this.redirects((s.Redirs ?? []) as ShNode[]);
        const cmd = s.Cmd as ShNode | undefined;
        const input = r.stdin ?? stdin;
        if (!cmd) {
            return;
        }
        switch (cmd.Type) {
            case "CallExpr":
                if (((cmd.Args ?? []) as ShNode[]).length === 1 && wordLiteral((cmd.Args ?? [])[0]) === "exec") {
                    this.execRedirects((s.Redirs ?? []) as ShNode[]);
                }
                this.call(cmd, input, r.outFiles);
                break;
            case "BinaryCmd":
                if (cmd.Op === "|" || cmd.Op === "|&") {
                    this.stmt(cmd.X, input);
                    this.stmt(cmd.Y, { kind: "pipe", producer: this.printedBy([cmd.X], input) });
                } else {
                    this.stmt(cmd.X, input);
                    this.stmt(cmd.Y, input);
                }
                break;
            case "IfClause":
                this.ifClause(cmd, input);
                break;
            case "Block":
            case "Subshell": {
                const saved = this.cwd;
                this.stmts(cmd.Stmts ?? [], input);
                if (cmd.Type === "Subshell") {
                    this.cwd = saved;
                }
                if (r.outFiles.length > 0) {
                    this.contentTo(r.outFiles, this.printedBy(cmd.Stmts ?? [], input));
                }
                break;
            }
            case "ForClause":
                if (cmd.Loop?.Type !== "WordIter") {
                    this.find("commands-are-readable", "a C-style for loop", "loop over literal words: for x in a b c");
                }
                for (const w of cmd.Loop?.Items ?? []) {
                    this.word(w);
                }
                this.stmts(cmd.Do ?? [], input);
                break;
            case "FuncDecl":
                // read at each call, with that call's arguments
                break;
            case "DeclClause":
                this.decl(cmd);
                break;
            case "WhileClause":
                this.stmts(cmd.Cond ?? [], input);
                this.stmts(cmd.Do ?? [], input);
                break;
            case "CaseClause":
                this.word(cmd.Word);
                for (const item of (cmd.Items ?? []) as ShNode[]) {
                    for (const pat of (item.Patterns ?? []) as ShNode[]) {
                        this.word(pat, true);
                    }
                    this.stmts(item.Stmts ?? [], input);
                }
                break;
            case "TestClause":
                this.testExpr(cmd.X);
                break;
            default:
                this.find("commands-are-readable", `${describeNode(cmd.Type)} is outside the syntax the pack reads`,
                    "use if/for, [ ... ] and plain commands");
        }
        // An if, for, while or case whose output goes to a file writes what its bodies print.
        if (r.outFiles.length > 0 && ["IfClause", "ForClause", "WhileClause", "CaseClause"].includes(String(cmd.Type))) {
            this.contentTo(r.outFiles, this.printedBy(compoundBodies(cmd), input));
        }
    }

    /** [[ ... ]]: string and file tests are data; arithmetic comparisons evaluate their operands as code. */
    private testExpr(x: ShNode | undefined): void {
        if (!x) {
            return;
        }
        if (x.Type === "BinaryTest") {
            if (["-eq", "-ne", "-lt", "-le", "-gt", "-ge"].includes(String(x.Op))) {
                for (const side of [x.X, x.Y]) {
                    const v = side?.Type === "Word" ? wordLiteral(side) : undefined;
                    if (v === undefined || !/^-?\d+$/.test(v)) {
                        this.find("commands-are-readable", `[[ ... ${x.Op} ... ]] evaluates a run-time value as arithmetic (which can run commands)`,
                            `use [ "$x" ${x.Op} N ] (test compares integers without evaluating them)`);
                    }
                }
                return;
            }
            this.testExpr(x.X);
            this.testExpr(x.Y);
            return;
        }
        if (x.Type === "UnaryTest" || x.Type === "ParenTest") {
            if (x.Op === "-v" || x.Op === "-R") {
                this.find("commands-are-readable", `[[ ${x.Op} ... ]] evaluates a name`, "use [ -n \"$x\" ]");
            }
            this.testExpr(x.X);
            return;
        }
        if (x.Type === "Word") {
            this.word(x, true);
            return;
        }
        this.find("commands-are-readable", `${describeNode(x.Type)} inside [[ ... ]]`, "use [ ... ]");
    }

    private ifClause(c: ShNode, stdin: Stdin): void {
        this.stmts(c.Cond ?? [], stdin);
        this.stmts(c.Then ?? [], stdin);
        if (c.Else) {
            this.ifClause(c.Else, stdin);
        }
    }

    private decl(c: ShNode): void {
        const variant = c.Variant?.Value ?? "";
        if (!["local", "export", "readonly"].includes(variant)) {
            this.find("commands-are-readable", `${variant} is outside the vocabulary`, "use local, export or plain assignments");
        }
        for (const a of c.Args ?? []) {
            if (!a.Name?.Value) {
                this.find("commands-are-readable", `${variant} with an option or a computed name`, `write ${variant} NAME=value`);
                continue;
            }
            this.assignName(a.Name.Value, variant === "export");
            if (a.Value) {
                this.word(a.Value);
            }
        }
    }

    private assignName(name: string, exported: boolean): void {
        if (/execution[_-]?enabled/i.test(name)) {
            this.find("kill-switch-stays-off", `sets ${name}`, "never set the kill switch; execution_enabled stays False");
        } else if (SPECIAL_VAR.test(name) && !(exported && ENV_ALLOWED.has(name))) {
            this.find("commands-are-readable", `sets ${name}, which changes how the shell or the programs it runs behave`,
                "do not set it; the programs run with the host's defaults");
        } else if (exported && !ENV_ALLOWED.has(name)) {
            this.find("commands-are-readable", `exports ${name} to every program the script runs`,
                `export only ${[...ENV_ALLOWED].join(", ")}`);
        }
    }

    // ---- redirects ---------------------------------------------------------

    private redirects(rs: ShNode[]): { stdin?: Stdin; outFiles: string[] } {
        let stdin: Stdin;
        const outFiles: string[] = [];
        for (const r of rs) {
            const op = String(r.Op);
            if (op === "<<" || op === "<<-") {
                const quoted = (r.Word?.Parts ?? []).some((p: ShNode) => p.Type !== "Lit") || /\\/.test(wordLiteral(r.Word) ?? "");
                stdin = { kind: "heredoc", body: r.Hdoc ? this.word(r.Hdoc, true) : [lit("")], quoted };
                continue;
            }
            if (op === "<<<") {
                stdin = { kind: "heredoc", body: this.word(r.Word).map((v) => [...v, { k: "lit", s: "\n" }]), quoted: true };
                continue;
            }
            const target = this.word(r.Word);
            if (op === "<") {
                const t = target.length === 1 && isStatic(target[0]) ? text(target[0]) : undefined;
                if (t === undefined || /^\/dev\/(tcp|udp)\//.test(t)) {
                    // bash opens a network connection for /dev/tcp/HOST/PORT (and a run-time path could be one).
                    this.find("no-push-or-remote", `an input redirect from ${t ?? show(target[0] ?? [])}, ${t === undefined ? "a path built at run time (bash opens /dev/tcp/HOST/PORT as a connection)" : "a network connection"}`,
                        "read only literal files on the host");
                }
                continue; // a read
            }
            if (op === ">&" || op === "<&") {
                const t = target.length === 1 && isStatic(target[0]) ? text(target[0]) : undefined;
                if (t !== undefined && /^(\d+|-)$/.test(t)) {
                    continue; // fd duplication or close
                }
                if (op === "<&") {
                    this.find("commands-are-readable", `an input redirect <& to ${show(target[0])}`, "use < FILE");
                    continue;
                }
            }
            if ([">", ">>", ">|", "&>", "&>>", "<>", ">&"].includes(op)) {
                for (const f of this.writeTarget(target, `redirect ${op}`)) {
                    outFiles.push(f);
                }
                continue;
            }
            this.find("commands-are-readable", `the redirect ${op}`, "use >, >>, < or a heredoc");
        }
        return { stdin, outFiles };
    }

    // ---- write targets -------------------------------------------------------

    /** Checks a written path; returns the resolved paths (for content checks). */
    writeTarget(alts: Val[], how: string): string[] {
        const out: string[] = [];
        for (const v of alts) {
            const shown = show(v);
            if (v.some((s) => s.k === "dyn" && s.prov !== "token")) {
                this.find("writes-in-allowed-roots", `${how} writes to ${shown}, a path built at run time`,
                    "write the path literally, or assign it once from literals");
                continue;
            }
            if (hasGlob(v)) {
                this.find("writes-in-allowed-roots", `${how} writes to ${shown}, a glob pattern`, "name each file literally");
                continue;
            }
            const raw = text(v, "T");
            if (SAFE_DEVICES.test(raw)) {
                continue;
            }
            if (!raw.startsWith("/")) {
                this.find("writes-in-allowed-roots", `${how} writes to the relative path ${shown}`, "write an absolute path");
                continue;
            }
            if (raw.split("/").some((s) => s === ".." || s === ".")) {
                this.find("writes-in-allowed-roots", `${how} writes to ${shown}, a path with . or ..`, "write the normalized absolute path");
                continue;
            }
            const p = path.posix.normalize(raw).replace(/\/+$/, "") || "/";
            out.push(p);
            this.resolvedWrites.push(p);
            this.checkWritePath(p, shown, how);
        }
        return out;
    }

    checkWritePath(p: string, shown: string, how: string, viaGit = false): void {
        const e = this.env;
        if (e.readOnly) {
            this.find("writes-in-allowed-roots", `${how} writes to ${shown}, but the resource is declared read-only (a guard, or writes: [])`,
                "a guard must only read; move the write to a resource that declares it");
            return;
        }
        if (MKTEMP_TEMPLATE.test(p)) {
            // A temp file outside the roots: only the one mktemp made, declared by its template.
            if (!this.mktemps.has(p)) {
                this.find("writes-in-allowed-roots", `${how} writes to ${shown}, a mktemp template path the script did not create with mktemp (a predictable /tmp path)`,
                    `v="$(mktemp ${p})" and write to "$v"`);
            } else if (!e.declaredWrites || !e.declaredWrites.includes(p)) {
                this.find("writes-in-allowed-roots", `${how} writes to the temp file ${shown}, which the resource does not declare in writes`,
                    `declare the mktemp template ${p} in the resource's writes`);
            }
            return;
        }
        if (!within(p, e.roots)) {
            this.find("writes-in-allowed-roots", `${how} writes to ${shown}, outside the allowed roots (${e.roots.join(", ")})`,
                "write only under the allowed roots");
            return;
        }
        if (e.declaredWrites && !within(p, e.declaredWrites)) {
            this.find("writes-in-allowed-roots", `${how} writes to ${shown}, which the resource does not declare in writes`,
                "declare every write target in the resource's writes");
        }
        if (!viaGit && p.split("/").includes(".git")) {
            this.find("no-push-or-remote", `${how} writes git metadata directly (${shown})`,
                "change a repository only with git add/commit/tag (config, hooks and remotes are never written)");
        }
        if (/\.py[cw]?$/.test(p)) {
            this.find("kill-switch-stays-off", `${how} writes the Python file ${shown}`,
                "Python code reaches the host only as the reviewed release archive");
        }
        // Only the pinned exchange helper may write the live tree (the atomic swap); every other helper's write target is checked like any command's.
        if (within(p, [e.liveTree]) && how !== "helper exchange.py") {
            this.find("kill-switch-stays-off", `${how} writes into the live release tree (${shown})`,
                "the live tree changes only by the atomic exchange of the verified staged release");
        }
    }

    /** Content written into files: the kill switch by meaning. */
    contentTo(files: string[], produced: ProducedText): void {
        if (files.length === 0) {
            return;
        }
        if (produced.kind === "unknown") {
            this.find("kill-switch-stays-off", `writes content that cannot be read at preview into ${files.join(", ")}: ${produced.why}`,
                "write the content literally (a quoted heredoc), with run-time values only after KEY=");
            return;
        }
        if (produced.kind === "host") {
            // Text of the host's own (a file, git's history, a tool's output) cannot be read at preview: a log or a lock may hold it, nothing else.
            const notLogs = files.filter((f) => !/\.(log|lock)$/.test(f));
            if (notLogs.length > 0) {
                this.find("kill-switch-stays-off", `writes text read from the host (which the pack cannot see at preview) into ${notLogs.join(", ")}`,
                    "write the content literally, or host values only inside literal lines (printf 'KEY=%s\\n' \"$(...)\"); only a .log or .lock file may take a command's whole output");
            }
            return;
        }
        for (const v of produced.vals) {
            for (const f of files) {
                for (const line of switchAssignments(text(v), f)) {
                    this.find("kill-switch-stays-off", `writes "${line}" into ${f}`, "execution_enabled may only ever be written as false");
                }
            }
            for (const line of realCryptoAssignments(text(v))) {
                this.find("no-real-crypto", `writes "${line}" into ${files.join(", ")}`, "StubSigning stays the signing provider until O10");
            }
            const holes = v.filter((s) => s.k === "dyn") as Array<{ k: "dyn"; src: string; prov: Provenance }>;
            for (const h of holes) {
                if (h.prov === "author" || h.prov === "unknown") {
                    this.find("kill-switch-stays-off", `writes ${h.src} into ${files.join(", ")}: text built at run time`,
                        "write the content literally; run-time values may only come from read or from host data");
                }
            }
            // Host values inside literal lines: whatever they turn out to be (the switch's name, a true value),
            // the line must not become a switch assignment.
            if (v.some((x) => x.k === "dyn" && x.prov !== "author" && x.prov !== "unknown")) {
                const as = (w: string) => v.map((x) => (x.k === "lit" ? x.s : w)).join("");
                for (const f of files) {
                    const lines = [...switchAssignments(as("execution_enabled"), f), ...switchAssignments(as("True"), f)];
                    if (lines.length > 0) {
                        this.find("kill-switch-stays-off", `writes a line into ${f} that a run-time value can turn into a kill-switch assignment (${lines[0]})`,
                            "keep run-time values out of lines that name or assign execution_enabled");
                    }
                }
            }
            // A line read from stdin (a secret the pack cannot see) may only be the value of a key the script
            // names literally: `KEY=$VALUE` or a pgpass line's last field, alone at the end of its line.
            for (let i = 0; i < v.length; i++) {
                const h = v[i];
                if (h.k === "dyn" && h.prov === "read" && !keyValueAtLineEnd(v, i, files[0] ?? "")) {
                    this.find("kill-switch-stays-off", `writes ${h.src} (a line read from stdin, which the pack cannot see) into ${files.join(", ")} other than as the value of a literal KEY=`,
                        "write secrets only as KEY=$VALUE at the end of a line (printf 'KEY=%s\\n' \"$VALUE\")");
                }
            }
        }
    }

    // ---- words ---------------------------------------------------------------

    /** Evaluates a word to its alternatives; command substitutions inside it are verified as commands. */
    word(w: ShNode | undefined, inHeredoc = false): Val[] {
        if (!w) {
            return [lit("")];
        }
        const parts = (w.Parts ?? []) as ShNode[];
        return concat(parts.map((p) => this.part(p, false, inHeredoc)));
    }

    private part(p: ShNode, quoted: boolean, inHeredoc: boolean): Val[] {
        switch (p.Type) {
            case "Lit": {
                const s = String(p.Value ?? "");
                if (!quoted && !inHeredoc) {
                    if (/\{[^{}]*(,|\.\.)[^{}]*\}/.test(s)) {
                        this.find("commands-are-readable", `brace expansion in ${s}`, "write each word out");
                    }
                    if (/^~/.test(s)) {
                        return [dyn(s, "unknown")];
                    }
                    if (/[*?]/.test(s) || /\[[^\]]*\]/.test(s)) {
                        return [[{ k: "lit", s, glob: true }]];
                    }
                }
                return [lit(s)];
            }
            case "SglQuoted":
                return [lit(p.Dollar ? decodeAnsiC(String(p.Value ?? "")) : String(p.Value ?? ""))];
            case "DblQuoted":
                if (p.Dollar === true) {
                    this.find("commands-are-readable", "a $\"...\" (locale-translated) string", "use plain double quotes");
                }
                return concat(((p.Parts ?? []) as ShNode[]).map((x) => this.part(x, true, inHeredoc)));
            case "ParamExp":
                return this.param(p);
            case "ProcSubst": {
                if (p.Op !== "<(") {
                    this.find("commands-are-readable", "output process substitution >(...) (writes into a command)", "pipe into the command instead");
                    return [dyn(">(...)", "unknown")];
                }
                const saved = this.cwd;
                this.stmts((p.Stmts ?? []) as ShNode[]);
                this.cwd = saved;
                return [dyn("<(...)", "host")];
            }
            case "CmdSubst": {
                const stmts = (p.Stmts ?? []) as ShNode[];
                const saved = this.cwd;
                this.stmts(stmts);
                this.cwd = saved;
                return this.substValue(stmts);
            }
            default:
                this.find("commands-are-readable", `${describeNode(p.Type)} in a word`, "write the value literally");
                return [dyn(`(${p.Type})`, "unknown")];
        }
    }

    private param(p: ShNode): Val[] {
        const name = String(p.Param?.Value ?? "");
        const ops = ["Excl", "Length", "Width", "Index", "Slice", "Repl", "Names", "Exp"].filter((k) => p[k]);
        if (ops.length > 0) {
            this.find("commands-are-readable", `\${${name}...} with an operator (${ops.join(", ")})`, `use plain "$${name}"`);
            return [dyn(`\${${name}...}`, "unknown")];
        }
        if (/^[1-9]$/.test(name)) {
            const frame = this.positional[this.positional.length - 1];
            return frame?.[Number(name) - 1] ?? [dyn(`$${name}`, "unknown")];
        }
        if (/^[?#$!*@0-]$/.test(name)) {
            if ((name === "*" || name === "@") && this.positional.length > 0) {
                const frame = this.positional[this.positional.length - 1];
                const alts = frame.map((a) => a);
                return alts.length === 0 ? [lit("")] : concat(alts.flatMap((a, i) => (i === 0 ? [a] : [[lit(" ")], a])));
            }
            return [dyn(`$${name}`, "host")];
        }
        return this.resolveVar(name);
    }

    private resolveVar(name: string): Val[] {
        const defs = this.vars.get(name);
        if (!defs || defs.length === 0) {
            return [dyn(`$${name}`, "unknown")];
        }
        if (this.resolving.has(name)) {
            return [dyn(`$${name}`, "unknown")];
        }
        this.resolving.add(name);
        const out: Val[] = [];
        const saved = this.env.findings.list.length;
        for (const d of defs) {
            if ("word" in d) {
                out.push(...this.word(d.word));
            } else if ("val" in d) {
                out.push(...d.val);
            } else {
                out.push(dyn(d.src, d.prov));
            }
        }
        // Findings while re-reading an assignment were already reported where it stands.
        this.env.findings.list.length = saved;
        this.resolving.delete(name);
        return out.length > 16 ? [dyn(`$${name}`, "unknown")] : out;
    }

    /** The value of $(...): literal when it only prints literals, else classified by provenance. */
    private substValue(stmts: ShNode[]): Val[] {
        const tmp = mktempTemplate(stmts);
        if (tmp !== undefined) {
            // $(mktemp T) is the temp file T stands for: writes to it are checked against T.
            return [lit(tmp)];
        }
        const p = this.producedList(stmts);
        if (p.kind === "text") {
            return p.vals.map((v) => stripTrailingNewlines(v));
        }
        if (p.kind === "host") {
            const src = "$(" + stmts.map((s) => nodeWords(s.Cmd).join(" ")).join("; ").slice(0, 40) + ")";
            return [dyn(src, dateToken(stmts) ? "token" : "host")];
        }
        return [dyn("$(" + stmts.map((s) => nodeWords(s.Cmd).join(" ")).join("; ").slice(0, 40) + ")", "author")];
    }

    // ---- what commands print -------------------------------------------------

    producedList(stmts: ShNode[]): ProducedText {
        const parts: ProducedText[] = stmts.map((s) => this.produced(s));
        if (parts.some((p) => p.kind === "unknown")) {
            return parts.find((p) => p.kind === "unknown")!;
        }
        const texts = parts.filter((p) => p.kind === "text") as Array<{ kind: "text"; vals: Val[] }>;
        if (texts.length === 0) {
            return { kind: "host" };
        }
        // Host data mixed with literal lines: the literal lines are checked; host data is what it is.
        return { kind: "text", vals: concat(texts.map((t) => t.vals)) };
    }

    /** What one statement prints to stdout, without re-verifying it. */
    produced(s: ShNode): ProducedText {
        const c = s?.Cmd as ShNode | undefined;
        if (!c) {
            return { kind: "host" };
        }
        if (c.Type === "BinaryCmd") {
            if (c.Op === "|" || c.Op === "|&") {
                const left = this.produced(c.X);
                const right = this.transform(c.Y, left);
                return right;
            }
            const a = this.produced(c.X);
            const b = this.produced(c.Y);
            if (a.kind === "unknown") { return a; }
            if (b.kind === "unknown") { return b; }
            if (a.kind === "text" && b.kind === "text") { return { kind: "text", vals: [...a.vals, ...b.vals] }; }
            return a.kind === "text" ? a : b;
        }
        if (c.Type === "Block" || c.Type === "Subshell") {
            return this.producedList(c.Stmts ?? []);
        }
        if (["IfClause", "ForClause", "WhileClause", "CaseClause"].includes(String(c.Type))) {
            return this.producedList(compoundBodies(c));
        }
        if (c.Type !== "CallExpr") {
            return { kind: "host" };
        }
        const words = (c.Args ?? []) as ShNode[];
        const name = path.posix.basename(wordLiteral(words[0]) ?? "");
        const heredoc = ((s.Redirs ?? []) as ShNode[]).find((r) => ["<<", "<<-", "<<<"].includes(String(r.Op)));
        const quietWord = (w: ShNode) => this.quietWord(w);
        if (name === "echo") {
            const args = words.slice(1).map(quietWord);
            const flags: string[] = [];
            while (args.length > 0 && args[0].length === 1 && isStatic(args[0][0]) && /^-[neE]+$/.test(text(args[0][0]))) {
                flags.push(text(args.shift()![0]));
            }
            const body = concat(args.flatMap((a, i) => (i === 0 ? [a] : [[lit(" ")], a])));
            return { kind: "text", vals: body.map((v) => (flags.some((f) => f.includes("n")) ? v : [...v, { k: "lit", s: "\n" }])) };
        }
        if (name === "printf") {
            const args = words.slice(1).map(quietWord);
            if (args.length > 0 && args[0].length === 1 && isStatic(args[0][0]) && text(args[0][0]) === "-v") {
                return { kind: "text", vals: [lit("")] };
            }
            const fmt = args[0];
            if (!fmt || fmt.length !== 1 || !isStatic(fmt[0])) {
                return { kind: "unknown", why: "printf with a format built at run time" };
            }
            return { kind: "text", vals: printfValues(text(fmt[0]), args.slice(1)) };
        }
        if (name === "cat" && words.length === 1 && heredoc) {
            if (String(heredoc.Op) === "<<<") {
                return { kind: "text", vals: this.quietWord(heredoc.Word).map((v) => [...v, { k: "lit", s: "\n" }]) };
            }
            return { kind: "text", vals: heredoc.Hdoc ? this.quietWord(heredoc.Hdoc, true) : [lit("")] };
        }
        if (name === "true" || name === "false" || name === ":") {
            return { kind: "text", vals: [lit("")] };
        }
        const fn = this.funcs.get(name);
        if (fn && words.length > 0 && wordLiteral(words[0]) === name) {
            if (this.positional.length >= 6) {
                return { kind: "unknown", why: `function ${name} nests too deep to read what it prints` };
            }
            this.positional.push(words.slice(1).map(quietWord));
            const p = this.producedList([fn]);
            this.positional.pop();
            return p;
        }
        return { kind: "host" };
    }

    /** A filter applied to text: literal text through a transformer becomes unknowable. */
    transform(s: ShNode, input: ProducedText): ProducedText {
        const c = s?.Cmd as ShNode | undefined;
        const name = c?.Type === "CallExpr" ? path.posix.basename(wordLiteral((c.Args ?? [])[0]) ?? "") : "";
        if (["sha256sum", "sha1sum", "md5sum", "sha512sum", "wc"].includes(name)) {
            return { kind: "host" }; // digests and counts: no text of the script survives
        }
        if (c?.Type === "BinaryCmd" && (c.Op === "|" || c.Op === "|&")) {
            return this.transform(c.Y, this.transform(c.X, input));
        }
        if (input.kind === "host") {
            return { kind: "host" };
        }
        if (["cat", "tee"].includes(name) && (c?.Args ?? []).length <= 2) {
            return input;
        }
        if (input.kind === "text" && input.vals.every((v) => isStatic(v) && !/execution|enabled/i.test(text(v)))
            && ["grep", "head", "tail", "sort", "uniq", "cut"].includes(name)) {
            return { kind: "host" }; // selecting lines of text that never names the switch cannot create it
        }
        return { kind: "unknown", why: `text the script writes is transformed by ${name || "a command"} at run time` };
    }

    private quietWord(w: ShNode | undefined, inHeredoc = false): Val[] {
        const saved = this.env.findings.list.length;
        const v = this.wordNoExec(w, inHeredoc);
        this.env.findings.list.length = saved;
        return v;
    }

    /** Like word(), without re-verifying the command substitutions (already read). */
    private wordNoExec(w: ShNode | undefined, inHeredoc: boolean): Val[] {
        if (!w) {
            return [lit("")];
        }
        const one = (p: ShNode, quoted: boolean): Val[] => {
            if (p.Type === "CmdSubst") {
                return this.substValue(p.Stmts ?? []);
            }
            if (p.Type === "DblQuoted") {
                return concat(((p.Parts ?? []) as ShNode[]).map((x) => one(x, true)));
            }
            return this.part(p, quoted, inHeredoc);
        };
        return concat(((w.Parts ?? []) as ShNode[]).map((p) => one(p, false)));
    }

    // ---- simple commands -----------------------------------------------------

    private call(c: ShNode, stdin: Stdin, stdoutFiles: string[]): void {
        const assigns = (c.Assigns ?? []) as ShNode[];
        const words = (c.Args ?? []) as ShNode[];
        const env: Record<string, Val[]> = {};
        for (const a of assigns) {
            const name = String(a.Name?.Value ?? "");
            const val = a.Value ? this.word(a.Value) : [lit("")];
            if (words.length === 0) {
                this.assignName(name, false);
            } else {
                env[name] = val;
                if (/execution[_-]?enabled/i.test(name)) {
                    this.find("kill-switch-stays-off", `runs a command with ${name} set`, "never set the kill switch");
                } else if (/^GIT_/.test(name)) {
                    this.find("no-push-or-remote", `runs a command with ${name} set (git configuration from the environment can add remotes or hooks)`,
                        "never configure git from the environment");
                } else if (name === "GLIBC_TUNABLES" && wordLiteral(words[0]) === "git" && MALLOC_TRIM.test(wordLiteral(a.Value) ?? "")) {
                    // Only the heap's trim threshold, for git: nothing git runs or reads changes, only when memory goes back to the kernel.
                } else if (!(ENV_ALLOWED.has(name) || (name === "IFS" && wordLiteral(words[0]) === "read"))) {
                    this.find("commands-are-readable", `runs a command with ${name} set in its environment`,
                        `set only ${[...ENV_ALLOWED].join(", ")} for a command`);
                }
            }
        }
        if (words.length === 0) {
            return;
        }
        const head = this.word(words[0]);
        const args = words.slice(1).map((w) => {
            const alts = this.word(w);
            const s = alts.length === 1 && isStatic(alts[0]) && !hasGlob(alts[0]) ? text(alts[0]) : undefined;
            return { alts, s, t: s ?? HOLE + show(alts[0] ?? []) } as Arg;
        });
        if (head.length !== 1 || !isStatic(head[0]) || hasGlob(head[0])) {
            this.find("commands-are-readable", `the program name ${show(head[0] ?? [])} is not a literal word`,
                "name the program with a plain literal word");
            return;
        }
        let name = text(head[0]);
        if (name.includes("/")) {
            const dir = path.posix.dirname(name);
            if (!STD_BIN.includes(dir)) {
                this.find(/^git-|\/git-core\//.test(name) ? "no-push-or-remote" : "commands-are-readable", `runs ${name}, a program outside the standard directories`,
                    "run the program by its name (found on the host's standard PATH)");
                return;
            }
            name = path.posix.basename(name);
        }
        const fn = this.funcs.get(name);
        if (fn) {
            this.callFunction(name, fn, args, stdin);
            if (stdoutFiles.length > 0 && this.positional.length < 6) {
                // What the function prints, read with this call's arguments (like a group's output).
                this.positional.push(args.map((a) => a.alts));
                const produced = this.printedBy([fn], stdin);
                this.positional.pop();
                this.contentTo(stdoutFiles, produced);
            }
            return;
        }
        checkProgram({ name, args, env, stdin, stdoutFiles, ctx: this });
        if (stdoutFiles.length > 0) {
            const fake: ShNode = { Cmd: c, Redirs: [] };
            let produced = this.produced(fake);
            if (stdin?.kind === "heredoc" && !["echo", "printf"].includes(name)) {
                produced = name === "cat" && words.length === 1 ? { kind: "text", vals: stdin.body } : this.transform(fake, { kind: "text", vals: stdin.body });
            } else if (stdin?.kind === "pipe" && !["echo", "printf"].includes(name)) {
                produced = this.transform(fake, stdin.producer);
            } else if (stdin === undefined && this.readsSecret(name, args)) {
                produced = SECRET_STDIN;
            }
            this.contentTo(stdoutFiles, produced);
        }
    }

    private callFunction(name: string, body: ShNode, args: Arg[], stdin: Stdin): void {
        if (this.positional.length >= 6) {
            this.find("commands-are-readable", `function ${name} calls itself (recursion) or nests too deep`, "call functions without recursion");
            return;
        }
        this.positional.push(args.map((a) => a.alts));
        this.stmt(body, stdin);
        this.positional.pop();
    }
}

/** The literal text of a word made only of literal parts, else undefined. */
export function wordLiteral(w: ShNode | undefined): string | undefined {
    if (!w) {
        return undefined;
    }
    let out = "";
    for (const p of (w.Parts ?? []) as ShNode[]) {
        if (p.Type === "Lit") { out += p.Value ?? ""; continue; }
        if (p.Type === "SglQuoted" && !p.Dollar) { out += p.Value ?? ""; continue; }
        if (p.Type === "DblQuoted" && !p.Dollar && ((p.Parts ?? []) as ShNode[]).every((x) => x.Type === "Lit")) {
            out += ((p.Parts ?? []) as ShNode[]).map((x) => x.Value ?? "").join("");
            continue;
        }
        return undefined;
    }
    return out;
}

function nodeWords(c: ShNode | undefined): string[] {
    if (!c) {
        return [];
    }
    if (c.Type === "CallExpr") {
        return ((c.Args ?? []) as ShNode[]).map((w) => wordLiteral(w) ?? "…");
    }
    if (c.Type === "BinaryCmd") {
        return [...nodeWords(c.X?.Cmd), String(c.Op), ...nodeWords(c.Y?.Cmd)];
    }
    return [String(c.Type)];
}

/** `mktemp T` alone, with T a literal accepted template: T; else undefined. */
function mktempTemplate(stmts: ShNode[]): string | undefined {
    if (stmts.length !== 1 || stmts[0].Cmd?.Type !== "CallExpr" || (stmts[0].Redirs ?? []).length > 0) {
        return undefined;
    }
    const w = ((stmts[0].Cmd.Args ?? []) as ShNode[]).map((x) => wordLiteral(x));
    return w.length === 2 && w[0] === "mktemp" && w[1] !== undefined && MKTEMP_TEMPLATE.test(w[1]) ? w[1] : undefined;
}

function dateToken(stmts: ShNode[]): boolean {
    if (stmts.length !== 1 || stmts[0].Cmd?.Type !== "CallExpr") {
        return false;
    }
    const w = ((stmts[0].Cmd.Args ?? []) as ShNode[]).map((x) => wordLiteral(x));
    return w[0] === "date" && w.slice(1).every((x) => x !== undefined && (x === "-u" || (/^\+[%A-Za-z0-9_:-]+$/.test(x) && !x.includes("/"))));
}

function stripTrailingNewlines(v: Val): Val {
    const out = [...v];
    const last = out[out.length - 1];
    if (last && last.k === "lit") {
        out[out.length - 1] = { k: "lit", s: last.s.replace(/\n+$/, "") };
    }
    return out;
}

/** printf's output: static arguments evaluated, each run-time argument kept as a hole in its place. */
function printfValues(format: string, args: Val[][]): Val[] {
    const HOLE_MARK = "\u0001";
    const holes: Val[] = [];
    const strs = args.map((a) => {
        const v = a[0] ?? lit("");
        if (a.length === 1 && isStatic(v)) {
            return text(v);
        }
        holes.push(v);
        return HOLE_MARK;
    });
    const pieces = printfStatic(format, strs).split(HOLE_MARK);
    const v: Val = [];
    pieces.forEach((p, i) => {
        v.push({ k: "lit", s: p });
        if (i < pieces.length - 1) {
            v.push(...(holes[i] ?? dyn("(printf argument)", "unknown")).filter((x) => x.k === "dyn"));
        }
    });
    return [v];
}

function describeNode(t: string | undefined): string {
    const names: Record<string, string> = {
        ArithmCmd: "arithmetic ((...))",
        LetClause: "let", TestClause: "[[ ... ]]", TimeClause: "time", CoprocClause: "a coprocess",
        ArithmExp: "arithmetic $((...))", ProcSubst: "process substitution <(...)/>(...)", ExtGlob: "an extended glob",
        TestDecl: "a bats test", BraceExp: "brace expansion",
    };
    return names[t ?? ""] ?? `a ${t ?? "construct"}`;
}

export function within(p: string, roots: string[]): boolean {
    return roots.some((r) => p === r || p.startsWith(r.endsWith("/") ? r : r + "/"));
}

/** within(), for a path as given (not normalized): one with a `..` component is not under anything. */
export function under(p: string, roots: string[]): boolean {
    return !p.split("/").includes("..") && within(p, roots);
}

