/** A complete, valid raw stack config for unit tests (no host needed). */
export const FIXTURE_FPR = "0123456789ABCDEF0123456789ABCDEF01234567";

export function rawConfig(): any {
    return {
        host: { name: "vmi1234567.contaboserver.net", address: "203.0.113.7", port: 22, user: "deploy",
            hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2rzzl+bb0riftqnZzRYbcYUPLcUOLYkwPyF7NIVt3b", privateKeyPath: "/home/op/.ssh/id_ed25519", protected: true },
        identity: { composeMarker: "/opt/incomex/dot/docker-compose.yml", envFile: "/opt/incomex/dot/.env" },
        paths: { dotRepo: "/opt/incomex/dot", targetDir: "iu-cutter", stagingDir: "/opt/incomex/.iu-cutter-staging", stateDir: "/var/lib/cutter", envProductionFile: "/opt/incomex/dot/.env.production" },
        release: { sourceRepo: "/home/op/iu-cutter", commit: "6625f76", version: "0.6.0", expectedTests: 366 },
        cutterConfig: {
            dirs: [{ path: "/var/lib/cutter/state", mode: "0750", owner: "root", group: "root" }],
            orchestratorConfigFile: "/var/lib/cutter/config/orchestrator.ini",
            orchestrator: { execution_enabled: false, mode: "dryrun", db_role: "context_pack_readonly", signing_provider: "StubSigning", db_host: "127.0.0.1", db_port: 5432, db_name: "live", state_dir: "/var/lib/cutter/state" },
            rollbackRunbook: { from: "release", path: "db/rollback_runbook.sql" },
            rollbackRunbookPrepareVars: { run_id: "00000000-0000-4000-8000-000000000000" },
            rollbackRunbookDest: "/var/lib/cutter/runbooks/rollback_runbook.sql",
        },
        governance: { grants: ["cutter.documents:SELECT"] },
        approvals: {
            allowedSigners: [
                'gpt-review namespaces="iu-cutter-approval" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA2rzzl+bb0riftqnZzRYbcYUPLcUOLYkwPyF7NIVt3b',
                'sovereign namespaces="iu-cutter-approval" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBb0riftqnZzRYbcYUPLcUOLYkwPyF7NIVt3bA2rzzl+',
            ],
            roles: { "gpt-review": "review", sovereign: "sovereign" },
        },
        backupGpgFpr: FIXTURE_FPR,
        governancePrincipal: "cutter_governance",
    };
}
