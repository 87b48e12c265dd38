/**
 * database.access (issue 13 item 2): the one psql builder renders the
 * configured form (tcp or docker-exec), always as the read-only role; the
 * config refuses anything else, naming the key; every rendered script in the
 * docker-exec form still passes shellcheck and never calls a bare psql; with
 * tcp and a password, the password is a secret input on stdin into a mktemp
 * PGPASSFILE (never in a script), the pack accepts exactly that form, and the
 * config refuses the password in plaintext, unused, or missing.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { ConfigError, parseStackConfig, StackConfig } from "../../lib/config/config";
import { hostFactProblems, hostFactsScript } from "../../lib/scripts/hostFacts";
import { describeDatabaseAccess, governanceGrantsAssignment, PGPASS_TEMPLATE, pgpassSetup, readOnlyPsql } from "../../lib/scripts/psql";
import { buildPlan } from "../../lib/plan/plan";
import { buildO7Plan } from "../../lib/plan/o7";
import { rawConfig } from "../helpers/configFixture";
import { readRunbook } from "../helpers/runbook";
import { FIXTURE_DEPLOY, FIXTURE_RELEASE, fixtureConfig, passwordConfig, renderedScripts, ROOT } from "../helpers/rendered";
import * as path from "path";

/** The built policy pack's analyzer (policies/bin), the code `pulumi preview --policy-pack` runs. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { analyzeResource } = require(path.join(ROOT, "policies", "bin", "lib", "analyze")) as { analyzeResource: (r: unknown) => Promise<Array<{ policy: string; action: string }>> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { hostCommand } = require(path.join(ROOT, "policies", "bin", "test", "adversarial", "shapes")) as { hostCommand: (create: string, o: { writes: string[]; stdinSecret?: string }) => unknown };

const SECRETS = ["backupGpgFpr", "governancePrincipal"];
const withAccess = (access: unknown): StackConfig => parseStackConfig({ ...rawConfig(), database: { access } }, SECRETS);
const DOCKER = { kind: "docker-exec", container: "incomex-db", database: "incomex" };

function configError(access: unknown): string {
    try {
        withAccess(access);
    } catch (e) {
        expect(e).to.be.instanceOf(ConfigError);
        return (e as Error).message;
    }
    throw new Error("expected a ConfigError");
}

describe("database.access: the one psql builder", () => {
    it("absent: tcp at the orchestrator's db_host/db_port/db_name (the form before database.access existed)", () => {
        const c = parseStackConfig(rawConfig(), SECRETS);
        expect(readOnlyPsql(c)).to.equal("psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live");
        expect(describeDatabaseAccess(c)).to.equal("tcp 127.0.0.1:5432/live");
    });

    it("tcp: the configured host, port and database, not the orchestrator's", () => {
        const c = withAccess({ kind: "tcp", host: "db.internal", port: 6543, database: "incomex" });
        expect(readOnlyPsql(c, { doc: "a b" })).to.equal("psql -X -q -A -t -v ON_ERROR_STOP=1 -v 'doc=a b' -h db.internal -p 6543 -U context_pack_readonly -d incomex");
    });

    it("docker-exec: `docker exec -i CONTAINER psql …` over the container's socket (no -h/-p), as the read-only role", () => {
        const c = withAccess(DOCKER);
        expect(readOnlyPsql(c)).to.equal("docker exec -i incomex-db psql -X -q -A -t -v ON_ERROR_STOP=1 -U context_pack_readonly -d incomex");
        expect(governanceGrantsAssignment(c, "G", "exit 1")).to.match(/^G="\$\(docker exec -i incomex-db psql .* -v principal="\$GOVERNANCE_PRINCIPAL" <<'SQL'\n/);
        expect(describeDatabaseAccess(c)).to.equal("docker-exec incomex-db/incomex");
    });

    it("host facts: docker-exec looks for docker, and an unreachable database names database.access", () => {
        const c = withAccess(DOCKER);
        expect(hostFactsScript(c)).to.contain("command -v docker");
        const p = hostFactProblems(c, {
            python: "Python 3.11.2", agent: "0.4.0", psql: "", database: "unreachable", composeMarker: "present", envFile: "present",
            stagingFreeKiB: 1e9, stagingDevice: "1", liveDevice: "1",
        }, 1000, true);
        expect(p).to.include("psql: docker not found on the host's PATH (database.access is docker-exec)");
        expect(p).to.include("database: not reachable as context_pack_readonly via docker-exec incomex-db/incomex (database.access)");
    });

    const bad: Array<[string, unknown, RegExp]> = [
        ["another role", { ...DOCKER, role: "postgres" }, /database\.access\.role.*context_pack_readonly/s],
        ["an unknown kind", { kind: "socket", database: "incomex" }, /database\.access\.kind.*"tcp" or "docker-exec"/s],
        ["a container name with shell metacharacters", { ...DOCKER, container: "pg;reboot" }, /database\.access\.container.*docker container name/s],
        ["a container option smuggled into the name", { ...DOCKER, container: "-u" }, /database\.access\.container/],
        ["a conninfo string as database", { ...DOCKER, database: "host=x user=postgres" }, /database\.access\.database.*plain PostgreSQL name/s],
        ["tcp without a port", { kind: "tcp", host: "127.0.0.1", database: "incomex" }, /database\.access\.port/],
        ["a key from the other kind", { ...DOCKER, host: "127.0.0.1" }, /database\.access.*host/s],
        ["a password given inline (the flag is a boolean; the password itself is the secret databasePassword)", { kind: "tcp", host: "127.0.0.1", port: 5432, database: "x", password: "p" }, /database\.access\.password: must be true or false/],
        ["a password flag on docker-exec (the container's local socket)", { ...DOCKER, password: true }, /database\.access.*password/s],
    ];
    for (const [what, access, re] of bad) {
        it(`refuses ${what}, naming the key`, () => {
            expect(configError(access)).to.match(re);
        });
    }

    describe("tcp with a password (database.access.password: true, secret databasePassword)", () => {
        const PW = "fixture-pw-" + "x9";
        const TCP = { kind: "tcp", host: "127.0.0.1", port: 5432, database: "live", password: true };
        const parse = (extra: Record<string, unknown>, secrets = [...SECRETS, "databasePassword"]) =>
            parseStackConfig({ ...rawConfig(), database: { access: TCP }, ...extra }, secrets);
        const err = (f: () => unknown): string => {
            try { f(); } catch (e) { expect(e).to.be.instanceOf(ConfigError); return (e as Error).message; }
            throw new Error("expected a ConfigError");
        };

        it("psql reads the password from PGPASSFILE; the setup reads it from stdin into a mktemp file an EXIT trap removes", () => {
            const c = parse({ databasePassword: PW });
            expect(readOnlyPsql(c)).to.equal(`PGPASSFILE="$passfile" psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U context_pack_readonly -d live`);
            expect(pgpassSetup(c, "exit 3")).to.deep.equal([
                "IFS= read -r DB_PASSWORD || exit 3",
                `passfile="$(mktemp ${PGPASS_TEMPLATE})"`,
                `trap 'rm -- "$passfile"' EXIT`,
                `printf '%s:%s:%s:%s:%s\\n' 127.0.0.1 5432 live context_pack_readonly "$DB_PASSWORD" > "$passfile"`,
            ]);
            expect(pgpassSetup(parseStackConfig(rawConfig(), SECRETS), "exit 3"), "no password: no setup").to.deep.equal([]);
        });

        it("the password is never in a rendered script; it is a secret input on stdin of every command that runs psql, which declares the temp file", () => {
            const c = passwordConfig();
            for (const [name, text] of renderedScripts(c)) {
                expect(text, name).to.not.contain(c.databasePassword!);
            }
            const plan = buildPlan(c, FIXTURE_RELEASE, readRunbook());
            expect(plan.secrets.secretInputs).to.deep.equal(["backupGpgFpr", "governancePrincipal", "databasePassword"]);
            expect(plan.secrets.writes).to.include(PGPASS_TEMPLATE);
            const o7 = buildO7Plan(c, plan, FIXTURE_DEPLOY, FIXTURE_RELEASE.manifestDigest, readRunbook());
            expect(o7.verify.secretInputs).to.deep.equal(["backupGpgFpr", "governancePrincipal", "databasePassword"]);
            expect(o7.verify.writes).to.include(PGPASS_TEMPLATE);
            // Stdin order: the script reads the password third, after the two secrets.
            const reads = o7.verify.create.split("\n").filter((l) => l.startsWith("IFS= read -r"));
            expect(reads.map((l) => l.split(" ")[3])).to.deep.equal(["BACKUP_GPG_FPR", "GOVERNANCE_PRINCIPAL", "DB_PASSWORD"]);
            const noPw = buildPlan(fixtureConfig(), FIXTURE_RELEASE, readRunbook());
            expect(noPw.secrets.secretInputs, "no password: not asked for").to.deep.equal(["backupGpgFpr", "governancePrincipal"]);
            expect(noPw.secrets.writes).to.not.include(PGPASS_TEMPLATE);
        });

        it("the policy pack accepts the secrets step and the O7 dry run with the password form", async function () {
            this.timeout(60_000);
            const c = passwordConfig();
            const plan = buildPlan(c, FIXTURE_RELEASE, readRunbook());
            const o7 = buildO7Plan(c, plan, FIXTURE_DEPLOY, FIXTURE_RELEASE.manifestDigest, readRunbook());
            for (const cmd of [plan.secrets, o7.verify]) {
                // As the program sends it: the secrets arrive on stdin, marked secret (the pack cannot read them).
                const f = await analyzeResource(hostCommand(cmd.create, { writes: cmd.writes, stdinSecret: "x" }));
                expect(f, cmd.resource).to.deep.equal([]);
                const undeclared = await analyzeResource(hostCommand(cmd.create, { writes: cmd.writes.filter((w) => w !== PGPASS_TEMPLATE) }));
                expect(undeclared.map((x) => x.policy), `${cmd.resource} without the temp file in writes`).to.include("no-plaintext-secrets");
            }
        });

        it("refuses password: true without databasePassword, naming the key and the command", () => {
            expect(err(() => parse({}))).to.match(/databasePassword: is required: database\.access\.password is true\. run: pulumi config set --secret databasePassword/);
        });

        it("refuses databasePassword on a stack that does not use it (never ignored)", () => {
            const m = err(() => parseStackConfig({ ...rawConfig(), databasePassword: PW }, [...SECRETS, "databasePassword"]));
            expect(m).to.match(/databasePassword: is set but database\.access is not tcp with password: true/);
            expect(m).to.not.contain(PW);
        });

        it("refuses databasePassword in plaintext, without printing it", () => {
            const m = err(() => parse({ databasePassword: PW }, SECRETS));
            expect(m).to.match(/databasePassword: is stored in plaintext.*pulumi config set --secret databasePassword/);
            expect(m).to.not.contain(PW);
        });

        it("refuses a password the pgpass format cannot hold unescaped (':' or '\\'), without printing it", () => {
            for (const p of ["ab:cd-secret", "ab\\cd-secret"]) {
                const m = err(() => parse({ databasePassword: p }));
                expect(m).to.contain("databasePassword: must not contain ':', '\\' or a line break");
                expect(m).to.not.contain(p);
            }
        });
    });

    it("every rendered script in the docker-exec form passes shellcheck and runs psql only through docker exec -i", () => {
        const base = fixtureConfig();
        const c: StackConfig = { ...base, database: { access: { ...DOCKER, kind: "docker-exec", role: "context_pack_readonly" } } };
        const scripts = renderedScripts(c);
        const withPsql = scripts.filter(([, t]) => /\bpsql -X/.test(t));
        expect(withPsql.length, "scripts that read the database").to.be.greaterThan(3);
        for (const [name, text] of withPsql) {
            for (const line of text.split("\n").filter((l) => /\bpsql -X/.test(l))) {
                expect(line, name).to.contain("docker exec -i incomex-db psql -X");
                expect(line, name).to.not.contain(" -h ");
            }
            const r = spawnSync("shellcheck", ["-s", "bash", "-S", "warning", "-f", "gcc", "-"], { input: text, encoding: "utf8" });
            expect(r.stdout + r.stderr, `shellcheck findings in ${name}`).to.equal("");
        }
    });
});
