#!/usr/bin/env bash
# Runs the parsers' go test -fuzz targets for a short while each: the position
# mapper, the module! parser, the JSON-RPC framing, the Kconfig lexer, parser and name scanner, the Makefile
# reader, the bindgen scanner and the C helpers reader. Every other Fuzz function of the
# project runs on its seed corpus in the plain `go test` step (that is what go test does with
# fuzz targets); `bash .ci/fuzz.sh 30s all` runs every target, for a longer session.
#
# The budget is a count of inputs (default 20000x), not a duration: Go 1.26's fuzz coordinator
# can fail a duration-bound run with "context deadline exceeded" when the deadline races a busy
# worker (golang/go#75804, fixed in Go 1.27), which a count does not.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-20000x}
targets=(
  "./lsp/source FuzzMapper"
  "./lsp/rustfile FuzzModuleMacro"
  "./lsp/transport FuzzStream"
  "./kconfig FuzzLex"
  "./kconfig FuzzParse"
  "./kconfig FuzzDefinedNames"
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
