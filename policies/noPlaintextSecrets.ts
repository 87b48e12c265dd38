import { ResourceValidationPolicy } from "@pulumi/policy";
import { isUnknownValueError, violationMessage } from "./lib/common";
import { secretPathsNow } from "./lib/secretPaths";

/** Secret shapes. Each has a name; a match is reported by name and place, never by value. */
export const SECRET_SHAPES: Array<{ name: string; re: RegExp }> = [
    { name: "a private key block", re: /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY( BLOCK)?-----/ },
    { name: "a connection string with a password", re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]+:[^\s@/'"$]{3,}@/i },
    { name: "a password assignment", re: /\b(PG)?PASS(WORD|WD)?\b["']?\s*[:=]\s*["']?(?!\$|<|\*{3}|["']|\s|changeme\b|xxx|placeholder)[^\s"']{4,}/i },
    { name: "a password flag", re: /(^|\s)(--password|--passwd)(=|\s+)(?!\$|-)[^\s]{4,}/ },
    { name: "an sshpass password", re: /\bsshpass\s+-p\s*\S+/ },
    { name: "an AWS access key", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { name: "a GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/ },
    { name: "a Slack token", re: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
    { name: "a JSON web token", re: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
    { name: "a bearer token", re: /\bBearer\s+[A-Za-z0-9._~+/-]{20,}=*/ },
    { name: "a token or API key assignment", re: /\b[A-Z0-9_]*(TOKEN|API_?KEY|SECRET|PRIVATE_KEY)\b["']?\s*[:=]\s*["']?(?!\$|<)[A-Za-z0-9_\-+/=.]{16,}/i },
];

export function secretShapes(text: string): string[] {
    return SECRET_SHAPES.filter((s) => s.re.test(text)).map((s) => s.name);
}

/** Walks string values; yields [path, value] for every string not under a secret path. */
export function* strings(v: unknown, path: string, skip: (p: string) => boolean): Generator<[string, string]> {
    if (skip(path)) {
        return;
    }
    if (typeof v === "string") {
        yield [path, v];
    } else if (v && typeof v === "object" && typeof (v as { length?: unknown }).length === "number" && !(typeof v === "string")) {
        const a = v as ArrayLike<unknown>;
        for (let i = 0; i < a.length; i++) {
            yield* strings(a[i], `${path}[${i}]`, skip);
        }
    } else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
            if (k === "__provider") {
                continue; // the serialized dynamic provider's own code
            }
            yield* strings(x, path ? `${path}.${k}` : k, skip);
        }
    }
}

const RULE = "NO secrets in the repo tree; secrets stay in .env/.env.production (and forbidden: hardcoding secrets or runtime IDs)";
const COMPLY = "pass the value as a Pulumi secret (config --secret, pulumi.secret()) and feed it to the command on stdin or a secret env var";

export const noPlaintextSecretsPolicy: ResourceValidationPolicy = {
    name: "no-plaintext-secrets",
    description: "Secret-shaped values (private keys, passwords, tokens, credentialed connection strings) only in inputs marked secret; the violation never repeats the value.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const secretPaths = new Set(secretPathsNow());
        const skip = (p: string) => [...secretPaths].some((s) => p === s || p.startsWith(s + ".") || p.startsWith(s + "["))
            || p === "stdinSecret";
        try {
            const seen = new Set<string>();
            for (const [p, v] of strings(args.props, "", skip)) {
                for (const shape of secretShapes(v)) {
                    const key = `${p}:${shape}`;
                    if (!seen.has(key)) {
                        seen.add(key);
                        report(violationMessage({ rule: RULE, comply: COMPLY }, args.urn, `property ${p} holds ${shape} in plaintext (value not shown)`));
                    }
                }
            }
        } catch (e) {
            if (isUnknownValueError(e)) {
                report(violationMessage({ rule: RULE, comply: COMPLY }, args.urn, "a value this policy must read is unknown at preview (fail closed)"));
                return;
            }
            throw e;
        }
    },
};
