#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# install-sarif-tools.sh [DIR]
#
# Installs the SARIF validators the lint tests run (lsp/lint TestSARIFValidates):
# Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool-linux 5.7.0, a self-contained
# .NET binary that validates offline) and, from the same package, the SARIF 2.1.0 JSON schema
# (sarif-2.1.0.json). Prints the package folder on its last line; the tests find it through
# KRLS_SARIF_TOOLS=that folder, or at the default place below. A second run does nothing.
set -euo pipefail
DIR=${1:-${KRLS_SARIF_TOOLS_HOME:-/var/tmp/krls-sarif-tools}}
VER=5.7.0
PKG=$DIR/node_modules/@microsoft/sarif-multitool-linux
if [ ! -x "$PKG/Sarif.Multitool" ] || ! grep -q "\"version\": \"$VER\"" "$PKG/package.json" 2>/dev/null; then
	command -v npm >/dev/null || { apt-get install -y --no-install-recommends npm >&2 || { apt-get update >&2 && apt-get install -y --no-install-recommends npm >&2; }; }
	mkdir -p "$DIR"
	(cd "$DIR" && npm install --no-audit --no-fund --no-save "@microsoft/sarif-multitool-linux@$VER" >&2)
	# npm drops the execute bit of the binary in the package.
	chmod +x "$PKG/Sarif.Multitool"
fi
[ -f "$PKG/sarif-2.1.0.json" ] || { echo "no sarif-2.1.0.json in $PKG" >&2; exit 1; }
echo "$PKG"
