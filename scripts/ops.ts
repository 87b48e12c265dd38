/**
 * The operator's workflow on top of preview/up, per macro (one stack per
 * macro: config `macro: o6 | o7`):
 *
 *   review  <stack>               preview with the policy pack, save the update plan,
 *                                 write the command-review package (review/<stack>/)
 *   approve <stack> --role review|sovereign --digest <d> (--key <private key> | --agent <public key>)
 *                                 sign the single approval line (macro, stack, digest,
 *                                 plan sha256, role, time) with ssh-keygen -Y sign;
 *                                 writes review/<stack>/approvals/<role>.line(.sig)
 *   pin-o7  <stack>               O7 stack: pin the O6 deploy its review showed (o7.verifiesDeploy)
 *   deploy  <stack>               `pulumi up --plan` of the reviewed plan, only after every
 *                                 required signature verifies; refuses otherwise and says why
 *
 * Run through scripts/ops.sh (sets up the environment). Rollback travels the
 * same path: set `rollback: true` in the stack config, review, approve, deploy.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { approvalLine, APPROVALS_DIR_ENV, Macro, REVIEWED_PLAN_ENV, sha256File, signLine, verifyApprovals, writeRecord } from "../lib/workflow/approval";
import { APPROVAL_ROLES, ApprovalRole, approvalsSchema, PROJECT } from "../lib/config/config";
import { FORBIDDEN_CHECKLIST, renderMarkdown, ReviewData } from "../lib/workflow/review";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface Approval {
    stack: string;
    macro: Macro;
    role: ApprovalRole;
    mandateDigest: string;
    planSha256: string;
    line: string;
    files: { line: string; sig: string };
}

export class OpsError extends Error {}

export function reviewDir(stack: string, root = REPO_ROOT): string {
    return path.join(process.env.IUCUTTER_REVIEW_ROOT ?? path.join(root, "review"), stack);
}

export function approvalsDir(stack: string, root = REPO_ROOT): string {
    return path.join(reviewDir(stack, root), "approvals");
}

function pulumi(args: string[], env: NodeJS.ProcessEnv = {}, root = REPO_ROOT) {
    const r = spawnSync("pulumi", args, { cwd: root, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 256 << 20 });
    return { status: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** Policy verdicts from a preview's output: a policy passes if it reported no violation. */
export function policyVerdicts(output: string): Array<{ policy: string; verdict: string }> {
    return FORBIDDEN_CHECKLIST.map((f) => {
        const n = (output.match(new RegExp(`\\[(mandatory|advisory)\\]\\s+${f.policy}\\b`, "g")) ?? []).length;
        return { policy: f.policy, verdict: n === 0 ? "pass" : `FAIL (${n} violation${n > 1 ? "s" : ""})` };
    });
}

export function review(stack: string, root = REPO_ROOT): { mandateDigest: string; planSha256: string; dir: string; macro: Macro } {
    const dir = reviewDir(stack, root);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const plan = path.join(dir, "plan.json");
    const r = pulumi(["preview", "--stack", stack, "--non-interactive", "--policy-pack", path.join(root, "policies"),
        "--save-plan", plan, "--suppress-outputs", "--color", "never"], { IUCUTTER_REVIEW_DIR: dir }, root);
    fs.writeFileSync(path.join(dir, "preview.log"), r.out);
    const verdicts = policyVerdicts(r.out);
    if (r.status !== 0 || !fs.existsSync(path.join(dir, "review.json"))) {
        const failed = verdicts.filter((v) => v.verdict !== "pass").map((v) => v.policy);
        throw new OpsError(`review of ${stack} failed${failed.length ? ` (policies: ${failed.join(", ")})` : ""}; nothing can be approved. `
            + `Details: ${path.relative(root, path.join(dir, "preview.log"))}\n${r.out.split("\n").filter((l) => /error:|\[mandatory\]|^\s+- /.test(l)).slice(0, 20).join("\n")}`);
    }
    const data = JSON.parse(fs.readFileSync(path.join(dir, "review.json"), "utf8")) as ReviewData & { planSha256?: string; policyVerdicts?: unknown };
    const planSha256 = sha256File(plan);
    data.planSha256 = planSha256;
    data.policyVerdicts = verdicts;
    fs.writeFileSync(path.join(dir, "review.json"), JSON.stringify(data, null, 2) + "\n");
    const manifest = fs.existsSync(path.join(dir, "manifest.txt")) ? fs.readFileSync(path.join(dir, "manifest.txt"), "utf8").split(/(?<=\n)/) : [];
    const macro = data.macro ?? "o6";
    fs.writeFileSync(path.join(dir, "review.md"), renderMarkdown({ ...data, manifest }, verdicts)
        + `\nSaved update plan: \`plan.json\`, sha256 \`${planSha256}\`.\n`
        + `\n## Approving (macro ${macro.toUpperCase()})\n\nEach approver signs one line with their own key (role \`review\`, then \`sovereign\`):\n\n`
        + "```sh\n"
        + APPROVAL_ROLES.map((r) => `bash scripts/ops.sh approve ${stack} --role ${r} --digest ${data.mandateDigest} --key <private key>   # or --agent <public key>`).join("\n")
        + "\n```\n\nThe line signed: `" + approvalLine({ macro, stack, mandate: data.mandateDigest, plan: planSha256, role: "review", time: "2000-01-01T00:00:00Z" }).replace("2000-01-01T00:00:00Z", "<time of signing>") + "`\n");
    return { mandateDigest: data.mandateDigest, planSha256, dir, macro };
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

/** Signs the approval line of the reviewed package for one role and records it. */
export function approve(stack: string, o: ApproveOptions, root = REPO_ROOT): Approval {
    const dir = reviewDir(stack, root);
    const f = path.join(dir, "review.json");
    if (!fs.existsSync(f)) {
        throw new OpsError(`no review of ${stack} to approve: run \`review ${stack}\` first`);
    }
    if (!(APPROVAL_ROLES as readonly string[]).includes(o.role)) {
        throw new OpsError(`an approval has a role: --role review or --role sovereign (got ${o.role || "none"})`);
    }
    const data = JSON.parse(fs.readFileSync(f, "utf8"));
    if (!o.digest) {
        throw new OpsError("an approval names the digest the approver read in the package: --digest <mandate digest>");
    }
    if (o.digest !== data.mandateDigest) {
        throw new OpsError(`--digest ${o.digest} is not the reviewed mandate digest of ${stack}; read the package (review/${stack}/review.md) again`);
    }
    const failing = (data.policyVerdicts ?? []).filter((v: { verdict: string }) => v.verdict !== "pass");
    if (failing.length > 0) {
        throw new OpsError(`the review has failing policies (${failing.map((v: { policy: string }) => v.policy).join(", ")}); it cannot be approved`);
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
        sig = o.agent ? signLine(line, o.agent, true) : signLine(line, o.key!);
    } catch (e) {
        throw new OpsError(String((e as Error).message));
    }
    const files = writeRecord(approvalsDir(stack, root), role, line, sig);
    return { stack, macro, role, mandateDigest: data.mandateDigest, planSha256: data.planSha256, line, files };
}

/** approvals.* and host.protected of a stack, read through the CLI (no secret is read). */
export function stackApprovalConfig(stack: string, root = REPO_ROOT): { protected: boolean; approvals?: ReturnType<typeof approvalsSchema.parse> } {
    const r = pulumi(["config", "--json", "--stack", stack], {}, root);
    if (r.status !== 0) {
        throw new OpsError(`cannot read the config of ${stack}: ${r.out.trim().split("\n").slice(-3).join(" ")}`);
    }
    const all = JSON.parse(r.out.slice(r.out.indexOf("{"))) as Record<string, { value?: string; objectValue?: unknown }>;
    const get = (k: string): any => {
        const e = all[`${PROJECT}:${k}`];
        if (!e) { return undefined; }
        if (e.objectValue !== undefined) { return e.objectValue; }
        try { return JSON.parse(e.value ?? ""); } catch { return e.value; }
    };
    const host = get("host") ?? {};
    const a = get("approvals");
    const parsed = a === undefined ? undefined : approvalsSchema.safeParse(a);
    if (parsed && !parsed.success) {
        throw new OpsError(`${stack}: approvals.* is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    return { protected: host.protected === true, approvals: parsed?.data };
}

/** O7 stack: pins the O6 deploy the latest review showed (o7.verifiesDeploy). */
export function pinO7(stack: string, root = REPO_ROOT): { ledgerDigest: string; releaseDigest: string; dotCommit: string } {
    const f = path.join(reviewDir(stack, root), "review.json");
    if (!fs.existsSync(f)) {
        throw new OpsError(`no review of ${stack}: run \`review ${stack}\` first`);
    }
    const data = JSON.parse(fs.readFileSync(f, "utf8"));
    if (data.macro !== "o7" || !data.verifiesDeploy) {
        throw new OpsError(`${stack} is not an O7 stack (macro: o7); nothing to pin`);
    }
    for (const k of ["ledgerDigest", "releaseDigest", "dotCommit"]) {
        const r = pulumi(["config", "set", "--stack", stack, "--path", `o7.verifiesDeploy.${k}`, data.verifiesDeploy[k]], {}, root);
        if (r.status !== 0) {
            throw new OpsError(`pulumi config set o7.verifiesDeploy.${k} failed: ${r.out}`);
        }
    }
    return data.verifiesDeploy;
}

function changedInputs(approved: Record<string, any>, now: Record<string, any>): string[] {
    const out: string[] = [];
    const cmds = (d: Record<string, any>) => new Map<string, string>((d.commands ?? []).map((c: any) => [c.resource, JSON.stringify(c)]));
    const a = cmds(approved);
    const b = cmds(now);
    for (const k of new Set([...a.keys(), ...b.keys()])) {
        if (a.get(k) !== b.get(k)) {
            out.push(`command ${k}`);
        }
    }
    for (const k of ["host", "release", "identity", "config"]) {
        if (JSON.stringify(approved[k]) !== JSON.stringify(now[k])) {
            out.push(k);
        }
    }
    const pins = (d: Record<string, any>) => JSON.stringify((d.anchors ?? []).map((r: any) => [r.name, r.pinned]));
    if (pins(approved) !== pins(now)) {
        out.push("pinned anchors");
    }
    return out;
}

export function deploy(stack: string, root = REPO_ROOT): string {
    const dir = reviewDir(stack, root);
    const reviewFile = path.join(dir, "review.json");
    if (!fs.existsSync(reviewFile)) {
        throw new OpsError(`deploy of ${stack} refused: no review (${path.relative(root, reviewFile)}). Review, then approve.`);
    }
    const reviewed = JSON.parse(fs.readFileSync(reviewFile, "utf8"));
    const plan = path.join(dir, "plan.json");
    if (!fs.existsSync(plan) || sha256File(plan) !== reviewed.planSha256) {
        throw new OpsError(`deploy of ${stack} refused: the saved plan ${path.relative(root, plan)} is missing or changed since it was reviewed (sha256 differs). Review again.`);
    }
    const planSha256 = sha256File(plan);
    const sc = stackApprovalConfig(stack, root);
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
    const now = pulumi(["preview", "--stack", stack, "--non-interactive", "--suppress-outputs", "--color", "never"], { IUCUTTER_REVIEW_DIR: probeDir }, root);
    const nowFile = path.join(probeDir, "review.json");
    if (now.status !== 0 || !fs.existsSync(nowFile)) {
        throw new OpsError(`deploy of ${stack} refused: the program refuses now:\n${now.out.split("\n").filter((l) => /error:|^\s+- /.test(l)).slice(0, 10).join("\n")}`);
    }
    const current = JSON.parse(fs.readFileSync(nowFile, "utf8"));
    if (current.mandateDigest !== reviewed.mandateDigest) {
        throw new OpsError(`deploy of ${stack} refused: the mandate digest changed since review and approval. `
            + `Changed: ${changedInputs(reviewed, current).join(", ") || "see review/now"}. Review and approve again; nothing was written.`);
    }
    const up = pulumi(["up", "--stack", stack, "--non-interactive", "--yes", "--skip-preview", "--plan", plan, "--policy-pack", path.join(root, "policies"),
        "--suppress-outputs", "--color", "never"], { [REVIEWED_PLAN_ENV]: plan, [APPROVALS_DIR_ENV]: adir, IUCUTTER_REVIEW_DIR: dir }, root);
    fs.writeFileSync(path.join(dir, "deploy.log"), up.out);
    if (up.status !== 0) {
        throw new OpsError(`deploy of ${stack} failed; see ${path.relative(root, path.join(dir, "deploy.log"))}:\n${up.out.split("\n").filter((l) => /error:|^\s+- /.test(l)).slice(0, 12).join("\n")}`);
    }
    return up.out;
}

if (require.main === module) {
    const [cmd, stack, ...rest] = process.argv.slice(2);
    const flag = (n: string) => { const i = rest.indexOf(n); return i >= 0 ? rest[i + 1] : undefined; };
    try {
        if (!stack || !["review", "approve", "deploy", "pin-o7"].includes(cmd)) {
            throw new OpsError("usage: ops.sh review <stack> | approve <stack> --role review|sovereign --digest <d> (--key <private key> | --agent <public key>) | pin-o7 <stack> | deploy <stack>");
        }
        if (cmd === "review") {
            const r = review(stack);
            console.log(`review package (macro ${r.macro.toUpperCase()}): ${path.relative(process.cwd(), r.dir)}/review.md\nmandate digest: ${r.mandateDigest}`);
        } else if (cmd === "approve") {
            const a = approve(stack, { role: flag("--role") ?? "", digest: flag("--digest"), key: flag("--key"), agent: flag("--agent") });
            console.log(`signed ${a.role} approval of ${a.macro.toUpperCase()} on ${a.stack}:\n  ${a.line}\n  ${path.relative(process.cwd(), a.files.sig)}`);
        } else if (cmd === "pin-o7") {
            const d = pinO7(stack);
            console.log(`pinned the O6 deploy O7 verifies on ${stack}: ledger ${d.ledgerDigest}, release ${d.releaseDigest}, dot commit ${d.dotCommit}`);
        } else {
            const out = deploy(stack);
            console.log(out.split("\n").filter((l) => /Resources:|created|updated|deleted|unchanged|Duration/.test(l)).join("\n"));
        }
    } catch (e) {
        console.error(e instanceof OpsError ? e.message : String((e as Error).stack ?? e));
        process.exit(1);
    }
}
