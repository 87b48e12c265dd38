/**
 * What a run does before preflight's first probe, to start sooner: the host
 * commands' provider is asked to start (lib/provider/providerStart.ts), and
 * the run's SSH connection opens while the release is read
 * (openSharedConnection). Each runs in its own node process: the first needs
 * the SDK's mock runtime, the second a `pulumi` ancestor.
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROVIDER_START_TOKEN } from "../../lib/provider/providerStart";
import { LOCAL_COMMAND_TYPE, REMOTE_COMMAND_TYPE } from "../../lib/provider/remoteCommand";

const BIN = path.join(__dirname, "..", "..");

function node(js: string, cwd = BIN): string {
    return execFileSync("node", ["-e", js], { cwd, encoding: "utf8" }).trim();
}

describe("run start: the host commands' provider is started before preflight", function () {
    this.timeout(30000);

    it("asks for a function of the host commands' own package, so the engine starts that provider", () => {
        const pkg = (token: string) => token.split(":")[0];
        expect(pkg(PROVIDER_START_TOKEN)).to.equal(pkg(REMOTE_COMMAND_TYPE));
        expect(pkg(PROVIDER_START_TOKEN)).to.equal(pkg(LOCAL_COMMAND_TYPE));
        expect(PROVIDER_START_TOKEN.split(":")[1], "the same module as the host commands").to.equal(REMOTE_COMMAND_TYPE.split(":")[1]);
    });

    it("sends exactly one invoke with no arguments and registers nothing; the provider's refusal is dropped", () => {
        const js = `
            const pulumi = require("@pulumi/pulumi");
            const calls = [], resources = [];
            pulumi.runtime.setMocks({
                call: (a) => { calls.push({ token: a.token, inputs: a.inputs }); throw new Error("unknown function " + a.token); },
                newResource: (a) => { resources.push(a.type); return { id: "x", state: {} }; },
            });
            const { startHostCommandProvider } = require("./lib/provider/providerStart");
            startHostCommandProvider().then((v) => console.log(JSON.stringify({ resolved: v === undefined, calls, resources })),
                (e) => console.log(JSON.stringify({ rejected: String(e) })));`;
        const out = JSON.parse(node(js));
        expect(out).to.deep.equal({ resolved: true, calls: [{ token: PROVIDER_START_TOKEN, inputs: {} }], resources: [] });
    });
});

describe("run start: the SSH connection opens without waiting", function () {
    this.timeout(60000);

    it("an unreachable host: resolves to no socket (commands then connect on their own), and leaves no socket, known_hosts or error file", () => {
        const fake = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-fakecli-"));
        fs.copyFileSync("/bin/bash", path.join(fake, "pulumi"));
        fs.chmodSync(path.join(fake, "pulumi"), 0o755);
        // Port 9 on loopback: nothing listens, ssh fails at once.
        const t = { address: "127.0.0.1", port: 9, user: "root", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFGJZPnWKwTr1f+BJhs8eKJbCSW8PF0fuG7nP7mGddlB", privateKeyPath: "/nonexistent" };
        const js = `const o=require(${JSON.stringify(path.join(BIN, "lib", "host", "observe.js"))});`
            + `const s=require(${JSON.stringify(path.join(BIN, "lib", "host", "ssh.js"))});`
            + `const sock=s.controlSocketPath(${JSON.stringify(t)});`
            + `const p=o.openSharedConnection(${JSON.stringify(t)});`
            + `const during=require("fs").existsSync(sock+".known_hosts");`
            + `p.then((r)=>console.log(JSON.stringify({sock,during,result:r??null,left:require("fs").readdirSync(require("path").dirname(sock)).filter((n)=>n.startsWith(require("path").basename(sock)))})));`;
        try {
            const out = JSON.parse(execFileSync(path.join(fake, "pulumi"), ["-c", `node -e ${JSON.stringify(js).replace(/\$/g, "\\$")}; true`], { encoding: "utf8" }).trim());
            expect(out.sock, "a socket path under a pulumi ancestor").to.be.a("string");
            expect(out.during, "known_hosts written before ssh starts").to.equal(true);
            expect(out.result).to.equal(null);
            expect(out.left, "nothing of this master left").to.deep.equal([]);
        } finally {
            fs.rmSync(fake, { recursive: true, force: true });
        }
    });
});
