/**
 * A POSIX-shell reader for policy checks: it splits a script into simple
 * commands (argv after quote removal), following `;`, `&&`, `||`, `|`, `&`,
 * newlines, line continuations, subshells, braces, compound commands,
 * heredocs, command substitutions and comments. It then "sees through"
 * wrappers (sudo, env, nohup, timeout, ..., `sh -c '...'`, `bash -lc`, heredocs
 * fed to a shell, ssh remote commands) so that a policy reads the command that
 * would really run. It never executes anything.
 *
 * Anything it cannot resolve statically (a command word built from a
 * variable, `sh -c "$X"`) is reported as dynamic, and policies fail closed on it.
 */

export interface Redirect {
    op: string;
    target: string;
}

export interface SimpleCommand {
    /** Words after quote removal. Expansions are kept verbatim ("$X"). */
    argv: string[];
    /** Which argv words contain an unquoted or double-quoted expansion. */
    dynamic: boolean[];
    /** Leading VAR=value assignments. */
    assignments: string[];
    redirects: Redirect[];
    /** Heredoc / here-string bodies fed to this command's stdin. */
    stdin: string[];
    /** Commands whose output is piped into this one (same pipeline, earlier). */
    pipedFrom: SimpleCommand[];
    /** Bodies of $(...) and `...` found in this command's words. */
    substitutions: string[];
}

export interface ParseResult {
    commands: SimpleCommand[];
    errors: string[];
}

const RESERVED = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac", "in", "function", "time"]);

interface Word {
    text: string;
    dynamic: boolean;
    quoted: boolean;
    /** Began with an unquoted NAME= (an assignment, even if the value is quoted). */
    assign?: boolean;
}

type Token =
    | { t: "word"; w: Word }
    | { t: "op"; v: string }
    | { t: "redir"; op: string; fd: string }
    | { t: "nl" };

/** Finds the end of a $( ... ) starting after "$(", honouring quotes and nesting. */
function scanParen(s: string, i: number): number {
    let depth = 1;
    while (i < s.length) {
        const c = s[i];
        if (c === "\\") { i += 2; continue; }
        if (c === "'") { const j = s.indexOf("'", i + 1); i = j < 0 ? s.length : j + 1; continue; }
        if (c === '"') { i = scanDouble(s, i + 1); continue; }
        if (c === "(") { depth++; }
        if (c === ")") { depth--; if (depth === 0) { return i; } }
        i++;
    }
    return -1;
}

/** Returns the index after the closing double quote. */
function scanDouble(s: string, i: number): number {
    while (i < s.length) {
        const c = s[i];
        if (c === "\\") { i += 2; continue; }
        if (c === '"') { return i + 1; }
        if (c === "$" && s[i + 1] === "(") { const j = scanParen(s, i + 2); i = j < 0 ? s.length : j + 1; continue; }
        if (c === "`") { const j = s.indexOf("`", i + 1); i = j < 0 ? s.length : j + 1; continue; }
        i++;
    }
    return s.length;
}

function tokenize(s: string, errors: string[], subs: string[]): { tokens: Token[]; heredocBodies: Map<number, string> } {
    const tokens: Token[] = [];
    const heredocBodies = new Map<number, string>();
    const pendingHeredocs: Array<{ tokenIndex: number; delim: string; strip: boolean }> = [];
    let i = 0;
    let cur: Word | null = null;
    const flush = () => { if (cur) { tokens.push({ t: "word", w: cur }); cur = null; } };
    const word = (): Word => {
        if (cur === null) {
            cur = { text: "", dynamic: false, quoted: false, assign: /^[A-Za-z_][A-Za-z0-9_]*=/.test(s.slice(i)) };
        }
        return cur;
    };

    while (i < s.length) {
        const c = s[i];
        if (c === "\\" && s[i + 1] === "\n") { i += 2; continue; }
        if (c === "\\") { word().text += s[i + 1] ?? ""; word().quoted = true; i += 2; continue; }
        if (c === "'") {
            const j = s.indexOf("'", i + 1);
            if (j < 0) { errors.push("unterminated single quote"); word().text += s.slice(i + 1); i = s.length; continue; }
            word().text += s.slice(i + 1, j); word().quoted = true; i = j + 1; continue;
        }
        if (c === '"') {
            const end = scanDouble(s, i + 1);
            if (end >= s.length && s[s.length - 1] !== '"') { errors.push("unterminated double quote"); }
            const inner = s.slice(i + 1, Math.max(i + 1, end - 1));
            const w = word(); w.quoted = true;
            // Inside double quotes: \$ \` \" \\ \newline are escapes; expansions stay dynamic.
            let k = 0;
            while (k < inner.length) {
                const d = inner[k];
                if (d === "\\" && "$`\"\\\n".includes(inner[k + 1] ?? "")) { if (inner[k + 1] !== "\n") { w.text += inner[k + 1]; } k += 2; continue; }
                if (d === "$" && inner[k + 1] === "(") {
                    const j = scanParen(inner, k + 2);
                    if (j < 0) { errors.push("unterminated $( in double quotes"); w.text += inner.slice(k); break; }
                    subs.push(inner.slice(k + 2, j)); w.text += inner.slice(k, j + 1); w.dynamic = true; k = j + 1; continue;
                }
                if (d === "`") {
                    const j = inner.indexOf("`", k + 1);
                    subs.push(inner.slice(k + 1, j < 0 ? inner.length : j)); w.text += inner.slice(k, j < 0 ? inner.length : j + 1); w.dynamic = true;
                    k = j < 0 ? inner.length : j + 1; continue;
                }
                if (d === "$" && /[A-Za-z_{@*#?$!0-9-]/.test(inner[k + 1] ?? "")) { w.dynamic = true; }
                w.text += d; k++;
            }
            i = end; continue;
        }
        if (c === "$" && s[i + 1] === "'") { // ANSI-C quoting: decode, so $'\x73ystemctl' reads as systemctl
            let k = i + 2;
            const w = word(); w.quoted = true;
            while (k < s.length && s[k] !== "'") {
                if (s[k] === "\\") {
                    const e = s[k + 1] ?? "";
                    const hex = /^x([0-9a-fA-F]{1,2})/.exec(s.slice(k + 1));
                    const oct = /^([0-7]{1,3})/.exec(s.slice(k + 1));
                    const uni = /^[uU]([0-9a-fA-F]{1,8})/.exec(s.slice(k + 1));
                    if (hex) { w.text += String.fromCharCode(parseInt(hex[1], 16)); k += 1 + hex[0].length; continue; }
                    if (uni) { w.text += String.fromCodePoint(parseInt(uni[1], 16)); k += 1 + uni[0].length; continue; }
                    if (oct) { w.text += String.fromCharCode(parseInt(oct[1], 8)); k += 1 + oct[0].length; continue; }
                    const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", v: "\v" };
                    w.text += map[e] ?? e; k += 2; continue;
                }
                w.text += s[k]; k++;
            }
            i = k + 1; continue;
        }
        if (c === "$" && s[i + 1] === "(" ) {
            if (s[i + 2] === "(") { // arithmetic $(( ... ))
                const j = s.indexOf("))", i + 3);
                word().text += s.slice(i, j < 0 ? s.length : j + 2); word().dynamic = true; i = j < 0 ? s.length : j + 2; continue;
            }
            const j = scanParen(s, i + 2);
            if (j < 0) { errors.push("unterminated $("); word().text += s.slice(i); i = s.length; continue; }
            subs.push(s.slice(i + 2, j)); word().text += s.slice(i, j + 1); word().dynamic = true; i = j + 1; continue;
        }
        if (c === "`") {
            const j = s.indexOf("`", i + 1);
            subs.push(s.slice(i + 1, j < 0 ? s.length : j)); word().text += s.slice(i, j < 0 ? s.length : j + 1); word().dynamic = true;
            i = j < 0 ? s.length : j + 1; continue;
        }
        if (c === "$" && /[A-Za-z_{@*#?$!0-9-]/.test(s[i + 1] ?? "")) {
            word().dynamic = true;
            if (s[i + 1] === "{") { const j = s.indexOf("}", i + 2); word().text += s.slice(i, j < 0 ? s.length : j + 1); i = j < 0 ? s.length : j + 1; continue; }
            word().text += c; i++; continue;
        }
        if (c === "#" && cur === null) { const j = s.indexOf("\n", i); i = j < 0 ? s.length : j; continue; }
        if (c === " " || c === "\t" || c === "\r") { flush(); i++; continue; }
        if (c === "\n") {
            flush();
            tokens.push({ t: "nl" });
            i++;
            // Heredoc bodies start on the line after the operator.
            while (pendingHeredocs.length > 0) {
                const h = pendingHeredocs.shift()!;
                const body: string[] = [];
                while (i <= s.length) {
                    const e = s.indexOf("\n", i);
                    const line = s.slice(i, e < 0 ? s.length : e);
                    i = e < 0 ? s.length + 1 : e + 1;
                    const cmp = h.strip ? line.replace(/^\t+/, "") : line;
                    if (cmp === h.delim) { break; }
                    body.push(cmp);
                    if (e < 0) { errors.push(`heredoc ${h.delim} not terminated`); break; }
                }
                heredocBodies.set(h.tokenIndex, body.join("\n") + "\n");
            }
            if (i > s.length) { i = s.length; }
            continue;
        }
        // operators and redirections
        const rest = s.slice(i);
        const redir = /^(\d*)(<<<|<<-|<<|>>|&>>|&>|>&|<&|>\||<>|>|<)/.exec(rest);
        if (redir) {
            let fd = redir[1];
            if (fd === "" && cur !== null && /^\d+$/.test((cur as Word).text) && !(cur as Word).quoted) {
                fd = (cur as Word).text; cur = null;
            } else {
                flush();
            }
            const op = redir[2];
            i += redir[0].length;
            tokens.push({ t: "redir", op, fd });
            if (op === "<<" || op === "<<-") {
                // read the delimiter word
                while (s[i] === " " || s[i] === "\t") { i++; }
                let delim = "";
                while (i < s.length && !/[\s;&|<>()]/.test(s[i])) {
                    if (s[i] === "'" || s[i] === '"') { const q = s[i]; const j = s.indexOf(q, i + 1); delim += s.slice(i + 1, j < 0 ? s.length : j); i = j < 0 ? s.length : j + 1; continue; }
                    if (s[i] === "\\") { delim += s[i + 1] ?? ""; i += 2; continue; }
                    delim += s[i]; i++;
                }
                tokens.push({ t: "word", w: { text: delim, dynamic: false, quoted: true } });
                pendingHeredocs.push({ tokenIndex: tokens.length - 2, delim, strip: op === "<<-" });
            }
            continue;
        }
        const op = /^(;;|&&|\|\||\|&|;|&|\||\(|\))/.exec(rest);
        if (op) { flush(); tokens.push({ t: "op", v: op[1] }); i += op[1].length; continue; }
        word().text += c; i++;
    }
    flush();
    if (pendingHeredocs.length > 0) {
        errors.push("heredoc without body");
        for (const h of pendingHeredocs) { heredocBodies.set(h.tokenIndex, ""); }
    }
    return { tokens, heredocBodies };
}

/** Splits a script into simple commands. */
export function parseScript(script: string): ParseResult {
    const errors: string[] = [];
    const subs: string[] = [];
    const { tokens, heredocBodies } = tokenize(script, errors, subs);
    const commands: SimpleCommand[] = [];
    let cur: SimpleCommand | null = null;
    let pipeline: SimpleCommand[] = [];
    let caseDepth = 0;
    let skipUntilSep = false; // for `for x in ...` and `case x in` headers

    const newCmd = (): SimpleCommand => ({ argv: [], dynamic: [], assignments: [], redirects: [], stdin: [], pipedFrom: [], substitutions: [] });
    const end = (pipe: boolean) => {
        if (cur && (cur.argv.length > 0 || cur.assignments.length > 0 || cur.redirects.length > 0)) {
            cur.pipedFrom = [...pipeline];
            commands.push(cur);
            if (pipe) { pipeline.push(cur); } else { pipeline = []; }
        } else if (!pipe) {
            pipeline = [];
        }
        cur = null;
        skipUntilSep = false;
    };

    for (let k = 0; k < tokens.length; k++) {
        const tk = tokens[k];
        if (tk.t === "nl") { end(false); continue; }
        if (tk.t === "op") {
            if (tk.v === "|" || tk.v === "|&") { end(true); continue; }
            if (tk.v === ";;") { end(false); continue; }
            if (tk.v === "(" && cur && cur.argv.length === 1 && tokens[k + 1]?.t === "op" && (tokens[k + 1] as { v: string }).v === ")") {
                cur = null; k++; continue; // function definition name()
            }
            end(false);
            continue;
        }
        if (tk.t === "redir") {
            const next = tokens[k + 1];
            const target = next && next.t === "word" ? next.w.text : "";
            if (next && next.t === "word") { k++; }
            cur ??= newCmd();
            cur.redirects.push({ op: tk.op, target });
            if (tk.op === "<<" || tk.op === "<<-") { cur.stdin.push(heredocBodies.get(k - 1) ?? ""); }
            if (tk.op === "<<<") { cur.stdin.push(target + "\n"); }
            continue;
        }
        const w = tk.w;
        if (skipUntilSep) { continue; }
        if (cur === null || (cur.argv.length === 0)) {
            if (cur === null && RESERVED.has(w.text) && !w.quoted) {
                continue;
            }
            if (!w.quoted && (w.text === "for" || w.text === "select")) { cur = null; skipUntilSep = true; continue; }
            if (!w.quoted && w.text === "case") { caseDepth++; cur = null; skipUntilSep = true; continue; }
            if (caseDepth > 0 && !w.quoted && /\)$/.test(w.text)) { continue; } // case pattern
            if (caseDepth > 0 && !w.quoted && w.text === "esac") { caseDepth--; continue; }
            cur ??= newCmd();
            if ((w.assign || !w.quoted) && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.text) && cur.argv.length === 0) {
                cur.assignments.push(w.text);
                continue;
            }
        }
        cur!.argv.push(w.text);
        cur!.dynamic.push(w.dynamic);
    }
    end(false);
    for (const c of commands) {
        c.substitutions = [];
    }
    // Attach substitution bodies as extra scripts: they run too.
    for (const sub of subs) {
        const inner = parseScript(sub);
        commands.push(...inner.commands);
        errors.push(...inner.errors);
    }
    return { commands, errors };
}

const WRAPPERS: Record<string, { argOpts: string[]; stopAtNonOption: boolean }> = {
    sudo: { argOpts: ["-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "--user", "--group", "--host", "--prompt", "--chdir"], stopAtNonOption: true },
    doas: { argOpts: ["-u", "-C"], stopAtNonOption: true },
    nohup: { argOpts: [], stopAtNonOption: true },
    nice: { argOpts: ["-n", "--adjustment"], stopAtNonOption: true },
    ionice: { argOpts: ["-c", "-n", "-p", "-P", "-u", "--class", "--classdata"], stopAtNonOption: true },
    stdbuf: { argOpts: ["-i", "-o", "-e"], stopAtNonOption: true },
    setsid: { argOpts: [], stopAtNonOption: true },
    command: { argOpts: [], stopAtNonOption: true },
    builtin: { argOpts: [], stopAtNonOption: true },
    exec: { argOpts: ["-a"], stopAtNonOption: true },
    time: { argOpts: ["-f", "-o"], stopAtNonOption: true },
    chronic: { argOpts: [], stopAtNonOption: true },
    unbuffer: { argOpts: [], stopAtNonOption: true },
    runuser: { argOpts: ["-u", "-g", "-G", "--user", "--group"], stopAtNonOption: true },
    flock: { argOpts: ["-w", "-E", "--timeout", "--conflict-exit-code"], stopAtNonOption: false },
    xargs: { argOpts: ["-a", "-d", "-E", "-I", "-L", "-n", "-P", "-s", "--arg-file", "--delimiter", "--max-args", "--max-procs", "--replace"], stopAtNonOption: true },
};

export const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "ash", "busybox-sh", "rbash", "mksh", "fish"]);

export function basename(p: string): string {
    const i = p.lastIndexOf("/");
    return i >= 0 ? p.slice(i + 1) : p;
}

export interface EffectiveCommand {
    /** argv with wrappers removed and argv[0] reduced to its basename. */
    argv: string[];
    dynamic: boolean[];
    /** The original command it came from. */
    source: SimpleCommand;
    /** Environment assignments seen on the way (VAR=val, env VAR=val). */
    env: string[];
    /** Where it came from: "script", "sh -c", "heredoc", "ssh", "substitution". */
    via: string[];
}

/** Removes wrappers (sudo, env, nohup, timeout, ...) from an argv. */
export function unwrap(argv: string[], dynamic: boolean[], env: string[]): { argv: string[]; dynamic: boolean[] } {
    let a = [...argv];
    let d = [...dynamic];
    for (let guard = 0; guard < 20 && a.length > 0; guard++) {
        const name = basename(a[0]);
        if (name === "env") {
            let i = 1;
            while (i < a.length) {
                if (a[i] === "--") { i++; break; }
                if (a[i] === "-u" || a[i] === "--unset" || a[i] === "-C" || a[i] === "--chdir" || a[i] === "-S" || a[i] === "--split-string") {
                    if (a[i] === "-S" || a[i] === "--split-string") { // env -S "cmd args": a string split into words
                        const split = (a[i + 1] ?? "").split(/\s+/).filter(Boolean);
                        a = [...split, ...a.slice(i + 2)]; d = [...split.map(() => false), ...d.slice(i + 2)];
                        i = -1; break;
                    }
                    i += 2; continue;
                }
                if (a[i].startsWith("-")) { i++; continue; }
                if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a[i])) { env.push(a[i]); i++; continue; }
                break;
            }
            if (i >= 0) { a = a.slice(i); d = d.slice(i); }
            continue;
        }
        if (name === "timeout") {
            let i = 1;
            while (i < a.length && a[i].startsWith("-")) { i += ["-s", "--signal", "-k", "--kill-after"].includes(a[i]) ? 2 : 1; }
            i++; // duration
            a = a.slice(i); d = d.slice(i);
            continue;
        }
        const w = WRAPPERS[name];
        if (!w) { break; }
        let i = 1;
        while (i < a.length) {
            if (a[i] === "--") { i++; break; }
            if (a[i].startsWith("-") && a[i] !== "-") {
                const opt = a[i].includes("=") ? a[i].slice(0, a[i].indexOf("=")) : a[i];
                i += w.argOpts.includes(opt) && !a[i].includes("=") ? 2 : 1;
                continue;
            }
            if (name === "flock" && i === 1) { i++; continue; } // lock file
            break;
        }
        a = a.slice(i); d = d.slice(i);
    }
    if (a.length > 0) {
        a[0] = basename(a[0]);
    }
    return { argv: a, dynamic: d };
}

/** Finds the script argument of `sh -c SCRIPT` / `bash -lc SCRIPT`, if any. */
export function shellScriptArg(argv: string[]): { index: number } | undefined {
    if (!SHELLS.has(argv[0])) {
        return undefined;
    }
    for (let i = 1; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--") { return undefined; }
        if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a) || a === "--command") {
            // The script is the first non-option after the option cluster.
            let j = i + 1;
            while (j < argv.length && /^[-+][a-zA-Z]+$/.test(argv[j]) && argv[j] !== "-") {
                j += argv[j] === "-o" || argv[j] === "+o" ? 2 : 1;
            }
            return { index: j };
        }
        if (a === "-o" || a === "+o") { i++; continue; }
        if (!a.startsWith("-") && !a.startsWith("+")) { return undefined; }
    }
    return undefined;
}

/**
 * All commands a script would run, seen through wrappers, `sh -c`, heredocs
 * fed to shells, `ssh host CMD`, and command substitutions.
 */
export function effectiveCommands(script: string, depth = 0, via: string[] = ["script"]): { commands: EffectiveCommand[]; errors: string[]; opaque: string[] } {
    const out: EffectiveCommand[] = [];
    const errors: string[] = [];
    const opaque: string[] = [];
    if (depth > 8) {
        return { commands: out, errors: ["nesting too deep"], opaque: ["nesting too deep to read"] };
    }
    const parsed = parseScript(script);
    errors.push(...parsed.errors);
    for (const c of parsed.commands) {
        const env = [...c.assignments];
        const { argv, dynamic } = unwrap(c.argv, c.dynamic, env);
        if (argv.length === 0) {
            continue;
        }
        out.push({ argv, dynamic, source: c, env, via });
        const name = argv[0];
        const inner = (text: string, how: string) => {
            const r = effectiveCommands(text, depth + 1, [...via, how]);
            out.push(...r.commands); errors.push(...r.errors); opaque.push(...r.opaque);
        };
        const sc = shellScriptArg(argv);
        if (sc) {
            if (sc.index >= argv.length) {
                opaque.push(`${name} -c without a script`);
            } else if (dynamic[sc.index]) {
                opaque.push(`${name} -c runs a script built at run time (${argv[sc.index]})`);
            } else {
                inner(argv[sc.index], `${name} -c`);
            }
        } else if (SHELLS.has(name) && argv.slice(1).every((a) => a.startsWith("-"))) {
            // A shell reading its script from stdin: a heredoc we can read, or a pipe.
            for (const body of c.stdin) {
                inner(body, `${name} <<heredoc`);
            }
            if (c.pipedFrom.length > 0) {
                const producer = c.pipedFrom[c.pipedFrom.length - 1];
                const p = unwrap(producer.argv, producer.dynamic, []).argv;
                if (p[0] === "echo" || p[0] === "printf" || p[0] === "cat" && producer.stdin.length > 0) {
                    if (p[0] === "cat") {
                        producer.stdin.forEach((b) => inner(b, `${name} <<pipe`));
                    } else if (!producer.dynamic.slice(1).some(Boolean)) {
                        inner(p.slice(1).filter((x) => !x.startsWith("-")).join(" "), `${name} <<pipe`);
                    } else {
                        opaque.push(`${p[0]} of run-time text piped into ${name}`);
                    }
                } else {
                    opaque.push(`output of ${p.join(" ")} piped into ${name}`);
                }
            }
        } else if (name === "ssh") {
            // ssh [opts] host [command...]
            const withArg = new Set(["-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O", "-o", "-p", "-Q", "-R", "-S", "-W", "-w"]);
            let i = 1;
            while (i < argv.length && argv[i].startsWith("-")) { i += withArg.has(argv[i]) ? 2 : 1; }
            i++; // host
            if (argv[i] === "--") { i++; }
            if (i < argv.length) {
                if (dynamic.slice(i).some(Boolean)) {
                    inner(argv.slice(i).join(" "), "ssh");
                } else {
                    inner(argv.slice(i).join(" "), "ssh");
                }
            }
            for (const body of c.stdin) {
                if (i >= argv.length) { inner(body, "ssh <<heredoc"); }
            }
        } else if (name === "su" ) {
            const ci = argv.findIndex((a) => a === "-c" || a === "--command");
            if (ci > 0 && argv[ci + 1] !== undefined) { inner(argv[ci + 1], "su -c"); }
        }
    }
    return { commands: out, errors, opaque };
}
