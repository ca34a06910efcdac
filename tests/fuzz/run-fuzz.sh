#!/bin/bash
# Runs one libFuzzer target over its seeds and then for as long as the
# arguments say, and prints one line of what it did:
#   fuzz-NAME: N executions (E/s), coverage C (features F), corpus K inputs, findings X
#
# usage: run-fuzz.sh BINARY NAME SEED_DIR WORK_DIR [libFuzzer flags...]
# New inputs go to WORK_DIR/corpus/NAME (the seeds are not written to);
# findings to WORK_DIR/artifacts/NAME-*. Exit status: 0 without findings.
set -uo pipefail

binary=$1 name=$2 seeds=$3 work=$4
shift 4

corpus="${work}/corpus/${name}"
artifacts="${work}/artifacts"
mkdir -p "${corpus}" "${artifacts}"
[ -d "${seeds}" ] || seeds=

log="${work}/fuzz-${name}.log"
started="${work}/fuzz-${name}.started"
touch "${started}"
# halt_on_error: the first report ends the run; leaks are findings too
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:halt_on_error=1:detect_leaks=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:halt_on_error=1:print_stacktrace=1"
"${binary}" -print_final_stats=1 -artifact_prefix="${artifacts}/${name}-" "$@" \
    "${corpus}" ${seeds:+"${seeds}"} >"${log}" 2>&1
status=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "${log}" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "${log}" | tail -1)
cov=$(grep -o 'cov: [0-9]*' "${log}" | tail -1 | cut -d' ' -f2)
ft=$(grep -o 'ft: [0-9]*' "${log}" | tail -1 | cut -d' ' -f2)
inputs=$(find "${corpus}" -type f | wc -l)
findings=$(find "${artifacts}" -maxdepth 1 -name "${name}-*" -type f -newer "${started}" | wc -l)
echo "fuzz-${name}: ${execs:-0} executions (${rate:-0}/s), coverage ${cov:-0} (features ${ft:-0}), corpus ${inputs} inputs, findings ${findings}"
if [ "${status}" -ne 0 ] || [ "${findings}" -ne 0 ]; then
    echo "fuzz-${name}: FAILED (exit ${status}); log: ${log}" >&2
    grep -E '^(==[0-9]+==|SUMMARY|Test unit written|.*runtime error)' "${log}" | head -20 >&2
    exit 1
fi
exit 0
