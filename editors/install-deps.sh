#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# install-deps.sh [vscode] [nvim] [nvim010] [emacs]
#
# Installs what the editor tests need on a clean Debian 12 (run as root), from Debian's packages and
# the npm registry only. Each step is skipped when already done, so a warm machine pays ~1 s.
#   vscode   chromium, ripgrep, libkrb5-dev, build tools; code-server 4.100.3 (npm, the last 4.x for
#            Node 20) and playwright-core under $KRLS_EDITORS_CACHE (the extension's own build
#            tools, @vscode/vsce included, come from editors/vscode/package-lock.json)
#   nvim     Debian's neovim (0.7.2 on bookworm)
#   nvim010  Debian trixie's neovim 0.10 unpacked privately under $KRLS_EDITORS_CACHE/nvim010
#            (no change to the system's apt state; runs through trixie's own ld.so)
#   emacs    Debian's emacs-nox and elpa-eglot (Emacs 28.2, eglot 1.9)
# With no argument: all four. Prints nothing on stdout but the cache folder on its last line.
#
# Environment: KRLS_EDITORS_CACHE (default /var/tmp/krls-editors).
set -euo pipefail
CACHE=${KRLS_EDITORS_CACHE:-/var/tmp/krls-editors}
mkdir -p "$CACHE"
T0=$(date +%s%N)
log() { printf '[%6d ms] %s\n' "$(( ($(date +%s%N) - T0) / 1000000 ))" "$*" >&2; }

apt_install() {
	local missing=() p
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || { echo "install-deps.sh: need ${missing[*]} (run as root)" >&2; exit 1; }
	log "apt-get install ${missing[*]}"
	local inst=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=900
		--no-install-recommends "${missing[@]}")
	"${inst[@]}" >&2 || { apt-get -o DPkg::Lock::Timeout=900 update >&2 && "${inst[@]}" >&2; }
}

vscode() {
	apt_install chromium ripgrep libkrb5-dev build-essential python3 curl ca-certificates bc
	# code-server 4.100.3 needs Node 20 (engines.node); Debian 12's own nodejs is 18, so Node 20 with
	# its npm must already be on PATH (the CI image's, or NodeSource's nodejs 20 package).
	command -v node >/dev/null && command -v npm >/dev/null ||
		{ echo "install-deps.sh: need Node 20 and npm on PATH" >&2; exit 1; }
	local major
	major=$(node -p 'process.versions.node.split(".")[0]')
	[ "$major" -eq 20 ] || { echo "install-deps.sh: code-server 4.100.3 needs Node 20, found $(node --version)" >&2; exit 1; }
	# code-server 4.100.3 from npm. Its install (a) refuses root without npm_config_unsafe_perm;
	# (b) runs `npx node-gyp` for node-pty, which a `yes=false` npmrc would cancel; (c) has
	# @vscode/ripgrep download rg from GitHub unless its cache already holds the asset, so we seed
	# the cache with Debian's rg; (d) builds the kerberos module (libkrb5-dev).
	local cs=$CACHE/cs
	if [ ! -x "$cs/node_modules/.bin/code-server" ]; then
		log "npm install code-server@4.100.3 (about 2 minutes)"
		export TMPDIR=$CACHE/tmp
		mkdir -p "$TMPDIR" "$cs"
		local c=$TMPDIR/vscode-ripgrep-cache-1.15.11
		local asset=$c/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
		if [ ! -f "$asset" ]; then
			mkdir -p "$c"
			local d
			d=$(mktemp -d)
			cp /usr/bin/rg "$d/rg"
			tar czf "$asset" -C "$d" rg
			rm -rf "$d"
		fi
		[ -f "$cs/package.json" ] || echo '{"name":"cs-host","private":true}' >"$cs/package.json"
		(cd "$cs" && npm_config_unsafe_perm=true npm_config_yes=true \
			npm install --no-audit --no-fund code-server@4.100.3 >&2)
	fi
	local tools=$CACHE/tools
	if [ ! -d "$tools/node_modules/playwright-core" ]; then
		log "npm install playwright-core"
		mkdir -p "$tools"
		[ -f "$tools/package.json" ] || echo '{"name":"krls-editor-tools","private":true}' >"$tools/package.json"
		(cd "$tools" && npm install --no-audit --no-fund playwright-core@1.65.1 >&2)
	fi
}

nvim() {
	apt_install neovim
}

emacs() {
	apt_install emacs-nox elpa-eglot
}

nvim010() {
	local here=$CACHE/nvim010
	if [ -x "$here/nvim" ] && "$here/nvim" --version >/dev/null 2>&1; then return 0; fi
	apt_install debian-archive-keyring
	log "fetching Debian trixie's neovim into $here"
	local A=$here/apt
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial" "$here/debs" "$here/root"
	local mirror
	mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	mirror=${mirror:-http://deb.debian.org/debian}
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$A/sources.list"
	local O=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache" -o Dir::State::status=/var/lib/dpkg/status)
	apt-get "${O[@]}" update >&2
	(cd "$here/debs" && apt-get "${O[@]}" download neovim/trixie neovim-runtime/trixie libc6/trixie \
		libluajit-5.1-2/trixie libmsgpack-c2/trixie libtree-sitter0.22/trixie libunibilium4/trixie \
		libuv1t64/trixie libvterm0/trixie lua-lpeg/trixie lua-luv/trixie libgcc-s1/trixie >&2)
	for d in "$here"/debs/*.deb; do dpkg -x "$d" "$here/root"; done
	cat >"$here/nvim" <<'SH'
#!/bin/sh
# Debian trixie's Neovim on bookworm, through trixie's own glibc loader (everything under root/).
R=$(cd "$(dirname "$0")" && pwd)/root
L=$R/usr/lib/x86_64-linux-gnu
export VIMRUNTIME=$R/usr/share/nvim/runtime
export LUA_CPATH="$L/lua/5.1/?.so;;"
exec "$L/ld-linux-x86-64.so.2" --library-path "$L:$R/lib/x86_64-linux-gnu" "$R/usr/bin/nvim" "$@"
SH
	chmod +x "$here/nvim"
	"$here/nvim" --version | head -1 >&2
}

[ $# -gt 0 ] || set -- vscode nvim nvim010 emacs
for what in "$@"; do
	case "$what" in
	vscode | nvim | nvim010 | emacs) "$what" ;;
	*) echo "install-deps.sh: unknown part $what" >&2; exit 2 ;;
	esac
done
log "done"
echo "$CACHE"
