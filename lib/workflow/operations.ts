/**
 * The operator's workflow on top of preview/up, per macro stack, on the
 * Pulumi Automation API: review (preview with the policy pack, saved plan,
 * the review package), approve (one signed line per role), pin-o7, deploy
 * (`up` of exactly the reviewed plan, after every signature verifies).
 *
 * Policy verdicts, refusals and progress come from the engine's structured
 * events (its event log), never from its text output. review.md has one
 * writer: `review` here renders it from the program's review.json and the
 * engine's verdicts.
 *
 * Stacks and config go through the Automation API. preview and up run the
 * same CLI command the Automation API runs, with an event log this module
 * reads itself: in order, complete lines only, and once more after the CLI
 * exits. (The 3.188 Automation API tails the log with a reader that can
 * reorder a long line under backpressure, pulumi/pulumi#6768, and then drops
 * the event: a verdict must never depend on that.)
 */
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { APPROVAL_ROLES, ApprovalRole, approvalsSchema } from "../config/config";
import { approvalLine, APPROVALS_DIR_ENV, Macro, REVIEWED_PLAN_ENV, sha256File, signLine, verifyApprovals, writeRecord } from "./approval";
import { FORBIDDEN_CHECKLIST, renderMarkdown, ReviewData } from "./review";

export class OpsError extends Error {}

export interface Approval {
    stack: string;
    macro: Macro;
    role: ApprovalRole;
    mandateDigest: string;
    planSha256: string;
    line: string;
    files: { line: string; sig: string };
}

export interface PolicyVerdict { policy: string; verdict: string }

/** Where the packages live: review/<stack>/ under the project (IUCUTTER_REVIEW_ROOT moves it). */
export function reviewDir(stack: string, root: string): string {
    return path.join(process.env.IUCUTTER_REVIEW_ROOT ?? path.join(root, "review"), stack);
}

export function approvalsDir(stack: string, root: string): string {
    return path.join(reviewDir(stack, root), "approvals");
}

/** What one engine run reported, from its events. */
export interface EngineReport {
    ok: boolean;
    /** Policy violations by policy name. */
    violations: Map<string, string[]>;
    /** Error diagnostics (the program's refusals, failed commands), in order. */
    errors: string[];
    /** Every line the CLI printed, for the run's log file. */
    log: string[];
}

/** Collects policy events and error diagnostics; `progress` gets one line per resource step and info message. */
export interface EngineCollector {
    report: EngineReport;
    onEvent: (e: EngineEvent) => void;
    onOutput: (s: string) => void;
    /** Called with the summary's resource changes (op -> count) when the engine reports them. */
    onSummary?: (changes: Record<string, number>) => void;
}

export function engineCollector(progress?: (line: string) => void): EngineCollector {
    const report: EngineReport = { ok: false, violations: new Map(), errors: [], log: [] };
    const c: EngineCollector = { report, onEvent: () => undefined, onOutput: (s: string): void => { report.log.push(s); } };
    c.onEvent = (e: EngineEvent): void => {
        if (e.summaryEvent) {
            c.onSummary?.(e.summaryEvent.resourceChanges as Record<string, number>);
        }
        if (e.policyEvent) {
            const p = e.policyEvent;
            report.violations.set(p.policyName, [...(report.violations.get(p.policyName) ?? []), `${p.resourceUrn ?? "stack"}: ${p.message}`]);
        }
        if (e.diagnosticEvent) {
            const d = e.diagnosticEvent;
            const text = d.message.replace(/\s+$/, "");
            if (d.severity === "error") {
                report.errors.push(text);
            } else if (d.severity === "info" || d.severity === "info#err" || d.severity === "warning") {
                // info#err: a line the host-command provider streams while a host script runs.
                progress?.(text);
            }
        }
        if (e.resOutputsEvent && progress) {
            progress(`${e.resOutputsEvent.metadata.op}: ${e.resOutputsEvent.metadata.urn.split("::").pop()}`);
        }
    };
    return c;
}

/** One verdict per forbidden-list policy: pass if the engine reported no violation of it. */
export function policyVerdicts(violations: Map<string, string[]>): PolicyVerdict[] {
    return FORBIDDEN_CHECKLIST.map((f) => {
        const n = violations.get(f.policy)?.length ?? 0;
        return { policy: f.policy, verdict: n === 0 ? "pass" : `FAIL (${n} violation${n > 1 ? "s" : ""})` };
    });
}

export interface WorkflowOptions {
    root: string;
    /** Progress lines while the engine runs (resource steps, the program's info messages). */
    progress?: (line: string) => void;
}

async function selectStack(stack: string, root: string, env: Record<string, string>): Promise<Stack> {
    try {
        return await LocalWorkspace.selectStack({ stackName: stack, workDir: root }, { envVars: env });
    } catch (e) {
        throw new OpsError(`stack ${stack} not found: ${firstLine(e)}; create it with \`pulumi stack init ${stack}\` (see README)`);
    }
}

function firstLine(e: unknown): string {
    return String((e as Error).message ?? e).trim().split("\n").filter((l) => l.trim() !== "").slice(-1)[0] ?? "";
}

/**
 * Runs `pulumi <args>` for one stack with an event log, feeding every event to
 * the collector in order as it is written (complete lines only) and the rest
 * after the CLI exits. An event line that does not parse fails the run: a
 * verdict is never taken from a partial log.
 */
export async function runEngine(root: string, args: string[], env: Record<string, string>, c: EngineCollector): Promise<EngineReport> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-events-"));
    const log = path.join(dir, "events.jsonl");
    fs.writeFileSync(log, "");
    let offset = 0;
    let pending = "";
    let lineNo = 0;
    let torn = false;
    const drain = () => {
        const size = fs.statSync(log).size;
        if (size <= offset) { return; }
        const fd = fs.openSync(log, "r");
        try {
            const buf = Buffer.alloc(size - offset);
            fs.readSync(fd, buf, 0, buf.length, offset);
            offset = size;
            pending += buf.toString("utf8");
        } finally {
            fs.closeSync(fd);
        }
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const l of lines) {
            lineNo++;
            if (l.trim() === "") { continue; }
            try {
                c.onEvent(JSON.parse(l) as EngineEvent);
            } catch {
                torn = true;
            }
        }
    };
    const timer = setInterval(drain, 100);
    try {
        const code = await new Promise<number>((resolve, reject) => {
            const child = spawn("pulumi", [...args, "--non-interactive", "--color", "never", "--suppress-outputs", "--event-log", log],
                // PULUMI_DEBUG_COMMANDS enables --event-log (the Automation API sets it too).
                { cwd: root, env: { ...process.env, PULUMI_DEBUG_COMMANDS: "true", ...env }, stdio: ["ignore", "pipe", "pipe"] });
            child.stdout.on("data", (b: Buffer) => c.onOutput(b.toString("utf8")));
            child.stderr.on("data", (b: Buffer) => c.onOutput(b.toString("utf8")));
            child.on("error", reject);
            child.on("close", (n) => resolve(n ?? -1));
        });
        clearInterval(timer);
        drain();
        if (pending.trim() !== "") { torn = true; }
        c.report.ok = code === 0 && !torn;
        if (torn) {
            c.report.errors.push(`EngineEvents: the engine's event log could not be read completely (line ${lineNo}); no verdict is taken from it. Run again.`);
        } else if (code !== 0 && c.report.errors.length === 0 && c.report.violations.size === 0) {
            c.report.errors.push(c.report.log.join("").trim().split("\n").filter((l) => l.trim() !== "").slice(-3).join("\n") || `pulumi exited ${code}`);
        }
        return c.report;
    } finally {
        clearInterval(timer);
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

function explain(report: EngineReport): string {
    const lines = [...report.errors];
    for (const [policy, v] of report.violations) {
        lines.push(...v.map((m) => `[${policy}] ${m}`));
    }
    return lines.slice(0, 20).map((l) => `  ${l.split("\n").join("\n  ")}`).join("\n");
}

export async function review(stack: string, o: WorkflowOptions): Promise<{ mandateDigest: string; planSha256: string; dir: string; macro: Macro; verdicts: PolicyVerdict[] }> {
    const dir = reviewDir(stack, o.root);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const plan = path.join(dir, "plan.json");
    await selectStack(stack, o.root, {});
    const c = engineCollector(o.progress);
    await runEngine(o.root, ["preview", "--stack", stack, "--policy-pack", path.join(o.root, "policies"), "--save-plan", plan], { IUCUTTER_REVIEW_DIR: dir }, c);
    fs.writeFileSync(path.join(dir, "preview.log"), c.report.log.join(""));
    const verdicts = policyVerdicts(c.report.violations);
    const reviewJson = path.join(dir, "review.json");
    if (!c.report.ok || c.report.violations.size > 0 || !fs.existsSync(reviewJson) || !fs.existsSync(plan)) {
        const failed = verdicts.filter((v) => v.verdict !== "pass").map((v) => v.policy);
        throw new OpsError(`review of ${stack} failed${failed.length ? ` (policies: ${failed.join(", ")})` : ""}; nothing can be approved. `
            + `Details: ${path.relative(o.root, path.join(dir, "preview.log"))}\n${explain(c.report)}`);
    }
    const data = JSON.parse(fs.readFileSync(reviewJson, "utf8")) as ReviewData & { planSha256?: string; policyVerdicts?: PolicyVerdict[] };
    const planSha256 = sha256File(plan);
    data.planSha256 = planSha256;
    data.policyVerdicts = verdicts;
    fs.writeFileSync(reviewJson, JSON.stringify(data, null, 2) + "\n");
    const macro = data.macro ?? "o6";
    const manifestFile = path.join(dir, "manifest.txt");
    const manifest = fs.existsSync(manifestFile) ? fs.readFileSync(manifestFile, "utf8").split(/(?<=\n)/) : [];
    fs.writeFileSync(path.join(dir, "review.md"), renderMarkdown({ ...data, manifest }, verdicts) + approvingSection(stack, macro, data.mandateDigest, planSha256));
    return { mandateDigest: data.mandateDigest, planSha256, dir, macro, verdicts };
}

function approvingSection(stack: string, macro: Macro, mandateDigest: string, planSha256: string): string {
    const example = approvalLine({ macro, stack, mandate: mandateDigest, plan: planSha256, role: "review", time: "2000-01-01T00:00:00Z" })
        .replace("2000-01-01T00:00:00Z", "<time of signing>");
    return `\nSaved update plan: \`plan.json\`, sha256 \`${planSha256}\`.\n`
        + `\n## Approving (macro ${macro.toUpperCase()})\n\nEach approver signs one line with their own key (role \`review\`, then \`sovereign\`):\n\n`
        + "```sh\n"
        + APPROVAL_ROLES.map((r) => `bash scripts/ops.sh approve ${stack} --role ${r} --digest ${mandateDigest} --key <private key>   # or --agent <public key>`).join("\n")
        + "\n```\n\nThe line signed: `" + example + "`\n";
}

export interface ApproveOptions {
    role: string;
    /** The mandate digest the approver read in the package (required). */
    digest?: string;
    /** Private key file to sign with; or, with `agent`, the public key file of a key held by ssh-agent. */
    key?: string;
    agent?: string;
    now?: Date;
}

interface ReviewedPackage extends ReviewData { planSha256: string; policyVerdicts?: PolicyVerdict[] }

function readReview(stack: string, root: string, what: string): ReviewedPackage {
    const f = path.join(reviewDir(stack, root), "review.json");
    if (!fs.existsSync(f)) {
        throw new OpsError(`${what} of ${stack} refused: no review (${path.relative(root, f)}); run \`review ${stack}\` first`);
    }
    return JSON.parse(fs.readFileSync(f, "utf8")) as ReviewedPackage;
}

/** Signs the approval line of the reviewed package for one role and records it. */
export function approve(stack: string, o: ApproveOptions, root: string): Approval {
    const dir = reviewDir(stack, root);
    const data = readReview(stack, root, "approval");
    if (!(APPROVAL_ROLES as readonly string[]).includes(o.role)) {
        throw new OpsError(`an approval has a role: --role review or --role sovereign (got ${o.role || "none"})`);
    }
    if (!o.digest) {
        throw new OpsError("an approval names the digest the approver read in the package: --digest <mandate digest>");
    }
    if (o.digest !== data.mandateDigest) {
        throw new OpsError(`--digest ${o.digest} is not the reviewed mandate digest of ${stack}; read the package (review/${stack}/review.md) again`);
    }
    const failing = (data.policyVerdicts ?? []).filter((v) => v.verdict !== "pass");
    if (failing.length > 0) {
        throw new OpsError(`the review has failing policies (${failing.map((v) => v.policy).join(", ")}); it cannot be approved`);
    }
    const plan = path.join(dir, "plan.json");
    if (!fs.existsSync(plan) || sha256File(plan) !== data.planSha256) {
        throw new OpsError(`the saved plan of ${stack} is missing or changed since the review; review again`);
    }
    if (!o.key && !o.agent) {
        throw new OpsError("sign with a key: --key <private key file>, or --agent <public key file> for a key held by ssh-agent");
    }
    const time = (o.now ?? new Date()).toISOString().replace(/\.\d+Z$/, "Z");
    const role = o.role as ApprovalRole;
    const macro: Macro = data.macro ?? "o6";
    const line = approvalLine({ macro, stack, mandate: data.mandateDigest, plan: data.planSha256, role, time });
    let sig: string;
    try {
        sig = o.agent ? signLine(line, o.agent, true) : signLine(line, o.key ?? "");
    } catch (e) {
        throw new OpsError(String((e as Error).message));
    }
    const files = writeRecord(approvalsDir(stack, root), role, line, sig);
    return { stack, macro, role, mandateDigest: data.mandateDigest, planSha256: data.planSha256, line, files };
}

/** approvals.* and host.protected of a stack, read one key at a time (no secret is read). */
export async function stackApprovalConfig(stack: string, root: string): Promise<{ protected: boolean; approvals?: ReturnType<typeof approvalsSchema.parse> }> {
    const s = await selectStack(stack, root, {});
    const get = async (k: string): Promise<unknown> => {
        try {
            const v = await s.getConfig(k);
            try { return JSON.parse(v.value); } catch { return v.value; }
        } catch {
            return undefined;
        }
    };
    const host = (await get("host") ?? {}) as { protected?: unknown };
    const a = await get("approvals");
    const parsed = a === undefined ? undefined : approvalsSchema.safeParse(a);
    if (parsed && !parsed.success) {
        throw new OpsError(`${stack}: approvals.* is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    return { protected: host.protected === true, approvals: parsed?.data };
}

/** O7 stack: pins the O6 deploy the latest review showed (o7.verifiesDeploy). */
export async function pinO7(stack: string, root: string): Promise<{ ledgerDigest: string; releaseDigest: string; dotCommit: string }> {
    const data = readReview(stack, root, "pin-o7");
    if (data.macro !== "o7" || !data.verifiesDeploy) {
        throw new OpsError(`${stack} is not an O7 stack (macro: o7); nothing to pin`);
    }
    const s = await selectStack(stack, root, {});
    const d = data.verifiesDeploy;
    for (const k of ["ledgerDigest", "releaseDigest", "dotCommit"] as const) {
        await s.setConfig(`o7.verifiesDeploy.${k}`, { value: d[k] }, true);
    }
    return d;
}

/** What differs between the approved package and what the program would do now. */
export function changedInputs(approved: ReviewData, now: ReviewData): string[] {
    const out: string[] = [];
    const cmds = (d: ReviewData) => new Map<string, string>((d.commands ?? []).map((c) => [c.resource, JSON.stringify(c)]));
    const a = cmds(approved);
    const b = cmds(now);
    for (const k of new Set([...a.keys(), ...b.keys()])) {
        if (a.get(k) !== b.get(k)) {
            out.push(`command ${k}`);
        }
    }
    for (const k of ["host", "release", "identity", "config"] as const) {
        if (JSON.stringify(approved[k]) !== JSON.stringify(now[k])) {
            out.push(k);
        }
    }
    const pins = (d: ReviewData) => JSON.stringify((d.anchors ?? []).map((r) => [r.name, r.pinned]));
    if (pins(approved) !== pins(now)) {
        out.push("pinned anchors");
    }
    return out;
}

export interface DeployResult { log: string; changes: Record<string, number> }

export async function deploy(stack: string, o: WorkflowOptions): Promise<DeployResult> {
    const root = o.root;
    const dir = reviewDir(stack, root);
    const reviewed = readReview(stack, root, "deploy");
    const plan = path.join(dir, "plan.json");
    if (!fs.existsSync(plan) || sha256File(plan) !== reviewed.planSha256) {
        throw new OpsError(`deploy of ${stack} refused: the saved plan ${path.relative(root, plan)} is missing or changed since it was reviewed (sha256 differs). Review again.`);
    }
    const planSha256 = sha256File(plan);
    const sc = await stackApprovalConfig(stack, root);
    const adir = approvalsDir(stack, root);
    if (sc.protected || sc.approvals) {
        if (!sc.approvals) {
            throw new OpsError(`deploy of ${stack} refused: the stack is protected but pins no approvals (approvals.*)`);
        }
        const { problems } = verifyApprovals({
            approvals: sc.approvals, macro: reviewed.macro ?? "o6", stack, mandateDigest: reviewed.mandateDigest, planSha256, dir: adir,
        });
        if (problems.length > 0) {
            throw new OpsError(`deploy of ${stack} refused: the approvals do not verify:\n  - ${problems.join("\n  - ")}\nNothing was written.`);
        }
    }
    // What would the program do now? A fresh, read-only preview computes the digest.
    const probeDir = path.join(dir, "now");
    fs.rmSync(probeDir, { recursive: true, force: true });
    const pc = engineCollector();
    await runEngine(root, ["preview", "--stack", stack], { IUCUTTER_REVIEW_DIR: probeDir }, pc);
    const nowFile = path.join(probeDir, "review.json");
    if (!pc.report.ok || !fs.existsSync(nowFile)) {
        throw new OpsError(`deploy of ${stack} refused: the program refuses now:\n${explain(pc.report)}`);
    }
    const current = JSON.parse(fs.readFileSync(nowFile, "utf8")) as ReviewData;
    if (current.mandateDigest !== reviewed.mandateDigest) {
        throw new OpsError(`deploy of ${stack} refused: the mandate digest changed since review and approval. `
            + `Changed: ${changedInputs(reviewed, current).join(", ") || "see review/now"}. Review and approve again; nothing was written.`);
    }
    const uc = engineCollector(o.progress);
    const changes: Record<string, number> = {};
    uc.onSummary = (counts) => { Object.assign(changes, counts); };
    await runEngine(root, ["up", "--stack", stack, "--yes", "--skip-preview", "--plan", plan, "--policy-pack", path.join(root, "policies")],
        { [REVIEWED_PLAN_ENV]: plan, [APPROVALS_DIR_ENV]: adir, IUCUTTER_REVIEW_DIR: dir }, uc);
    const log = uc.report.log.join("");
    fs.writeFileSync(path.join(dir, "deploy.log"), log);
    if (!uc.report.ok) {
        throw new OpsError(`deploy of ${stack} failed; see ${path.relative(root, path.join(dir, "deploy.log"))}:\n${explain(uc.report)}`);
    }
    return { log, changes };
}
