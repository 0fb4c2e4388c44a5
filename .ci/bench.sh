#!/usr/bin/env bash
# Reproduces BENCHMARKS.md on this machine: the index (.ci/bench-index.sh), the Kconfig model,
# the language server over stdio, and krls lint (.ci/bench-lint.sh). Run it on an idle machine:
# the figures are wall-clock unless marked CPU.
#
#   bash .ci/bench.sh > BENCHMARKS.md
set -euo pipefail
cd "$(dirname "$0")/.."
export KRLS_KERNEL_6_12=${KRLS_KERNEL_6_12:-$(bash .ci/get-kernel.sh 6.12 | tail -n 1)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KRLS_CACHE_DIR=$tmp/cache

ms() { # ms FILE BENCH-REGEXP [UNIT]: the first value of UNIT (default ns/op) of the benchmark, in ms
  awk -v n="$2" -v u="${3:-ns/op}" '$1 ~ n {for (i=2;i<=NF;i++) if ($(i+1)==u) {printf "%.1f", $i/(u=="ns/op"?1e6:1); exit}}' "$1"
}
metric() { awk -v n="$2" -v u="$3" '$1 ~ n {for (i=2;i<=NF;i++) if ($(i+1)==u) {print $i; exit}}' "$1"; }

echo "# Benchmarks"
echo
echo "Measured by \`bash .ci/bench.sh\` on $(date -u +%F), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg). Targets are the issues'."
echo
bash .ci/bench-index.sh | sed 's/^## Index/## Index/'
echo

go test -run '^$' -bench 'BenchmarkLoadTree|BenchmarkReadBytes' -benchtime 10x ./kconfig > "$tmp/kconfig.txt"
echo "## Kconfig"
echo
echo "The whole 6.12 Kconfig tree (every Kconfig* file, $(find "$KRLS_KERNEL_6_12" -name 'Kconfig*' | wc -l) files) lexed, parsed, sources followed,"
echo "macros expanded and the symbol table with effective dependencies built (\`go test -bench ./kconfig\`)."
echo
echo "| what | time | target |"
echo "|---|---|---|"
echo "| plain read of the same bytes (floor) | $(ms "$tmp/kconfig.txt" BenchmarkReadBytes) ms | |"
echo "| kconfig.Load, all files | $(ms "$tmp/kconfig.txt" BenchmarkLoadTree) ms | ≤ 250 ms |"
echo

go test -run '^$' -bench 'BenchmarkCompletion|BenchmarkHover|BenchmarkDidChangeDiagnostics' -benchtime 300x ./lsp/e2e > "$tmp/server.txt"
echo "## Language server over stdio"
echo
echo "The real \`krls serve\` binary against the 6.12 index, driven over pipes (\`lsp/e2e\` benchmarks, 300 requests each)."
echo
echo "| what | p50 | p99 | target | server RSS |"
echo "|---|---|---|---|---|"
for b in Completion Hover DidChangeDiagnostics; do
  label=$b; target="p99 ≤ 10 ms"
  [ $b = DidChangeDiagnostics ] && { label="didChange → publishDiagnostics, 2,000-line module"; target="≤ 50 ms"; }
  echo "| $label | $(metric "$tmp/server.txt" "Benchmark$b" p50-ms) ms | $(metric "$tmp/server.txt" "Benchmark$b" p99-ms) ms | $target | $(metric "$tmp/server.txt" "Benchmark$b" peak-rss-MB) MB peak (≤ 150) |"
done
echo

echo "## Lint"
echo
echo "\`krls lint --kernel T T\` over a whole tree (every .rs, Kconfig, Makefile and Kbuild file), and the kernel's"
echo "own scripts/checkkconfigsymbols.py over the same kinds of files of the full linux-source-6.12 tree"
echo "(\`.ci/bench-lint.sh\`; wall seconds, CPU seconds in brackets)."
echo
bash .ci/bench-lint.sh
