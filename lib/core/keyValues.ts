/** The probes' output: one `key=value` per line (the value may be empty; the first "=" splits). */
export function parseKeyValues(out: string): Record<string, string> {
    const kv: Record<string, string> = {};
    for (const line of out.split("\n")) {
        const i = line.indexOf("=");
        if (i > 0) {
            kv[line.slice(0, i)] = line.slice(i + 1).trim();
        }
    }
    return kv;
}
