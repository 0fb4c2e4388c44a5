#!/usr/bin/env bash
# Runs the parsers' go test -fuzz targets for a short time each (default 5s): the position
# mapper, the module! parser, the JSON-RPC framing, the Kconfig lexer and parser, the Makefile
# reader, the bindgen scanner and the C helpers reader. Every other Fuzz function of the
# project runs on its seed corpus in the plain `go test` step (that is what go test does with
# fuzz targets); `bash .ci/fuzz.sh 30s all` runs every target, for a longer session.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-5s}
targets=(
  "./lsp/source FuzzMapper"
  "./lsp/rustfile FuzzModuleMacro"
  "./lsp/transport FuzzStream"
  "./kconfig FuzzLex"
  "./kconfig FuzzParse"
  "./kconfig/kbuild FuzzMakefile"
  "./index FuzzParseBindgen"
  "./index FuzzParseHelpers"
)
if [ "${2:-}" = all ]; then
  targets=()
  while read -r file name; do
    targets+=("./$(dirname "${file#./}") $name")
  done < <(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's/:func / /')
fi
for tg in "${targets[@]}"; do
  set -- $tg
  echo "fuzz $1 $2 ($t)"
  go test -run '^$' -fuzz "^$2\$" -fuzztime "$t" "$1" > /tmp/krls-fuzz.log 2>&1 || { cat /tmp/krls-fuzz.log; exit 1; }
done
