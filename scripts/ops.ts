/**
 * The operator's command line for the workflow (lib/workflow/operations.ts),
 * per macro stack (config `macro: o6 | o7`):
 *
 *   review  <stack>               preview with the policy pack, save the update plan,
 *                                 write the command-review package (review/<stack>/)
 *   approve <stack> --role review|sovereign --digest <d> (--key <private key> | --agent <public key>)
 *                                 sign the single approval line (macro, stack, digest,
 *                                 plan sha256, role, time) with ssh-keygen -Y sign;
 *                                 writes review/<stack>/approvals/<role>.line(.sig)
 *   pin-o7  <stack>               O7 stack: pin the O6 deploy its review showed (o7.verifiesDeploy)
 *   deploy  <stack>               `up` of the reviewed plan, only after every required
 *                                 signature verifies; refuses otherwise and says why
 *
 * Run through scripts/ops.sh (sets up the environment). Rollback travels the
 * same path: set `rollback: true` in the stack config, review, approve, deploy.
 */
import * as path from "path";
import { parseArgs } from "node:util";
import { approve, deploy, OpsError, pinO7, review } from "../lib/workflow/operations";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

const USAGE = "usage: ops.sh review <stack> | approve <stack> --role review|sovereign --digest <d> (--key <private key> | --agent <public key>) | pin-o7 <stack> | deploy <stack> [--quiet]";

async function main(argv: string[]): Promise<void> {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv, allowPositionals: true, strict: true,
            options: {
                role: { type: "string" }, digest: { type: "string" }, key: { type: "string" }, agent: { type: "string" },
                quiet: { type: "boolean", default: false },
            },
        });
    } catch (e) {
        throw new OpsError(`${(e as Error).message}\n${USAGE}`);
    }
    const [cmd, stack, ...extra] = parsed.positionals;
    const v = parsed.values;
    if (!stack || extra.length > 0 || !["review", "approve", "deploy", "pin-o7"].includes(cmd)) {
        throw new OpsError(USAGE);
    }
    if (cmd !== "approve" && (v.role || v.digest || v.key || v.agent)) {
        throw new OpsError(`--role, --digest, --key and --agent belong to approve, not ${cmd}\n${USAGE}`);
    }
    const progress = v.quiet ? undefined : (l: string) => console.error(`  ${l}`);
    const rel = (f: string) => path.relative(process.cwd(), f);
    if (cmd === "review") {
        const r = await review(stack, { root: REPO_ROOT, progress });
        console.log(`review package (macro ${r.macro.toUpperCase()}): ${rel(r.dir)}/review.md\nmandate digest: ${r.mandateDigest}`);
    } else if (cmd === "approve") {
        const a = approve(stack, { role: v.role ?? "", digest: v.digest, key: v.key, agent: v.agent }, REPO_ROOT);
        console.log(`signed ${a.role} approval of ${a.macro.toUpperCase()} on ${a.stack}:\n  ${a.line}\n  ${rel(a.files.sig)}`);
    } else if (cmd === "pin-o7") {
        const d = await pinO7(stack, REPO_ROOT);
        console.log(`pinned the O6 deploy O7 verifies on ${stack}: ledger ${d.ledgerDigest}, release ${d.releaseDigest}, dot commit ${d.dotCommit}`);
    } else {
        const r = await deploy(stack, { root: REPO_ROOT, progress });
        console.log(`deployed ${stack}: ${Object.entries(r.changes).map(([k, n]) => `${n} ${k}`).join(", ")}`);
    }
}

if (require.main === module) {
    main(process.argv.slice(2)).catch((e: unknown) => {
        console.error(e instanceof OpsError ? e.message : String((e as Error).stack ?? e));
        process.exit(1);
    });
}
