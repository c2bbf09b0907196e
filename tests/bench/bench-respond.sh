#!/usr/bin/env bash
# The response's figures (issue 11), called by run-bench.sh: evidence snapshot wall time and bytes
# for the simulator's miner, freeze latency (the helper's "frozen" report and its whole run), the
# isolate step's nft run (install and remove the rules), and
# the client cycle's CPU with containment enabled and nothing to do vs containment off. Root only
# (the helpers); loopback only; everything it starts is removed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$ROOT/${BUILD:-build}
RUNS=${BENCH_RUNS:-3}
[ "$(id -u)" = 0 ] || { echo "bench-respond: needs root (skipped)"; exit 0; }
T=$(mktemp -d /tmp/mr-bench-respond.XXXXXX)
cp "$B/tests/sim/miner-sim" "$T/netlogd"
"$B/tests/sim/stratum-pool" --port 0 --log "$T/pool.log" --max-seconds 120 >"$T/pool.out" 2>&1 &
POOL=$!
for _ in $(seq 1 50); do PORT=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/pool.out"); [ -n "$PORT" ] && break; sleep 0.1; done
"$T/netlogd" --delete-self --rename netlogd -o "stratum+tcp://127.0.0.1:$PORT" -u W -t 1 --throttle 40 --max-seconds 120 >/dev/null 2>&1 &
MINER=$!
trap 'kill $MINER $POOL 2>/dev/null; sleep 0.3; rmdir /sys/fs/cgroup/*/miningrisk/frozen-$MINER-* /sys/fs/cgroup/*/miningrisk/isolated-$MINER-* /sys/fs/cgroup/miningrisk/frozen-$MINER-* 2>/dev/null; rm -rf "$T"' EXIT
sleep 1
START=$(sed 's/.*) //' /proc/$MINER/stat | awk '{print $20}')
kv() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -1; }
echo "--- response (issue 11): median of $RUNS runs"
walls="" bytes="" files=""
for i in $(seq 1 "$RUNS"); do
    rec=$("$B/client-tests/miningrisk-snapshot" --pid $MINER --start "$START" --host bench --trigger bench \
        --evidence-dir "$T/evidence" --rules "$ROOT/client-tests/share/rules")
    walls="$walls $(echo "$rec" | kv seconds)"; bytes="$bytes $(echo "$rec" | kv bytes)"; files="$files $(echo "$rec" | kv files)"
done
med() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "evidence snapshot of the simulator's miner: $(echo $walls | med) s wall, $(echo $bytes | med) bytes in $(echo $files | med) files"
DEV=$(stat -L -c %d /proc/$MINER/exe); INO=$(stat -L -c %i /proc/$MINER/exe)
lat="" whole=""
for i in $(seq 1 "$RUNS"); do
    t0=$(date +%s%N)
    rec=$("$B/client-tests/miningrisk-contain" --action freeze --pid $MINER --start "$START" --sha256 - --exe-dev "$DEV" --exe-ino "$INO")
    t1=$(date +%s%N)
    lat="$lat $(echo "$rec" | kv ms)"; whole="$whole $(( (t1 - t0) / 1000000 ))"
    method=$(echo "$rec" | kv method)
    "$B/client-tests/miningrisk-contain" --action thaw --pid $MINER --start "$START" --sha256 - --exe-dev "$DEV" --exe-ino "$INO" >/dev/null
done
echo "freeze ($method): frozen $(echo $lat | med) ms after the request; the helper's whole run $(echo $whole | med) ms (identity + sha256 + dpkg check + 300 ms CPU check)"
# isolate: the helper's nft run (table, the miner's cgroup and connection, the shipped pool list)
# and its whole run, then unisolate (which deletes the table again)
iso="" isowhole="" unwhole=""
for i in $(seq 1 "$RUNS"); do
    t0=$(date +%s%N)
    rec=$("$B/client-tests/miningrisk-contain" --action isolate --pid $MINER --start "$START" --sha256 - --exe-dev "$DEV" --exe-ino "$INO" \
        <"$ROOT/client-tests/share/rules/pool-addresses.txt")
    t1=$(date +%s%N)
    iso="$iso $(echo "$rec" | kv ms)"; isowhole="$isowhole $(( (t1 - t0) / 1000000 ))"
    imethod=$(echo "$rec" | kv method | sed 's/%20/ /g; s/%2C/,/g')
    "$B/client-tests/miningrisk-contain" --action unisolate --pid $MINER --start "$START" --sha256 - --exe-dev "$DEV" --exe-ino "$INO" >/dev/null
    unwhole="$unwhole $(( ($(date +%s%N) - t1) / 1000000 ))"
done
echo "isolate ($imethod): nft -f took $(echo $iso | med) ms; the helper's whole run $(echo $isowhole | med) ms; unisolate (table deleted) $(echo $unwhole | med) ms"
kill $MINER 2>/dev/null
# the client's cycle with containment on and nothing red vs off (sending to /bin/true)
mkdir -p "$T/x"
cycle_cpu() {  # MODE
    printf 'sample_seconds = 0.3\npools_config =\ncontain = %s\nscan_binaries = no\n' "$1" >"$T/c-$1.cfg"
    local i f out=""
    for i in $(seq 1 $((RUNS + 2))); do
        f=$(mktemp)
        XYMON=/bin/true XYMSRV=127.0.0.1 XYMONTMP=$T/x /usr/bin/time -f '%U %S' -o "$f" \
            "$B/client-tests/miningrisk-client" --config "$T/c-$1.cfg" --rules "$ROOT/client-tests/share/rules" --no-fetch >/dev/null 2>&1
        out="$out $(awk '{printf "%d", ($1 + $2) * 1000}' "$f")"
        rm -f "$f"
        sleep 0.7
    done
    echo $out | med
}
off=$(cycle_cpu off); on=$(cycle_cpu freeze)
echo "client cycle CPU: containment off $off ms, containment freeze with nothing red $on ms"
