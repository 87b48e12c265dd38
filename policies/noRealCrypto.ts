import { commandPolicy, commandsOf, Concern, describe, Finding, isMessageOnly, meaningfulText } from "./lib/common";
import { CommandBearing } from "./lib/resources";

const PROVIDER_SET = /\bsigning[_-]?provider\b["']?\s*(?:=(?!=)|:)\s*["']?([A-Za-z_][\w.]*)/gi;
const REAL_CRYPTO = /\b(Kms|Hsm|Pkcs11|Gpg|Openssl|Real|Vault|Cloud)Signing(Provider)?\b/;

function providerProblems(text: string): string[] {
    const out: string[] = [];
    for (const m of text.matchAll(PROVIDER_SET)) {
        if (m[1] !== "StubSigning") {
            out.push(`signing provider set to ${m[1]}`);
        }
    }
    const r = REAL_CRYPTO.exec(text);
    if (r) {
        out.push(`${r[0]} is a real-crypto signing provider`);
    }
    return out;
}

export function noRealCryptoFindings(cb: CommandBearing): Finding[] {
    const out: Finding[] = [];
    const cmds = commandsOf(cb);
    for (const c of cmds) {
        for (const e of c.env) {
            if (/SIGNING[_-]?PROVIDER/i.test(e) && !/=["']?StubSigning["']?$/.test(e)) {
                out.push({ action: `${e.split("=")[0]} selects a signing provider other than StubSigning: ${describe(c, c.field)}` });
            }
        }
        for (const body of c.source.stdin) {
            for (const p of providerProblems(body)) {
                out.push({ action: `${p} in the heredoc of ${describe(c, c.field)}` });
            }
        }
        if (isMessageOnly(c, cmds)) {
            continue;
        }
        for (const p of providerProblems(meaningfulText(c))) {
            out.push({ action: `${p}: ${describe(c, c.field)}` });
        }
        const flag = c.argv.findIndex((x) => /^--signing[-_]provider(=|$)/.test(x));
        if (flag >= 0) {
            const v = c.argv[flag].includes("=") ? c.argv[flag].split("=")[1] : c.argv[flag + 1];
            if (v !== "StubSigning") {
                out.push({ action: `--signing-provider ${v ?? ""}: ${describe(c, c.field)}` });
            }
        }
    }
    for (const [k, v] of Object.entries(cb.env)) {
        if (/SIGNING[_-]?PROVIDER/i.test(k) && v !== "StubSigning") {
            out.push({ action: `environment ${k} selects a signing provider other than StubSigning` });
        }
    }
    for (const f of cb.files) {
        for (const p of providerProblems(f.text)) {
            out.push({ action: `${p} in shipped file ${f.origin}` });
        }
    }
    return out;
}

export const noRealCrypto: Concern = {
    name: "no-real-crypto",
    description: "StubSigning stays the signing provider; no HSM/KMS or other real-crypto provider.",
    rule: "forbidden in O6/O7: real crypto replacement (StubSigning is the ratified v0.6 provider; real crypto is macro O10 and needs its own ruling)",
    comply: "keep signing_provider = StubSigning",
    check: (cb) => noRealCryptoFindings(cb),
};

export const noRealCryptoPolicy = commandPolicy(noRealCrypto);
