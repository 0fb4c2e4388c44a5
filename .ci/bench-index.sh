#!/usr/bin/env bash
# Reproduces the index figures of BENCHMARKS.md on this machine: krls's cold index of the Rust
# part of the 6.12 tree, warm open from the database, one-file refresh, peak memory, next to
# Debian's universal-ctags over the same Rust files and a plain read of the bytes as the floor.
# Run it on an idle machine: the figures are wall-clock.
set -euo pipefail
cd "$(dirname "$0")/.."
KRLS_BENCH=1 KRLS_SKIP_VSCODE=1 bash .ci/install-deps.sh
dpkg -s hyperfine >/dev/null 2>&1 || { apt-get install -y -qq --no-install-recommends hyperfine >&2; }
K=$(bash .ci/get-kernel.sh 6.12 | tail -n 1)
export KRLS_KERNEL_6_12=$K
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KRLS_CACHE_DIR=$tmp/cache
go build -o "$tmp/krls" ./cmd/krls

# What the index reads: rust/ sources and helpers plus the generated bindings.
(cd "$K" && find rust -name '*.rs' -o -name '*.c' | sort) > "$tmp/files"
bytes=$(cd "$K" && xargs cat < "$tmp/files" | wc -c)
rsfiles=$(grep -c '\.rs$' "$tmp/files")

echo "## Index (6.12: $(wc -l < "$tmp/files") files, $((bytes / 1024)) KiB; $(nproc) cores; $(date -u +%F))" 
echo
go test -run '^$' -bench 'BenchmarkReadBytes|BenchmarkBuildCold|BenchmarkOpenWarm|BenchmarkRefreshOneFile|BenchmarkParseBindgen|BenchmarkIndexCrates$|BenchmarkLoad$' \
  -benchtime 20x -count 1 ./index > "$tmp/bench.txt"
ms() { awk -v n="$1" '$1 ~ n {for (i=1;i<=NF;i++) if ($(i+1)=="ns/op") {printf "%.1f", $i/1e6; exit}}' "$tmp/bench.txt"; }
grep '\.rs$' "$tmp/files" > "$tmp/rsfiles"
# hyperfine runs in the current folder: the list has paths relative to the tree
(cd "$K" && hyperfine -N -w 2 -r 10 --export-json "$tmp/ctags.json" "ctags --languages=Rust -L $tmp/rsfiles -f $tmp/tags" >/dev/null)
ctags_ms=$(python3 -c "import json;print('%.1f'%(json.load(open('$tmp/ctags.json'))['results'][0]['mean']*1000))")
"$tmp/krls" index --kernel "$K" --rebuild >/dev/null
rss_cold=$(/usr/bin/time -f %M "$tmp/krls" index --kernel "$K" --rebuild 2>&1 >/dev/null | tail -1)
rss_warm=$(/usr/bin/time -f %M "$tmp/krls" index --kernel "$K" 2>&1 >/dev/null | tail -1)
echo "| what | time | target |"
echo "|---|---|---|"
echo "| plain read of the bytes (floor) | $(ms BenchmarkReadBytes) ms | |"
echo "| universal-ctags, the $rsfiles .rs files | $ctags_ms ms | |"
echo "| krls cold index (crates + bindgen + helpers + wrappers + schema) | $(ms BenchmarkBuildCold) ms | ≤ 110 ms (3× faster than ctags) |"
echo "| of which: bindgen scanner, bindings_generated.rs | $(ms 'BenchmarkParseBindgen/bindings_generated') ms | |"
echo "| of which: kernel + macros crates (tree-sitter) and wrapper map | $(ms 'BenchmarkIndexCrates-') ms | |"
echo "| warm open from the database (load + freshness check) | $(ms BenchmarkOpenWarm) ms | ≤ 30 ms |"
echo "| of which: database load | $(ms 'BenchmarkLoad-') ms | |"
echo "| one-file refresh (rust/kernel/sync/lock.rs changed) | $(ms BenchmarkRefreshOneFile) ms | |"
echo "| peak RSS, \`krls index --rebuild\` | $((rss_cold / 1024)) MB | ≤ 150 MB |"
echo "| peak RSS, \`krls index\` (warm) | $((rss_warm / 1024)) MB | |"
echo
echo "ctags/krls cold: $(python3 -c "print('%.1f×' % ($ctags_ms / $(ms BenchmarkBuildCold)))")"
