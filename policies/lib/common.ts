/**
 * Shared plumbing of the policies: reading a resource fail-closed, running a
 * concern's check, and wording violations the same way everywhere:
 *   <urn>: <forbidden action>. Rule: <seed rule>. To comply: <how>.
 */
import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { CommandBearing, readCommandBearing } from "./resources";
import { EffectiveCommand, effectiveCommands } from "./shell";

export interface Finding {
    /** The forbidden action, e.g. "systemctl restart iu-cutter (create)". Never contains a secret value. */
    action: string;
}

export interface Concern {
    name: string;
    description: string;
    /** The rule from the seeds this enforces. */
    rule: string;
    /** How to comply. */
    comply: string;
    check(cb: CommandBearing, config: Record<string, unknown>): Finding[];
    configSchema?: ResourceValidationPolicy["configSchema"];
}

export function isUnknownValueError(e: unknown): boolean {
    return !!e && typeof e === "object" && (e as Error).constructor?.name === "UnknownValueError";
}

export function violationMessage(c: Pick<Concern, "rule" | "comply">, urn: string, action: string): string {
    return `${urn}: ${action}. Rule: ${c.rule}. To comply: ${c.comply}`;
}

/** Reads a resource's scripts; an unknown value is a violation, not a skip. */
export function readFailClosed(args: ResourceValidationArgs, report: ReportViolation, c: Pick<Concern, "rule" | "comply">):
    CommandBearing | "opaque" | undefined {
    try {
        const cb = readCommandBearing(args.type, args.props);
        if (cb && cb !== "opaque") {
            // Touch everything once so unknowns surface here, inside the try.
            JSON.stringify(cb);
        }
        return cb;
    } catch (e) {
        if (isUnknownValueError(e)) {
            report(violationMessage(c, args.urn,
                "a value this policy must read is unknown at preview, so it cannot be checked (fail closed)"));
            return undefined;
        }
        throw e;
    }
}

export function commandPolicy(c: Concern): ResourceValidationPolicy {
    return {
        name: c.name,
        description: c.description,
        enforcementLevel: "mandatory",
        configSchema: c.configSchema,
        validateResource: (args, report) => {
            const cb = readFailClosed(args, report, c);
            if (!cb || cb === "opaque") {
                return;
            }
            const config = (c.configSchema ? args.getConfig<Record<string, unknown>>() : {}) ?? {};
            const seen = new Set<string>();
            for (const f of c.check(cb, config)) {
                if (!seen.has(f.action)) {
                    seen.add(f.action);
                    report(violationMessage(c, args.urn, f.action));
                }
            }
        },
    };
}

export interface CommandInScript extends EffectiveCommand {
    field: string;
}

/** Every command the resource's scripts would run, seen through wrappers. */
export function commandsOf(cb: CommandBearing): CommandInScript[] {
    const out: CommandInScript[] = [];
    for (const s of cb.scripts) {
        for (const c of effectiveCommands(s.text).commands) {
            out.push({ ...c, field: s.field });
        }
    }
    return out;
}

const OUTPUT_REDIRECTS = new Set([">", ">>", ">|", "&>", "&>>", "<>"]);

/**
 * True for a command that only prints a message (echo/printf/: with no file
 * redirect and not piped into anything): its words are text, not actions.
 */
export function isMessageOnly(c: EffectiveCommand, all: EffectiveCommand[]): boolean {
    if (!["echo", "printf", ":", "true", "false"].includes(c.argv[0])) {
        return false;
    }
    const toFile = c.source.redirects.some((r) => OUTPUT_REDIRECTS.has(r.op) && !/^\/dev\/(null|stdout|stderr|fd\/[12])$/.test(r.target) && !/^&?[12]$/.test(r.target));
    const piped = all.some((o) => o.source.pipedFrom.includes(c.source));
    return !toFile && !piped;
}

/** Tools whose arguments are search patterns or tests, never actions. */
export const SEARCH_TOOLS = new Set(["grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "test", "[", "[["]);

/** A word that is a path (file names may contain any words; they are not actions). */
export function isPathWord(w: string): boolean {
    return /^(\/|\.\/|~\/)\S*$/.test(w);
}

/** The words of a command that carry meaning for text checks: no paths; nothing for search tools. */
export function meaningfulText(c: EffectiveCommand): string {
    if (SEARCH_TOOLS.has(c.argv[0])) {
        return "";
    }
    return c.argv.filter((w) => !isPathWord(w)).join(" ");
}

export function describe(c: EffectiveCommand, field: string, max = 80): string {
    const text = c.argv.join(" ");
    return `\`${text.length > max ? text.slice(0, max) + "…" : text}\` (${field}${c.via.length > 1 ? ", via " + c.via.slice(1).join(" > ") : ""})`;
}

/** Skips git's global options and returns [subcommand index]. */
export function gitSubcommandIndex(argv: string[]): number {
    let i = 1;
    while (i < argv.length && argv[i].startsWith("-")) {
        i += ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--super-prefix", "--config-env"].includes(argv[i]) ? 2 : 1;
    }
    return i;
}

/** First non-option argument after index `from`. */
export function firstOperand(argv: string[], from = 1, optsWithArg: string[] = []): number {
    let i = from;
    while (i < argv.length && argv[i].startsWith("-") && argv[i] !== "-") {
        i += optsWithArg.includes(argv[i]) ? 2 : 1;
    }
    return i;
}
