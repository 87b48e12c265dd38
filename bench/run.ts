/**
 * Benchmarks (never a timed test): the deploy against `rsync -a` and Ansible
 * (ansible-core: `unarchive` into staging plus a rename swap) over the same
 * sandbox sshd and the same tree, and the program against the bare engine (an
 * empty program).
 * Alternated runs, medians, ratios; results written to bench/results.md.
 *
 *   bash bench/run.sh [runs=3] [sizes=100,1000,10000]
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { configureSandboxStack, readFacts, REPO_ROOT, sandboxConfig } from "../scripts/sandboxStack";

const RUNS = Number(process.argv[2] ?? 3);
const SIZES = (process.argv[3] ?? "100,1000,10000").split(",").map(Number);
const NOOP_PAIRS = 3;
const SB = path.join(REPO_ROOT, ".sandbox");
const BENCH = path.join(SB, "bench");

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
    const r = spawnSync(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: { ...process.env, ...opts.env }, encoding: "utf8", maxBuffer: 256 << 20 });
    if (r.status !== 0) {
        throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}${r.stdout}`.slice(0, 4000));
    }
    return r.stdout;
}

/** Wall time of a command; also the peak RSS of any node process running `programMatch`. */
async function timed(cmd: string, args: string[], cwd = REPO_ROOT, programMatch?: string, env?: NodeJS.ProcessEnv): Promise<{ s: number; peakKb: number }> {
    // Untimed: the previous command's dirty pages are written back first, so that the kernel's writeback of
    // one tool's 60 MB (dirty_expire 30 s) is not charged to whichever tool runs next. (It does not wait for
    // the discards a large delete leaves on this VM's disk: see the README's Benchmarks.)
    spawnSync("sync");
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, stdio: ["ignore", "pipe", "pipe"], env: env ?? process.env });
    let out = "";
    child.stdout.on("data", (b) => { out += b; });
    child.stderr.on("data", (b) => { out += b; });
    let peakKb = 0;
    const poll = setInterval(() => {
        if (!programMatch) { return; }
        for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
            try {
                const c = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
                if (c.includes(programMatch)) {
                    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
                    if (m) { peakKb = Math.max(peakKb, Number(m[1])); }
                }
            } catch { /* exited */ }
        }
    }, 20);
    const code = await new Promise<number>((r) => child.on("exit", (c) => r(c ?? -1)));
    clearInterval(poll);
    if (code !== 0) {
        throw new Error(`${cmd} ${args.join(" ")} failed:\n${out.slice(-3000)}`);
    }
    if (process.env.BENCH_VERBOSE) {
        console.log(`--- ${cmd} ${args.slice(0, 3).join(" ")}\n${out.slice(-4000)}`);
    }
    return { s: Number(process.hrtime.bigint() - t0) / 1e9, peakKb };
}

/** A release tree of n files: the fixture v0.6 plus nested modules and data of realistic sizes. */
function makeSource(n: number): string {
    const dir = path.join(BENCH, `src-${n}`);
    if (fs.existsSync(path.join(dir, ".git"))) {
        return dir;
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(path.join(REPO_ROOT, "fixtures", "iu-cutter-v0.6"), dir, { recursive: true });
    const base = fs.readdirSync(dir, { recursive: true }).length;
    let seed = 42;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    for (let i = 0; i < n - base; i++) {
        const d = path.join(dir, "cutter_agent", "pack", `g${i % 17}`, `s${i % 7}`);
        fs.mkdirSync(d, { recursive: true });
        const size = Math.floor(200 + rnd() * 8000);
        const body = `# module ${i}\n` + "x = " + JSON.stringify("y".repeat(size)) + "\n";
        fs.writeFileSync(path.join(d, i % 5 === 0 ? `data_${i}.json` : `mod_${i}.py`), i % 5 === 0 ? JSON.stringify({ i, v: "z".repeat(size) }) : body);
    }
    sh("git", ["init", "-q", "-b", "main"], { cwd: dir });
    sh("git", ["add", "-A"], { cwd: dir });
    sh("git", ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-m", `bench ${n}`], { cwd: dir });
    return dir;
}

/**
 * Deleting tens of thousands of files slows every file creation on this VM's
 * disk (ext4 with `discard`) for a minute or more, and `sync` does not wait
 * for it. What a run leaves on the host is therefore moved aside by rename
 * (into .sandbox/bench/trash, same filesystem) before reset-host.sh, so its
 * deletes find little, and deleted once after the last timed command: no tool
 * is timed on a disk still busy with the previous run's deletes.
 */
const TRASH = path.join(BENCH, "trash");
function moveHostAside(): void {
    const hostDirs = Object.values(readFacts().hostDirs);
    const to = path.join(TRASH, String(Date.now()));
    fs.mkdirSync(to, { recursive: true });
    hostDirs.forEach((d, i) => {
        for (const e of fs.readdirSync(d)) {
            fs.renameSync(path.join(d, e), path.join(to, `${i}-${e}`));
        }
    });
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function rsyncArgs(src: string, dest: string): string[] {
    const f = readFacts();
    const kh = path.join(BENCH, "known_hosts");
    fs.writeFileSync(kh, `[127.0.0.1]:${f.sshPort} ${f.hostKey}\n`);
    return ["-a", "--delete", "--exclude", ".git", "-e",
        `ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${kh} -i ${f.privateKeyPath} -p ${f.sshPort}`,
        `${src}/`, `root@127.0.0.1:${dest}/`];
}

/** Ansible as a peer: inventory for the sandbox host with the pinned key, and the playbooks. */
function ansibleSetup(): { env: NodeJS.ProcessEnv; inventory: string; deploy: string; floor: string } {
    const f = readFacts();
    const dir = path.join(BENCH, "ansible");
    fs.mkdirSync(dir, { recursive: true });
    const kh = path.join(dir, "known_hosts");
    fs.writeFileSync(kh, `[127.0.0.1]:${f.sshPort} ${f.hostKey}\n`);
    const inventory = path.join(dir, "inventory.ini");
    fs.writeFileSync(inventory, `sandbox ansible_host=127.0.0.1 ansible_port=${f.sshPort} ansible_user=root ansible_ssh_private_key_file=${f.privateKeyPath} `
        + `ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-F /dev/null -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${kh}'\n`);
    const deploy = path.join(dir, "deploy.yml");
    // The same shape as the deploy: unpack into staging, then two renames (old aside, new in place).
    fs.writeFileSync(deploy, [
        "- hosts: sandbox",
        "  gather_facts: false",
        "  vars: { base: /opt/incomex/bench-ansible }",
        "  tasks:",
        "    - file: { path: '{{ base }}/staging', state: absent }",
        "    - file: { path: '{{ base }}/staging', state: directory, mode: '0755' }",
        "    - unarchive: { src: '{{ archive }}', dest: '{{ base }}/staging' }",
        "    - shell: |",
        "        set -e",
        "        rm -rf {{ base }}/old",
        "        if [ -e {{ base }}/live ]; then mv -T {{ base }}/live {{ base }}/old; fi",
        "        mv -T {{ base }}/staging {{ base }}/live",
        "",
    ].join("\n"));
    const floor = path.join(dir, "floor.yml");
    fs.writeFileSync(floor, "- hosts: sandbox\n  gather_facts: false\n  tasks:\n    - ping:\n");
    const env = { ...process.env, ANSIBLE_HOME: dir, ANSIBLE_LOCAL_TEMP: path.join(dir, "tmp"), ANSIBLE_HOST_KEY_CHECKING: "True", ANSIBLE_NOCOLOR: "1", ANSIBLE_RETRY_FILES_ENABLED: "0" };
    return { env, inventory, deploy, floor };
}

async function main(): Promise<void> {
    fs.mkdirSync(BENCH, { recursive: true });
    const empty = path.join(REPO_ROOT, "bench", "empty-program");
    // Fresh every time: the sandbox's passphrase changes when it is rebuilt.
    spawnSync("pulumi", ["stack", "rm", "--yes", "--force", "--stack", "bench-empty"], { cwd: empty });
    fs.rmSync(path.join(empty, "Pulumi.bench-empty.yaml"), { force: true });
    sh("pulumi", ["stack", "init", "bench-empty"], { cwd: empty });
    await timed("pulumi", ["up", "--stack", "bench-empty", "--yes", "--non-interactive", "--skip-preview"], empty);
    const rows: string[] = [];
    const raw: Record<string, unknown> = {};
    for (const n of SIZES) {
        const src = makeSource(n);
        const r: Record<string, number[]> = { deploy: [], rsync: [], ansible: [], redeploy: [], rsyncInc: [], ansibleRe: [], noop: [], emptyUp: [], ansibleFloor: [], preview: [], emptyPreview: [], peakKb: [] };
        const ans = ansibleSetup();
        const archiveOf = (tag: string) => {
            const a = path.join(BENCH, `ansible-${n}-${tag}.tar`);
            sh("git", ["-C", src, "-c", "tar.umask=0022", "archive", "--format=tar", "-o", a, "HEAD"]);
            return a;
        };
        const ansible = async (archive: string) => (await timed("ansible-playbook", ["-i", ans.inventory, ans.deploy, "-e", `archive=${archive}`], REPO_ROOT, undefined, ans.env)).s;
        for (let run = 0; run < RUNS; run++) {
            moveHostAside();
            sh("bash", [path.join(REPO_ROOT, "sandbox", "reset-host.sh")]);
            sh("git", ["-C", src, "reset", "-q", "--hard", "HEAD"]);
            const stackName = `bench-${n}`;
            spawnSync("pulumi", ["stack", "rm", "--yes", "--force", "--stack", stackName], { cwd: REPO_ROOT });
            const base = sandboxConfig(readFacts()) as Record<string, any>;
            const release = () => ({ ...base.release, sourceRepo: src, commit: sh("git", ["-C", src, "rev-parse", "HEAD"]).trim(), tag: `bench-${n}-${Date.now()}` });
            // The O7 dry run is not part of what rsync does: measured without it.
            const verification = { ...base.verification, enabled: false };
            await configureSandboxStack(stackName, { pin: true, overrides: { release: release(), verification, allowUnreviewedRuns: true } });
            const up = ["up", "--stack", stackName, "--yes", "--non-interactive", "--skip-preview", "--suppress-outputs"];
            // The review before each deploy, as an operator runs it (untimed here; its time is the preview column):
            // the release's manifest and its own test suite come from it, and the deploy reuses them. Its clean copy
            // of the release goes to a RAM-backed tmpfs: in production the review runs on the operator's machine, and
            // here its removal of 10,000 files would slow the next timed writes on the shared disk (discard), which
            // is always this project's deploy.
            const reviewTmp = fs.existsSync("/dev/shm") ? { TMPDIR: "/dev/shm" } : {};
            const review = () => sh("pulumi", ["preview", "--stack", stackName, "--non-interactive", "--suppress-outputs"], { env: reviewTmp });
            review();
            // alternate which tool goes first
            const rsyncDest = "/opt/incomex/bench-rsync";
            const rsyncFirst = async () => { r.rsync.push((await timed("rsync", rsyncArgs(src, rsyncDest))).s); };
            const deployFirst = async () => { const t = await timed("pulumi", up, REPO_ROOT, "@pulumi/pulumi/cmd/run/index.js"); r.deploy.push(t.s); r.peakKb.push(t.peakKb); };
            const first = archiveOf("first");
            const ansibleFirst = async () => { r.ansible.push(await ansible(first)); };
            if (run % 2 === 0) { await deployFirst(); await rsyncFirst(); await ansibleFirst(); } else { await ansibleFirst(); await rsyncFirst(); await deployFirst(); }
            // The two floors are a few seconds each and their spread is as large as their difference: three alternated pairs per run.
            for (let pair = 0; pair < NOOP_PAIRS; pair++) {
                r.noop.push((await timed("pulumi", up)).s);
                r.emptyUp.push((await timed("pulumi", ["up", "--stack", "bench-empty", "--yes", "--non-interactive", "--skip-preview"], empty)).s);
            }
            r.ansibleFloor.push((await timed("ansible-playbook", ["-i", ans.inventory, ans.floor], REPO_ROOT, undefined, ans.env)).s);
            r.preview.push((await timed("pulumi", ["preview", "--stack", stackName, "--non-interactive", "--suppress-outputs"])).s);
            r.emptyPreview.push((await timed("pulumi", ["preview", "--stack", "bench-empty", "--non-interactive"], empty)).s);
            // one-file change: commit, re-review (pin and preview, untimed), redeploy; rsync's incremental run of the same change
            const f = path.join(src, "cutter_agent", "cli.py");
            fs.appendFileSync(f, `# change ${run}\n`);
            sh("git", ["-C", src, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-q", "-am", "one-file change"]);
            await configureSandboxStack(stackName, { pin: true, overrides: { release: release(), verification, allowUnreviewedRuns: true } });
            review();
            // alternated like the first deploys: whichever runs first pays for the disk's state after the last deletes
            const redeploy = async () => { r.redeploy.push((await timed("pulumi", up)).s); };
            const rsyncInc = async () => { r.rsyncInc.push((await timed("rsync", rsyncArgs(src, rsyncDest))).s); };
            const ansibleRe = async () => { r.ansibleRe.push(await ansible(archiveOf("redeploy"))); };
            if (run % 2 === 0) { await redeploy(); await rsyncInc(); await ansibleRe(); } else { await ansibleRe(); await rsyncInc(); await redeploy(); }
            // No destroy: its rollback would copy and delete a tree on the disk the next run is timed on; the
            // next run's reset puts the host back (its old trees moved aside first).
            spawnSync("pulumi", ["stack", "rm", "--yes", "--force", "--stack", stackName], { cwd: REPO_ROOT });
            sh("git", ["-C", src, "reset", "-q", "--hard", "HEAD~1"]);
        }
        const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
        raw[String(n)] = r;
        const firstAbove = m.deploy - m.noop;
        const incAbove = m.redeploy - m.noop;
        rows.push(`| ${n} | ${m.deploy.toFixed(2)} | ${m.rsync.toFixed(2)} | ${m.ansible.toFixed(2)} | ${(firstAbove / m.rsync).toFixed(1)}× | ${(m.deploy / m.ansible).toFixed(2)}× | ${m.redeploy.toFixed(2)} | ${m.rsyncInc.toFixed(2)} | ${m.ansibleRe.toFixed(2)} | ${(incAbove / m.rsyncInc).toFixed(1)}× | ${m.noop.toFixed(2)} | ${m.emptyUp.toFixed(2)} | ${(m.noop / m.emptyUp).toFixed(2)}× | ${m.ansibleFloor.toFixed(2)} | ${m.preview.toFixed(2)} | ${m.emptyPreview.toFixed(2)} | ${(m.peakKb / 1024).toFixed(0)} |`);
        console.log(rows[rows.length - 1]);
    }
    // After the last timed command: the host back to pristine, and everything moved aside deleted.
    moveHostAside();
    sh("bash", [path.join(REPO_ROOT, "sandbox", "reset-host.sh")]);
    fs.rmSync(TRASH, { recursive: true, force: true });
    const header = [
        `Benchmarks, ${new Date().toISOString().slice(0, 10)}, ${RUNS} alternated runs per size, medians in seconds; sandbox sshd on loopback; 2 cores; ${sh("ansible-playbook", ["--version"]).split("\n")[0]}.`,
        "",
        "| files | first deploy | rsync -a | Ansible | (deploy − no-op) / rsync | deploy / Ansible | one-file redeploy | rsync incremental | Ansible redeploy | (redeploy − no-op) / rsync | no-op up | empty program up | no-op / empty | Ansible floor | preview | empty preview | program peak RSS (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ];
    const md = [...header, ...rows, ""].join("\n");
    fs.writeFileSync(path.join(REPO_ROOT, "bench", "results.md"), md);
    fs.writeFileSync(path.join(REPO_ROOT, "bench", "results.json"), JSON.stringify(raw, null, 1));
    console.log(md);
}

main().catch((e) => { console.error(e.message ?? e); process.exit(1); });
