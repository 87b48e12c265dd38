/**
 * The one stack-config loader. Every key the program reads is declared here,
 * validated with zod, and refused with a message that names the key and says
 * how to fix it. Unknown keys are refused too: a typo must not silently fall
 * back to a default on a production host.
 */
import { z } from "zod";

export const PROJECT = "iu-cutter-deploy";
export const RELEASE_VERSION = "0.6.0";
export const RELEASE_TAG = "v0.6.0-O4-live-dryrun";

const SHA256 = /^[0-9a-f]{64}$/;

const absPath = (what: string) =>
    z.string({ required_error: `${what} is required`, invalid_type_error: `${what} must be a string` })
        .min(1, `${what} must not be empty`)
        .refine((p) => p.startsWith("/"), { message: `${what} must be an absolute path (start with "/")` })
        .refine((p) => !p.split("/").includes("..") && !p.split("/").includes("."), {
            message: `${what} must not contain "." or ".." segments`,
        })
        .refine((p) => !/[\s'"`$\\;&|<>*?]/.test(p), {
            message: `${what} must not contain whitespace, quotes or shell metacharacters`,
        })
        .refine((p) => p === "/" || !p.endsWith("/"), { message: `${what} must not end with "/"` });

const sha256 = (what: string) =>
    z.string().regex(SHA256, `${what} must be a lowercase sha256 hex digest (64 characters)`);

const hostname = z.string()
    .min(1, "must not be empty")
    .max(253, "is longer than 253 characters")
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
        "must be a DNS hostname (letters, digits, '-' and '.', no spaces)");

export const hostSchema = z.object({
    name: hostname.describe("the hostname the target must report (`hostname` on the host)"),
    address: z.string().min(1, "must not be empty").regex(/^[A-Za-z0-9.:[\]-]+$/, "must be an IP address or DNS name"),
    port: z.number({ invalid_type_error: "must be a number (set it with --path and no quotes)" })
        .int("must be an integer").min(1, "must be 1-65535").max(65535, "must be 1-65535").default(22),
    user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a POSIX user name"),
    hostKey: z.string({ required_error: "is required: the host key is always pinned" })
        .regex(/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}$/,
            "must be '<key-type> <base64>' exactly as in the host's /etc/ssh/ssh_host_*_key.pub (without the comment)"),
    privateKeyPath: z.string().min(1, "must not be empty")
        .refine((p) => p.startsWith("/"), { message: "must be an absolute path on the operator's machine" }),
    /** A protected host only accepts a non-preview run with an approved mandate digest. */
    protected: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
}).strict();

export const identitySchema = z.object({
    composeMarker: absPath("identity.composeMarker"),
    envFile: absPath("identity.envFile"),
}).strict();

/** How many previous trees stay on the host (issue 15): older artifact dirs are pruned by a reviewed command. */
export const retentionSchema = z.object({
    /** Timestamped artifact dirs kept under paths.stateDir/artifacts (newest first). The ledger's rollback targets are never pruned. */
    artifacts: z.number({ invalid_type_error: "must be a whole number" }).int("must be a whole number").min(1, "must keep at least 1").max(10000, "at most 10000").default(5),
}).strict();

export const pathsSchema = z.object({
    dotRepo: absPath("paths.dotRepo").default("/opt/incomex/dot"),
    targetDir: z.string().regex(/^[A-Za-z0-9._-]+$/, "must be a single directory name inside paths.dotRepo").default("iu-cutter"),
    stagingDir: absPath("paths.stagingDir"),
    stateDir: absPath("paths.stateDir").default("/var/lib/cutter"),
    envProductionFile: absPath("paths.envProductionFile"),
}).strict();

export const releaseSchema = z.object({
    sourceRepo: z.string().min(1, "must not be empty")
        .refine((p) => p.startsWith("/"), { message: "must be an absolute path to the iu-cutter source repo on the operator's machine" }),
    commit: z.string().regex(/^[0-9a-f]{7,40}$/, "must be a git commit id: 7 to 40 lowercase hex characters"),
    version: z.string()
        .regex(/^\d+\.\d+\.\d+$/, "must be a version like 0.6.0")
        .refine((v) => v === RELEASE_VERSION, { message: `must be ${RELEASE_VERSION}: this program deploys iu-cutter ${RELEASE_VERSION} only (macro O6)` }),
    tag: z.string().regex(/^[A-Za-z0-9._-]+$/, "must be a git tag name").default(RELEASE_TAG),
    provenance: z.string().min(10, "must cite the ruling the tag is based on").default(
        "Provenance: O4 main-FF ruling (KB SSOT pins 6625f76 as the O4 HEAD). Local tag only; never pushed."),
    /**
     * The number of tests the release's own suite passes at the pinned commit
     * (roadmap O6 post-checks: "tests 366/366"). The suite runs at review time
     * on a clean copy of the commit; any other passed count refuses.
     */
    expectedTests: z.number({ required_error: "is required: the passed-test count of the release's own suite (contabo: 366)", invalid_type_error: "must be a number (set it with --path and no quotes)" })
        .int("must be an integer").min(1, "must be at least 1: the release's own suite must run"),
    /** The operator's Python that runs the release's suite (needs pytest; Debian: python3-pytest). */
    testPython: z.string().min(1).regex(/^[A-Za-z0-9._/+-]+$/, "must be an interpreter name or absolute path").default("python3"),
    /**
     * The agent CLI as a host fact (issue 13 item 7): the command, run in the
     * live tree with bytecode writing off, whose first output line is the
     * version line; optionally the pattern that line must match (whole line,
     * ERE). The command is words, each quoted: python3 and plain arguments only.
     */
    agentCli: z.object({
        versionCommand: z.array(z.string().regex(/^[A-Za-z0-9_.=:-]+$/, "must be a plain word (letters, digits, _ . = : -)"))
            .min(2, "must be python3 and its arguments")
            .refine((w) => w[0] === "python3", { message: "must start with python3 (the host's interpreter runs the agent CLI)" })
            .refine((w) => !w.some((x) => /^(live|--live|--execute|--enable-execution)$/i.test(x)), { message: "must only print the version (no live or execution flags)" })
            .default(["python3", "-m", "cutter_agent.cli", "--version"]),
        versionLine: z.string().min(1).refine((re) => { try { new RegExp(re); return true; } catch { return false; } }, { message: "must be a regular expression" }).optional(),
    }).strict().default({}),
}).strict();

export const anchorsSchema = z.object({
    tree: sha256("anchors.tree").optional(),
    compose: sha256("anchors.compose").optional(),
    envProduction: sha256("anchors.envProduction").optional(),
    dotGitStatus: sha256("anchors.dotGitStatus").optional(),
}).strict();

/** orchestrator.* config (GAP-5). execution_enabled can only ever be false. */
export const orchestratorSchema = z.object({
    execution_enabled: z.literal(false, {
        errorMap: () => ({ message: "must be false: flipping execution_enabled is forbidden in O6/O7 (GAP-7 needs a standalone ruling)" }),
    }),
    mode: z.literal("dryrun", { errorMap: () => ({ message: "must be \"dryrun\": Mode.LIVE is forbidden in O6/O7" }) }),
    db_role: z.literal("context_pack_readonly", { errorMap: () => ({ message: "must be \"context_pack_readonly\" (the read-only role)" }) }),
    signing_provider: z.literal("StubSigning", { errorMap: () => ({ message: "must be \"StubSigning\": real crypto is deferred to O10" }) }),
    db_host: z.string().min(1),
    db_port: z.number().int().min(1).max(65535),
    db_name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a PostgreSQL database name"),
    state_dir: absPath("cutterConfig.orchestrator.state_dir"),
}).strict();

/**
 * How the deploy reaches the database to read it (issue 13 item 2), always as
 * the read-only role: `tcp` (psql -h/-p on the host) or `docker-exec` (psql
 * inside the database container: `docker exec -i CONTAINER psql …`, the one
 * docker form the policy pack lets run). Absent: tcp at
 * cutterConfig.orchestrator.db_host/db_port/db_name (the orchestrator's own values).
 */
const pgName = (what: string) => z.string({ required_error: `${what} is required` })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a plain PostgreSQL name (letters, digits, _)");
const readOnlyRole = z.literal("context_pack_readonly", {
    errorMap: () => ({ message: "must be \"context_pack_readonly\": the deploy reads the database only as the read-only role" }),
}).default("context_pack_readonly");
export const databaseAccessSchema = z.discriminatedUnion("kind", [
    z.object({
        kind: z.literal("tcp"),
        host: z.string().min(1, "must not be empty").regex(/^[A-Za-z0-9.:[\]-]+$/, "must be an IP address or DNS name"),
        port: z.number({ invalid_type_error: "must be a number (set it with --path and no quotes)" }).int().min(1, "must be 1-65535").max(65535, "must be 1-65535"),
        database: pgName("database.access.database"),
        role: readOnlyRole,
        /**
         * The read-only role logs in with a password: the secret config key
         * `databasePassword` (read only when this is true), on the command's
         * stdin into a mktemp 0600 PGPASSFILE removed on exit.
         */
        password: z.boolean({ invalid_type_error: "must be true or false (set it with --path and no quotes)" }).optional(),
    }).strict(),
    z.object({
        kind: z.literal("docker-exec"),
        /** The database container's name as `docker ps --format '{{.Names}}'` shows it. */
        container: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "must be a docker container name (letters, digits, _ . -)"),
        database: pgName("database.access.database"),
        role: readOnlyRole,
    }).strict(),
], { errorMap: (i, ctx) => i.code === "invalid_union_discriminator" ? { message: "kind must be \"tcp\" or \"docker-exec\"" } : { message: ctx.defaultError } });
export const databaseSchema = z.object({
    access: databaseAccessSchema.optional(),
}).strict();
export type DatabaseAccess = z.infer<typeof databaseAccessSchema>;

const dirSchema = z.object({
    path: absPath("cutterConfig.dirs[].path"),
    mode: z.string().regex(/^0?[0-7]{3}$/, "must be an octal mode like \"0750\""),
    owner: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a user name"),
    group: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, "must be a group name"),
}).strict();

/**
 * GAP-6: where rollback_runbook.sql comes from. This program never authors it:
 * either the release tree carries it (a path inside the pinned commit), or the
 * runbook's owner hands the operator a file whose sha256 is pinned here.
 */
export const rollbackRunbookSchema = z.discriminatedUnion("from", [
    z.object({
        from: z.literal("release"),
        /** Path inside the release tree at the pinned commit, e.g. "db/rollback_runbook.sql". */
        path: z.string().min(1).regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._/-]+$/, "must be a relative path inside the release tree (no \".\" or \"..\" segments)"),
    }).strict(),
    z.object({
        from: z.literal("file"),
        /** The owner's file on the operator's machine. */
        path: z.string().min(1).refine((p) => p.startsWith("/"), { message: "must be an absolute path on the operator's machine" }),
        sha256: sha256("cutterConfig.rollbackRunbook.sha256"),
    }).strict(),
], { errorMap: () => ({ message: "must be {from: release, path: <path in the release tree>} or {from: file, path: <absolute path>, sha256: <its sha256>}" }) });

export const cutterConfigSchema = z.object({
    dirs: z.array(dirSchema).min(1, "must list the /var/lib/cutter/* directories to provision (GAP-5)"),
    orchestratorConfigFile: absPath("cutterConfig.orchestratorConfigFile"),
    orchestrator: orchestratorSchema,
    rollbackRunbook: rollbackRunbookSchema,
    /**
     * psql variables the runbook reads (`:'name'`), given placeholder values
     * when GAP-6's dry-run PREPAREs each statement (nothing is executed).
     */
    rollbackRunbookPrepareVars: z.record(z.string().regex(/^[a-z_][a-z0-9_]{0,30}$/, "must be a lowercase psql variable name"),
        z.string().regex(/^[A-Za-z0-9._:-]{0,100}$/, "must be a plain placeholder value (letters, digits, . _ : -)")).default({}),
    rollbackRunbookDest: absPath("cutterConfig.rollbackRunbookDest"),
}).strict();

export const governanceSchema = z.object({
    /** Pinned grants of the governance principal: "schema.table:PRIVILEGE". */
    grants: z.array(z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*:(SELECT|INSERT|UPDATE|DELETE|TRUNCATE|REFERENCES|TRIGGER)$/,
        "each grant must look like \"schema.table:SELECT\"")).min(1, "must list at least one pinned grant"),
}).strict();

/** GAP-8: the harmless first target, as declared (OPT-5 policy); checked against the live DB. */
export const targetDocumentSchema = z.object({
    id: z.number({ invalid_type_error: "must be a number" }).int().positive(),
    title: z.string().min(1),
    /** Declared by the operator: a new document (not one already relied upon). */
    isNew: z.boolean(),
    signatureCritical: z.boolean(),
    maxCandidates: z.number().int().positive().max(20, "OPT-5: a harmless first cut has at most ~20 candidates").default(20),
}).strict();

/**
 * The grant-matrix rendering pinned by O4 (documented default of
 * verification.grantMatrixSql): one line per explicit table privilege in every
 * non-system schema, "grantee|schema|table|privilege" (grantee PUBLIC when the
 * ACL entry is for everyone), sorted bytewise (C collation); the sha256 is over
 * those lines, each ending in "\n". Implicit owner privileges (no ACL) do not
 * appear. If O4 rendered it differently, set verification.grantMatrixSql to
 * O4's query: the pin only means something for the query that produced it.
 */
export const DEFAULT_GRANT_MATRIX_QUERY = [
    "SELECT g FROM (",
    "  SELECT coalesce(r.rolname, 'PUBLIC') || '|' || n.nspname || '|' || c.relname || '|' || a.privilege_type AS g",
    "    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
    "    CROSS JOIN LATERAL aclexplode(c.relacl) a",
    "    LEFT JOIN pg_roles r ON r.oid = a.grantee",
    "   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'",
    "     AND c.relkind IN ('r', 'v', 'm', 'p', 'f')",
    ") m ORDER BY g COLLATE \"C\"",
].join("\n");

const ere = (what: string) => z.string().min(1).max(200)
    .refine((r) => !/[\n;#']/.test(r) && !r.includes("\u0000"), { message: `${what} must not contain a newline, ";", "#" or "'"` })
    .refine((r) => { try { new RegExp(r); return true; } catch { return false; } }, { message: `${what} must be a valid extended regular expression` });

/**
 * The orchestrator adapter: how the O7 verification reads the orchestrator's
 * output. Each pattern is a POSIX extended regular expression matched against
 * a whole output line (grep -Ex); `phase` has one group, the phase number.
 * The defaults are the fixture's dialect (README, "Orchestrator contract").
 * Exit codes: `paused` when a run stops at a sovereign gate, `closed` when it
 * closed out (or was closed already), `liveRefused` of checkLiveRefused.
 */
export const adapterSchema = z.object({
    mode: ere("verification.adapter.mode").default("MODE DRYRUN"),
    phase: ere("verification.adapter.phase")
        .refine((r) => (r.match(/(?<!\\)\((?!\?)/g) ?? []).length === 1, { message: "verification.adapter.phase must have exactly one group: the phase number" })
        .default("PHASE ([0-9]+)/11 .*"),
    pauseSg1: ere("verification.adapter.pauseSg1").default("PAUSE SG1"),
    resumedSg1: ere("verification.adapter.resumedSg1").default("RESUMED SG1"),
    pauseSg2: ere("verification.adapter.pauseSg2").default("PAUSE SG2"),
    resumedSg2: ere("verification.adapter.resumedSg2").default("RESUMED SG2"),
    closeout: ere("verification.adapter.closeout").default("CLOSEOUT done"),
    alreadyClosed: ere("verification.adapter.alreadyClosed").default("CLOSEOUT already-closed"),
    liveRefused: ere("verification.adapter.liveRefused").default("LIVE refused"),
    exitCodes: z.object({
        paused: z.number().int().min(0).max(255).default(10),
        closed: z.number().int().min(0).max(255).default(0),
        liveRefused: z.number().int().min(0).max(255).default(0),
    }).strict().default({}),
}).strict();

/**
 * O7: the post-deploy dry-run verification. The orchestrator commands come
 * from config so that the real iu-cutter CLI can be plugged in; placeholders
 * {runId}, {document} and {config} are filled in. See README "Orchestrator contract".
 */
export const verificationSchema = z.object({
    enabled: z.boolean().default(false),
    scopeTables: z.array(z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/, "each table must be schema.table")).min(1, "must list the tables whose row counts prove non-mutation"),
    grantMatrixSha256: sha256("verification.grantMatrixSha256"),
    /**
     * The one SELECT that renders the grant matrix; its output (one row per
     * line, each line ending in "\n") is what grantMatrixSha256 pins. Run
     * read-only (BEGIN READ ONLY ... ROLLBACK) as the read-only role, at review
     * time and around the dry run. Default: DEFAULT_GRANT_MATRIX_QUERY.
     */
    grantMatrixSql: z.string().min(1)
        .refine((q) => !q.split("\n").some((l) => l.trim() === "SQL"), { message: "must not contain a line \"SQL\" (the heredoc terminator)" })
        .refine((q) => !q.replace(/;\s*$/, "").includes(";"), { message: "must be one SELECT statement (no \";\" inside)" })
        .refine((q) => /^\s*(SELECT|WITH)\b/i.test(q), { message: "must be a SELECT (or WITH ... SELECT) statement" })
        .transform((q) => q.trim().replace(/;\s*$/, ""))
        .default(DEFAULT_GRANT_MATRIX_QUERY),
    commands: z.object({
        start: z.string().min(1),
        resume: z.string().min(1),
        checkLiveRefused: z.string().min(1),
    }).strict(),
    /** How the verification reads the orchestrator's output lines and exit codes (defaults: the documented contract). */
    adapter: adapterSchema.default({}),
    targetDocument: targetDocumentSchema.optional(),
    /** Change to verify the same release again (a new orchestrator run id). */
    runLabel: z.string().regex(/^[a-z0-9-]{1,20}$/, "must be 1-20 of a-z, 0-9, -").default("1"),
    /** GAP-7: reference of the standalone ruling authorizing the flip, if one exists. */
    gap7RulingRef: z.string().min(3).optional(),
}).strict();

export const SECRET_KEYS = ["backupGpgFpr", "governancePrincipal"] as const;
/**
 * Secret keys that only some stacks set, so Pulumi.yaml does not declare them
 * (a declared `secret: true` key has no default and would be required on every
 * stack); the program refuses them in plaintext and when nothing uses them.
 * databasePassword: read only when database.access.password is true.
 */
export const OPTIONAL_SECRET_KEYS = ["databasePassword"] as const;

/** The two roles whose signed approvals a protected stack needs (roadmap: command review, sovereign). */
export const APPROVAL_ROLES = ["review", "sovereign"] as const;
export type ApprovalRole = typeof APPROVAL_ROLES[number];

const principal = z.string().regex(/^[A-Za-z0-9._@+-]{1,100}$/, "must be a signer principal: letters, digits, '.', '_', '@', '+', '-'");

/**
 * Who may approve: the allowed-signers file of `ssh-keygen -Y verify`, pinned
 * here line by line (its content is what the program verifies against), and
 * each principal's one role. A principal holds exactly one role, so the same
 * person cannot give both approvals.
 */
export const approvalsSchema = z.object({
    allowedSigners: z.array(z.string()
        .regex(/^[A-Za-z0-9._@+,-]+( [A-Za-z0-9-]+(="[^"]*")?(,[A-Za-z0-9-]+(="[^"]*")?)*)? (ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa|sk-ssh-ed25519@openssh\.com|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/,
            "each line must be an allowed-signers line: '<principal> [namespaces=\"iu-cutter-approval\"] <key-type> <base64>' (see ssh-keygen(1), ALLOWED SIGNERS)"))
        .min(1, "must list at least one signer"),
    roles: z.record(principal, z.enum(APPROVAL_ROLES, { errorMap: () => ({ message: "must be \"review\" or \"sovereign\"" }) })),
    /** Optional validity window of an approval, counted from its signing time. */
    validityMinutes: z.number({ invalid_type_error: "must be a number of minutes" }).int().positive().optional(),
}).strict();

/** O7: the O6 deploy this dry run verifies, as the host's ledger showed it at review. */
export const o7Schema = z.object({
    verifiesDeploy: z.object({
        /** sha256 of the host's ledger file (paths.stateDir/deployed-release). */
        ledgerDigest: sha256("o7.verifiesDeploy.ledgerDigest"),
        /** The release (manifest = tree digest) the ledger records. */
        releaseDigest: sha256("o7.verifiesDeploy.releaseDigest"),
        /** HEAD of the dot repo (the O6 deploy commit). */
        dotCommit: z.string().regex(/^[0-9a-f]{40}$/, "must be a full 40-hex git commit id"),
    }).strict().optional(),
}).strict();

export const stackConfigSchema = z.object({
    host: hostSchema,
    identity: identitySchema,
    paths: pathsSchema,
    retention: retentionSchema.default({}),
    database: databaseSchema.default({}),
    release: releaseSchema,
    anchors: anchorsSchema.default({}),
    cutterConfig: cutterConfigSchema,
    governance: governanceSchema,
    verification: verificationSchema.optional(),
    /** Which reviewed macro this stack runs: o6 (tag, deploy, config, secrets) or o7 (the dry run). One stack per macro. */
    macro: z.enum(["o6", "o7"], { errorMap: () => ({ message: "must be \"o6\" or \"o7\" (one stack per macro)" }) }).default("o6"),
    o7: o7Schema.optional(),
    /** Signed approvals (required on a protected stack). */
    approvals: approvalsSchema.optional(),
    /** Test stacks only: a non-preview run without the reviewed plan is allowed. Never with host.protected. */
    allowUnreviewedRuns: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
    /** Rollback through review/approve/deploy: `up` removes everything this stack deployed. */
    rollback: z.boolean({ invalid_type_error: "must be true or false" }).default(false),
    backupGpgFpr: z.string().regex(/^[0-9A-F]{40}$/, "must be a 40-character uppercase hex OpenPGP fingerprint"),
    governancePrincipal: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a PostgreSQL role name"),
    /** The read-only role's password (database.access.password: true only). zod messages never repeat it. */
    databasePassword: z.string({ invalid_type_error: "must be a string" }).min(1, "must not be empty")
        .regex(/^[^\n\r:\\]+$/, "must not contain ':', '\\' or a line break (the pgpass format has no room for them unescaped; choose a password without them)")
        .optional(),
}).strict().superRefine((c, ctx) => {
    const a = c.database.access;
    const wantsPassword = a?.kind === "tcp" && a.password === true;
    if (wantsPassword && c.databasePassword === undefined) {
        ctx.addIssue({ code: "custom", path: ["databasePassword"], message: "is required: database.access.password is true" });
    }
    if (!wantsPassword && c.databasePassword !== undefined) {
        ctx.addIssue({ code: "custom", path: ["databasePassword"], message: "is set but database.access is not tcp with password: true, so nothing would use it (never ignored); set database.access.password true or run: pulumi config rm databasePassword" });
    }
    if (c.host.protected && c.allowUnreviewedRuns) {
        ctx.addIssue({ code: "custom", path: ["allowUnreviewedRuns"], message: "cannot be true on a protected stack (host.protected): every run there is a reviewed, approved plan" });
    }
    if (c.host.protected && !c.approvals) {
        ctx.addIssue({ code: "custom", path: ["approvals"], message: "is required on a protected stack (host.protected): the allowed signers and each principal's role" });
    }
    if (c.approvals) {
        const signers = new Set(c.approvals.allowedSigners.flatMap((l) => l.split(" ")[0].split(",")));
        for (const [p] of Object.entries(c.approvals.roles)) {
            if (!signers.has(p)) {
                ctx.addIssue({ code: "custom", path: ["approvals", "roles", p], message: `principal ${p} has a role but no key in approvals.allowedSigners` });
            }
        }
        for (const r of APPROVAL_ROLES) {
            if (!Object.values(c.approvals.roles).includes(r)) {
                ctx.addIssue({ code: "custom", path: ["approvals", "roles"], message: `no principal holds the role "${r}"; both review and sovereign approvals are required` });
            }
        }
    }
    if (c.macro === "o7" && !c.verification?.enabled) {
        ctx.addIssue({ code: "custom", path: ["verification", "enabled"], message: "must be true on an O7 stack (macro: o7 is the dry-run verification)" });
    }
    if (c.macro === "o6" && c.o7) {
        ctx.addIssue({ code: "custom", path: ["o7"], message: "is only read on an O7 stack (macro: o7); remove it from this O6 stack" });
    }
    const allowed = [c.paths.dotRepo, c.paths.stateDir, c.paths.stagingDir];
    const under = (p: string) => allowed.some((r) => p === r || p.startsWith(r + "/"));
    c.cutterConfig.dirs.forEach((d, i) => {
        if (!under(d.path)) {
            ctx.addIssue({ code: "custom", path: ["cutterConfig", "dirs", i, "path"], message: `${d.path} is outside the allowed write roots (${allowed.join(", ")})` });
        }
    });
    for (const [k, p] of [["orchestratorConfigFile", c.cutterConfig.orchestratorConfigFile], ["rollbackRunbookDest", c.cutterConfig.rollbackRunbookDest]] as const) {
        if (!under(p)) {
            ctx.addIssue({ code: "custom", path: ["cutterConfig", k], message: `${p} is outside the allowed write roots (${allowed.join(", ")})` });
        }
    }
    if (!under(c.paths.envProductionFile)) {
        ctx.addIssue({ code: "custom", path: ["paths", "envProductionFile"], message: `${c.paths.envProductionFile} is outside the allowed write roots (${allowed.join(", ")})` });
    }
    if (c.paths.stagingDir === c.paths.dotRepo || c.paths.stagingDir.startsWith(c.paths.dotRepo + "/")) {
        ctx.addIssue({ code: "custom", path: ["paths", "stagingDir"], message: "must be outside paths.dotRepo (staging must never show up in the dot repo's git status)" });
    }
});

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** What to do about each key, appended to its error. */
const FIX: Record<string, string> = {
    "host.hostKey": "read it on the host out of band (`cat /etc/ssh/ssh_host_ed25519_key.pub`, first two fields) and run: pulumi config set --path host.hostKey '<type> <base64>'",
    "host.name": "run: pulumi config set --path host.name <the host's hostname, as `hostname` prints it on the host>",
    "host.address": "run: pulumi config set --path host.address <IP address or DNS name of the host>",
    "host.user": "run: pulumi config set --path host.user <SSH login user>",
    "host.privateKeyPath": "run: pulumi config set --path host.privateKeyPath <absolute path of the SSH private key on this machine>",
    "release.sourceRepo": "run: pulumi config set --path release.sourceRepo <absolute path of the iu-cutter dev repo, checked out at release.commit>",
    "cutterConfig.orchestrator.db_name": "run: pulumi config set --path cutterConfig.orchestrator.db_name <live database name>",
    "governance": "run: pulumi config set --path 'governance.grants[0]' <schema.table:PRIVILEGE> (one entry per pinned grant, GAP-4)",
    "governance.grants": "run: pulumi config set --path 'governance.grants[0]' <schema.table:PRIVILEGE> (one entry per pinned grant, GAP-4)",
    "host.port": "run: pulumi config set --path host.port 22 (a number)",
    "host.protected": "run: pulumi config set --path host.protected true",
    "release.commit": "run: pulumi config set --path release.commit <full commit id of the reviewed source>",
    "release.version": `run: pulumi config set --path release.version ${RELEASE_VERSION}`,
    "backupGpgFpr": "run: pulumi config set --secret backupGpgFpr <fingerprint> (GAP-3)",
    "governancePrincipal": "run: pulumi config set --secret governancePrincipal <role> (GAP-4)",
    "databasePassword": "run: pulumi config set --secret databasePassword <password of context_pack_readonly> (with database.access.password true)",
    "approvals": "run: pulumi config set --path 'approvals.allowedSigners[0]' '<principal> namespaces=\"iu-cutter-approval\" <key-type> <base64>' and pulumi config set --path approvals.roles.<principal> review|sovereign (README, signed approvals)",
    "macro": "run: pulumi config set macro o6 (or o7 on the O7 stack)",
    "o7": "run: pulumi config set --path o7.verifiesDeploy.<key> <value> with the values the O7 review shows (README, O7)",
    "allowUnreviewedRuns": "run: pulumi config rm allowUnreviewedRuns (only sandbox test stacks set it)",
    "cutterConfig.orchestrator.execution_enabled": "remove the override: pulumi config set --path cutterConfig.orchestrator.execution_enabled false",
};

function fixFor(path: string): string {
    if (FIX[path]) {
        return FIX[path];
    }
    const top = path.split(".")[0];
    if (FIX[top]) {
        return FIX[top];
    }
    return `run: pulumi config set --path ${path} <value> (see Pulumi.contabo.yaml for every key with an explanation)`;
}

export class ConfigError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Stack config is invalid; nothing was deployed.\n` + problems.map((p) => `  - ${p}`).join("\n"));
        this.name = "ConfigError";
    }
}

function issuePath(path: Array<string | number>): string {
    return path.map((p) => (typeof p === "number" ? `[${p}]` : p)).join(".").replace(/\.\[/g, "[");
}

/**
 * Parses raw stack config (top-level key -> parsed JSON value, project prefix
 * removed). `secretKeys` are the keys Pulumi holds encrypted; the secret keys
 * of this program must be among them.
 */
export function parseStackConfig(raw: Record<string, unknown>, secretKeys: string[]): StackConfig {
    const problems: string[] = [];
    for (const k of [...SECRET_KEYS, ...OPTIONAL_SECRET_KEYS]) {
        if (raw[k] !== undefined && !secretKeys.includes(k)) {
            problems.push(`${PROJECT}:${k}: is stored in plaintext. Secrets must be encrypted; ${fixFor(k)}`);
        }
    }
    const res = stackConfigSchema.safeParse(raw);
    if (!res.success) {
        for (const issue of res.error.issues) {
            const p = issuePath(issue.path);
            let msg = issue.message;
            if (issue.code === "unrecognized_keys") {
                const keys = issue.keys.map((k) => (p ? `${p}.${k}` : k));
                problems.push(`${keys.map((k) => `${PROJECT}:${k}`).join(", ")}: unknown key. Check the spelling against Pulumi.contabo.yaml, or remove it: pulumi config rm --path ${keys[0]}`);
                continue;
            }
            if (issue.code === "invalid_type" && issue.received === "undefined") {
                msg = "is required but not set";
            }
            const isSecret = (SECRET_KEYS as readonly string[]).includes(p);
            // zod messages never repeat the value, so secrets cannot leak here.
            problems.push(`${PROJECT}:${p || "(root)"}: ${msg}. ${isSecret ? fixFor(p) : fixFor(p)}`);
        }
    }
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    return (res as z.SafeParseSuccess<StackConfig>).data;
}

/**
 * Turns Pulumi's flat config map ("project:key" -> string) into the raw
 * object parseStackConfig expects. Values that are JSON objects, arrays,
 * numbers or booleans (set with --path) are parsed; plain strings stay strings.
 */
/** Sections Pulumi.yaml declares with `default: {}` that the schema treats as optional. */
const OPTIONAL_SECTIONS = ["verification", "o7", "approvals"];

function isEmptyObject(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;
}

export function rawFromPulumiConfig(all: Record<string, string>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(all)) {
        const [ns, ...rest] = k.split(":");
        if (ns !== PROJECT) {
            continue;
        }
        const key = rest.join(":");
        let val: unknown = v;
        // A secret string stays a string, whatever it looks like.
        if ((OPTIONAL_SECRET_KEYS as readonly string[]).includes(key)) {
            raw[key] = v;
            continue;
        }
        if (/^\s*[[{]/.test(v) || v === "true" || v === "false" || /^-?\d+(\.\d+)?$/.test(v)) {
            try {
                val = JSON.parse(v);
            } catch {
                val = v;
            }
        }
        // An optional section left at its declared default in Pulumi.yaml is absent.
        if (OPTIONAL_SECTIONS.includes(key) && isEmptyObject(val)) {
            continue;
        }
        raw[key] = val;
    }
    return raw;
}

export function secretKeysFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
    try {
        const keys = JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS ?? "[]") as string[];
        return keys.filter((k) => k.startsWith(PROJECT + ":")).map((k) => k.slice(PROJECT.length + 1));
    } catch {
        return [];
    }
}
