#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# build.sh [--target linux-x64 [--server PATH]]
#
# Builds the krls VS Code extension into a .vsix: type-checks and bundles src/ with esbuild, copies
# the skeletons from ../../snippets (the same JSON the server embeds) and packages with @vscode/vsce.
# With --target, a platform-specific .vsix bundles the server as server/krls: PATH (a krls binary)
# or, without --server, `go build ./cmd/krls` of this checkout. Prints the .vsix path last.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
target= server=
while [ $# -gt 0 ]; do
	case "$1" in
	--target) target=$2; shift 2 ;;
	--server) server=$2; shift 2 ;;
	*) echo "usage: build.sh [--target linux-x64 [--server PATH]]" >&2; exit 2 ;;
	esac
done
cd "$here"
# npm ci only when the lock file changed since the last install.
stamp=node_modules/.krls-lock.sha
sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
	npm ci --no-audit --no-fund >&2
	echo "$sum" >"$stamp"
fi
rm -rf snippets dist server
cp "$repo/COPYING" LICENSE
npm run --silent compile >&2
version=$(node -p 'require("./package.json").version')
args=(package --no-dependencies --allow-missing-repository --no-update-package-json)
if [ -n "$target" ]; then
	mkdir server
	if [ -n "$server" ]; then
		cp "$server" server/krls
	else
		(cd "$repo" && CGO_ENABLED=1 go build -trimpath -o "$here/server/krls" ./cmd/krls)
	fi
	chmod 755 server/krls
	out=krls-$version-$target.vsix
	args+=(--target "$target")
else
	out=krls-$version.vsix
fi
npx vsce "${args[@]}" -o "$out" >&2
echo "$here/$out"
