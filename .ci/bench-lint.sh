#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# bench-lint.sh: how fast `krls lint` checks a whole kernel tree, against the kernel's own
# scripts/checkkconfigsymbols.py over the same kinds of files. Prints a markdown table
# (BENCHMARKS.md, "## Lint").
#
# 1. The prepared 6.12 tree (.ci/get-kernel.sh: every .rs, Kconfig and Makefile, plus the
#    generated bindings): `krls lint --kernel T T`, cold (nothing in the cache folder: the
#    index is built and saved, every folder read, then the tree linted) and warm (the index
#    database and the folder listings of the last run loaded).
# 2. The FULL linux-source-6.12 tree, extracted once under $KRLS_BENCH_DIR and committed once to
#    git (checkkconfigsymbols.py works on `git ls-files`): checkkconfigsymbols.py with --ignore
#    set so that, besides every Kconfig file (which it always reads), it scans only the files
#    krls lints (.rs, Makefile, Kbuild); `krls lint` of the same tree with every check, and with
#    the one check that does the same work (config-unknown), cold (nothing saved by an earlier
#    run) and warm.
#
# Each timing is the best of $RUNS runs: wall-clock seconds, and CPU seconds (user+sys) in
# parentheses, since the 2-core machine may be shared.
#
#   KRLS_KERNEL_6_12=DIR   the prepared tree (default: .ci/get-kernel.sh 6.12)
#   KRLS_BENCH_DIR=DIR     scratch folder (default /var/tmp/krls-bench)
#   RUNS=n                 runs per timing (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
RUNS=${RUNS:-3}
SCRATCH=${KRLS_BENCH_DIR:-/var/tmp/krls-bench}
TARBALL=/usr/src/linux-source-6.12.tar.xz
log() { echo "bench-lint: $*" >&2; }
die() { echo "bench-lint: $*" >&2; exit 1; }

TREE=${KRLS_KERNEL_6_12:-}
[ -n "$TREE" ] || TREE=$(bash .ci/get-kernel.sh 6.12 | tail -n 1)
TREE=$(cd "$TREE" && pwd)
[ -f "$TARBALL" ] || die "no $TARBALL (apt-get install linux-source-6.12)"

mkdir -p "$SCRATCH" bin
go build -o bin/krls ./cmd/krls
KRLS=$REPO/bin/krls

# ---------------------------------------------------------------- the full tree, in git
FULL=$SCRATCH/linux-6.12-full
if [ ! -f "$FULL/.git/krls-committed" ]; then
	rm -rf "$FULL" "$FULL.tmp"
	mkdir -p "$FULL.tmp"
	log "extracting $TARBALL (once)"
	tar -xJf "$TARBALL" -C "$FULL.tmp" --strip-components=1 --no-same-owner
	log "committing it to git (once; checkkconfigsymbols.py reads git ls-files)"
	# Debian's top .gitignore ignores everything at the top level: add with -f.
	(cd "$FULL.tmp" && git init -q && git add -A -f . &&
		git -c user.name=krls -c user.email=krls@localhost commit -q -m "linux-source-6.12" &&
		touch .git/krls-committed)
	mv "$FULL.tmp" "$FULL"
fi
# The generated bindings of the prepared tree, untracked (checkkconfigsymbols.py never sees
# them; krls skips them as generated but its index reads them).
for f in rust/bindings/bindings_generated.rs rust/bindings/bindings_helpers_generated.rs rust/uapi/uapi_generated.rs .config; do
	[ -f "$TREE/$f" ] && [ ! -f "$FULL/$f" ] && cp "$TREE/$f" "$FULL/$f"
done

# ---------------------------------------------------------------- timing
# best CMD...: runs CMD $RUNS times; sets BEST_WALL and BEST_CPU (seconds) of the fastest run.
best() {
	local i out wall cpu
	BEST_WALL= BEST_CPU=
	for ((i = 0; i < RUNS; i++)); do
		[ -n "${BEFORE:-}" ] && eval "$BEFORE"
		out=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 | tail -n 1 )
		wall=$(echo "$out" | awk '{print $1}')
		cpu=$(echo "$out" | awk '{printf "%.2f", $2 + $3}')
		if [ -z "$BEST_WALL" ] || awk -v a="$wall" -v b="$BEST_WALL" 'BEGIN{exit !(a < b)}'; then
			BEST_WALL=$wall BEST_CPU=$cpu
		fi
	done
}

count_files() { # DIR: the files krls lint reads
	find "$1" -path '*/.*' -prune -o -type f \( -name '*.rs' -o -name Kconfig -o -name 'Kconfig.*' -o -name Makefile -o -name Kbuild \) -print | wc -l
}

CACHE=$(mktemp -d "$SCRATCH/cache.XXXXXX")
trap 'rm -rf "$CACHE"' EXIT
export KRLS_CACHE_DIR=$CACHE

rows=()
# krls lint exits 1 when it finds something: that is not a failure here.
lint() { "$KRLS" lint --jobs "$(nproc)" --kernel "$1" "$1" || [ $? -eq 1 ]; }

log "prepared tree $TREE"
BEFORE='rm -rf "$CACHE"/*' best lint "$TREE"
rows+=("| krls lint, prepared 6.12 tree, cold (index built) | $(count_files "$TREE") | $BEST_WALL ($BEST_CPU) |")
lint "$TREE" >/dev/null 2>&1
best lint "$TREE"
rows+=("| krls lint, prepared 6.12 tree, warm index | $(count_files "$TREE") | $BEST_WALL ($BEST_CPU) |")
PREP_WARM=$BEST_WALL

log "full tree $FULL"
BEFORE='rm -rf "$CACHE"/*' best lint "$FULL"
rows+=("| krls lint, full 6.12 tree, cold (index built) | $(count_files "$FULL") | $BEST_WALL ($BEST_CPU) |")
lint "$FULL" >/dev/null 2>&1
best lint "$FULL"
rows+=("| krls lint, full 6.12 tree, warm index | $(count_files "$FULL") | $BEST_WALL ($BEST_CPU) |")
# The work krls shares with checkkconfigsymbols.py: read every Kconfig file for the symbols it
# defines, and find the CONFIG_ names of .rs files, Makefiles and Kbuild files that none
# defines (krls's config-unknown check).
# That check needs no index, only the names the Kconfig files define. Cold: nothing saved by an
# earlier run (no folder listings, no Kconfig names); warm: what the last run saved.
unknown() { "$KRLS" lint --jobs "$(nproc)" --kernel "$1" --enable config-unknown "$1" || [ $? -eq 1 ]; }
BEFORE='rm -rf "$CACHE"/*' best unknown "$FULL"
rows+=("| krls lint --enable config-unknown (the shared work), full 6.12 tree, cold (nothing saved) | $(count_files "$FULL") | $BEST_WALL ($BEST_CPU) |")
KRLS_COLD=$BEST_WALL KRLS_COLD_CPU=$BEST_CPU
unknown "$FULL" >/dev/null 2>&1
best unknown "$FULL"
rows+=("| krls lint --enable config-unknown (the shared work), full 6.12 tree, warm (folder listings and Kconfig names saved) | $(count_files "$FULL") | $BEST_WALL ($BEST_CPU) |")
KRLS_FULL=$BEST_WALL KRLS_FULL_CPU=$BEST_CPU

# checkkconfigsymbols.py: Kconfig files are always read; --ignore drops every other file but
# .rs, Makefile and Kbuild (re.match on the path relative to the tree).
IGNORE='(?!(.*/)?(Makefile|Kbuild)$|.*\.rs$)'
ckfiles=$(cd "$FULL" && git ls-files | grep -v -e '^tools/' -e '\.git' -e ChangeLog -e '\.log' |
	grep -c -E '(Kconfig[.A-Za-z0-9_+-]*|(^|/)(Makefile|Kbuild)|\.rs)$')
checkk() { (cd "$FULL" && python3 scripts/checkkconfigsymbols.py --ignore "$IGNORE"); }
best checkk
rows+=("| scripts/checkkconfigsymbols.py --ignore (Kconfig, .rs, Makefile, Kbuild), full tree | $ckfiles | $BEST_WALL ($BEST_CPU) |")
CK=$BEST_WALL CK_CPU=$BEST_CPU

div() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1f", a / b; else print "inf" }'; }
ratio=$(div "$CK" "$KRLS_FULL") ratio_cpu=$(div "$CK_CPU" "$KRLS_FULL_CPU")
ratio_cold=$(div "$CK" "$KRLS_COLD") ratio_cold_cpu=$(div "$CK_CPU" "$KRLS_COLD_CPU")
echo "| run (best of $RUNS, $(nproc) CPUs) | files | seconds wall (CPU) |"
echo "| --- | ---: | ---: |"
printf '%s\n' "${rows[@]}"
echo
echo "On the shared work (undefined CONFIG_ symbols of .rs, Makefile and Kbuild files against every Kconfig file), krls is ${ratio}x faster than checkkconfigsymbols.py in wall-clock time and ${ratio_cpu}x in CPU time with what the last run saved, ${ratio_cold}x and ${ratio_cold_cpu}x without; targets: cold <= 2 s and warm <= 0.5 s on the prepared tree (warm: ${PREP_WARM} s)."
