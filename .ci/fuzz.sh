#!/usr/bin/env bash
# Runs every go test -fuzz target of the project for a short time each (default 5s).
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-5s}
for pkg in $(go list ./...); do
  for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "fuzz $pkg $f"
    go test -run '^$' -fuzz "^${f}\$" -fuzztime "$t" "$pkg" > /tmp/krls-fuzz.log 2>&1 || { cat /tmp/krls-fuzz.log; exit 1; }
  done
done
