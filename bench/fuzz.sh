#!/bin/bash
# Long fuzzing runs: builds the fuzzing build (clang, -Dfuzzing=true) and runs
# every libFuzzer target in turn, each for a number of executions (default 10
# million) or for a time, then prints one line per target: executions,
# executions per second, coverage, corpus size, findings and wall time. Inputs that
# crash, leak, time out or run out of memory are kept in
# BUILD/tests/fuzz/artifacts/; the corpora grow in BUILD/tests/fuzz/corpus/.
#
# usage: bench/fuzz.sh [--runs N | --time SECONDS] [--build DIR] [TARGET...]
#   TARGET: a name from tests/fuzz/meson.build (at-parse, qmi-decoders, ...);
#   default all. Exit status: non-zero if any target had a finding.
set -euo pipefail

cd "$(dirname "$0")/.."
builddir=build-fuzz
limit=(-runs=10000000)
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) limit=("-runs=$2"); shift 2 ;;
        --time) limit=("-max_total_time=$2"); shift 2 ;;
        --build) builddir=$2; shift 2 ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) targets+=("$1"); shift ;;
    esac
done

if ! command -v clang >/dev/null; then
    echo "bench/fuzz.sh: needs clang and libFuzzer (.ci/packages.txt)" >&2
    exit 1
fi
if [ ! -f "${builddir}/build.ninja" ]; then
    CC=clang meson setup "${builddir}" -Dfuzzing=true
fi
meson compile -C "${builddir}" fuzz-targets

# Each target's command line comes from its meson test (binary, seeds,
# -max_len, memory and time limits); only the length of the run changes.
mapfile -t commands < <(meson introspect "${builddir}" --tests | python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if any(s.split(":")[-1] == "fuzz" for s in t["suite"]):
        args = [a for a in t["cmd"] if not a.startswith("-max_total_time=")]
        print("\t".join(args))
')

summary=()
failed=0
for line in "${commands[@]}"; do
    IFS=$'\t' read -r -a cmd <<<"${line}"
    name=${cmd[2]}
    if [ ${#targets[@]} -gt 0 ] && [[ ! " ${targets[*]} " == *" ${name} "* ]]; then
        continue
    fi
    start=$(date +%s)
    # meson runs tests from the build directory: the binary path is relative to it
    if out=$(cd "${builddir}" && "${cmd[@]}" "${limit[@]}" 2>&1); then :; else failed=1; fi
    summary+=("${out%%$'\n'*}, $(( $(date +%s) - start )) s")
    echo "${summary[-1]}"
done

echo
echo "=== ${#summary[@]} targets ==="
printf '%s\n' "${summary[@]}"
exit "${failed}"
