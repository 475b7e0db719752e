#!/usr/bin/env bash
# docs/troubleshooting.md is what gen-troubleshooting makes of the elements' message tables.
# Usage: check-troubleshooting.sh GENERATOR DOC
set -u
gen=$1 doc=$2
command -v diff >/dev/null || { echo "diff not installed"; exit 77; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$gen" "$tmp" || { echo "gen-troubleshooting failed (see above)"; exit 1; }
if ! diff -u "$doc" "$tmp"; then
  echo
  echo "docs/troubleshooting.md is stale: run \`ninja -C build update-troubleshooting\`"
  exit 1
fi
echo "docs/troubleshooting.md is up to date"
