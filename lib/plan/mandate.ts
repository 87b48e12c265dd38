/**
 * The mandate: everything a deploy will do, as plain data, and its digest.
 * Computed by the program itself at preview and at up from the same inputs,
 * so an approval that names the digest binds exactly the reviewed plan.
 * Secret values are never part of it (only the fact that they are set).
 */
import { canonicalJson, sha256Hex } from "../core/digest";

export interface MandateCommand {
    /** Pulumi resource name, e.g. "release-swap". */
    resource: string;
    /** Component that owns it, e.g. "Release". */
    component: string;
    where: "host" | "local";
    description: string;
    create: string;
    delete: string;
    writes: string[];
    triggers: string[];
    /** Which secret inputs the command receives on stdin (names only). */
    secretInputs: string[];
    /** Local file streamed on stdin (release archive), by digest. */
    stdinFileDigest?: string;
    /** The command's stdout is kept as an output (evidence; never secrets). */
    captureStdout?: boolean;
    /** Set on the read-only guards. */
    guard?: "HostIdentityGuard" | "PreStateAnchor";
}

export class Mandate {
    readonly commands: MandateCommand[] = [];
    readonly facts: Record<string, unknown> = {};

    add(cmd: MandateCommand): void {
        this.commands.push(cmd);
    }

    set(key: string, value: unknown): void {
        this.facts[key] = value;
    }

    toJSON(): { facts: Record<string, unknown>; commands: MandateCommand[] } {
        return { facts: this.facts, commands: this.commands };
    }

    digest(): string {
        return sha256Hex(canonicalJson(this.toJSON()));
    }
}
