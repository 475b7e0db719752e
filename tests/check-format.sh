#!/usr/bin/env bash
# Every C++ file of the project is formatted per its .clang-format (root for lib/ and tests/lib,
# gst/.clang-format for GStreamer code). Prints the files that are not.
top=$(cd "$(dirname "$0")/.." && pwd)
command -v clang-format >/dev/null || { echo "clang-format not installed"; exit 77; }
cd "$top"
bad=0
while IFS= read -r f; do
  if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f (run: clang-format -i $f)"
    bad=1
  fi
done < <(git ls-files '*.cpp' '*.h' 2>/dev/null || find lib gst tests docs -name '*.cpp' -o -name '*.h')
exit $bad
