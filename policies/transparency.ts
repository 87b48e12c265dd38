import { ResourceValidationPolicy } from "@pulumi/policy";
import { commandsOf, Concern, describe, Finding, readFailClosed, violationMessage } from "./lib/common";
import { CommandBearing } from "./lib/resources";
import { effectiveCommands } from "./lib/shell";

const DECODERS = /^(base64|base32|xxd|uudecode|openssl|gpg|gunzip|zcat|xz|bzip2|rev)$/;

export function transparencyFindings(cb: CommandBearing): Finding[] {
    const out: Finding[] = [];
    for (const s of cb.scripts) {
        const r = effectiveCommands(s.text);
        for (const o of r.opaque) {
            out.push({ action: `${o} (${s.field})` });
        }
        for (const e of r.errors) {
            out.push({ action: `the script cannot be read unambiguously: ${e} (${s.field})` });
        }
    }
    const cmds = commandsOf(cb);
    for (const c of cmds) {
        const a = c.argv;
        const where = describe(c, c.field);
        if (c.dynamic[0]) {
            out.push({ action: `the command name is computed at run time (${a[0]}): ${where}` });
        }
        if (a[0] === "eval") {
            out.push({ action: `eval runs text built at run time: ${where}` });
        }
        if ((a[0] === "source" || a[0] === ".") && (a[1] === undefined || /^\/dev\/(stdin|fd\/)|^<\(/.test(a[1]) || c.dynamic[1])) {
            out.push({ action: `${a[0]} of run-time content: ${where}` });
        }
        if (/^(python[0-9.]*|perl|ruby|node|php)$/.test(a[0])) {
            const code = [a.join(" "), ...c.source.stdin].join("\n");
            if (/\b(exec|eval|compile)\s*\(/.test(code) && /(b64decode|base64|decode\(|fromhex|unhexlify|codecs\.decode|zlib\.decompress|marshal\.loads|\\x[0-9a-f]{2})/i.test(code)) {
                out.push({ action: `${a[0]} executes decoded or obfuscated code: ${where}` });
            }
            if (/^(python[0-9.]*)$/.test(a[0]) && a.some((x) => x === "-" || x === "/dev/stdin") && c.source.stdin.length === 0 && c.source.pipedFrom.length > 0) {
                out.push({ action: `${a[0]} runs code piped in at run time: ${where}` });
            }
        }
        // A decoder feeding an interpreter, even through `tee` or `cat`.
        const producer = c.source.pipedFrom.map((p) => p.argv[0] ? p.argv[0].split("/").pop()! : "");
        if (/^(sh|bash|dash|zsh|ksh|python[0-9.]*|perl|ruby|node)$/.test(a[0]) && producer.some((p) => DECODERS.test(p) || /^(curl|wget|nc|ncat|socat|fetch)$/.test(p))) {
            out.push({ action: `${producer.join(" | ")} piped into ${a[0]}: ${where}` });
        }
    }
    return out;
}

const concern: Omit<Concern, "check"> = {
    name: "commands-are-readable",
    description: "Every command is plain text a reviewer can read: no eval, no decoded or downloaded scripts piped to a shell, no `sh -c \"$VAR\"`, no resource whose behaviour the pack cannot read.",
    rule: "deploys travel as a GPT-reviewed command-review package and run only within the reviewed mandate (a reviewer cannot approve what they cannot read)",
    comply: "write the command out in full, in the resource's create/delete text",
};

export const transparencyPolicy: ResourceValidationPolicy = {
    name: concern.name,
    description: concern.description,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const cb = readFailClosed(args, report, concern);
        if (cb === "opaque") {
            report(violationMessage(concern, args.urn, `resource type ${args.type} runs code the policy pack cannot read (a dynamic provider or command kind it does not know)`));
            return;
        }
        if (!cb) {
            return;
        }
        const seen = new Set<string>();
        for (const f of transparencyFindings(cb)) {
            if (!seen.has(f.action)) {
                seen.add(f.action);
                report(violationMessage(concern, args.urn, f.action));
            }
        }
    },
};
