// Mocha's spec reporter plus one closing line that any CI can read:
// "N passed, N failed" (and ", N skipped" when some were pending).
// With IUCUTTER_TOTALS_FILE set (scripts/test.sh runs mocha more than once,
// e.g. once per sandbox flavour), the run's counts are added to that file and
// the run ends with a part line instead ("<IUCUTTER_TOTALS_PART>: N passing,
// N failing"); scripts/test.sh prints the one closing line from the totals.
"use strict";
const fs = require("fs");
const Mocha = require("mocha");
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithSummary extends Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(EVENT_RUN_END, () => {
            const s = runner.stats;
            const skipped = s.pending ? `, ${s.pending} skipped` : "";
            const totals = process.env.IUCUTTER_TOTALS_FILE;
            if (totals) {
                let t = { passes: 0, failures: 0, pending: 0 };
                try { t = { ...t, ...JSON.parse(fs.readFileSync(totals, "utf8") || "{}") }; } catch { /* first part */ }
                t.passes += s.passes; t.failures += s.failures; t.pending += s.pending;
                fs.writeFileSync(totals, JSON.stringify(t));
                process.stdout.write(`\n${process.env.IUCUTTER_TOTALS_PART || "part"}: ${s.passes} passing, ${s.failures} failing${skipped}\n`);
                return;
            }
            process.stdout.write(`\n${s.passes} passed, ${s.failures} failed${skipped}\n`);
        });
    }
}
module.exports = SpecWithSummary;

// `node test/reporter.js --totals FILE EXTRA_FAILURES`: the closing line over
// every run that added to FILE; exit 0 only if something passed and nothing failed.
if (require.main === module && process.argv[2] === "--totals") {
    let t = { passes: 0, failures: 0, pending: 0 };
    try { t = { ...t, ...JSON.parse(fs.readFileSync(process.argv[3], "utf8") || "{}") }; } catch { /* no run finished */ }
    t.failures += Number(process.argv[4] || 0);
    process.stdout.write(`\n${t.passes} passed, ${t.failures} failed${t.pending ? `, ${t.pending} skipped` : ""}\n`);
    process.exit(t.failures > 0 || t.passes === 0 ? 1 : 0);
}
