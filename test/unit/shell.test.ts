/**
 * `sh` quotes by construction: whatever a value holds, bash reads it back as
 * exactly one word with exactly those bytes; only `raw` text is shell.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { dq, raw, sh, shq, sq } from "../../lib/scripts/shell";

const HOSTILE = [
    "", " ", "a b", "it's", "'", "''", "\"", "$(reboot)", "`reboot`", "${HOME}", "$HOME", "a;reboot", "a&&reboot", "a|reboot",
    "a\nreboot", "a\rb", "*", "?", "[a]", "~", "~root", "-rf", "--force", "a\\", "\\'", "'\"'\"'", "{a,b}", "!!", "#x", "a#b",
    "\t", "é", "日本", "a=b", "<x", ">x", "2>&1", "\u0001",
];

/** What bash sees: the words of `printf '%s\0'` over the rendered text. */
function words(script: string): string[] {
    const r = spawnSync("bash", ["-c", `set -f; printf '%s\\0' ${script}`], { encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    return r.stdout.split("\0").slice(0, -1);
}

describe("sh: quoting by construction", () => {
    for (const v of HOSTILE) {
        it(`one word, same bytes: ${JSON.stringify(v)}`, () => {
            expect(words(sh`${v}`)).to.deep.equal([v]);
            expect(words(sh`x${v}y`)).to.deep.equal([`x${v}y`]);
            expect(sh`${v}`).to.equal(shq(v));
        });
    }

    it("an array is one word per element", () => {
        expect(words(sh`${["a b", "$(x)", ""]}`)).to.deep.equal(["a b", "$(x)", ""]);
    });

    it("numbers are printed as they are; NaN and Infinity are refused", () => {
        expect(sh`head -c ${512}`).to.equal("head -c 512");
        expect(() => sh`x ${NaN}`).to.throw(/not a number/);
        expect(() => sh`x ${Infinity}`).to.throw(/not a number/);
    });

    it("only raw() inserts shell", () => {
        const inner = sh`printf %s ${"a b"}`;
        expect(sh`x="$(${raw(inner)})"`).to.equal("x=\"$(printf %s 'a b')\"");
        expect(words(sh`$(${"printf %s hi"})`)).to.not.deep.equal(["hi"]);
    });
});

describe("sh: values inside quotes (dq, sq)", () => {
    const echo = (script: string) => {
        const r = spawnSync("bash", ["-c", `set -f; printf '%s' ${script}`], { encoding: "utf8" });
        expect(r.status, r.stderr).to.equal(0);
        return r.stdout;
    };
    for (const v of HOSTILE.filter((x) => !x.includes("\u0001"))) {
        it(`stays text inside "…" and '…': ${JSON.stringify(v)}`, () => {
            expect(echo(sh`"a${dq(v)}b"`)).to.equal(`a${v}b`);
            expect(echo(sh`'a${sq(v)}b'`)).to.equal(`a${v}b`);
        });
    }
});
