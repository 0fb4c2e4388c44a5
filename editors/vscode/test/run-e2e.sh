#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# run-e2e.sh: the krls .vsix in real VS Code (code-server 4.100.3) driven by headless chromium.
# Needs what ../../install-deps.sh vscode installs. Exits non-zero on failure.
#
# Environment:
#   KRLS_BIN     krls binary to bundle (default: go build ./cmd/krls of this checkout)
#   VSIX         a .vsix to test instead of building one with ../build.sh --target linux-x64
#   KRLS_TREE    kernel tree to copy as the workspace (default: $KRLS_KERNEL_6_12, else
#                .ci/get-kernel.sh 6.12); the tree itself is never written
#   KRLS_EDITORS_CACHE  where install-deps.sh put code-server and playwright-core
#   PORT         code-server port (default 18080)
# Artefacts (screenshots, logs) go to test/.run/ (ignored by git).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
CACHE=${KRLS_EDITORS_CACHE:-/var/tmp/krls-editors}
PORT=${PORT:-18080}
RUN=$here/.run
T0=$(date +%s%N)
log() { printf '[%6.1fs] %s\n' "$(echo "($(date +%s%N) - $T0) / 1000000000" | bc -l)" "$*"; }

rm -rf "$RUN"
mkdir -p "$RUN/ud/User" "$RUN/ext" "$RUN/home" "$RUN/tmp" "$RUN/shots"

if [ -z "${KRLS_BIN:-}" ]; then
	KRLS_BIN=$RUN/krls
	(cd "$repo" && go build -o "$KRLS_BIN" ./cmd/krls)
	log "built krls"
fi
if [ -z "${VSIX:-}" ]; then
	VSIX=$("$here/../build.sh" --target linux-x64 --server "$KRLS_BIN" | tail -1)
	log "built $VSIX"
fi
if [ -z "${KRLS_TREE:-}" ]; then
	KRLS_TREE=${KRLS_KERNEL_6_12:-$(bash "$repo/.ci/get-kernel.sh" 6.12 | tail -1)}
fi
# The workspace is a copy: the test types into a file of the tree.
WS=$RUN/ws/linux
mkdir -p "$RUN/ws"
cp -a "$KRLS_TREE" "$WS"
chmod -R u+w "$WS"
mkdir -p "$WS/oot"
printf 'obj-m := hello.o\n' >"$WS/oot/Kbuild"
# A new module file, empty but for its licence line: where the skeletons are offered.
printf '// SPDX-License-Identifier: GPL-2.0\n' >"$WS/samples/rust/krls_new.rs"
log "workspace $WS"

# Keep code-server's config, chromium's profile and krls's index cache out of the real $HOME.
export HOME=$RUN/home TMPDIR=$RUN/tmp XDG_CONFIG_HOME=$RUN/home/.config \
	XDG_DATA_HOME=$RUN/home/.local/share XDG_CACHE_HOME=$RUN/home/.cache
# Only the bundled server: no krls from PATH.
export PATH=$(echo "$PATH" | tr ':' '\n' | while read -r d; do [ -x "$d/krls" ] || echo "$d"; done | paste -sd:)
cat >"$RUN/ud/User/settings.json" <<'JSON'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.editor.enablePreview": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "files.autoSave": "off",
  "editor.autoClosingBrackets": "never",
  "editor.autoClosingQuotes": "never",
  "editor.autoSurround": "never",
  "editor.quickSuggestions": { "other": "off", "comments": "off", "strings": "off" },
  "editor.suggestOnTriggerCharacters": false,
  "editor.acceptSuggestionOnEnter": "off",
  "editor.hover.delay": 100,
  "krls.logLevel": "debug"
}
JSON
CS=$CACHE/cs/node_modules/.bin/code-server
COMMON=(--config "$RUN/config.yaml" --user-data-dir "$RUN/ud" --extensions-dir "$RUN/ext"
	--disable-telemetry --disable-update-check)
"$CS" "${COMMON[@]}" --install-extension "$VSIX" >"$RUN/install-extension.log" 2>&1 ||
	{ cat "$RUN/install-extension.log"; exit 1; }
log "extension installed"
"$CS" "${COMMON[@]}" --bind-addr "127.0.0.1:$PORT" --auth none --disable-workspace-trust \
	--disable-getting-started-override --ignore-last-opened >"$RUN/code-server.log" 2>&1 &
CS_PID=$!
trap 'kill $CS_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
log "code-server up"
status=0
NODE_PATH=$CACHE/tools/node_modules node "$here/e2e.js" "http://127.0.0.1:$PORT" "$WS" "$RUN/shots" \
	2>&1 | tee "$RUN/e2e.log" || status=$?
log "e2e done (exit $status)"
if [ $status -ne 0 ]; then
	echo "--- extension host log:"
	find "$RUN/ud/logs" -name 'remoteexthost.log' -exec tail -20 {} \; 2>/dev/null || true
	echo "--- krls output:"
	find "$RUN/ud/logs" -path '*output_logging*' -name '*krls*' -exec tail -30 {} \; 2>/dev/null || true
fi
exit $status
