#!/usr/bin/env bash
# Runs every suite: the doctest unit tests, then each end-to-end suite in tests/e2e/ against the
# real Xymon server on 127.0.0.1 with miningrisk installed. Ends with one line over all suites:
# "N passed, N failed". Exit status is non-zero when anything failed.
# Run one suite: tests/run-all.sh e2e/10-client.sh   (or: unit, lint/layers.sh).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
export BUILD
ARTIFACTS=${MR_ARTIFACTS:-$ROOT/tests/artifacts}
mkdir -p "$ARTIFACTS"
export MR_ARTIFACTS=$ARTIFACTS
passed=0
failed=0
summary=()

add() { passed=$((passed + $2)); failed=$((failed + $3)); summary+=("$(printf '%-28s passed %4d, failed %3d' "$1" "$2" "$3")"); }

run_unit() {
    local out p f
    out=$("$BUILD/tests/unit/unit-tests" 2>&1)
    echo "$out" | tail -n 40
    echo "$out" >"$ARTIFACTS/unit.log"
    p=$(echo "$out" | sed -n 's/^\[doctest\] test cases: *[0-9]* | *\([0-9]*\) passed | *\([0-9]*\) failed.*/\1/p')
    f=$(echo "$out" | sed -n 's/^\[doctest\] test cases: *[0-9]* | *\([0-9]*\) passed | *\([0-9]*\) failed.*/\2/p')
    if [ -z "$p" ]; then p=0; f=1; fi
    add unit "$p" "$f"
}

# Suites marked "# mr-suite: background" mostly wait (e.g. for xymond_alert's batching): they
# run beside the others, on their own test hosts, and are collected at the end.
is_background() { grep -q '^# mr-suite: background' "$1"; }

start_background() {
    local s=$1 name
    name=$(basename "$s" .sh)
    ( start=$SECONDS; timeout 900 bash "$s" >"$ARTIFACTS/$name.log" 2>&1; echo "$? $((SECONDS - start))" >"$ARTIFACTS/$name.rc" ) &
    BACKGROUND+=("$s:$!")
}

collect_background() {
    local entry s pid
    for entry in "${BACKGROUND[@]}"; do
        s=${entry%%:*}
        pid=${entry##*:}
        wait "$pid"
        report_suite "$s" "$(cat "$ARTIFACTS/$(basename "$s" .sh).log")" $(cat "$ARTIFACTS/$(basename "$s" .sh).rc")
    done
}

run_suite() {
    local s=$1 out rc start
    start=$SECONDS
    out=$(timeout 900 bash "$s" 2>&1)
    rc=$?
    echo "$out" >"$ARTIFACTS/$(basename "$s" .sh).log"
    report_suite "$s" "$out" "$rc" "$((SECONDS - start))"
}

report_suite() {
    local s=$1 out=$2 rc=$3 took=$4 name p f
    name=$(basename "$s" .sh)
    echo "=== $name"
    echo "$out" | grep -E '^(ok|not ok|suite) ' | sed 's/^/  /'
    echo "$out" | grep -q '^not ok' && echo "$out" | tail -n 30 | sed 's/^/  | /'
    p=$(echo "$out" | sed -n 's/^suite .*: passed \([0-9]*\), failed \([0-9]*\)$/\1/p' | tail -1)
    f=$(echo "$out" | sed -n 's/^suite .*: passed \([0-9]*\), failed \([0-9]*\)$/\2/p' | tail -1)
    if [ -z "$p" ]; then p=0; f=1; echo "  suite $name ended without a summary (rc=$rc)"; echo "$out" | tail -n 30; fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    echo "  ($took s)"
    add "$name" "$p" "$f"
}

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
    suites=(unit)
    for s in tests/lint/*.sh; do [ "$(basename "$s")" = check-layers.sh ] || suites+=("$s"); done
    for s in tests/e2e/*.sh; do [ -e "$s" ] && suites+=("$s"); done
fi

need_xymon=0
# Only the end-to-end suites need the server; unit and lint suites run on the tree alone.
for s in "${suites[@]}"; do [[ "$s" == *e2e/* ]] && need_xymon=1; done
if [ "$need_xymon" -eq 1 ]; then
    # The end-to-end suites test the installed programs against the real server.
    make -s install BUILD="$BUILD" >"$ARTIFACTS/install.log" 2>&1 || { echo "make install failed"; cat "$ARTIFACTS/install.log"; }
    source tests/lib/xymon.sh
    # A restart, not a reload: xymond_rrd reads TEST2RRD (our graph) only when it starts.
    xymon_down
    xymon_up
fi

# The packages suite's `make deb` compiles the whole tree again (hardened flags): start it now at
# the lowest CPU and I/O priority so it runs in the other suites' idle time, not after them.
start_deb_prebuild() {
    local s
    for s in "${suites[@]}"; do [[ "$s" == *70-packages* ]] || continue
        export MR_DEB_PREBUILD=$ARTIFACTS/make-deb
        rm -f "$MR_DEB_PREBUILD".*
        ( start=$SECONDS; nice -n 19 ionice -c 3 make -s deb DEB_OUT="${DEB_OUT:-/tmp/miningrisk-deb}" >"$MR_DEB_PREBUILD.log" 2>&1
          rc=$?; echo $((SECONDS - start)) >"$MR_DEB_PREBUILD.took"; echo $rc >"$MR_DEB_PREBUILD.rc" ) </dev/null &
    done
}

BACKGROUND=()
for s in "${suites[@]}"; do
    [ "$s" = unit ] && continue
    [ -f "$s" ] || s=tests/$s
    is_background "$s" && start_background "$s"
done
for s in "${suites[@]}"; do
    case "$s" in
        unit) run_unit; start_deb_prebuild ;;
        *) [ -f "$s" ] || s=tests/$s; is_background "$s" || run_suite "$s" ;;
    esac
done
collect_background

# In CI nothing should outlive the run; on a workstation the server stays up to look at.
if [ "${CI:-}" = true ] && [ "$need_xymon" -eq 1 ]; then
    [ -f tests/lib/web.sh ] && { source tests/lib/web.sh; web_down >/dev/null 2>&1; }
    xymon_down
fi

echo
echo "Per suite:"
printf '  %s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
