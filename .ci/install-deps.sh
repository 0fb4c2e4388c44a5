#!/usr/bin/env bash
# Installs the Debian packages the tests and editors need (root). Idempotent and quiet when
# everything is present. Go comes with the machine (Go 1.26); Node.js 20 and npm too.
set -euo pipefail
pkgs=(neovim xz-utils bc python3 git ca-certificates)
[ -z "${KRLS_SKIP_VSCODE:-}" ] && pkgs+=(chromium ripgrep libkrb5-dev)
[ -n "${KRLS_BENCH:-}" ] && pkgs+=(universal-ctags time)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
    --no-install-recommends "${missing[@]}" >&2
fi
