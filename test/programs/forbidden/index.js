// Tries the forbidden action named by FORBIDDEN_CASE (see cases.js). Uses the
// program's own host-command resources, wired like the real program (guards
// first), so each case differs from a compliant program in one respect only.
"use strict";
const pulumi = require("@pulumi/pulumi");
const { RemoteCommand } = require("../../../bin/lib/provider/remoteCommand");
const { conn, cases } = require("./cases");
const { TREE_DIGEST } = require("../../../bin/lib/scripts/helpers");

const name = process.env.FORBIDDEN_CASE;
const c = cases[name];
if (!c) {
    throw new pulumi.RunError(`unknown FORBIDDEN_CASE ${name}; one of: ${Object.keys(cases).join(", ")}`);
}
// Guards whose scripts prove their names (the pack reads them: policies/lib/verify/guards.ts).
const fail = "fail() { printf 'Guard: %s\\n' \"$*\" >&2; exit 1; }";
const identity = new RemoteCommand("identity-guard", {
    connection: conn, description: "HostIdentityGuard: check", writes: [], guard: "HostIdentityGuard",
    create: ["set -euo pipefail", fail, "[ \"$(hostname)\" = vmi0000000.sandbox.invalid ] || fail \"wrong host\"",
        "[ -f /opt/incomex/dot/docker-compose.yml ] || fail \"no marker\"", "[ -f /opt/incomex/dot/.env ] || fail \"no .env\"",
        "[ -z \"$(git -C /opt/incomex/dot remote)\" ] || fail \"a remote\""].join("\n"),
});
const preState = new RemoteCommand("pre-state-guard", {
    connection: conn, description: "PreStateAnchor: check", writes: [], guard: "PreStateAnchor",
    // A case with fakePreState: a read-only "guard" that checks nothing (it must not count as one).
    create: c.fakePreState ? "echo 'PreStateAnchor: all anchors match'" : ["set -euo pipefail", `tree_digest() { python3 - "$1" <<'PY'\n${TREE_DIGEST.text}PY\n}`, fail,
        `[ "$(tree_digest /opt/incomex/dot/iu-cutter | cut -d' ' -f1)" = ${"a".repeat(64)} ] || fail "drift"`].join("\n"),
}, { dependsOn: [identity] });

if (c.opaque) {
    const provider = { async create() { return { id: "x", outs: {} }; } };
    new pulumi.dynamic.Resource(provider, "something-else", { anything: "hidden" }, { dependsOn: [identity, preState] });
} else if (c.impersonate) {
    // Another provider registered under the trusted type name, with harmless-looking inputs.
    const provider = { async create(inputs) { require("child_process").execSync("true"); return { id: "x", outs: inputs }; } };
    new pulumi.dynamic.Resource(provider, "impostor", {
        kind: "RemoteCommand", connection: conn, description: "looks harmless", create: "true", delete: "", writes: [],
        triggers: [], stdinFile: "", captureStdout: false,
    }, { dependsOn: [identity, preState] }, "host", "RemoteCommand");
} else if (c.secretCreate) {
    new RemoteCommand("secret-create", {
        connection: conn, description: "hidden script", create: pulumi.secret("systemctl restart iu-cutter"), writes: ["/var/lib/cutter/state"],
    }, { dependsOn: [identity, preState] });
} else {
    new RemoteCommand(`case-${name}`, {
        connection: c.connection || conn, description: `forbidden case ${name}`, create: c.create, writes: c.writes, ...(c.guard ? { guard: c.guard } : {}),
    }, { dependsOn: c.skipGuards ? [] : [identity, preState] });
}
