#!/usr/bin/env bash
# The miner simulator and the loopback pool do what the detection suites rely on, checked the way
# a person would: the pool's log, ps, /proc, ss, ip netns. Loopback and our own namespaces only.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/sim.sh"

if [ ! -x "$SIM_MINER_BIN" ] || [ ! -x "$SIM_POOL_BIN" ]; then
    not_ok "simulator built ($SIM_MINER_BIN, $SIM_POOL_BIN missing: make BUILD=$BUILD)"
    finish; exit
fi

cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" | sed 's/ *$//'; }
alive() { sim_alive "$1"; }
dead() { ! sim_alive "$1"; }
W_XMR=49SimXmrLoginTestWa11etAbcdefghijkmnopqrstuvwxyz123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefgh
W_BTC=sim.btc.worker1
PORT=$(sim_free_port)
POOL_LOG=$SIM_DIR/pool-main.log

# --- a binary scan finds what a real miner's binary has
for marker in 'stratum+tcp://' '--donate-level' 'randomx' 'cryptonight' 'mining.subscribe'; do
    check "miner binary contains '$marker'" grep -aqF -- "$marker" "$SIM_MINER_BIN"
done
check_contains "miner --help documents -o stratum+tcp://" "$("$SIM_MINER_BIN" --help)" "stratum+tcp://"

# --- both dialects reach the pool, with an xmrig-like command line
sim_pool "$PORT" "$POOL_LOG" >/dev/null
POOL_PID=$SIM_PID
check "pool listens on 127.0.0.1:$PORT" wait_until 3 eval "ss -ltnH 'sport = :$PORT' | grep -q 127.0.0.1:$PORT"
xmr=$(sim_miner -o "stratum+tcp://127.0.0.1:$PORT" -u "$W_XMR" -p x -a rx/0 --donate-level 1 --cpu-priority 5 \
    --randomx-1gb-pages --nicehash -k --coin monero --throttle 5 --share-interval 1 --max-seconds 120)
sim_miner --pool "127.0.0.1:$PORT" --dialect btc -u "$W_BTC" --throttle 5 --share-interval 1 --max-seconds 60 >/dev/null
btc=$SIM_PID
check "pool log shows the xmrig-dialect login with the wallet" wait_until 10 sim_pool_saw "$POOL_LOG" login "$W_XMR"
check "pool log shows a share submitted by that wallet" wait_until 10 sim_pool_saw "$POOL_LOG" submit "$W_XMR"
check "pool log shows the mining.authorize of the btc worker" wait_until 10 sim_pool_saw "$POOL_LOG" authorize "$W_BTC"
check "pool log shows mining.submit from the btc worker" wait_until 10 sim_pool_saw "$POOL_LOG" submit "$W_BTC"
check "xmrig-style miner holds an ESTABLISHED connection to the pool" sim_wait_connected "$xmr" "$PORT"
check_contains "ss -tnp shows the miner's connection to :$PORT" "$(ss -tnpH "dport = :$PORT")" "pid=$xmr,"
check_contains "its cmdline looks like xmrig's" "$(cmdline "$xmr")" "-a rx/0 --donate-level 1"

# --- the pool drops, the miner comes back
kill -9 "$POOL_PID"
sleep 1
sim_pool "$PORT" "$SIM_DIR/pool-restarted.log" >/dev/null
POOL_PID=$SIM_PID
check "miner logs in again after the pool restarts" wait_until 15 sim_pool_saw "$SIM_DIR/pool-restarted.log" login "$W_XMR"
POOL_LOG=$SIM_DIR/pool-restarted.log

# --- renamed as a kernel thread: comm and argv[0]
fake=$(sim_miner --rename '[kworker/0:1]' -o "stratum+tcp://127.0.0.1:$PORT" -u sim-renamed --throttle 5 --max-seconds 60)
sim_wait_connected "$fake" "$PORT"
check "/proc/PID/comm shows [kworker/0:1]" test "$(cat "/proc/$fake/comm")" = "[kworker/0:1]"
check "ps shows [kworker/0:1] as the command" test "$(ps -o comm= -p "$fake")" = "[kworker/0:1]"
check "/proc/PID/cmdline is only the fake argv[0]" test "$(cmdline "$fake")" = "[kworker/0:1]"
check_not_contains "the renamed cmdline carries no pool" "$(cmdline "$fake")" "127.0.0.1"
check "the renamed miner still reached the pool" wait_until 10 sim_pool_saw "$POOL_LOG" login sim-renamed
check "its worker threads carry the fake name too" test "$(sort -u /proc/"$fake"/task/*/comm)" = "[kworker/0:1]"
kswapd=$(sim_miner --rename kswapd0 -o "127.0.0.1:$PORT" -u sim-kswapd --throttle 5 --max-seconds 60)
check_contains "ps -C kswapd0 finds the user-space kswapd0" "$(wait_until 3 alive "$kswapd"; ps -C kswapd0 -o pid=)" "$kswapd"

# --- run from /dev/shm and deleted after start
copy=$(sim_miner_copy "/dev/shm/.mr-sim-$$/kdevtmpfsi")
gone=$(SIM_MINER_BIN=$copy sim_miner --delete-self -o "127.0.0.1:$PORT" -u sim-deleted --throttle 5 --max-seconds 60)
check "deleted binary: file is gone from /dev/shm" wait_until 5 test ! -e "$copy"
check_contains "/proc/PID/exe ends with (deleted)" "$(readlink "/proc/$gone/exe")" "/dev/shm/.mr-sim-$$/kdevtmpfsi (deleted)"
sleep 1
check "the deleted miner keeps running" alive "$gone"
check "the deleted miner reached the pool" wait_until 10 sim_pool_saw "$POOL_LOG" login sim-deleted

# --- run from a memfd
mem=$(sim_miner --memfd --rename kthreadd -o "127.0.0.1:$PORT" -u sim-memfd --throttle 5 --max-seconds 60)
check "memfd miner: /proc/PID/exe is a memfd" wait_until 5 eval "readlink /proc/$mem/exe | grep -q '^/memfd:kthreadd (deleted)'"
check "memfd miner reached the pool" wait_until 10 sim_pool_saw "$POOL_LOG" login sim-memfd

# --- configured by a file: no pool on the command line
cfg=$SIM_DIR/config.json
cat >"$cfg" <<EOF
{
    "autosave": true,
    "cpu": { "enabled": true, "threads": 2, "throttle": 5, "huge-pages": true },
    "donate-level": 1,
    "pools": [ { "url": "stratum+tcp://127.0.0.1:$PORT", "user": "sim-config", "pass": "x", "keepalive": true } ],
    "max-seconds": 60
}
EOF
conf=$(sim_miner -c "$cfg")
check "config-file miner reached the pool" wait_until 10 sim_pool_saw "$POOL_LOG" login sim-config
check_not_contains "config-file miner's cmdline has no pool address" "$(cmdline "$conf")" "127.0.0.1"
check_not_contains "config-file miner's cmdline has no stratum URL" "$(cmdline "$conf")" "stratum"
check "config-file miner runs the file's 2 threads (3 tasks)" grep -q '^Threads:[[:space:]]*3$' "/proc/$conf/status"

# --- daemon with a pidfile
"$SIM_MINER_BIN" --daemon --pidfile "$SIM_DIR/d.pid" -o "127.0.0.1:$PORT" -u sim-daemon --throttle 5 --max-seconds 60
drc=$?
check "daemon launcher exits 0 once the pidfile is written" test "$drc" = 0 -a -s "$SIM_DIR/d.pid"
dpid=$(sim_wait_pidfile "$SIM_DIR/d.pid")
check "daemon runs in its own session" test "$(ps -o sid= -p "$dpid" | tr -d ' ')" = "$dpid"
check "daemon reached the pool" wait_until 10 sim_pool_saw "$POOL_LOG" login sim-daemon

# --- CPU: throttled well below a core, unthrottled a full core. On a shared machine the kernel may
# not grant the full core, so what the miner asks for (threads runnable) is measured alongside.
measure() {  # PID -> "cores runnable"
    sim_cpu "$1" 3 >"$SIM_DIR/cpu-$1" &
    local r
    r=$(sim_runnable "$1" 3)
    wait $!
    echo "$(cat "$SIM_DIR/cpu-$1") $r"
}
kill -9 "$xmr" "$btc" "$fake" "$kswapd" "$gone" "$mem" "$conf" "$dpid" 2>/dev/null
slow=$(sim_miner -o "127.0.0.1:$PORT" -u sim-throttled --throttle 30 --max-seconds 30)
sleep 0.5
read -r c_slow r_slow <<<"$(measure "$slow")"
kill -9 "$slow"
fast=$(sim_miner -o "127.0.0.1:$PORT" -u sim-fast --max-seconds 30)
sleep 0.5
read -r c_fast r_fast <<<"$(measure "$fast")"
kill -9 "$fast"
echo "# cpu: --throttle 30 -> $c_slow cores ($r_slow runnable), unthrottled -> $c_fast cores ($r_fast runnable); load $(cut -d' ' -f1 /proc/loadavg)"
check "throttled (30%) miner uses well below a core ($c_slow < 0.6)" sim_lt "$c_slow" 0.6
check "throttled miner still burns CPU ($c_slow > 0.05, or runnable $r_slow > 0.2 on a busy machine)" \
    eval "sim_gt $c_slow 0.05 || sim_gt $r_slow 0.2"
check "unthrottled miner uses a full core ($c_fast > 0.7), or asks for one on a busy machine ($r_fast > 0.9)" \
    eval "sim_gt $c_fast 0.7 || sim_gt $r_fast 0.9"

# --- inside its own network namespace, pool and miner on the namespace's loopback
NS=mrsim$$
sim_netns_create "$NS"
SIM_NETNS=$NS sim_pool 3333 "$SIM_DIR/pool-netns.log" >/dev/null
nsminer=$(SIM_NETNS=$NS sim_miner -o stratum+tcp://127.0.0.1:3333 -u sim-netns --throttle 5 --max-seconds 60)
check "netns miner connected to the netns pool" sim_wait_connected "$nsminer" 3333
check "netns pool logged the miner's login" wait_until 10 sim_pool_saw "$SIM_DIR/pool-netns.log" login sim-netns
check_contains "ip netns exec $NS ss -tn shows it ESTABLISHED" "$(ip netns exec "$NS" ss -tnpH state established "dport = :3333")" "pid=$nsminer,"
check_not_contains "host ss -tnp does not show it" "$(ss -tnpH)" "pid=$nsminer,"
check "the miner's net namespace is not the host's" test "$(readlink "/proc/$nsminer/ns/net")" != "$(readlink /proc/self/ns/net)"

# a real pool's domain resolved, inside the namespace only, to its own loopback pool
sim_netns_hosts "$NS" "127.0.0.1 pool.supportxmr.com"
dom=$(SIM_NETNS=$NS sim_miner -o stratum+tcp://pool.supportxmr.com:3333 -u sim-domain --throttle 5 --max-seconds 60)
check "miner naming pool.supportxmr.com reached the namespace's own pool" wait_until 10 sim_pool_saw "$SIM_DIR/pool-netns.log" login sim-domain
check_contains "its cmdline names the pool domain" "$(cmdline "$dom")" "stratum+tcp://pool.supportxmr.com:3333"
check "the host's /etc/hosts does not know that domain" eval "! grep -q supportxmr /etc/hosts"
# a pool that never answers: the connection stays "being set up"
sim_netns_unreachable "$NS"
syn=$(SIM_NETNS=$NS sim_miner -o 10.200.99.2:14444 -u sim-synsent --throttle 5 --max-seconds 60)
check_contains "ss in the namespace shows SYN-SENT to the silent pool" \
    "$(wait_until 10 eval "ip netns exec $NS ss -tnpH state syn-sent | grep -q pid=$syn,"; ip netns exec "$NS" ss -tnpH state syn-sent)" "pid=$syn,"

# --- inside its own pid namespace: pid 1 there
pidns=$(sim_in_pidns "$SIM_MINER_BIN" -o "127.0.0.1:$PORT" -u sim-pidns --throttle 5 --max-seconds 60)
check "pid-namespace miner is pid 1 inside (NSpid)" wait_until 3 eval "grep -Eq '^NSpid:[[:space:]]+${pidns}[[:space:]]+1$' /proc/$pidns/status"
check_contains "ps inside the namespace lists it as pid 1" "$(nsenter -t "$pidns" -p -m ps -o pid=,comm= 2>&1)" "1 miner-sim"
check "pid-namespace miner reached the pool" wait_until 10 sim_pool_saw "$POOL_LOG" login sim-pidns

# --- in a container-like sandbox: own net/pid/mount/uts namespaces and a docker-style cgroup
CT=mrsimct$$
sim_netns_create "$CT"
SIM_NETNS=$CT sim_pool 3333 "$SIM_DIR/pool-ct.log" >/dev/null
ct=$(sim_in_container "$CT" "$SIM_MINER_BIN" -o 127.0.0.1:3333 -u sim-container --throttle 5 --max-seconds 60)
check "container miner's cgroup path carries a 64-hex container id" \
    wait_until 3 grep -Eq '^0::/.*docker-[0-9a-f]{64}\.scope$' "/proc/$ct/cgroup"
check "container miner is pid 1 in its pid namespace" grep -Eq "^NSpid:[[:space:]]+${ct}[[:space:]]+1$" "/proc/$ct/status"
check "container has its own hostname" test "$(nsenter -t "$ct" -u hostname)" = "$CT"
check "container miner reached the pool inside the container" wait_until 10 sim_pool_saw "$SIM_DIR/pool-ct.log" login sim-container

# --- robustness and self-termination
garbage_reply=$(timeout 5 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'
    printf "not json\n{\"method\":\n\x00\xff{}}}]\n{\"id\":7,\"method\":\"login\",\"params\":{\"login\":\"sim-after-garbage\"}}\n" >&3
    timeout 2 cat <&3' 2>/dev/null)
check_contains "pool answers garbage with a parse error" "$garbage_reply" '"message":"Parse error"'
check_contains "pool still serves a login after garbage" "$garbage_reply" '"job_id"'
timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; head -c 100000 /dev/zero | tr "\0" "a" >&3; sleep 0.5' 2>/dev/null
check "pool survives a 100 KB line without newline" alive "$POOL_PID"
check "pool drops the client with the oversized line" grep -q 'reason=line-too-long' "$POOL_LOG"
short=$(sim_miner -o "127.0.0.1:$PORT" -u sim-short --throttle 5 --max-seconds 2)
check "miner exits by itself after --max-seconds" wait_until 8 dead "$short"
check "pool exits by itself after --max-seconds" eval "timeout 10 '$SIM_POOL_BIN' --port 0 --max-seconds 1 >/dev/null"
err=$("$SIM_MINER_BIN" --throttle 20 2>&1); rc=$?
check "miner without a pool refuses to start (exit 2)" test "$rc" = 2
check_contains "and says why" "$err" "no pool"
echo '{"pools": [' >"$SIM_DIR/bad.json"
err=$("$SIM_MINER_BIN" -c "$SIM_DIR/bad.json" 2>&1)
check_contains "a broken config is named in the error" "$err" "$SIM_DIR/bad.json"

# --- cleanup leaves no namespace behind
sim_netns_delete "$NS"
sim_netns_delete "$CT"
check "network namespaces deleted" eval "! ip netns list | grep -qw -e $NS -e $CT"
check "no miner of ours is left in the deleted namespace" wait_until 3 dead "$nsminer"

finish
