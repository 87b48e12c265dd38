import { commandPolicy, commandsOf, Concern, describe, Finding, firstOperand } from "./lib/common";
import { CommandBearing } from "./lib/resources";
import { EffectiveCommand } from "./lib/shell";

const SYSTEMCTL_ALLOWED = new Set(["status", "is-active", "is-enabled", "is-failed", "is-system-running", "show", "cat", "list-units",
    "list-unit-files", "list-dependencies", "list-sockets", "list-timers", "list-jobs", "list-machines", "help", "get-default", "show-environment"]);
const SERVICE_ACTIONS = /^(start|stop|restart|reload|force-reload|try-restart|condrestart|reload-or-restart|--full-restart)$/;
const DOCKER_FORBIDDEN = new Set(["restart", "start", "stop", "kill", "rm", "run", "create", "up", "down", "pause", "unpause", "update",
    "rename", "recreate", "deploy", "scale", "rollback"]);
const COMPOSE_FORBIDDEN = new Set(["up", "down", "stop", "start", "restart", "kill", "rm", "create", "run", "pause", "unpause", "scale", "recreate", "watch"]);
const SUPERVISOR_ALLOWED = new Set(["status", "avail", "pid", "tail", "version", "help", "maintail"]);

const DOCKER_OPTS_WITH_ARG = ["-H", "--host", "--config", "-c", "--context", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"];
const COMPOSE_OPTS_WITH_ARG = ["-f", "--file", "-p", "--project-name", "--profile", "--env-file", "--project-directory", "--ansi", "--parallel", "--progress"];

function restartAction(c: EffectiveCommand): string | undefined {
    const a = c.argv;
    const name = a[0];
    if (a.some((x) => x === "--force-recreate" || x === "--always-recreate-deps")) {
        return `recreates containers (${a.find((x) => x.includes("recreate"))})`;
    }
    if (name === "systemctl") {
        const i = firstOperand(a, 1, ["-H", "--host", "-M", "--machine", "-t", "--type", "-p", "--property", "-s", "--signal", "--state", "-n", "--lines", "-o", "--output", "--root", "--kill-whom"]);
        const verb = a[i];
        if (verb === undefined) { return undefined; }
        return SYSTEMCTL_ALLOWED.has(verb) ? undefined : `systemctl ${verb} changes a service or the machine`;
    }
    if (name === "service") {
        if (a.some((x) => SERVICE_ACTIONS.test(x))) { return `service ${a.slice(1).join(" ")} restarts or stops a service`; }
        return undefined;
    }
    if (name === "docker" || name === "podman" || name === "nerdctl") {
        let i = firstOperand(a, 1, DOCKER_OPTS_WITH_ARG);
        let verb = a[i];
        if (verb === "compose") {
            i = firstOperand(a, i + 1, COMPOSE_OPTS_WITH_ARG);
            verb = a[i];
            return verb && COMPOSE_FORBIDDEN.has(verb) ? `docker compose ${verb} (re)creates, starts or stops containers` : undefined;
        }
        if (["container", "service", "stack", "swarm", "node"].includes(verb)) {
            const sub = a[firstOperand(a, i + 1)];
            if (verb === "swarm" || verb === "node" || (sub && DOCKER_FORBIDDEN.has(sub))) { return `docker ${verb} ${sub ?? ""} changes running containers`; }
            return undefined;
        }
        return verb && DOCKER_FORBIDDEN.has(verb) ? `docker ${verb} changes running containers` : undefined;
    }
    if (name === "docker-compose" || name === "podman-compose") {
        const verb = a[firstOperand(a, 1, COMPOSE_OPTS_WITH_ARG)];
        return verb && COMPOSE_FORBIDDEN.has(verb) ? `${name} ${verb} (re)creates, starts or stops containers` : undefined;
    }
    if (name === "supervisorctl") {
        const verb = a[firstOperand(a, 1, ["-c", "--configuration", "-s", "--serverurl", "-u", "--username", "-p", "--password"])];
        return verb && !SUPERVISOR_ALLOWED.has(verb) ? `supervisorctl ${verb}` : undefined;
    }
    if (["reboot", "shutdown", "poweroff", "halt", "telinit", "kexec"].includes(name)) {
        return `${name} stops the machine`;
    }
    if (name === "init" && /^[0-6sS]$/.test(a[1] ?? "")) {
        return `init ${a[1]} changes the runlevel`;
    }
    if (["rc-service", "sv", "initctl", "s6-svc", "launchctl", "invoke-rc.d", "update-rc.d", "chkconfig"].includes(name)) {
        return a.length > 1 && !/^(status|show|list)$/.test(a[a.length - 1]) ? `${name} ${a.slice(1).join(" ")} controls a service` : undefined;
    }
    if (/^\/etc\/init\.d\//.test(c.source.argv[0] ?? "") && a.some((x) => SERVICE_ACTIONS.test(x))) {
        return `${c.source.argv[0]} ${a.slice(1).join(" ")} controls a service`;
    }
    if (name === "kill" || name === "pkill" || name === "killall" || name === "skill") {
        if (name === "kill" && (a[1] === "-0" || a[1] === "-l" || a[1] === "-L")) { return undefined; }
        return `${name} ${a.slice(1).join(" ")} signals processes (services must not be stopped or reloaded)`;
    }
    return undefined;
}

export function noRestartFindings(cb: CommandBearing): Finding[] {
    const out: Finding[] = [];
    for (const c of commandsOf(cb)) {
        const why = restartAction(c);
        if (why) {
            out.push({ action: `${why}: ${describe(c, c.field)}` });
        }
    }
    return out;
}

export const noRestart: Concern = {
    name: "no-service-restart",
    description: "No service start/stop/restart/reload, container (re)creation, reboot or process signals.",
    rule: "forbidden in O6/O7: service restart / docker recreate (O6 is code-only: no service install, no docker recreate, no restart)",
    comply: "deploy code only; read-only checks such as `systemctl status` or `docker compose ps` are fine",
    check: (cb) => noRestartFindings(cb),
};

export const noRestartPolicy = commandPolicy(noRestart);
