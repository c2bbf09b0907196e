#!/usr/bin/env bash
# make bench: CPU time and peak RSS of one miningrisk collection beside what ops teams run today
# (ps, ss -tanp, the stock Xymon client), in the same run, on the same fixture load; as ratios.
# Then the server-side figures (worker throughput, page generation) when those programs exist.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
B=$ROOT/$BUILD
SIZES=${BENCH_SIZES:-"1000:1000 1000:50000 10000:1000 10000:50000"}
OUT=${MR_ARTIFACTS:-$ROOT/tests/artifacts}/bench.txt
RAW=${OUT%.txt}-collect-runs.txt   # every bench_collect line (procs, sockets, state) behind the medians
mkdir -p "$(dirname "$OUT")"
STATE=$(mktemp)
CLIENT=$B/client-tests/miningrisk-client
RULES=$ROOT/client-tests/share/rules

RUNS=${BENCH_RUNS:-3}   # each figure is the median of this many runs (ss alone varies by 50%)

# measure_once CMD...: prints "cpu_ms rss_kb" of the command and its children.
measure_once() {
    local f
    f=$(mktemp)
    /usr/bin/time -f '%U %S %M' -o "$f" "$@" >/dev/null 2>&1
    awk '{printf "%d %d\n", ($1 + $2) * 1000, $3}' "$f"
    rm -f "$f"
}

# median "cpu rss" lines on stdin: the median CPU and the median peak RSS, each on its own.
median() {
    local lines n m
    lines=$(cat)
    n=$(grep -c . <<<"$lines")
    m=$(( (n + 1) / 2 ))
    echo "$(cut -d' ' -f1 <<<"$lines" | sort -n | sed -n "${m}p") $(cut -d' ' -f2 <<<"$lines" | sort -n | sed -n "${m}p")"
}

# measure CMD...: the median of RUNS runs. The pause keeps the client's CPU state older than
# the half second below which it samples instead of using it, as between real cycles.
measure() {
    local i
    for i in $(seq 1 "$RUNS"); do measure_once "$@"; sleep 0.7; done | median
}

# bench_collect prints "collect cpu_ms=.. rss_kb=..": the median of RUNS collections.
measure_collect() {
    local i
    for i in $(seq 1 "$RUNS"); do
        "$B/tests/bench/bench_collect" "$@" | tee -a "$RAW" | sed -n 's/.*cpu_ms=\([0-9]*\) rss_kb=\([0-9]*\).*/\1 \2/p'
    done | median
}

# The stock Linux client's whole run as xymonlaunch starts it (ps, netstat, top, df, ...: its
# detached `vmstat 300 2` is not counted, its `sleep 5` costs no CPU).
STOCK_CLIENT=(su -s /bin/sh xymon -c "/usr/lib/xymon/server/bin/xymoncmd --env=/etc/xymon/xymonclient.cfg /usr/lib/xymon/client/bin/xymonclient.sh")

row() { printf '%-8s %-8s %-30s %9s %9s %12s %10s\n' "$@" | tee -a "$OUT"; }

: >"$OUT"
: >"$RAW"
echo "miningrisk benchmark, $(date -u +%FT%TZ), $(nproc) cores, Linux $(uname -r), median of $RUNS runs each" | tee -a "$OUT"
row procs conns program cpu_ms rss_kb "cpu_vs_ps+ss" rss_vs_ps
for size in $SIZES; do
    n=${size%%:*}
    m=${size##*:}
    # Sockets other runs left in TIME_WAIT would count as load: wait for them to expire.
    for i in $(seq 1 70); do
        [ "$(ss -Htan state time-wait | wc -l)" -lt 100 ] && break
        sleep 1
    done
    "$B/tests/bench/fixture-load" --procs "$n" --conns "$m" --hold 900 >/tmp/mr-fixture.log 2>&1 &
    FIX=$!
    ready=0
    for i in $(seq 1 600); do
        lines=$(ss -Htan state established | wc -l)
        procs=$(ls /proc | grep -c '^[0-9]')
        if [ "$lines" -ge $((2 * m)) ] && [ "$procs" -ge "$n" ] && grep -q '^ready' /tmp/mr-fixture.log; then
            ready=1
            break
        fi
        sleep 0.5
    done
    if [ "$ready" != 1 ] || grep -qv '^holder\|^ready' /tmp/mr-fixture.log; then
        echo "fixture for $n processes and $m connections did not come up:" | tee -a "$OUT"
        cat /tmp/mr-fixture.log | tee -a "$OUT"
        kill "$FIX" 2>/dev/null
        wait "$FIX" 2>/dev/null
        continue
    fi
    # Warm up the state file so the measured run is a steady-state cycle, as every run after the first.
    "$CLIENT" --dry-run --no-fetch --rules "$RULES" --state-file "$STATE" --sample 0.1 >/dev/null 2>&1
    # bench_collect warms its state in a child and reports only the measured cycle.
    read -r mr_cpu mr_rss < <(measure_collect)
    read -r pl_cpu pl_rss < <(measure_collect --plain)
    read -r cl_cpu cl_rss < <(measure "$CLIENT" --dry-run --no-fetch --rules "$RULES" --state-file "$STATE")
    read -r ps_cpu ps_rss < <(measure ps -eo pid,ppid,user,pcpu,etime,comm,args)
    read -r ss_cpu ss_rss < <(measure ss -tanp)
    base=$((ps_cpu + ss_cpu))
    [ "$base" -gt 0 ] || base=1
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3fx", (b>0 ? a/b : 0)}'; }
    row "$n" "$m" "miningrisk collect" "$mr_cpu" "$mr_rss" "$(ratio "$mr_cpu" "$base")" "$(ratio "$mr_rss" "$ps_rss")"
    row "$n" "$m" "miningrisk collect, Linux <6.2" "$pl_cpu" "$pl_rss" "$(ratio "$pl_cpu" "$base")" "$(ratio "$pl_rss" "$ps_rss")"
    row "$n" "$m" "miningrisk-client (+detect)" "$cl_cpu" "$cl_rss" "$(ratio "$cl_cpu" "$base")" "$(ratio "$cl_rss" "$ps_rss")"
    row "$n" "$m" "ps -eo ...args" "$ps_cpu" "$ps_rss" "$(ratio "$ps_cpu" "$base")" "1.000x"
    row "$n" "$m" "ss -tanp" "$ss_cpu" "$ss_rss" "$(ratio "$ss_cpu" "$base")" "$(ratio "$ss_rss" "$ps_rss")"
    if [ -x /usr/lib/xymon/client/bin/xymonclient.sh ] && [ "${BENCH_STOCK:-1}" = 1 ]; then
        read -r st_cpu st_rss < <(measure "${STOCK_CLIENT[@]}")
        row "$n" "$m" "stock xymon client" "$st_cpu" "$st_rss" "$(ratio "$st_cpu" "$base")" "$(ratio "$st_rss" "$ps_rss")"
        echo "         miningrisk-client vs the stock Xymon client: $(ratio "$cl_cpu" "$st_cpu") CPU, $(ratio "$cl_rss" "$st_rss") RSS" | tee -a "$OUT"
    fi
    awk -v c="$cl_cpu" -v d="$mr_cpu" 'BEGIN{ if (d>0) printf "         detection overhead at this size: %+.1f%% CPU over collection alone\n", (c-d)*100/d }' | tee -a "$OUT"
    kill "$FIX" 2>/dev/null
    wait "$FIX" 2>/dev/null
done
rm -f "$STATE"
for prog in bench_worker bench_pages; do
    if [ -x "$B/tests/bench/$prog" ]; then
        echo "--- $prog" | tee -a "$OUT"
        "$B/tests/bench/$prog" 2>&1 | tee -a "$OUT"
        # The worker again with incident state and ECS events (what the live worker does).
        [ "$prog" = bench_worker ] && "$B/tests/bench/$prog" 100000 client-tests/share/rules incidents 2>&1 | tee -a "$OUT"
    fi
done
bash "$ROOT/tests/bench/bench-respond.sh" 2>&1 | tee -a "$OUT"
echo "table saved in $OUT"
