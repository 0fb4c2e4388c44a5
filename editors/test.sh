#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# editors/test.sh: the editor integration end to end, on a clean Debian 12 as root (Node 20 on PATH):
#   1. install-deps.sh: chromium, ripgrep, libkrb5-dev, neovim, emacs-nox + elpa-eglot; code-server 4.100.3 and
#      playwright-core from npm; Debian trixie's neovim 0.10 unpacked privately
#   2. go build ./cmd/krls; the snippets tests (module! keys against the real 6.12 and 6.1 trees)
#   3. the Neovim plugin test (editors/nvim, Go test driving nvim 0.7.2 and 0.10 headless)
#   4. the Emacs eglot test (editors/emacs/krls.el in batch Emacs 28 + eglot 1.9)
#   5. build the platform .vsix (server bundled) and run it in code-server with headless chromium
# Prints the time of each step. Environment: KRLS_KERNEL_6_12 / KRLS_KERNEL_6_1 (trees; default
# .ci/get-kernel.sh), KRLS_EDITORS_CACHE (see install-deps.sh), SKIP_VSCODE=1, SKIP_NVIM=1, SKIP_EMACS=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"
T0=$(date +%s)
step() { echo "=== [$(($(date +%s) - T0))s] $*"; }
failed=()
# check NAME CMD...: runs a test step, remembers a failure and goes on with the others.
check() {
	local name=$1
	shift
	step "$name"
	local t=$(date +%s)
	if "$@"; then
		echo "=== $name: ok in $(($(date +%s) - t))s"
	else
		echo "=== $name: FAILED after $(($(date +%s) - t))s"
		failed+=("$name")
	fi
}

step "install-deps"
parts=()
[ -n "${SKIP_VSCODE:-}" ] || parts+=(vscode)
[ -n "${SKIP_NVIM:-}" ] || parts+=(nvim nvim010)
[ -n "${SKIP_EMACS:-}" ] || parts+=(emacs)
"$here/install-deps.sh" "${parts[@]}" >/dev/null

step "kernel trees"
export KRLS_KERNEL_6_12=${KRLS_KERNEL_6_12:-$(bash .ci/get-kernel.sh 6.12 | tail -1)}
export KRLS_KERNEL_6_1=${KRLS_KERNEL_6_1:-$(bash .ci/get-kernel.sh 6.1 | tail -1)}

step "go build ./cmd/krls"
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/krls" ./cmd/krls
export KRLS_BIN=$bin/krls

check "snippets tests" go test -count=1 ./snippets/

if [ -z "${SKIP_NVIM:-}" ]; then
	export KRLS_NVIM010=${KRLS_NVIM010:-${KRLS_EDITORS_CACHE:-/var/tmp/krls-editors}/nvim010/nvim}
	check "Neovim plugin test (0.7.2 and 0.10)" go test -count=1 -v -run TestPlugin ./editors/nvim/
fi

if [ -z "${SKIP_EMACS:-}" ]; then
	check "Emacs eglot test" go test -count=1 -v -run TestEglot ./editors/emacs/
fi

if [ -z "${SKIP_VSCODE:-}" ]; then
	check "VS Code: .vsix + code-server e2e" env KRLS_TREE="$KRLS_KERNEL_6_12" "$here/vscode/test/run-e2e.sh"
fi
if [ ${#failed[@]} -gt 0 ]; then
	step "FAILED: ${failed[*]}"
	exit 1
fi
step "all editor tests passed"
