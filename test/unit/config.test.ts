/**
 * The config loader against a corpus of malformed configs: each gets a
 * message naming the key and the fix, never a stack trace, never a secret.
 */
import { expect } from "chai";
import { ConfigError, parseStackConfig, rawFromPulumiConfig, secretKeysFromEnv } from "../../lib/config/config";
import { FIXTURE_FPR, rawConfig } from "../helpers/configFixture";

const FPR = FIXTURE_FPR;
const good = rawConfig;
const SECRETS = ["backupGpgFpr", "governancePrincipal"];

type Mut = (c: any) => void;
/** [description, mutation, key the error must name, text the fix must contain] */
export const BAD_CONFIGS: Array<[string, Mut, string, string]> = [
    ["missing host", (c) => { delete c.host; }, "iu-cutter-deploy:host", "pulumi config set"],
    ["missing host key", (c) => { delete c.host.hostKey; }, "host.hostKey", "ssh_host_ed25519_key.pub"],
    ["empty host key", (c) => { c.host.hostKey = ""; }, "host.hostKey", "pulumi config set --path host.hostKey"],
    ["host key with comment", (c) => { c.host.hostKey += " root@host"; }, "host.hostKey", "without the comment"],
    ["hostname with spaces", (c) => { c.host.name = "vmi 123"; }, "host.name", "no spaces"],
    ["hostname empty", (c) => { c.host.name = ""; }, "host.name", "must not be empty"],
    ["port as string", (c) => { c.host.port = "22"; }, "host.port", "must be a number"],
    ["port out of range", (c) => { c.host.port = 70000; }, "host.port", "1-65535"],
    ["port not an integer", (c) => { c.host.port = 22.5; }, "host.port", "integer"],
    ["user with uppercase", (c) => { c.host.user = "Root"; }, "host.user", "POSIX user name"],
    ["relative private key path", (c) => { c.host.privateKeyPath = "id_ed25519"; }, "host.privateKeyPath", "absolute path"],
    ["protected as string", (c) => { c.host.protected = "yes"; }, "host.protected", "true or false"],
    ["relative compose marker", (c) => { c.identity.composeMarker = "docker-compose.yml"; }, "identity.composeMarker", "absolute path"],
    ["dot-dot in env file", (c) => { c.identity.envFile = "/opt/incomex/../etc/.env"; }, "identity.envFile", "\"..\""],
    ["shell metachar in path", (c) => { c.paths.dotRepo = "/opt/incomex/dot;rm"; }, "paths.dotRepo", "metacharacters"],
    ["trailing slash", (c) => { c.paths.stateDir = "/var/lib/cutter/"; }, "paths.stateDir", "must not end with"],
    ["target dir with slash", (c) => { c.paths.targetDir = "a/b"; }, "paths.targetDir", "single directory name"],
    ["staging inside dot repo", (c) => { c.paths.stagingDir = "/opt/incomex/dot/.staging"; }, "paths.stagingDir", "outside paths.dotRepo"],
    ["env file outside roots", (c) => { c.paths.envProductionFile = "/etc/cutter.env"; }, "paths.envProductionFile", "outside the allowed write roots"],
    ["commit too short", (c) => { c.release.commit = "6625f"; }, "release.commit", "7 to 40"],
    ["commit not hex", (c) => { c.release.commit = "6625g76"; }, "release.commit", "hex"],
    ["commit uppercase", (c) => { c.release.commit = "6625F76"; }, "release.commit", "lowercase hex"],
    ["commit 41 chars", (c) => { c.release.commit = "a".repeat(41); }, "release.commit", "7 to 40"],
    ["version off by one", (c) => { c.release.version = "0.6.1"; }, "release.version", "must be 0.6.0"],
    ["version not semver", (c) => { c.release.version = "v0.6"; }, "release.version", "like 0.6.0"],
    ["relative source repo", (c) => { c.release.sourceRepo = "iu-cutter"; }, "release.sourceRepo", "absolute path"],
    ["anchor not sha256", (c) => { c.anchors = { tree: "abc" }; }, "anchors.tree", "sha256"],
    ["unknown anchor", (c) => { c.anchors = { trees: "a".repeat(64) }; }, "anchors.trees", "unknown key"],
    ["execution_enabled true", (c) => { c.cutterConfig.orchestrator.execution_enabled = true; }, "cutterConfig.orchestrator.execution_enabled", "must be false"],
    ["mode live", (c) => { c.cutterConfig.orchestrator.mode = "live"; }, "cutterConfig.orchestrator.mode", "Mode.LIVE is forbidden"],
    ["real signing provider", (c) => { c.cutterConfig.orchestrator.signing_provider = "KmsSigning"; }, "cutterConfig.orchestrator.signing_provider", "StubSigning"],
    ["wrong db role", (c) => { c.cutterConfig.orchestrator.db_role = "postgres"; }, "cutterConfig.orchestrator.db_role", "context_pack_readonly"],
    ["dir outside roots", (c) => { c.cutterConfig.dirs[0].path = "/srv/cutter"; }, "cutterConfig.dirs[0].path", "outside the allowed write roots"],
    ["dir mode not octal", (c) => { c.cutterConfig.dirs[0].mode = "750x"; }, "cutterConfig.dirs[0].mode", "octal mode"],
    ["no dirs", (c) => { c.cutterConfig.dirs = []; }, "cutterConfig.dirs", "GAP-5"],
    ["grant malformed", (c) => { c.governance.grants = ["documents SELECT"]; }, "governance.grants[0]", "schema.table:SELECT"],
    ["no grants", (c) => { c.governance.grants = []; }, "governance.grants", "at least one"],
    ["empty fingerprint", (c) => { c.backupGpgFpr = ""; }, "backupGpgFpr", "--secret backupGpgFpr"],
    ["short fingerprint", (c) => { c.backupGpgFpr = "ABCDEF"; }, "backupGpgFpr", "40-character"],
    ["empty principal", (c) => { c.governancePrincipal = ""; }, "governancePrincipal", "--secret governancePrincipal"],
    ["unknown top-level key", (c) => { c.hosts = {}; }, "iu-cutter-deploy:hosts", "unknown key"],
    ["unknown nested key", (c) => { c.host.hostkey = "x"; }, "iu-cutter-deploy:host.hostkey", "unknown key"],
    ["host as string", (c) => { c.host = "vmi1234567"; }, "iu-cutter-deploy:host", "pulumi config set"],
];

describe("stack config loader", () => {
    it("accepts a complete config and fills defaults", () => {
        const c = parseStackConfig(good(), SECRETS);
        expect(c.release.tag).to.equal("v0.6.0-O4-live-dryrun");
        expect(c.anchors).to.deep.equal({});
    });

    it(`gives a clear error for each of ${BAD_CONFIGS.length} malformed configs`, () => {
        expect(BAD_CONFIGS.length).to.be.at.least(30);
    });

    for (const [what, mutate, key, fix] of BAD_CONFIGS) {
        it(`refuses ${what}: names ${key} and the fix`, () => {
            const c = good();
            mutate(c);
            let err: unknown;
            try {
                parseStackConfig(c, SECRETS);
            } catch (e) {
                err = e;
            }
            expect(err).to.be.instanceOf(ConfigError);
            const msg = (err as Error).message;
            expect(msg).to.contain("nothing was deployed");
            expect(msg).to.contain(key);
            expect(msg).to.contain(fix);
            expect(msg).not.to.match(/\n\s+at /, "no stack trace");
            expect(msg).not.to.contain(FPR, "never the secret value");
        });
    }

    it("refuses secrets stored in plaintext", () => {
        expect(() => parseStackConfig(good(), [])).to.throw(/backupGpgFpr: is stored in plaintext/);
    });

    it("reads Pulumi's flat config map and its secret-key list", () => {
        const raw = rawFromPulumiConfig({
            "iu-cutter-deploy:host": JSON.stringify({ port: 22 }), "iu-cutter-deploy:backupGpgFpr": FPR, "other:key": "x",
        });
        expect(raw).to.deep.equal({ host: { port: 22 }, backupGpgFpr: FPR });
        expect(secretKeysFromEnv({ PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["iu-cutter-deploy:backupGpgFpr", "x:y"]) })).to.deep.equal(["backupGpgFpr"]);
    });
});
