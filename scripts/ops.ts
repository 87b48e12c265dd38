/**
 * The operator's workflow on top of preview/up:
 *
 *   review  <stack>               preview with the policy pack, save the update plan,
 *                                 write the command-review package (review/<stack>/)
 *   approve <stack> --by <name> [--digest <d>]
 *                                 record who approved which mandate digest, when
 *   deploy  <stack>               `pulumi up --plan` of the reviewed plan, only with a
 *                                 matching approval; refuses otherwise and says why
 *
 * Run through scripts/ops.sh (sets up the environment). Rollback travels the
 * same path: set `rollback: true` in the stack config, review, approve, deploy.
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { FORBIDDEN_CHECKLIST, renderMarkdown, ReviewData } from "../lib/review";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface Approval {
    stack: string;
    mandateDigest: string;
    planSha256: string;
    approvedBy: string;
    approvedAt: string;
    note?: string;
}

export class OpsError extends Error {}

export function reviewDir(stack: string, root = REPO_ROOT): string {
    return path.join(process.env.IUCUTTER_REVIEW_ROOT ?? path.join(root, "review"), stack);
}

function sha256File(f: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
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

export function review(stack: string, root = REPO_ROOT): { mandateDigest: string; planSha256: string; dir: string } {
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
            + `Details: ${path.relative(root, path.join(dir, "preview.log"))}\n${r.out.split("\n").filter((l) => /error:|\[mandatory\]/.test(l)).slice(0, 20).join("\n")}`);
    }
    const data = JSON.parse(fs.readFileSync(path.join(dir, "review.json"), "utf8")) as ReviewData & { planSha256?: string; policyVerdicts?: unknown };
    const planSha256 = sha256File(plan);
    data.planSha256 = planSha256;
    data.policyVerdicts = verdicts;
    fs.writeFileSync(path.join(dir, "review.json"), JSON.stringify(data, null, 2) + "\n");
    const manifest = fs.existsSync(path.join(dir, "manifest.txt")) ? fs.readFileSync(path.join(dir, "manifest.txt"), "utf8").split(/(?<=\n)/) : [];
    fs.writeFileSync(path.join(dir, "review.md"), renderMarkdown({ ...data, manifest }, verdicts)
        + `\nSaved update plan: \`plan.json\`, sha256 \`${planSha256}\`.\n`);
    return { mandateDigest: data.mandateDigest, planSha256, dir };
}

export function approve(stack: string, by: string, digest: string | undefined, root = REPO_ROOT): Approval {
    const dir = reviewDir(stack, root);
    const f = path.join(dir, "review.json");
    if (!fs.existsSync(f)) {
        throw new OpsError(`no review of ${stack} to approve: run \`review ${stack}\` first`);
    }
    if (!by.trim()) {
        throw new OpsError("an approval names its approver: --by <name>");
    }
    const data = JSON.parse(fs.readFileSync(f, "utf8"));
    if (digest && digest !== data.mandateDigest) {
        throw new OpsError(`--digest ${digest} is not the reviewed mandate digest ${data.mandateDigest}; read the package again`);
    }
    const failing = (data.policyVerdicts ?? []).filter((v: { verdict: string }) => v.verdict !== "pass");
    if (failing.length > 0) {
        throw new OpsError(`the review has failing policies (${failing.map((v: { policy: string }) => v.policy).join(", ")}); it cannot be approved`);
    }
    const a: Approval = { stack, mandateDigest: data.mandateDigest, planSha256: data.planSha256, approvedBy: by, approvedAt: new Date().toISOString() };
    fs.writeFileSync(path.join(dir, "approval.json"), JSON.stringify(a, null, 2) + "\n");
    return a;
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
    const approvalFile = path.join(dir, "approval.json");
    if (!fs.existsSync(approvalFile)) {
        throw new OpsError(`deploy of ${stack} refused: no recorded approval (${path.relative(root, approvalFile)}). Review, then approve the mandate digest.`);
    }
    const a = JSON.parse(fs.readFileSync(approvalFile, "utf8")) as Approval;
    const reviewed = JSON.parse(fs.readFileSync(path.join(dir, "review.json"), "utf8"));
    if (a.stack !== stack || a.mandateDigest !== reviewed.mandateDigest) {
        throw new OpsError(`deploy of ${stack} refused: the approval is for ${a.stack} digest ${a.mandateDigest}, but the reviewed package has ${reviewed.mandateDigest}. Approve the package that was reviewed.`);
    }
    const plan = path.join(dir, "plan.json");
    if (!fs.existsSync(plan) || sha256File(plan) !== a.planSha256) {
        throw new OpsError(`deploy of ${stack} refused: the saved plan ${path.relative(root, plan)} is missing or changed since it was reviewed and approved (sha256 differs). Review again.`);
    }
    // What would the program do now? A fresh, read-only preview computes the digest.
    const probeDir = path.join(dir, "now");
    fs.rmSync(probeDir, { recursive: true, force: true });
    const now = pulumi(["preview", "--stack", stack, "--non-interactive", "--suppress-outputs", "--color", "never"], { IUCUTTER_REVIEW_DIR: probeDir }, root);
    const nowFile = path.join(probeDir, "review.json");
    if (now.status !== 0 || !fs.existsSync(nowFile)) {
        throw new OpsError(`deploy of ${stack} refused: the program refuses now:\n${now.out.split("\n").filter((l) => /error:/.test(l)).slice(0, 10).join("\n")}`);
    }
    const current = JSON.parse(fs.readFileSync(nowFile, "utf8"));
    if (current.mandateDigest !== a.mandateDigest) {
        throw new OpsError(`deploy of ${stack} refused: the mandate digest changed since approval (approved ${a.mandateDigest}, now ${current.mandateDigest}). `
            + `Changed: ${changedInputs(reviewed, current).join(", ") || "see review/now"}. Review and approve again; nothing was written.`);
    }
    const up = pulumi(["up", "--stack", stack, "--non-interactive", "--yes", "--skip-preview", "--plan", plan, "--policy-pack", path.join(root, "policies"),
        "--suppress-outputs", "--color", "never"], { IUCUTTER_APPROVED_MANDATE: a.mandateDigest, IUCUTTER_REVIEW_DIR: dir }, root);
    fs.writeFileSync(path.join(dir, "deploy.log"), up.out);
    if (up.status !== 0) {
        throw new OpsError(`deploy of ${stack} failed; see ${path.relative(root, path.join(dir, "deploy.log"))}:\n${up.out.split("\n").filter((l) => /error:/.test(l)).slice(0, 10).join("\n")}`);
    }
    return up.out;
}

if (require.main === module) {
    const [cmd, stack, ...rest] = process.argv.slice(2);
    const flag = (n: string) => { const i = rest.indexOf(n); return i >= 0 ? rest[i + 1] : undefined; };
    try {
        if (!stack || !["review", "approve", "deploy"].includes(cmd)) {
            throw new OpsError("usage: ops.sh review <stack> | approve <stack> --by <name> [--digest <d>] | deploy <stack>");
        }
        if (cmd === "review") {
            const r = review(stack);
            console.log(`review package: ${path.relative(process.cwd(), r.dir)}/review.md\nmandate digest: ${r.mandateDigest}`);
        } else if (cmd === "approve") {
            const a = approve(stack, flag("--by") ?? "", flag("--digest"));
            console.log(`approved ${a.stack} mandate ${a.mandateDigest} by ${a.approvedBy} at ${a.approvedAt}`);
        } else {
            const out = deploy(stack);
            console.log(out.split("\n").filter((l) => /Resources:|created|updated|deleted|unchanged|Duration/.test(l)).join("\n"));
        }
    } catch (e) {
        console.error(e instanceof OpsError ? e.message : String((e as Error).stack ?? e));
        process.exit(1);
    }
}
