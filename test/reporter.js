// Mocha's spec reporter plus one closing line that any CI can read:
// "N passed, N failed" (and ", N skipped" when some were pending).
"use strict";
const Mocha = require("mocha");
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithSummary extends Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(EVENT_RUN_END, () => {
            const s = runner.stats;
            const skipped = s.pending ? `, ${s.pending} skipped` : "";
            process.stdout.write(`\n${s.passes} passed, ${s.failures} failed${skipped}\n`);
        });
    }
}
module.exports = SpecWithSummary;
