#!/usr/bin/env bash
# The main job: lint the Rust modules of a real kernel with krls.
#
#   bash .ci/lint-kernel.sh [KERNEL_DIR [BUILD_DIR]] [-- krls lint flags]
#
# With no KERNEL_DIR it fetches Debian's linux-source-6.12 (with the generated bindings of a
# real build) through .ci/get-kernel.sh. It builds krls, indexes the tree and lints the Rust
# samples and drivers and their Kconfig and Makefiles, printing the findings as text.
set -euo pipefail
cd "$(dirname "$0")/.."
kernel= build= extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; extra=("$@"); break ;;
    *) if [ -z "$kernel" ]; then kernel=$1; elif [ -z "$build" ]; then build=$1; fi; shift ;;
  esac
done
if [ -z "$kernel" ]; then
  kernel=$(bash .ci/get-kernel.sh 6.12 | tail -n 1)
fi
kernel=$(cd "$kernel" && pwd)
mkdir -p bin
go build -o bin/krls ./cmd/krls
flags=(--kernel "$kernel")
[ -n "$build" ] && flags+=(--build "$build")
bin/krls index "${flags[@]}" >&2
paths=()
for p in samples/rust drivers mm; do [ -e "$kernel/$p" ] && paths+=("$kernel/$p"); done
set +e
bin/krls lint "${flags[@]}" --fail-on error "${extra[@]}" "${paths[@]}"
rc=$?
set -e
echo "krls lint exit code: $rc (0 clean, 1 findings at or above --fail-on, 2 error)" >&2
exit $rc
