import { commandPolicy, commandsOf, Concern, describe, Finding, isMessageOnly, meaningfulText, SEARCH_TOOLS } from "./lib/common";
import { CommandBearing } from "./lib/resources";

/** `execution_enabled = True`, `"execution_enabled": true`, `EXECUTION_ENABLED=1`, ... (a single `=` or `:`, not `==`). */
export const SETS_KILL_SWITCH = /\bexecution[_-]?enabled\b["']?\s*(?:=(?!=)|:)\s*["']?(?:true|1|yes|on|enabled)\b/i;
const SETATTR = /setattr\s*\([^)]*["']execution[_-]?enabled["']\s*,\s*(?:True|1|not\s+False)/i;
const TRUTHY = /^["']?(true|1|yes|on|enabled?)["']?$/i;
const FLAG = /^--?(enable[-_]execution|execution[-_]enabled)(=(true|1|yes|on))?$/i;
const NAME = /^(--?)?execution[_-]?enabled$/i;

export function killSwitchFindings(cb: CommandBearing): Finding[] {
    const out: Finding[] = [];
    const cmds = commandsOf(cb);
    for (const c of cmds) {
        for (const e of c.env) {
            const [k, v] = [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)];
            if (/EXECUTION[_-]?ENABLED/i.test(k) && TRUTHY.test(v)) {
                out.push({ action: `sets ${k} to a true value in ${describe(c, c.field)}` });
            }
        }
        for (const body of c.source.stdin) {
            if (SETS_KILL_SWITCH.test(body) || SETATTR.test(body)) {
                out.push({ action: `writes execution_enabled = true through the heredoc of ${describe(c, c.field)}` });
            }
        }
        if (isMessageOnly(c, cmds)) {
            continue;
        }
        const joined = meaningfulText(c);
        if (SETS_KILL_SWITCH.test(joined) || SETATTR.test(joined)) {
            out.push({ action: `sets execution_enabled to a true value in ${describe(c, c.field)}` });
        }
        if (SEARCH_TOOLS.has(c.argv[0])) {
            continue;
        }
        c.argv.forEach((a, i) => {
            if (FLAG.test(a) && !/=(false|0|no|off)$/i.test(a)) {
                out.push({ action: `passes ${a} in ${describe(c, c.field)}` });
            }
            if (NAME.test(a) && TRUTHY.test(c.argv[i + 1] ?? "")) {
                out.push({ action: `sets ${a} ${c.argv[i + 1]} in ${describe(c, c.field)}` });
            }
        });
    }
    for (const [k, v] of Object.entries(cb.env)) {
        if (/EXECUTION[_-]?ENABLED/i.test(k) && TRUTHY.test(v)) {
            out.push({ action: `environment ${k} is set to a true value` });
        }
    }
    for (const f of cb.files) {
        if (SETS_KILL_SWITCH.test(f.text) || SETATTR.test(f.text)) {
            out.push({ action: `ships ${f.origin}, which sets execution_enabled to a true value` });
        }
    }
    return out;
}

export const killSwitch: Concern = {
    name: "kill-switch-stays-off",
    description: "Nothing may set execution_enabled (or an env var/flag of that meaning) to true: not a command, an environment, a shipped file or a rendered config.",
    rule: "forbidden in O6/O7: flipping execution_enabled (GAP-7: only a standalone ruling may authorize the flip, scoped to one run)",
    comply: "leave execution_enabled = False everywhere; the flip is never part of O6/O7",
    check: (cb) => killSwitchFindings(cb),
};

export const killSwitchPolicy = commandPolicy(killSwitch);
