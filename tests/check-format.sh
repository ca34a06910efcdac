#!/bin/sh
# Fails when a C file of the tree is not formatted with the tree's .clang-format.
# Usage: check-format.sh SRCDIR
set -eu
cd "$1"
command -v clang-format >/dev/null || { echo "SKIP: clang-format not installed"; exit 77; }
bad=0
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find src cli tests -name '*.[ch]'); do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        echo "not clang-formatted: $f (run: clang-format -i $f)"
        bad=1
    fi
done
exit $bad
