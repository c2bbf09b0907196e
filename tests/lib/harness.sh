# Source from an end-to-end suite: assertions that print TAP-like lines, and a summary line
# that tests/run-all.sh adds up. A suite is a bash script under tests/e2e/ ending in `finish`.
T_PASS=0
T_FAIL=0
SUITE=${SUITE:-$(basename "$0" .sh)}
MR_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) MR_BUILD=$BUILD ;; *) MR_BUILD=$MR_ROOT/$BUILD ;; esac

ok()     { T_PASS=$((T_PASS + 1)); echo "ok - $*"; }
not_ok() { T_FAIL=$((T_FAIL + 1)); echo "not ok - $*"; }

# check "what a user would check" command args...
check() {
    local desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_contains "desc" "haystack" "needle"
check_contains() {
    if [[ "$2" == *"$3"* ]]; then ok "$1"; else not_ok "$1 (missing '$3' in: ${2:0:600})"; fi
}
check_not_contains() {
    if [[ "$2" != *"$3"* ]]; then ok "$1"; else not_ok "$1 (unexpected '$3' in: ${2:0:600})"; fi
}

# wait_until SECONDS command args...: polls every 0.5 s; returns the command's last status.
wait_until() {
    local limit=$1; shift
    local end=$((SECONDS + limit))
    while true; do
        "$@" && return 0
        [ $SECONDS -ge $end ] && return 1
        sleep 0.5
    done
}

# Processes a suite starts are killed at exit, whatever happens.
MR_CHILDREN=()
track() { MR_CHILDREN+=("$1"); }
cleanup_children() {
    local p
    for p in "${MR_CHILDREN[@]}"; do kill -9 "$p" 2>/dev/null; done
    return 0
}
trap cleanup_children EXIT

finish() {
    echo "suite $SUITE: passed $T_PASS, failed $T_FAIL"
    [ "$T_FAIL" -eq 0 ]
}
