exports.handler = __f0;

var __ssh_1 = {knownHostsLine: __knownHostsLine, HOST_KEY_ALIAS: "iu-cutter-target", controlSocketPath: __controlSocketPath, sshArgs: __sshArgs, bashInvocation: __bashInvocation, isHostKeyMismatch: __isHostKeyMismatch};
var __RERUN_KEYS = ["create", "triggers", "stdinFile", "stdinSecret", "connection", "dir"];
var __provider = {check: __f1, diff: __f2, create: __f3, update: __f4, delete: __f5};

function __f1(__0, __1) {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return async function /*check*/(_olds, news) {
        const failures = [];
        if (typeof news.create !== "string" || news.create.trim() === "") {
            failures.push({ property: "create", reason: "a command script is required" });
        }
        return { inputs: news, failures };
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f2(__0, __1, __2) {
  return (function() {
    with({ this: undefined, arguments: undefined }) {

return async function /*diff*/(_id, olds, news) {
        const changed = [];
        const keys = ["description", "create", "delete", "writes", "triggers", "stdinFile", "stdinSecret", "captureStdout", "connection", "dir", "guard"];
        for (const k of keys) {
            if (JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null)) {
                changed.push(k);
            }
        }
        return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __knownHostsLine(__0) {
  return (function() {
    with({ exports: __ssh_1, knownHostsLine: __knownHostsLine, this: undefined, arguments: undefined }) {

return function /*knownHostsLine*/(t) {
    return `${exports.HOST_KEY_ALIAS} ${t.hostKey.trim()}\n`;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __controlSocketPath(__0) {
  return (function() {
    with({ controlSocketPath: __controlSocketPath, this: undefined, arguments: undefined }) {

return function /*controlSocketPath*/(t) {
    const fs = require("fs");
    const os = require("os");
    const crypto = require("crypto");
    let pid = process.pid;
    let run;
    for (let depth = 0; depth < 12 && pid > 1; depth++) {
        let stat;
        try {
            stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        }
        catch {
            return undefined;
        }
        // pid (comm) state ppid ... field 22 = start time; comm may hold spaces or parens.
        const close = stat.lastIndexOf(")");
        const comm = stat.slice(stat.indexOf("(") + 1, close);
        const rest = stat.slice(close + 2).split(" ");
        if (comm === "pulumi" && pid !== process.pid) {
            run = `${pid}.${rest[19]}`;
            break;
        }
        pid = Number(rest[1]);
    }
    if (run === undefined) {
        return undefined;
    }
    const uid = typeof process.getuid === "function" ? process.getuid() : 0;
    const dir = `${os.tmpdir()}/iucutter-ssh-${uid}`;
    try {
        fs.mkdirSync(dir, { mode: 0o700 });
    }
    catch (e) {
        if (e.code !== "EEXIST") {
            return undefined;
        }
    }
    const st = fs.lstatSync(dir);
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) {
        return undefined;
    }
    const key = crypto.createHash("sha256").update([t.address, t.port, t.user, t.hostKey.trim(), t.privateKeyPath].join("\n")).digest("hex").slice(0, 16);
    return `${dir}/${key}-${run}`;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __sshOptions(__0, __1) {
  return (function() {
    with({ exports: __ssh_1, sshOptions: __sshOptions, this: undefined, arguments: undefined }) {

return function /*sshOptions*/(t, knownHostsFile) {
    return [
        "-F", "/dev/null",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=yes",
        "-o", `UserKnownHostsFile=${knownHostsFile}`,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", `HostKeyAlias=${exports.HOST_KEY_ALIAS}`,
        "-o", "UpdateHostKeys=no",
        "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none",
        "-o", "PasswordAuthentication=no",
        "-o", "ConnectTimeout=20",
        "-o", "ServerAliveInterval=15",
        "-o", "ServerAliveCountMax=4",
        "-o", "LogLevel=ERROR",
        "-i", t.privateKeyPath,
        "-p", String(t.port),
        "-l", t.user,
    ];
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __sshArgs(__0, __1, __2, __3) {
  return (function() {
    with({ sshOptions: __sshOptions, sshArgs: __sshArgs, this: undefined, arguments: undefined }) {

return function /*sshArgs*/(t, knownHostsFile, remoteCommand, controlPath) {
    return [
        ...sshOptions(t, knownHostsFile),
        ...(controlPath ? ["-o", "ControlMaster=no", "-o", `ControlPath=${controlPath}`] : []),
        t.address,
        "--",
        remoteCommand,
    ];
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __bashInvocation(__0) {
  return (function() {
    with({ bashInvocation: __bashInvocation, this: undefined, arguments: undefined }) {

return function /*bashInvocation*/(script) {
    return `bash -c '${script.replace(/'/g, `'"'"'`)}'`;
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __isHostKeyMismatch(__0) {
  return (function() {
    with({ isHostKeyMismatch: __isHostKeyMismatch, this: undefined, arguments: undefined }) {

return function /*isHostKeyMismatch*/(stderr) {
    return /REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No (ED25519|RSA|ECDSA) host key is known/i.test(stderr);
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __runHostScript(__0, __1) {
  return (function() {
    with({ ssh_1: __ssh_1, runHostScript: __runHostScript, this: undefined, arguments: undefined }) {

return async function /*runHostScript*/(inputs, script) {
    const cp = require("child_process");
    const fs = require("fs");
    const os = require("os");
    const path = require("path");
    const secretLines = typeof inputs.stdinSecret === "string"
        ? inputs.stdinSecret.split("\n").filter((l) => l.length >= 4)
        : [];
    const mask = (s) => secretLines.reduce((acc, l) => acc.split(l).join("[secret]"), s);
    let cmd;
    let args;
    let cleanup = () => { };
    let cwd;
    if (inputs.connection) {
        const c = inputs.connection;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iucutter-kh-"));
        const kh = path.join(dir, "known_hosts");
        fs.writeFileSync(kh, (0, ssh_1.knownHostsLine)(c), { mode: 0o600 });
        cleanup = () => fs.rmSync(dir, { recursive: true, force: true });
        cmd = "ssh";
        // The same pinned-key invocation as the preview-time observation,
        // through the run's shared connection when the program opened one.
        const sock = (0, ssh_1.controlSocketPath)(c);
        args = (0, ssh_1.sshArgs)(c, kh, (0, ssh_1.bashInvocation)(script), sock !== undefined && fs.existsSync(sock) ? sock : undefined);
    }
    else {
        cmd = "bash";
        args = ["-c", script];
        cwd = inputs.dir;
    }
    try {
        return await new Promise((resolve, reject) => {
            let stdinFd;
            if (inputs.stdinFile) {
                stdinFd = fs.openSync(inputs.stdinFile, "r");
            }
            const child = cp.spawn(cmd, args, {
                cwd,
                stdio: [stdinFd !== undefined ? stdinFd : "pipe", "pipe", "pipe"],
                env: { ...process.env, LC_ALL: "C" },
            });
            const out = [];
            const err = [];
            let outLen = 0;
            // Progress: each line of stdout goes to the engine as it arrives (the
            // provider's stderr becomes an info diagnostic), secrets masked; the
            // host scripts' lines name their step themselves ("Release: ...").
            let partial = "";
            child.stdout.on("data", (b) => {
                if (outLen < 4 << 20) {
                    out.push(b);
                    outLen += b.length;
                }
                const text = partial + b.toString("utf8");
                const lines = text.split("\n");
                partial = lines.pop() ?? "";
                for (const l of lines) {
                    if (l.trim() !== "") {
                        process.stderr.write(`${mask(l)}\n`);
                    }
                }
            });
            child.stderr.on("data", (b) => { err.push(b); });
            if (stdinFd === undefined) {
                child.stdin.on("error", () => { });
                child.stdin.end(typeof inputs.stdinSecret === "string" ? inputs.stdinSecret + "\n" : "");
            }
            child.on("error", (e) => reject(e));
            child.on("close", (code, signal) => {
                if (stdinFd !== undefined) {
                    fs.closeSync(stdinFd);
                }
                const stdout = mask(Buffer.concat(out).toString("utf8"));
                const stderr = mask(Buffer.concat(err).toString("utf8"));
                if (code === 0) {
                    resolve(stdout);
                    return;
                }
                const where = inputs.connection
                    ? `${inputs.connection.user}@${inputs.connection.address}:${inputs.connection.port}`
                    : "the operator's machine";
                let hint = "";
                if ((0, ssh_1.isHostKeyMismatch)(stderr)) {
                    hint = "\nHostKeyPin: the host's SSH key does not match host.hostKey in the stack config. "
                        + "Nothing was run. If the host was legitimately re-imaged, verify its new key out of band and pin it.";
                }
                const tail = stderr.trim().split("\n").slice(-15).join("\n");
                reject(new Error(`${inputs.description}: failed on ${where} `
                    + `(${signal ? "signal " + signal : "exit " + code}).${hint}\n${tail}`));
            });
        });
    }
    finally {
        cleanup();
    }
};

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f3(__0) {
  return (function() {
    with({ runHostScript: __runHostScript, this: undefined, arguments: undefined }) {

return async function /*create*/(inputs) {
        const stdout = await runHostScript(inputs, inputs.create);
        const crypto = require("crypto");
        const id = crypto.createHash("sha256").update(inputs.create).digest("hex").slice(0, 16)
            + "-" + crypto.randomBytes(4).toString("hex");
        return { id, outs: { ...inputs, stdout: inputs.captureStdout ? stdout : "" } };
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f4(__0, __1, __2) {
  return (function() {
    with({ RERUN_KEYS: __RERUN_KEYS, runHostScript: __runHostScript, this: undefined, arguments: undefined }) {

return async function /*update*/(_id, olds, news) {
        let rerun = false;
        for (const k of RERUN_KEYS) {
            if (JSON.stringify(olds[k] ?? null) !== JSON.stringify(news[k] ?? null)) {
                rerun = true;
            }
        }
        let stdout = olds.stdout ?? "";
        if (rerun) {
            stdout = await runHostScript(news, news.create);
        }
        return { outs: { ...news, stdout: news.captureStdout ? stdout : "" } };
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f5(__0, __1) {
  return (function() {
    with({ runHostScript: __runHostScript, this: undefined, arguments: undefined }) {

return async function /*delete*/(_id, props) {
        if (typeof props.delete === "string" && props.delete.trim() !== "") {
            await runHostScript(props, props.delete);
        }
    };

    }
  }).apply(undefined, undefined).apply(this, arguments);
}

function __f0() {
  return (function() {
    with({ provider: __provider, this: undefined, arguments: undefined }) {

return () => provider;

    }
  }).apply(undefined, undefined).apply(this, arguments);
}
