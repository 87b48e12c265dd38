/**
 * ApprovalGate: signed, single-line approvals, verified by the program itself.
 *
 * An approval is one line
 *
 *   iu-cutter-approval/v1 macro=o6 stack=contabo mandate=<sha256> plan=<sha256> role=review time=2026-12-02T02:30:00Z
 *
 * signed with OpenSSH (`ssh-keygen -Y sign -n iu-cutter-approval`). The stack
 * config pins the allowed-signers content and each principal's one role
 * (approvals.*). On a non-preview run the program refuses unless:
 *   - the engine runs the reviewed plan (`pulumi up --plan <file>`, the file
 *     named by IUCUTTER_REVIEWED_PLAN, seen in the CLI's own argument vector),
 *     on every stack but one that sets allowUnreviewedRuns (test stacks); and,
 *     on a protected stack,
 *   - for each role (review, sovereign) a line signed by a principal holding
 *     that role verifies (`ssh-keygen -Y verify`) and names this macro, this
 *     stack, the mandate digest computed now and the sha256 of that plan file.
 * Environment variables only name files; what is verified is the plan and the
 * signatures. Refusals never print the digest computed now.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APPROVAL_ROLES, ApprovalRole, StackConfig } from "../config/config";

export const NAMESPACE = "iu-cutter-approval";
export const LINE_VERSION = "iu-cutter-approval/v1";
/** Path of the saved plan the engine was given (`--plan`); set by `deploy`. */
export const REVIEWED_PLAN_ENV = "IUCUTTER_REVIEWED_PLAN";
/** Directory holding <role>.line and <role>.line.sig; set by `deploy`. */
export const APPROVALS_DIR_ENV = "IUCUTTER_APPROVALS_DIR";
/** Tolerated clock skew for an approval's time in the future. */
const FUTURE_SKEW_MS = 5 * 60_000;

export type Macro = "o6" | "o7";

export interface ApprovalFields {
    macro: Macro;
    stack: string;
    mandate: string;
    plan: string;
    role: ApprovalRole;
    time: string;
}

const LINE_RE = new RegExp(`^${LINE_VERSION.replace("/", "\\/")} macro=(o6|o7) stack=([A-Za-z0-9._-]+) mandate=([0-9a-f]{64}) plan=([0-9a-f]{64}) role=(review|sovereign) time=(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)$`);

export function approvalLine(f: ApprovalFields): string {
    const line = `${LINE_VERSION} macro=${f.macro} stack=${f.stack} mandate=${f.mandate} plan=${f.plan} role=${f.role} time=${f.time}`;
    if (!LINE_RE.test(line)) {
        throw new Error(`not a valid approval line: ${line}`);
    }
    return line;
}

/** Parses exactly one approval line (a trailing newline is allowed, nothing else). */
export function parseApprovalLine(text: string): ApprovalFields | undefined {
    const body = text.endsWith("\n") ? text.slice(0, -1) : text;
    const m = LINE_RE.exec(body);
    if (!m || body.includes("\n")) {
        return undefined;
    }
    const time = m[6];
    if (Number.isNaN(Date.parse(time))) {
        return undefined;
    }
    return { macro: m[1] as Macro, stack: m[2], mandate: m[3], plan: m[4], role: m[5] as ApprovalRole, time };
}

export function sha256File(f: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
}

export function recordPaths(dir: string, role: ApprovalRole): { line: string; sig: string } {
    const line = path.join(dir, `${role}.line`);
    return { line, sig: `${line}.sig` };
}

function sshKeygen(args: string[], input?: string): { status: number; out: string } {
    const r = spawnSync("ssh-keygen", args, { input, encoding: "utf8", timeout: 30_000, env: { ...process.env, SSH_ASKPASS: "", DISPLAY: "" } });
    if (r.error) {
        throw new Error(`ssh-keygen could not run: ${r.error.message}`);
    }
    return { status: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

/**
 * Signs a line. `key` is a private key file, or with `agent` a public key
 * file whose private half the ssh-agent holds (SSH_AUTH_SOCK).
 */
export function signLine(line: string, key: string, agent = false): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-sign-"));
    try {
        const msg = path.join(dir, "approval.line");
        fs.writeFileSync(msg, line + "\n");
        const r = sshKeygen(["-Y", "sign", "-n", NAMESPACE, "-f", key, ...(agent ? ["-U"] : []), msg]);
        if (r.status !== 0 || !fs.existsSync(`${msg}.sig`)) {
            throw new Error(`ssh-keygen -Y sign failed (${r.status}): ${r.out}`);
        }
        return fs.readFileSync(`${msg}.sig`, "utf8");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Writes an approval record: <dir>/<role>.line and <role>.line.sig. */
export function writeRecord(dir: string, role: ApprovalRole, line: string, signature: string): { line: string; sig: string } {
    fs.mkdirSync(dir, { recursive: true });
    const p = recordPaths(dir, role);
    fs.writeFileSync(p.line, line + "\n");
    fs.writeFileSync(p.sig, signature);
    return p;
}

export interface GateInput {
    approvals: NonNullable<StackConfig["approvals"]>;
    macro: Macro;
    stack: string;
    /** The mandate digest computed now; never printed. */
    mandateDigest: string;
    planSha256: string;
    dir: string;
    now?: Date;
}

export interface VerifiedApproval extends ApprovalFields {
    principal: string;
}

/**
 * Verifies the record of one role. Returns the verified approval, or the
 * reason it does not count (naming what failed).
 */
export function verifyRole(g: GateInput, role: ApprovalRole, allowedSignersFile: string): VerifiedApproval | string {
    const p = recordPaths(g.dir, role);
    if (!fs.existsSync(p.line) || !fs.existsSync(p.sig)) {
        return `missing role: no ${role} approval (${path.basename(p.line)} and its .sig in ${g.dir}); sign one with \`approve --role ${role}\``;
    }
    const text = fs.readFileSync(p.line, "utf8");
    const f = parseApprovalLine(text);
    if (!f) {
        return `tampered line: ${path.basename(p.line)} is not one well-formed approval line (${LINE_VERSION} macro=… stack=… mandate=… plan=… role=… time=…)`;
    }
    if (f.role !== role) {
        return `tampered line: ${path.basename(p.line)} names role=${f.role}, but it is filed as the ${role} approval`;
    }
    const found = sshKeygen(["-Y", "find-principals", "-s", p.sig, "-f", allowedSignersFile]);
    const principals = found.status === 0 ? found.out.split("\n").map((s) => s.trim()).filter(Boolean) : [];
    if (principals.length === 0) {
        const fp = sshKeygen(["-l", "-f", p.sig]);
        return `unknown signer: the key that signed the ${role} approval is not in the allowed signers pinned by approvals.allowedSigners${fp.status === 0 ? ` (${fp.out.split(" ")[1] ?? ""})` : ""}`;
    }
    const withRole = principals.filter((x) => g.approvals.roles[x] === role);
    if (withRole.length === 0) {
        const held = principals.map((x) => `${x}: ${g.approvals.roles[x] ?? "no role"}`).join(", ");
        return `signer without that role: the ${role} approval is signed by ${held}; approvals.roles gives ${role} to ${Object.entries(g.approvals.roles).filter(([, r]) => r === role).map(([x]) => x).join(", ")}`;
    }
    const principal = withRole[0];
    const v = sshKeygen(["-Y", "verify", "-f", allowedSignersFile, "-I", principal, "-n", NAMESPACE, "-s", p.sig], text);
    if (v.status !== 0) {
        return `tampered line: the ${role} approval's signature by ${principal} does not verify over ${path.basename(p.line)} (the line was changed after signing, or the signature is for another line or namespace)`;
    }
    if (f.macro !== g.macro) {
        return `approval for another macro: the ${role} approval by ${principal} authorizes ${f.macro.toUpperCase()}, this stack runs ${g.macro.toUpperCase()}; an approval authorizes its own macro only`;
    }
    if (f.stack !== g.stack) {
        return `approval for another stack: the ${role} approval by ${principal} names stack ${f.stack}, this is ${g.stack}`;
    }
    if (f.mandate !== g.mandateDigest) {
        return `signature over another digest: the ${role} approval by ${principal} names mandate ${f.mandate}, which is not what this run would do (program, config, release or host changed since review). Review and approve again`;
    }
    if (f.plan !== g.planSha256) {
        return `signature over another plan: the ${role} approval by ${principal} names plan sha256 ${f.plan}, but the plan this run was given has another sha256. Deploy the plan that was approved`;
    }
    const now = (g.now ?? new Date()).getTime();
    const at = Date.parse(f.time);
    if (at > now + FUTURE_SKEW_MS) {
        return `approval from the future: the ${role} approval by ${principal} is dated ${f.time}; check the signer's clock and sign again`;
    }
    const validity = g.approvals.validityMinutes;
    if (validity !== undefined && now > at + validity * 60_000) {
        return `expired approval: the ${role} approval by ${principal} was signed at ${f.time}; approvals.validityMinutes is ${validity}. Sign again`;
    }
    return { ...f, principal };
}

/** Verifies both roles' approvals; throws nothing, returns the problems (empty when all verify). */
export function verifyApprovals(g: GateInput): { problems: string[]; verified: VerifiedApproval[] } {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-signers-"));
    try {
        const allowed = path.join(tmp, "allowed_signers");
        fs.writeFileSync(allowed, g.approvals.allowedSigners.join("\n") + "\n");
        const problems: string[] = [];
        const verified: VerifiedApproval[] = [];
        for (const role of APPROVAL_ROLES) {
            const r = verifyRole(g, role, allowed);
            if (typeof r === "string") {
                problems.push(r);
            } else {
                verified.push(r);
            }
        }
        if (verified.length === 2 && verified[0].principal === verified[1].principal) {
            problems.push(`the review and the sovereign approval are signed by the same principal ${verified[0].principal}`);
        }
        return { problems, verified };
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/**
 * The `--plan` the pulumi CLI that runs this program was given, read from its
 * argument vector (/proc, Linux): the path, or undefined when the CLI has no
 * --plan. "unknown": /proc is readable but no pulumi CLI is among this
 * process's ancestors (refused: the engine cannot be confirmed). null: no
 * /proc (not Linux): only the plan file and the signatures can be checked.
 */
export function enginePlanArgument(startPid = process.pid): string | undefined | null | "unknown" {
    if (!fs.existsSync(`/proc/${startPid}/stat`)) {
        return null;
    }
    const helper = /^pulumi-(language|resource|analyzer)-/;
    let pid = startPid;
    for (let depth = 0; depth < 12 && pid > 1; depth++) {
        let stat: string;
        try {
            stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        } catch {
            return "unknown";
        }
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (!ppid || ppid <= 1) {
            return "unknown";
        }
        pid = ppid;
        let argv: string[];
        let exe = "";
        try {
            argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((x) => x !== "");
            exe = path.basename(fs.readlinkSync(`/proc/${pid}/exe`));
        } catch {
            continue;
        }
        if (!exe.startsWith("pulumi") || helper.test(exe)) {
            continue;
        }
        let plan: string | undefined;
        for (let i = 1; i < argv.length; i++) {
            if (argv[i] === "--plan" && i + 1 < argv.length) {
                plan = argv[i + 1];
            } else if (argv[i].startsWith("--plan=")) {
                plan = argv[i].slice("--plan=".length);
            }
        }
        if (plan === undefined) {
            return undefined;
        }
        let cwd = "/";
        try {
            cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
        } catch {
            // keep "/": an unreadable cwd only matters for a relative --plan
        }
        return path.resolve(cwd, plan);
    }
    return "unknown";
}

function realpathOr(p: string): string {
    try {
        return fs.realpathSync(p);
    } catch {
        return path.resolve(p);
    }
}

export interface ReviewedRunInput {
    cfg: StackConfig;
    macro: Macro;
    stack: string;
    mandateDigest: string;
    isDryRun: boolean;
    env: NodeJS.ProcessEnv;
    /** Injected in unit tests; default reads /proc. */
    enginePlan?: string | undefined | null | "unknown";
    now?: Date;
}

const REVIEW_FLOW = "Run the review, have it approved (review and sovereign), and use `deploy` (bash scripts/ops.sh deploy <stack>), which runs `pulumi up --plan` of the reviewed plan. Nothing was written.";

/** Why this run may not proceed, or undefined. */
export function approvalProblem(inp: ReviewedRunInput): string | undefined {
    if (inp.isDryRun) {
        return undefined;
    }
    const c = inp.cfg;
    if (c.allowUnreviewedRuns && !c.host.protected) {
        return undefined;
    }
    const planFile = inp.env[REVIEWED_PLAN_ENV];
    if (!planFile) {
        return `no unreviewed runs: this run was not given the reviewed plan (${REVIEWED_PLAN_ENV} is not set; a bare \`pulumi up\` is never enough${c.host.protected ? " on this protected stack" : ""}). ${REVIEW_FLOW}`;
    }
    if (!fs.existsSync(planFile) || !fs.statSync(planFile).isFile()) {
        return `no unreviewed runs: the reviewed plan ${planFile} does not exist. ${REVIEW_FLOW}`;
    }
    const engine = inp.enginePlan !== undefined || "enginePlan" in inp ? inp.enginePlan : enginePlanArgument();
    if (engine === "unknown") {
        return `no unreviewed runs: the pulumi CLI running this program cannot be found among its parent processes, so the engine cannot be confirmed to run the reviewed plan. ${REVIEW_FLOW}`;
    }
    if (engine === undefined) {
        return `no unreviewed runs: the pulumi CLI running this program was not given --plan; the reviewed plan ${path.basename(planFile)} is not what the engine enforces. ${REVIEW_FLOW}`;
    }
    if (engine !== null && realpathOr(engine) !== realpathOr(planFile)) {
        return `no unreviewed runs: the engine runs --plan ${engine}, not the reviewed plan ${planFile}. ${REVIEW_FLOW}`;
    }
    if (!c.host.protected) {
        return undefined;
    }
    if (!c.approvals) {
        return "this stack is protected but pins no approvals (approvals.*); nothing can be approved. Nothing was written.";
    }
    const dir = inp.env[APPROVALS_DIR_ENV];
    if (!dir || !fs.existsSync(dir)) {
        return `this stack is protected (host.protected): a deploy needs the signed review and sovereign approvals of this plan (${APPROVALS_DIR_ENV} names no directory of approval records). ${REVIEW_FLOW}`;
    }
    const { problems } = verifyApprovals({
        approvals: c.approvals, macro: inp.macro, stack: inp.stack, mandateDigest: inp.mandateDigest, planSha256: sha256File(planFile), dir, now: inp.now,
    });
    if (problems.length > 0) {
        return `this stack is protected (host.protected) and its approvals do not verify:\n  - ${problems.join("\n  - ")}\nNothing was written.`;
    }
    return undefined;
}
