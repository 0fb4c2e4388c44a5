#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# get-kernel.sh VERSION
#
# Gives krls's tests a real kernel tree: the Rust-for-Linux relevant subset of Debian's
# linux-source-VERSION (6.12, 6.1, or any other series Debian packages), plus the files a real
# `make LLVM=1 prepare rust-analyzer` generates (bindgen outputs, .config, rust-project.json).
# Prints the folder on its LAST stdout line; everything else goes to stderr.
#
# Environment:
#   LAYOUT=            (default) generated files inside the source tree, as an in-tree build
#   LAYOUT=pristine    the same subset with no generated file (no build run yet); another folder
#   LAYOUT=obj         an O= build folder: rust/bindings/*_generated.rs, rust/uapi/uapi_generated.rs,
#                      .config, rust-project.json pointing at the pristine tree (sources) and at
#                      this folder (OBJTREE)
#   KRLS_KERNEL_CACHE  cache folder (default /var/tmp/krls-kernel)
#   SHARED=DIR|none    where prebuilt generated files live as DIR/VERSION/*.xz (default
#                      ../shared/kernel beside the repository, if present); `none` always runs
#                      the kernel build instead (about 5 minutes, full tarball, Debian toolchain)
#   JOBS=n             make -j for the build path (default: nproc)
#
# Every step is stamped: a second run with nothing to do takes well under a second.
set -euo pipefail

VER=${1:?usage: get-kernel.sh VERSION (e.g. 6.12 or 6.1)}
LAYOUT=${LAYOUT:-}
case "$LAYOUT" in ""|pristine|obj) ;; *) echo "LAYOUT must be empty, pristine or obj (got $LAYOUT)" >&2; exit 2;; esac
CACHE=${KRLS_KERNEL_CACHE:-/var/tmp/krls-kernel}
REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED:-$REPO/../shared/kernel}
JOBS=${JOBS:-$(nproc)}
PKG=linux-source-$VER
TARBALL=/usr/src/$PKG.tar.xz
# Bump when the extracted subset or the generated layout changes: stale folders are rebuilt.
SUBSET_REV=1

T0=$(date +%s%N)
log() { printf '[%6d ms] %s\n' "$(( ($(date +%s%N) - T0) / 1000000 ))" "$*" >&2; }
die() { echo "get-kernel.sh: $*" >&2; exit 1; }

# apt_install PKG...: installs what is missing; runs `apt-get update` only when needed.
apt_install() {
	local missing=() p
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "need packages ${missing[*]} (run as root, or install them)"
	log "apt-get install ${missing[*]}"
	local inst=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600
		--no-install-recommends "${missing[@]}")
	if ! "${inst[@]}" >&2; then
		apt-get update >&2
		"${inst[@]}" >&2
	fi
}

# fresh DIR STAMP: true when DIR holds a finished result made with STAMP.
fresh() { [ -f "$1/.krls-stamp" ] && [ "$(cat "$1/.krls-stamp")" = "$2" ]; }

# commit TMP DIR STAMP: stamps TMP and moves it to DIR (replacing an old DIR).
commit() {
	echo "$3" > "$1/.krls-stamp"
	rm -rf "$2.old"
	[ -e "$2" ] && mv "$2" "$2.old"
	mv "$1" "$2"
	rm -rf "$2.old"
}

mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
SRC=$CACHE/linux-$VER-pristine
GEN=$CACHE/generated-$VER
case "$LAYOUT" in
	"") OUT=$CACHE/linux-$VER ;;
	pristine) OUT=$SRC ;;
	obj) OUT=$CACHE/linux-$VER-obj ;;
esac

# ---------------------------------------------------------------- package
if ! dpkg -s "$PKG" >/dev/null 2>&1 || [ ! -f "$TARBALL" ]; then
	apt_install "$PKG" xz-utils
fi
[ -f "$TARBALL" ] || die "no $TARBALL after installing $PKG"
command -v xz >/dev/null || apt_install xz-utils
PKGVER=$(dpkg-query -W -f='${Version}' "$PKG" 2>/dev/null || stat -c %Y "$TARBALL")

STAMP_SRC="$PKG $PKGVER subset=$SUBSET_REV"
# The generated files do not depend on where they came from (shared copy or local build).
STAMP_GEN="$PKG $PKGVER generated=$SUBSET_REV"
STAMP_OUT="$PKG $PKGVER layout=${LAYOUT:-intree} subset=$SUBSET_REV"

# Fast exit: everything already there.
if [ "$LAYOUT" = pristine ] && fresh "$SRC" "$STAMP_SRC"; then log "up to date"; echo "$SRC"; exit 0; fi
if [ "$LAYOUT" != pristine ] && fresh "$OUT" "$STAMP_OUT" && fresh "$SRC" "$STAMP_SRC" && fresh "$GEN" "$STAMP_GEN"; then
	log "up to date"; echo "$OUT"; exit 0
fi

# One writer per version at a time (go test runs packages in parallel, each may call this);
# whoever waited finds the work done.
exec 9>"$CACHE/.lock-$VER"
flock 9
if [ "$LAYOUT" = pristine ] && fresh "$SRC" "$STAMP_SRC"; then log "up to date"; echo "$SRC"; exit 0; fi
if [ "$LAYOUT" != pristine ] && fresh "$OUT" "$STAMP_OUT" && fresh "$SRC" "$STAMP_SRC" && fresh "$GEN" "$STAMP_GEN"; then
	log "up to date"; echo "$OUT"; exit 0
fi

# ---------------------------------------------------------------- pristine subset (one tar pass)
if ! fresh "$SRC" "$STAMP_SRC"; then
	P=$(tar -tJf "$TARBALL" 2>/dev/null | head -1 | cut -d/ -f1) || true
	[ -n "$P" ] || die "cannot list $TARBALL"
	# GNU tar matches '/' with '*' in member names, so "$P/*.rs" is every .rs at any depth.
	pats=("$P/Makefile" "$P/Kconfig" "$P/.rustfmt.toml" "$P/.clippy.toml"
		"$P/rust/*" "$P/samples/rust/*" "$P/Documentation/rust/*"
		"$P/*.rs" "$P/*/Kconfig*" "$P/*/Makefile" "$P/*/Kbuild" "$P/scripts/Makefile.*"
		"$P/scripts/generate_rust_analyzer.py" "$P/scripts/min-tool-version.sh")
	TMP=$(mktemp -d "$CACHE/.src-$VER.XXXXXX")
	chmod 755 "$TMP"
	trap 'rm -rf "$TMP"' EXIT
	log "extracting the Rust subset of $TARBALL ($PKGVER)"
	rc=0
	tar -xJf "$TARBALL" -C "$TMP" --strip-components=1 --wildcards --no-same-owner "${pats[@]}" 2>"$TMP/.err" || rc=$?
	if [ $rc -ne 0 ]; then
		# A pattern this version lacks (e.g. .clippy.toml in 6.1) is fine; anything else is not.
		if grep -v -e 'Not found in archive' -e 'Exiting with failure status' "$TMP/.err" | grep -q .; then
			cat "$TMP/.err" >&2; die "tar failed"
		fi
		sed 's/^/  absent: /' "$TMP/.err" | grep 'Not found' >&2 || true
	fi
	rm -f "$TMP/.err"
	log "extracted $(find "$TMP" -type f | wc -l) files, $(du -sm "$TMP" | cut -f1) MB"
	commit "$TMP" "$SRC" "$STAMP_SRC"
	trap - EXIT
fi
if [ "$LAYOUT" = pristine ]; then echo "$SRC"; exit 0; fi

# ---------------------------------------------------------------- generated files
# GEN holds bindings_generated.rs, bindings_helpers_generated.rs, [uapi_generated.rs],
# kernel.config and rust-project.template.json (paths of the build tree replaced by @KDIR@,
# the Rust library sources by @RUST_LIB_SRC@, the sysroot by @SYSROOT@).
GENFILES="bindings_generated.rs bindings_helpers_generated.rs uapi_generated.rs kernel.config rust-project.template.json"

gen_from_shared() { # DIR TMP
	local f n=0
	for f in $GENFILES; do
		[ -f "$1/$f.xz" ] || continue
		xz -dc "$1/$f.xz" > "$2/$f"; n=$((n + 1))
	done
	[ -f "$2/bindings_generated.rs" ] || die "$1 has no bindings_generated.rs.xz"
	log "decompressed $n generated files from $1"
}

# The bindgen shim for kernels that want a newer bindgen than Debian 12's 0.60.1: it reports the
# version the kernel asks for and adapts the arguments newer bindgens accept by default.
write_shim() { # PATH WANTED_VERSION
	cat > "$1" <<EOF
#!/bin/bash
# bindgen shim (krls .ci/get-kernel.sh): Debian's bindgen behind a newer version number.
real=/usr/bin/bindgen
if [ "\$1" = --version ] || [ "\$1" = -V ]; then echo "bindgen $2"; exit 0; fi
EOF
	cat >> "$1" <<'EOF'
# --rust-target values newer than 0.60.1 knows become its newest, 1.47; --size_t-is-usize is
# 0.61's default; __noreturn helpers get `-> !` as bindgen >= 0.63 emits.
args=(); prev=; sep=0
for a in "$@"; do
	if [ "$prev" = --rust-target ]; then
		case "$a" in 1.0|1.1[79]|1.2[0135678]|1.30|1.33|1.36|1.40|1.47|nightly) ;; *) a=1.47 ;; esac
	fi
	if [ "$a" = -- ] && [ $sep = 0 ]; then args+=(--size_t-is-usize); sep=1; fi
	args+=("$a"); prev=$a
done
[ $sep = 1 ] || args+=(--size_t-is-usize)
"$real" "${args[@]}" || exit
in=$1; out=; prev=
for a in "$@"; do [ "$prev" = -o ] && out=$a; prev=$a; done
case "$in" in *helpers.c) ;; *) exit 0 ;; esac
[ -n "$out" ] && [ -f "$out" ] || exit 0
for n in $(cat "$(dirname "$in")"/*.c "$(dirname "$in")"/helpers/*.c 2>/dev/null | tr '\n' ' ' |
	grep -oE '__noreturn[^;{()]*rust_helper_[A-Za-z0-9_]+' | grep -oE 'rust_helper_[A-Za-z0-9_]+' | sort -u); do
	sed -Ei "s/pub fn ${n}\(([^)]*)\);/pub fn ${n}(\1) -> !;/" "$out"
done
EOF
	chmod +x "$1"
}

gen_by_build() { # TMP
	local out=$1 work=$CACHE/.work-$VER k
	apt_install make gcc libc6-dev bc flex bison libelf-dev libssl-dev python3 cpio kmod \
		clang lld llvm libclang-dev bindgen rustc-web rust-web-src
	local rustc=/usr/bin/rustc
	[ -x $rustc ] || die "no $rustc (rustc-web)"
	local sysroot; sysroot=$($rustc --print sysroot)
	[ -f "$sysroot/lib/rustlib/src/rust/library/core/src/lib.rs" ] || die "no Rust library sources for $rustc (rust-web-src)"
	k=$work/linux
	if [ ! -f "$k/.krls-extracted" ]; then
		rm -rf "$work"; mkdir -p "$k"
		log "extracting all of $TARBALL into $k"
		tar -xJf "$TARBALL" -C "$k" --strip-components=1 --no-same-owner
		touch "$k/.krls-extracted"
	fi
	local bindgen=/usr/bin/bindgen want have
	want=$(sh "$k/scripts/min-tool-version.sh" bindgen)
	have=$($bindgen --version | sed -nE '1s/^bindgen ([0-9.]+).*/\1/p')
	if [ "$(printf '%s\n%s\n' "$want" "$have" | sort -V | head -1)" != "$want" ]; then
		mkdir -p "$work/bin"; bindgen=$work/bin/bindgen
		write_shim "$bindgen" "$want"
		log "bindgen $have < $want: using the shim $bindgen"
	fi
	local m=(nice -n 10 make -C "$k" LLVM=1 RUSTC=$rustc HOSTRUSTC=$rustc RUSTDOC=/usr/bin/rustdoc BINDGEN=$bindgen)
	local blog=$CACHE/build-$VER.log
	log "configuring x86_64_defconfig + Rust (log: $blog)"
	"${m[@]}" x86_64_defconfig > "$blog" 2>&1
	local opts=(-d MODVERSIONS -e RUST -e SAMPLES -e SAMPLES_RUST
		-e RUST_PHYLIB_ABSTRACTIONS -e RUST_FW_LOADER_ABSTRACTIONS -m AX88796B_PHY -e AX88796B_RUST_PHY
		-m AMCC_QT2025_PHY -m BLK_DEV_RUST_NULL -e DRM_PANIC -e DRM_PANIC_SCREEN_QR_CODE)
	local sym typ
	while read -r sym typ; do
		if [ "$typ" = tristate ]; then opts+=(-m "$sym"); else opts+=(-e "$sym"); fi
	done < <(awk '/^config /{s=$2} s && /^[ \t]+(bool|tristate)/{print s, $1; s=""}' "$k/samples/rust/Kconfig")
	(cd "$k" && scripts/config "${opts[@]}")
	"${m[@]}" olddefconfig >> "$blog" 2>&1
	grep -q '^CONFIG_RUST=y' "$k/.config" || die "CONFIG_RUST stays off (see $blog; try make rustavailable)"
	log "make LLVM=1 prepare (runs bindgen)"
	"${m[@]}" -k -j"$JOBS" prepare >> "$blog" 2>&1 || log "prepare had errors (see $blog); using what bindgen wrote"
	[ -f "$k/rust/bindings/bindings_generated.rs" ] || die "bindgen produced nothing; see $blog"
	log "make rust-analyzer"
	"${m[@]}" rust-analyzer >> "$blog" 2>&1 || log "make rust-analyzer failed (see $blog)"
	cp "$k/rust/bindings/bindings_generated.rs" "$k/rust/bindings/bindings_helpers_generated.rs" "$out/"
	[ -f "$k/rust/uapi/uapi_generated.rs" ] && cp "$k/rust/uapi/uapi_generated.rs" "$out/"
	cp "$k/.config" "$out/kernel.config"
	if [ -f "$k/rust-project.json" ]; then
		python3 - "$k" "$sysroot" "$k/rust-project.json" "$out/rust-project.template.json" <<'PY'
import json, sys
k, sysroot, src, dst = sys.argv[1:]
lib = sysroot.rstrip('/') + '/lib/rustlib/src/rust/library'
def sub(x):
    if isinstance(x, str):
        if x == sysroot:
            return '@SYSROOT@'
        return x.replace(lib, '@RUST_LIB_SRC@').replace(k, '@KDIR@')
    if isinstance(x, list):
        return [sub(i) for i in x]
    if isinstance(x, dict):
        return {a: sub(b) for a, b in x.items()}
    return x
json.dump(sub(json.load(open(src))), open(dst, 'w'), indent=1)
PY
	fi
	log "build done; removing $work"
	rm -rf "$work"
}

if ! fresh "$GEN" "$STAMP_GEN"; then
	TMP=$(mktemp -d "$CACHE/.gen-$VER.XXXXXX")
	chmod 755 "$TMP"
	trap 'rm -rf "$TMP"' EXIT
	if [ "$SHARED" != none ] && [ -f "$SHARED/$VER/bindings_generated.rs.xz" ]; then
		gen_from_shared "$SHARED/$VER" "$TMP"
	else
		log "no prebuilt generated files (SHARED=$SHARED): running the kernel build"
		gen_by_build "$TMP"
	fi
	commit "$TMP" "$GEN" "$STAMP_GEN"
	trap - EXIT
fi

# ---------------------------------------------------------------- the requested layout
# render_project SRC OBJ DEST: rust-project.json from the template. Paths under the build tree
# (OBJTREE, the objtree include dir, libmacros.so) go to OBJ, the others to SRC.
render_project() {
	[ -f "$GEN/rust-project.template.json" ] || return 0
	local sysroot; sysroot=$(rustc --print sysroot 2>/dev/null || echo /usr)
	local lib=$sysroot/lib/rustlib/src/rust/library
	[ -d "$lib" ] || { [ -d /usr/lib/rustlib/src/rust/library ] && lib=/usr/lib/rustlib/src/rust/library; }
	python3 - "$GEN/rust-project.template.json" "$1" "$2" "$sysroot" "$lib" "$3" <<'PY'
import json, sys
tpl, src, obj, sysroot, lib, dst = sys.argv[1:]
def path(x, o):
    return x.replace('@KDIR@', obj if o else src).replace('@RUST_LIB_SRC@', lib).replace('@SYSROOT@', sysroot)
def walk(x, key=None):
    if isinstance(x, dict):
        return {k: walk(v, k) for k, v in x.items()}
    if isinstance(x, list):
        if key == 'include_dirs':
            return [path(i, i == '@KDIR@/rust') for i in x]
        return [walk(i) for i in x]
    if isinstance(x, str):
        return path(x, key in ('OBJTREE', 'proc_macro_dylib_path'))
    return x
json.dump(walk(json.load(open(tpl))), open(dst, 'w'), indent=4)
PY
}

# place_generated OBJ: the generated files where a build in OBJ leaves them.
place_generated() {
	mkdir -p "$1/rust/bindings"
	cp "$GEN/bindings_generated.rs" "$GEN/bindings_helpers_generated.rs" "$1/rust/bindings/"
	if [ -f "$GEN/uapi_generated.rs" ]; then mkdir -p "$1/rust/uapi"; cp "$GEN/uapi_generated.rs" "$1/rust/uapi/"; fi
	[ -f "$GEN/kernel.config" ] && cp "$GEN/kernel.config" "$1/.config"
	return 0
}

TMP=$(mktemp -d "$CACHE/.out-$VER.XXXXXX")
chmod 755 "$TMP"
trap 'rm -rf "$TMP"' EXIT
if [ "$LAYOUT" = obj ]; then
	place_generated "$TMP"
	# An O= build tree's Makefile includes the source tree's, and `source` links to it.
	printf '# Automatically generated by .ci/get-kernel.sh, as the kernel does for O= builds\ninclude %s/Makefile\n' "$SRC" > "$TMP/Makefile"
	ln -s "$SRC" "$TMP/source"
	render_project "$SRC" "$OUT" "$TMP/rust-project.json"
else
	cp -a "$SRC/." "$TMP/"
	rm -f "$TMP/.krls-stamp"
	place_generated "$TMP"
	render_project "$OUT" "$OUT" "$TMP/rust-project.json"
fi
commit "$TMP" "$OUT" "$STAMP_OUT"
trap - EXIT
log "ready: $OUT"
echo "$OUT"
