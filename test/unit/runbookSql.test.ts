/**
 * GAP-6's runbook check reads the runbook with the policy pack's psql reader:
 * a `;` inside a string, a comment or a dollar quote does not end a
 * statement, meta-commands are not SQL, and what cannot be read is refused.
 */
import { expect } from "chai";
import { runbookPrepareSql } from "../../lib/scripts/verification";

describe("the rollback runbook as SQL (one reader with the pack)", () => {
    it("prepares each statement, skipping transaction control and meta-commands", () => {
        const sql = runbookPrepareSql([
            "\\set ON_ERROR_STOP on",
            "BEGIN;",
            "-- revert; one run only",
            "UPDATE cutter.cuts SET note = 'a;b' WHERE run_id = 'r1'; /* c; d */",
            "SELECT $x$ ; $x$ AS t;",
            "COMMIT;",
        ].join("\n"));
        expect(sql).to.equal([
            "BEGIN READ ONLY;",
            "PREPARE iucutter_revert_1 AS UPDATE cutter.cuts SET note = 'a;b' WHERE run_id = 'r1';",
            "PREPARE iucutter_revert_2 AS SELECT $x$ ; $x$ AS t;",
            "ROLLBACK;",
        ].join("\n"));
    });

    it("a statement without its final `;` still counts", () => {
        expect(runbookPrepareSql("SELECT 1")).to.contain("PREPARE iucutter_revert_1 AS SELECT 1;");
    });

    for (const bad of ["SELECT 'unterminated;", "SELECT $q$ never closed", "/* open comment; SELECT 1;"]) {
        it(`refuses what it cannot read completely: ${JSON.stringify(bad)}`, () => {
            expect(() => runbookPrepareSql(bad)).to.throw(/RollbackRunbook: rollback_runbook.sql cannot be read completely \(unterminated/);
        });
    }
});
