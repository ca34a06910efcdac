#!/bin/bash
# Build and run every test twice: a normal build (build/) and an ASan+UBSan build
# (build-asan/), run each libFuzzer target briefly in a clang build
# (build-fuzz/, suite "fuzz"; skipped without clang and libFuzzer), then print
# the skipped count (if any), then one summary line over all runs, last, e.g.
#   1 skipped
#   12 passed, 0 failed
# Exit status is non-zero if anything failed (or did not build).
#
# Usage: tests/run-all.sh [--no-asan] [--no-fuzz] [extra `meson test` arguments]
# The integration tests need root; as another user they are skipped. Extra
# arguments apply to build/ and build-asan/, not to the fuzz runs.
set -euo pipefail

cd "$(dirname "$0")/.."
srcdir=$PWD

asan=1
fuzz=1
while [ $# -gt 0 ]; do
    case "$1" in
        --no-asan) asan=0; shift ;;
        --no-fuzz) fuzz=0; shift ;;
        *) break ;;
    esac
done

failed_steps=0
logs=()

run_config() {
    local builddir=$1
    shift
    local setup_args=("$@")

    echo "=== ${builddir}: setup, compile, test ==="
    rm -f "${builddir}/meson-logs/testlog.json"
    if [ ! -f "${builddir}/build.ninja" ]; then
        local wipe=()
        # A directory left by an interrupted setup: start it over.
        [ -d "${builddir}/meson-private" ] && wipe=(--wipe)
        if ! meson setup "${wipe[@]}" "${builddir}" "${setup_args[@]}"; then
            echo "*** ${builddir}: meson setup failed" >&2
            failed_steps=$((failed_steps + 1))
            return 0
        fi
    fi
    if ! meson compile -C "${builddir}"; then
        echo "*** ${builddir}: build failed" >&2
        failed_steps=$((failed_steps + 1))
        return 0
    fi
    # Failures are counted from the test log below, not from the exit status.
    meson test -C "${builddir}" --print-errorlogs "${test_args[@]}" || true
    if [ -f "${builddir}/meson-logs/testlog.json" ]; then
        logs+=("${builddir}/meson-logs/testlog.json")
    else
        echo "*** ${builddir}: no test log" >&2
        failed_steps=$((failed_steps + 1))
    fi
}

test_args=("$@")

# Whether clang can link a libFuzzer target (Debian: clang, libclang-rt-14-dev).
have_libfuzzer() {
    command -v clang >/dev/null &&
        echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
        clang -x c -fsanitize=fuzzer - -o /dev/null 2>/dev/null
}

# The fuzz targets, each run for -Dfuzz_seconds (20 s) as a meson test. Only
# the targets and what they link are built, not the whole tree. The
# sanitizer settings of the ASan run below are not for libFuzzer.
run_fuzz() {
    local builddir=build-fuzz
    echo "=== ${builddir}: setup, compile, fuzz ==="
    rm -f "${builddir}/meson-logs/testlog.json"
    if [ ! -f "${builddir}/build.ninja" ]; then
        local wipe=()
        [ -d "${builddir}/meson-private" ] && wipe=(--wipe)
        if ! CC=clang meson setup "${wipe[@]}" "${builddir}" -Dfuzzing=true; then
            echo "*** ${builddir}: meson setup failed" >&2
            failed_steps=$((failed_steps + 1))
            return 0
        fi
    fi
    if ! meson compile -C "${builddir}" fuzz-targets; then
        echo "*** ${builddir}: build failed" >&2
        failed_steps=$((failed_steps + 1))
        return 0
    fi
    env -u ASAN_OPTIONS -u LSAN_OPTIONS -u UBSAN_OPTIONS \
        meson test -C "${builddir}" --suite fuzz --no-rebuild --print-errorlogs || true
    if [ -f "${builddir}/meson-logs/testlog.json" ]; then
        logs+=("${builddir}/meson-logs/testlog.json")
        grep -h '^fuzz-' "${builddir}"/meson-logs/testlog.txt || true
    else
        echo "*** ${builddir}: no test log" >&2
        failed_steps=$((failed_steps + 1))
    fi
}

# The router daemon (no udev, no polkit: root only), for the discovery test's
# ReportKernelEvent and coldplug cases and the OpenWrt test (both read
# MODEMD_NOUDEV).
echo "=== build-router: setup, compile modemd ==="
if { [ -f build-router/build.ninja ] ||
    meson setup build-router -Dudev=disabled -Dpolkit=disabled -Dsystemd=disabled; } &&
    meson compile -C build-router src/daemon/modemd; then
    export MODEMD_NOUDEV="${srcdir}/build-router/src/daemon/modemd"
else
    echo "*** build-router: build failed" >&2
    failed_steps=$((failed_steps + 1))
fi

run_config build

if [ "${fuzz}" = 1 ]; then
    if have_libfuzzer; then
        run_fuzz
    else
        echo "=== build-fuzz: skipped (no clang with libFuzzer; see .ci/packages.txt) ==="
    fi
fi

if [ "${asan}" = 1 ]; then
    # Every sanitizer report is fatal; leaks are reported.  Suppressions cover
    # GLib/GIO internals only (tests/lsan.supp), never our code.
    # fast_unwind_on_malloc=0: GLib has no frame pointers, so the fast unwinder
    # stops at g_malloc and leak reports would not say who leaked.
    # verify_asan_link_order=0: umockdev-wrapper preloads its library before the
    # ASan runtime (tests/integration/test_discovery.py).
    export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=0:fast_unwind_on_malloc=0:verify_asan_link_order=0:detect_stack_use_after_return=1:strict_string_checks=1"
    export LSAN_OPTIONS="suppressions=${srcdir}/tests/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
    export G_SLICE=always-malloc
    export MODEMD_TEST_TIMEOUT_SCALE=3
    test_args=(--timeout-multiplier=3 "$@")
    run_config build-asan -Db_sanitize=address,undefined -Db_lundef=false
fi

python3 - "${failed_steps}" "${logs[@]}" <<'PY'
import json
import sys

failed_steps = int(sys.argv[1])
passed = failed = skipped = 0
for path in sys.argv[2:]:
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            result = json.loads(line).get('result')
            if result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:  # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS
                failed += 1
failed += failed_steps
if skipped:
    print(f'{skipped} skipped')
print(f'{passed} passed, {failed} failed')
sys.exit(1 if failed or not passed else 0)
PY
