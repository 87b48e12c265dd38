/**
 * database.access (issue 13 item 2): the one psql builder renders the
 * configured form (tcp or docker-exec), always as the read-only role; the
 * config refuses anything else, naming the key; every rendered script in the
 * docker-exec form still passes shellcheck and never calls a bare psql.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import { ConfigError, parseStackConfig, StackConfig } from "../../lib/config/config";
import { hostFactProblems, hostFactsScript } from "../../lib/scripts/hostFacts";
import { describeDatabaseAccess, governanceGrantsAssignment, readOnlyPsql } from "../../lib/scripts/psql";
import { rawConfig } from "../helpers/configFixture";
import { fixtureConfig, renderedScripts } from "../helpers/rendered";

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
        ["a password key (not implemented: refused, never silently ignored)", { kind: "tcp", host: "127.0.0.1", port: 5432, database: "x", password: "p" }, /database\.access.*password/s],
    ];
    for (const [what, access, re] of bad) {
        it(`refuses ${what}, naming the key`, () => {
            expect(configError(access)).to.match(re);
        });
    }

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
