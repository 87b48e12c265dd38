/** Processes on this machine, as /proc shows them (no sandbox needed). */
import * as fs from "fs";

/** The process exists and has not exited: a zombie (dead, not yet reaped) counts as gone. */
export function processRunning(pid: number): boolean {
    try {
        return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    } catch {
        return false;
    }
}
