#!/usr/bin/env bash
# Containment's isolate (issue 11, part 2) on the real server and the installed client as user
# xymon (through sudo), all inside one network namespace with loopback pools: a miner (renamed,
# deleted after start) mines on 127.0.0.1:PORT, a second miner outside containment's reach
# (contain_only) on the same address and port, a third on 10.200.98.1, a pool address on the
# IOC list. With one key off nothing is installed. Both keys on, mode isolate: table inet
# miningrisk appears in that namespace, the contained miner's shares stop while the other one on
# the same address and port keeps mining, the listed pool is cut off, the miner is not frozen;
# --unisolate takes it back. Then, with rules lasting seconds (the root-only test TTL): a cycle
# renews them past their first expiry, and without cycles they go away. Last, a freeze that
# someone undoes behind containment's back is reported on the next cycle ("thawed by someone").
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
source "$(dirname "$0")/../lib/sim.sh"

CLIENT=/usr/lib/xymon/client/ext/miningrisk-client
POLICY=/etc/xymon/miningrisk.cfg
EVIDENCE=/var/lib/xymon/miningrisk/evidence
[ "$(id -u)" = 0 ] || { not_ok "runs as root"; finish; exit; }
command -v nft >/dev/null || { not_ok "nft is installed"; finish; exit; }
TMPD=$(mktemp -d /tmp/mr-isolate.XXXXXX)
chmod 755 "$TMPD"
cp -p "$POLICY" "$TMPD/policy.orig" 2>/dev/null || : >"$TMPD/policy.orig"
restore() {
    cp -p "$TMPD/policy.orig" "$POLICY"
    if [ -n "${MR_ARTIFACTS:-}" ] && [ -d "$MR_ARTIFACTS" ]; then
        for h in "$TMPD"/e2e-*; do [ -f "$h/log" ] && cp "$h/log" "$MR_ARTIFACTS/38-client-$(basename "$h").log"; done
    fi
    rm -rf "$EVIDENCE"/e2e-isolate*
    rm -rf "$TMPD"
    _sim_cleanup   # deletes the namespace, and the table with it
    sim_remove_contain_cgroups
    rmdir "$DIR" 2>/dev/null
    return 0
}
trap restore EXIT

xymon_up
HOSTS="e2e-isolate e2e-isolate-nokey e2e-isolate-nopol e2e-isolate-ttl e2e-isolate-frz"
for h in $HOSTS; do xymon_add_host "$h"; done
cat >>"$POLICY" <<'P'
# --- tests/e2e/38-isolate.sh (removed at its end)
HOST=e2e-isolate,e2e-isolate-nokey,e2e-isolate-ttl
	CONTAIN isolate
HOST=e2e-isolate-frz
	CONTAIN freeze
P
sleep 6   # the worker looks at the policy's mtime every 5 s

# The IOC list the client uses: the shipped one plus the namespace's second pool address.
RULES=$TMPD/rules
cp -r /usr/share/miningrisk/rules "$RULES"
echo "10.200.98.1   # tests/e2e/38-isolate.sh: the namespace's listed pool" >>"$RULES/pool-addresses.txt"
chmod -R a+rX "$RULES"

NS=mris$$
sim_netns_create "$NS"
ip -n "$NS" addr add 10.200.98.1/32 dev lo
PORT=$(sim_free_port)
PORT2=$(sim_free_port)
POOL=$SIM_DIR/pool.log POOL2=$SIM_DIR/pool2.log
SIM_NETNS=$NS sim_pool "$PORT" "$POOL" >/dev/null || { not_ok "pool starts"; finish; exit; }
SIM_NETNS=$NS SIM_POOL_ADDR=10.200.98.1 sim_pool "$PORT2" "$POOL2" >/dev/null || { not_ok "listed pool starts"; finish; exit; }
DIR=/run/mr-is$$
miner_in() {  # miner_in SUBDIR NAME URL USER: echoes the pid (a copy under $DIR/SUBDIR: in one host's reach)
    local bin
    bin=$(sim_miner_copy "$DIR/$1/$2")
    # a binary of its own: a snapshot is taken once per exe sha256, and containment waits for it
    echo "tests/e2e/38-isolate.sh $2" >>"$bin"
    SIM_NETNS=$NS _sim_spawn "$bin" --delete-self --rename "$2" -o "$3" -u "$4" -t 1 --throttle 40 --share-interval 0.3 --max-seconds 400
}
mkdir -p "$DIR"
miner=$(miner_in a netlogd "stratum+tcp://127.0.0.1:$PORT" W1)
other=$(SIM_NETNS=$NS _sim_spawn "$SIM_MINER_BIN" -o "stratum+tcp://127.0.0.1:$PORT" -u W2 -t 1 --throttle 10 --share-interval 0.3 --max-seconds 400)
listed=$(SIM_NETNS=$NS _sim_spawn "$SIM_MINER_BIN" -o "stratum+tcp://10.200.98.1:$PORT2" -u W3 -t 1 --throttle 10 --share-interval 0.3 --max-seconds 400)
check "the miner is connected to its pool" sim_wait_connected "$miner" "$PORT" 15
check "a miner outside containment's reach is connected to the same address and port" sim_wait_connected "$other" "$PORT" 15
check "a third one is connected to the listed pool address" sim_wait_connected "$listed" "$PORT2" 15

shares() { grep -c " submit dialect=[a-z]* user=$2 " "$1" 2>/dev/null; }
# gains LOG USER: shares the pool logged for USER over 3 s
gains() { local a b; a=$(shares "$1" "$2"); sleep 3; b=$(shares "$1" "$2"); echo $((b - a)); }
# nsenter, not `ip netns exec`: that one mounts a /sys of its own, without the cgroup2 tree that
# nft needs to print a cgroup's path instead of its id
table() { nsenter --net="/run/netns/$NS" nft list table inet miningrisk 2>/dev/null; }
cycle() {  # cycle HOST CONTAIN-MODE SUBDIR [as-root-with-TTL]
    local d=$TMPD/$1
    mkdir -p "$d" && chown xymon "$d"
    # contain_only: this machine is shared, never touch another suite's (or host's) red processes
    printf 'sample_seconds = 1\npools_config =\ncontain = %s\ncontain_only = %s/\n' "$2" "$DIR/$3" >"$d/client.cfg"
    if [ -n "${4:-}" ]; then
        MININGRISK_TEST_ISOLATE_TTL=$4 XYMSRV=127.0.0.1 XYMONTMP=$d XYMON=$XYMON \
            $CLIENT --config "$d/client.cfg" --rules "$RULES" --host "$1" --timeout 30 >>"$d/out" 2>>"$d/log"
    else
        su -s /bin/bash xymon -c "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=$d $CLIENT --config $d/client.cfg --rules $RULES --host $1 --timeout 30" \
            >>"$d/out" 2>>"$d/log"
    fi
}
board_has() { wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^$1\$ test=^miningrisk\$ fields=msg' | grep -q -- '$2'"; }

# --- one key off: nothing is installed
cycle e2e-isolate-nokey off a; cycle e2e-isolate-nokey off a
cycle e2e-isolate-nopol isolate a; cycle e2e-isolate-nopol isolate a
check "with one key off there is no table inet miningrisk" bash -c "! ip netns exec $NS nft list table inet miningrisk 2>/dev/null"
check "and no rule on the host either" bash -c "! nft list table inet miningrisk 2>/dev/null | grep -q isolated-$miner-"
g=$(gains "$POOL" W1)
check "the miner's shares still get through ($g in 3 s)" test "$g" -gt 0
check "client key off: the column says why" board_has e2e-isolate-nokey "client config says contain = off"
check "server key off: the column says why" board_has e2e-isolate-nopol "server policy has no CONTAIN"

# --- both keys on, isolate
cycle e2e-isolate isolate a
check "after one red cycle nothing is installed yet" bash -c "! ip netns exec $NS nft list table inet miningrisk 2>/dev/null"
cycle e2e-isolate isolate a
check_contains "the second red cycle isolates it (log)" "$(cat "$TMPD/e2e-isolate/log")" "containment: pid $miner (netlogd): isolate done"
t=$(table)
check_contains "nft list table inet miningrisk shows the cgroup rule" "$t" "socket cgroupv2 level 2 @cgroups"
check_contains "and the miner's own cgroup in its set" "$t" "miningrisk/isolated-$miner-"
mport=$(ip netns exec "$NS" ss -tnpH "( dport = :$PORT )" | grep "pid=$miner," | awk '{print $4}' | sed 's/.*://')
check_contains "and the miner's connection (port $mport)" "$t" "127.0.0.1 . $mport . 127.0.0.1 . $PORT"
check_contains "and the listed pool address" "$t" "10.200.98.1 timeout"
check_contains "every element expires (4 h)" "$t" "timeout 4h expires"
check_not_contains "never a blanket isolation (no loopback network, no policy drop)" "$t" "policy drop"
check "the miner is in a cgroup of its own, not frozen" bash -c "grep -q /miningrisk/isolated-$miner- /proc/$miner/cgroup && ! grep -q '^frozen 1' \$(awk '\$3 == \"cgroup2\" { print \$2; exit }' /proc/mounts)\$(sed -n 's/^0:://p' /proc/$miner/cgroup)/cgroup.events"
sleep 1
g=$(gains "$POOL" W1)
check "no share of the contained miner gets through ($g in 3 s)" test "$g" = 0
g=$(gains "$POOL" W2)
check "the miner outside keeps mining on the same address and port ($g in 3 s)" test "$g" -gt 0
g=$(gains "$POOL2" W3)
check "nothing gets through to the listed pool address ($g in 3 s)" test "$g" = 0
check "the counters show the drops" bash -c "ip netns exec $NS nft list chain inet miningrisk output | grep '@conns4' | grep -qv 'packets 0 '"
check "the column shows the isolate with its method" board_has e2e-isolate "nftables (cgroup, 1 conn, "
cycle e2e-isolate isolate a
check "a third cycle does not isolate again (one isolate in the log)" test "$(grep -c "isolate done" "$TMPD/e2e-isolate/log")" = 1
check "nothing but the miner was isolated" test "$(grep "isolate done" "$TMPD/e2e-isolate/log" | grep -vc "pid $miner ")" = 0
out=$(su -s /bin/bash xymon -c "XYMONTMP=$TMPD/e2e-isolate $CLIENT --config $TMPD/e2e-isolate/client.cfg --host e2e-isolate --unisolate $miner" 2>&1)
check_contains "miningrisk-client --unisolate PID takes the rules away" "$out" "result=done"
check "no contained tree left: the table is gone" bash -c "! ip netns exec $NS nft list table inet miningrisk 2>/dev/null"
check "the miner's shares get through again" wait_until 40 bash -c "[ \$(( \$(grep -c ' submit dialect=[a-z]* user=W1 ' $POOL) - $(shares "$POOL" W1) )) -gt 0 ]"

# --- expiry: rules that last 15 s (root-only test TTL): renewed by the next cycle, gone without
miner2=$(miner_in b netlogd2 "stratum+tcp://127.0.0.1:$PORT" W4)
check "a second miner is connected" sim_wait_connected "$miner2" "$PORT" 15
cycle e2e-isolate-ttl isolate b 15
cycle e2e-isolate-ttl isolate b 15
t0=$(date +%s)
check_contains "isolated with the short TTL" "$(table)" "miningrisk/isolated-$miner2-"
check_contains "whose elements expire in seconds" "$(table)" "timeout 15s expires"
sleep 4
cycle e2e-isolate-ttl isolate b 15
w=$((t0 + 17 - $(date +%s)))
[ "$w" -gt 0 ] && sleep "$w"
check_contains "renewed by the next cycle: still there after its first 15 s" "$(table)" "miningrisk/isolated-$miner2-"
check "the renewal is shown on the page" board_has e2e-isolate-ttl "renewed: its traffic"
check "not renewed: the elements go away by themselves" wait_until 30 bash -c "! nsenter --net=/run/netns/$NS nft list set inet miningrisk cgroups | grep -q isolated-$miner2-"
check_not_contains "its connection is no longer listed either" "$(table)" "127.0.0.1 . "
check "and its shares get through again" wait_until 40 bash -c "[ \$(grep -c ' submit dialect=[a-z]* user=W4 ' $POOL) -gt $(shares "$POOL" W4) ]"

# --- a freeze undone behind containment's back is caught on the next cycle
miner3=$(miner_in c netlogd3 "stratum+tcp://127.0.0.1:$PORT" W5)
check "a third miner is connected" sim_wait_connected "$miner3" "$PORT" 15
cycle e2e-isolate-frz freeze c; cycle e2e-isolate-frz freeze c
check_contains "it is frozen" "$(cat "$TMPD/e2e-isolate-frz/log")" "containment: pid $miner3 (netlogd3): freeze done"
cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)$(sed -n 's/^0:://p' "/proc/$miner3/cgroup")
case "$cg" in */miningrisk/frozen-"$miner3"-*) echo 0 >"$cg/cgroup.freeze" ;; esac
check "someone thaws it (not through miningrisk-client --thaw)" wait_until 5 grep -q '^frozen 0' "$cg/cgroup.events"
sleep 2
cycle e2e-isolate-frz freeze c
check_contains "the next cycle sees the CPU time it gained" "$(cat "$TMPD/e2e-isolate-frz/log")" "pid $miner3 (netlogd3): verify failed"
check "the column says so, red" board_has e2e-isolate-frz "thawed by someone"
check "and stays red" test "$(xymon_color e2e-isolate-frz miningrisk)" = red
finish
