import * as pulumi from "./pulumiSdk";

/** A refusal by a named guard: shown without a stack trace, nothing planned. */
export class GuardRefusal extends pulumi.RunError {
    constructor(guard: string, message: string) {
        super(`${guard}: ${message}`);
        // A refusal is not a bug: no stack. (The SDK also inspects an error's
        // stack for tracing, which under source maps can blow up; see README.)
        this.stack = "";
    }
}
