/** The fixture release's own rollback runbook (the project never authors one). */
import * as fs from "fs";
import * as path from "path";

export function readRunbook(): string {
    for (const root of [path.join(__dirname, "..", ".."), path.join(__dirname, "..", "..", "..")]) {
        const f = path.join(root, "fixtures", "iu-cutter-v0.6", "db", "rollback_runbook.sql");
        if (fs.existsSync(f)) {
            return fs.readFileSync(f, "utf8");
        }
    }
    throw new Error("fixtures/iu-cutter-v0.6/db/rollback_runbook.sql not found");
}
