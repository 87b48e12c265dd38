#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine, idempotently:
#   0. shellcheck (the tests run it on every rendered script)
#   1. Debian packages for the sandbox host (openssh-server, postgresql, gnupg)
#      and python3-pytest (the release's own test suite runs at review time)
#   2. the Pulumi CLI + Node.js language host, built from Go modules at the
#      versions pinned in toolchain/ (go.sum committed, so builds are verified)
#   3. npm packages of the program and of the policy pack, and the TS build.
# A second run only checks and takes seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=toolchain/versions.env
. "$ROOT/toolchain/versions.env"
TC="${IUCUTTER_TOOLCHAIN_DIR:-$ROOT/.toolchain}"
BIN="$TC/bin"
mkdir -p "$BIN"
log() { printf '[setup] %s\n' "$*" >&2; }
t0=$(date +%s)

# --- 1. Debian packages -------------------------------------------------------
need_pkgs=()
[ -x /usr/sbin/sshd ] || need_pkgs+=(openssh-server)
command -v shellcheck >/dev/null 2>&1 || need_pkgs+=(shellcheck)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_pkgs+=(postgresql)
command -v gpg >/dev/null 2>&1 || need_pkgs+=(gnupg)
command -v git >/dev/null 2>&1 || need_pkgs+=(git)
# The release's own test suite runs at review time (release.testPython: /usr/bin/python3 with Debian's pytest).
/usr/bin/python3 -c 'import pytest' >/dev/null 2>&1 || need_pkgs+=(python3-pytest)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${need_pkgs[*]}; run as root or install them: apt-get install ${need_pkgs[*]}"
    exit 1
  fi
  log "installing Debian packages: ${need_pkgs[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
  # The package's own sshd service is not used: the sandbox runs its own.
fi

# --- 2. Pulumi CLI and language host -----------------------------------------
have_version() { [ -x "$1" ] && [ "$("$1" version 2>/dev/null)" = "v$PULUMI_VERSION" ]; }
# At or above the pinned version (sort -V orders v3.188.0 < v3.200.1).
at_least_pinned() {
  local v; v="$("$1" version 2>/dev/null || true)"
  [ -n "$v" ] && [ "$(printf '%s\n%s\n' "v$PULUMI_VERSION" "$v" | sort -V | head -n1)" = "v$PULUMI_VERSION" ]
}
# An operator's own Pulumi CLI (with its language host beside it) at or above
# the pinned version is used as it is, and said so. The tests always run on
# the pinned build (scripts/test.sh sets IUCUTTER_PINNED_TOOLCHAIN=1).
existing="$(PATH="${PATH//$BIN:/}" command -v pulumi || true)"
if [ "${IUCUTTER_PINNED_TOOLCHAIN:-0}" != 1 ] && [ -n "$existing" ] && [ "$existing" != "$BIN/pulumi" ] \
   && at_least_pinned "$existing" && [ -x "$(dirname "$existing")/pulumi-language-nodejs" ]; then
  if [ "$(readlink "$BIN/pulumi" 2>/dev/null)" != "$existing" ]; then
    log "using the installed Pulumi CLI $("$existing" version) at $existing (pinned: v$PULUMI_VERSION; the tests run on the pinned build)"
    ln -sfn "$existing" "$BIN/pulumi"
    ln -sfn "$(dirname "$existing")/pulumi-language-nodejs" "$BIN/pulumi-language-nodejs"
  fi
elif ! have_version "$BIN/pulumi" || [ -L "$BIN/pulumi" ]; then
  command -v go >/dev/null || { log "Go toolchain not found: install Go >= 1.24 (needed to build the Pulumi CLI)"; exit 1; }
  log "building Pulumi CLI v$PULUMI_VERSION from Go modules (cold: several minutes)"
  rm -f "$BIN/pulumi" "$BIN/pulumi-language-nodejs"
  (cd "$ROOT/toolchain/pulumi-cli" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath \
    -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$BIN/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  mv "$BIN/pulumi.tmp" "$BIN/pulumi"
fi
if [ ! -x "$BIN/pulumi-language-nodejs" ]; then
  log "building pulumi-language-nodejs $PULUMI_LANGUAGE_NODEJS_VERSION"
  (cd "$ROOT/toolchain/pulumi-language-nodejs" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath \
    -tags osusergo,grpcnotrace \
    -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$BIN/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
  mv "$BIN/pulumi-language-nodejs.tmp" "$BIN/pulumi-language-nodejs"
fi
# The official distribution ships two tiny launchers next to the CLI: the
# policy-pack analyzer and the dynamic-provider host. Ours (one script,
# toolchain/launchers/node-plugin, under both names) find the SDK's script the
# way node's require.resolve does without starting node for it (about 0.15 s
# of every run); replaced when it changes.
for s in pulumi-analyzer-policy pulumi-resource-pulumi-nodejs; do
  if ! cmp -s "$ROOT/toolchain/launchers/$s" "$BIN/$s"; then
    install -m 0755 "$ROOT/toolchain/launchers/$s" "$BIN/$s"
  fi
done
# (Its unit test stops here: test/unit/setup.test.ts.)
if [ "${IUCUTTER_SETUP_TOOLCHAIN_ONLY:-0}" = 1 ]; then log "toolchain ready: $("$BIN/pulumi" version)"; exit 0; fi
# The policy pack's shell parser: mvdan.cc/sh (toolchain/shparse) compiled to
# WebAssembly, run with the Go distribution's own wasm_exec.js.
WASM="$ROOT/policies/wasm"
want_wasm="$(cat "$ROOT/toolchain/shparse/go.sum" "$ROOT/toolchain/shparse/main.go" "$ROOT/toolchain/shparse/go.mod" | sha256sum | cut -c1-64)"
if [ "$(cat "$WASM/.source-sha" 2>/dev/null)" != "$want_wasm" ] || [ ! -f "$WASM/shparse.wasm" ]; then
  log "building the policy pack's shell parser (mvdan.cc/sh to WebAssembly)"
  mkdir -p "$WASM"
  (cd "$ROOT/toolchain/shparse" && GOOS=js GOARCH=wasm CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -ldflags "-s -w" -o "$WASM/shparse.wasm.tmp" .)
  mv "$WASM/shparse.wasm.tmp" "$WASM/shparse.wasm"
  exec_js="$(go env GOROOT)/lib/wasm/wasm_exec.js"
  [ -f "$exec_js" ] || exec_js="$(go env GOROOT)/misc/wasm/wasm_exec.js"
  install -m 0644 "$exec_js" "$WASM/wasm_exec.js"
  echo "$want_wasm" > "$WASM/.source-sha"
fi
t_tool=$(( $(date +%s) - t0 ))

# --- 3. npm packages and build ----------------------------------------------
export PATH="$BIN:$PATH"
npm_install() { # dir
  local d="$1" stamp="$1/node_modules/.iucutter-lock-sha"
  local want; want="$(sha256sum "$d/package-lock.json" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    log "npm ci in ${d#$ROOT/}"
    (cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$stamp"
  fi
}
npm_install "$ROOT"
npm_install "$ROOT/policies"
(cd "$ROOT" && npx --no-install tsc -p tsconfig.json)
(cd "$ROOT/policies" && npx --no-install tsc -p tsconfig.json)
log "ready in $(( $(date +%s) - t0 ))s (toolchain ${t_tool}s): $("$BIN/pulumi" version)"
