#!/usr/bin/env bash
# Detection end to end: each way real campaigns hide a miner (issue 3) is played by the miner
# simulator against a loopback pool, then ONE run of miningrisk-client (--dry-run) must report
# that process in the expected colour with the signals an on-call engineer needs to see.
# Loopback and our own namespaces only; the host's /etc is never written.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/sim.sh"
source "$(dirname "$0")/../lib/findings.sh"

for bin in "$SIM_MINER_BIN" "$SIM_POOL_BIN" "$MR_CLIENT_BIN"; do
    if [ ! -x "$bin" ]; then
        not_ok "built: $bin (make -j2 BUILD=$BUILD $bin)"
        finish; exit
    fi
done
[ "$(id -u)" = 0 ] || { not_ok "runs as root (namespaces, cgroups)"; finish; exit; }

W_XMR=49SimXmrLoginTestWa11etAbcdefghijkmnopqrstuvwxyz123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefgh
# Miners whose case is not about CPU burn little of it: the machine is shared.
LOW=(-t 1 --throttle 10 --share-interval 2 --max-seconds 150)
HIDE=/dev/shm/.mr-ev$$            # hidden dir in a temp fs, as Kinsing uses /dev/shm/.x
PLAIN_DIR=/run/mr-ev$$            # neither temp nor hidden: only the deletion is odd there
NS=mrev$$                         # netns for the miner-port, domain and SYN_SENT cases
CT=mrevct$$                       # container
POOLNS=mrevpl$$                   # the "remote" pool of those: another namespace,
ROUTER=mrevrt$$                   # reached through a NAT router namespace, over veth pairs
POOL_NS_ADDR=10.204.0.1           # the pool, as NS and the container see it
POOL_CT_ADDR=$POOL_NS_ADDR

# --- pools: one unlisted, one listed in a test-only IOC (a copy of the shipped rules)
PORT=$(sim_free_port)
sim_pool "$PORT" "$SIM_DIR/pool.log" >/dev/null || { not_ok "loopback pool starts"; finish; exit; }
PORT_L=$(sim_free_port)
while [ "$PORT_L" = "$PORT" ]; do PORT_L=$(sim_free_port); done
sim_pool "$PORT_L" "$SIM_DIR/pool-listed.log" >/dev/null || { not_ok "listed pool starts"; finish; exit; }
RULES=$SIM_DIR/rules
cp -r "$MR_ROOT/client-tests/share/rules" "$RULES"
echo "127.0.0.1:$PORT_L           # test-only: tests/e2e/30-detection.sh loopback pool" >>"$RULES/pool-addresses.txt"

# A pool on this host is a local service (no miner_port evidence), whether in the miner's own
# namespace or another: the pool of these cases lives in a namespace behind a NAT router, so
# that, as for a pool on the internet, its end of a connection does not mirror the miner's.
sim_netns_create "$NS"
sim_netns_create "$CT"
sim_netns_create "$POOLNS"
sim_netns_create "$ROUTER"
{ sim_netns_link "$NS" "$ROUTER" 10.203.0.2 10.203.0.1 &&
    sim_netns_link "$CT" "$ROUTER" 10.203.1.2 10.203.1.1 &&
    sim_netns_link "$ROUTER" "$POOLNS" 10.204.0.254 "$POOL_NS_ADDR" &&
    ip -n "$NS" route add 10.204.0.0/24 via 10.203.0.1 &&
    ip -n "$CT" route add 10.204.0.0/24 via 10.203.1.1 &&
    sim_netns_nat "$ROUTER" 10.204.0; } || not_ok "miners reach the pool namespace through a NAT router"
SIM_NETNS=$POOLNS SIM_POOL_ADDR=0.0.0.0 sim_pool 3333 "$SIM_DIR/pool-ns.log" >/dev/null || not_ok "netns pool starts"
sim_netns_hosts "$NS" "$POOL_NS_ADDR pool.supportxmr.com"
sim_netns_unreachable "$NS" 203.0.113          # 203.0.113.0/24 is in the shipped pool-addresses.txt

# --- the cases, all running at once
# 1. plain xmrig-like command line
plain=$(sim_miner -o "stratum+tcp://127.0.0.1:$PORT" -u "$W_XMR" -p x -a rx/0 --donate-level 1 "${LOW[@]}")
# 2. renamed kdevtmpfsi, run from a hidden dir in /dev/shm; argv rewritten to the name alone
copy=$(sim_miner_copy "$HIDE/kdevtmpfsi")
kdev=$(SIM_MINER_BIN=$copy sim_miner --rename kdevtmpfsi -o "127.0.0.1:$PORT" -u sim-kdev "${LOW[@]}")
# 3. kswapd0 as a user process (Outlaw)
kswapd=$(sim_miner --rename kswapd0 -o "127.0.0.1:$PORT" -u sim-kswapd "${LOW[@]}")
# 4. binary deleted after start, argv rewritten: only /proc/PID/exe is left
copy=$(sim_miner_copy "$PLAIN_DIR/netlogd")
gone=$(SIM_MINER_BIN=$copy sim_miner --delete-self --rename netlogd -o "127.0.0.1:$PORT" -u sim-deleted "${LOW[@]}")
# 5. fileless: re-executed from a memfd, named like kthreadd
mem=$(sim_miner --memfd --rename kthreadd -o "127.0.0.1:$PORT" -u sim-memfd "${LOW[@]}")
# 6. argv[0] and comm faked as a kernel thread
kw=$(sim_miner --rename '[kworker/0:1]' -o "127.0.0.1:$PORT" -u sim-kworker "${LOW[@]}")
# 7. configured by a JSON file: nothing on argv; pool on a miner port (netns) / on a listed address
cfg_json() {  # URL USER
    cat <<EOF
{ "autosave": true, "cpu": { "enabled": true, "threads": 1, "throttle": 10 }, "donate-level": 1,
  "pools": [ { "url": "$1", "user": "$2", "pass": "x", "keepalive": true } ], "max-seconds": 150 }
EOF
}
cfg_json "stratum+tcp://$POOL_NS_ADDR:3333" sim-cfg-port >"$SIM_DIR/cfg-port.json"
cfg_json "stratum+tcp://127.0.0.1:$PORT_L" sim-cfg-listed >"$SIM_DIR/cfg-listed.json"
cfgport=$(SIM_NETNS=$NS sim_miner -c "$SIM_DIR/cfg-port.json")
cfglisted=$(sim_miner -c "$SIM_DIR/cfg-listed.json")
# 8. throttled to 30% of a core
slow=$(sim_miner -o "stratum+tcp://127.0.0.1:$PORT" -u sim-throttled -t 1 --throttle 30 --max-seconds 150)
# 9. in a container: own net, pid, mount and uts namespaces, docker-style cgroup
ct=$(sim_in_container "$CT" "$SIM_MINER_BIN" -o "stratum+tcp://$POOL_CT_ADDR:3333" -u sim-container "${LOW[@]}")
# 10. a listed pool DOMAIN on argv, resolved by the netns's own hosts file to its loopback pool
dom=$(SIM_NETNS=$NS sim_miner --pool pool.supportxmr.com:3333 -u sim-domain "${LOW[@]}")
# 11. a listed pool ADDRESS that never answers (SYN_SENT); argv rewritten so only the socket tells
syn=$(SIM_NETNS=$NS sim_miner --rename syncd -o 203.0.113.2:14444 -u sim-syn "${LOW[@]}")
# 12. a dropper with a base64-encoded stratum URL on its command line
B64=$(printf 'stratum+tcp://pool.example.net:3333' | base64 -w0)
b64=$(_sim_spawn perl -e 'sleep 150' -- "$B64")
# 13. LD_PRELOAD of a library in a hidden temp dir, on a process using some CPU (the client reads
# the environment of busy or odd processes only); the ld.so error about the missing file is harmless
pre=$(_sim_spawn env LD_PRELOAD="$HIDE/libprocesshider.so" perl -MTime::HiRes=time,sleep \
    -e 'my $end = time + 150; while (time < $end) { my $t = time + 0.02; 1 while time < $t; sleep 0.03 }')

# --- wait until they are all where the case needs them
ready=1
for pair in "$plain:$PORT" "$kdev:$PORT" "$kswapd:$PORT" "$gone:$PORT" "$mem:$PORT" "$kw:$PORT" \
    "$cfgport:3333" "$cfglisted:$PORT_L" "$slow:$PORT" "$ct:3333" "$dom:3333"; do
    sim_wait_connected "${pair%%:*}" "${pair##*:}" 15 || { ready=0; echo "# pid ${pair%%:*} never connected to :${pair##*:}"; }
done
check "every simulated miner is connected to its pool" test $ready = 1
check "the unreachable-pool miner is in SYN-SENT" \
    wait_until 10 eval "ip netns exec $NS ss -tnpH state syn-sent | grep -q 'pid=$syn,'"
check "the deleted binary is gone from disk" test ! -e "$PLAIN_DIR/netlogd"
# The simulator gives up a connect after 3 s and retries 1 s later, so a SYN_SENT socket exists
# 3 s out of 4: start the scan (sockets are read ~1.6 s in) right after a fresh attempt.
syn_port() { ip netns exec "$NS" ss -tnpH state syn-sent 2>/dev/null | awk -v p="pid=$syn," 'index($0, p) { print $3; exit }'; }
first=$(syn_port)
fresh_syn() { local now; now=$(syn_port); [ -n "$now" ] && [ "$now" != "$first" ]; }
for _ in $(seq 1 60); do fresh_syn && break; sleep 0.1; done   # 0.1 s steps: the window is short

mr_scan --rules "$RULES"
rc=$?
check "miningrisk-client --dry-run exits 0 (stderr: $(head -c 300 "$MR_SCAN_DIR/stderr.txt"))" test "$rc" = 0
check_contains "the message is a client/miningrisk message" "$(head -1 "$MR_SCAN_OUT")" "client/miningrisk "
check "host colour is red" test "$(host_color)" = red

# 1
expect_finding "plain xmrig-like miner" "$plain" red stratum_url algo_pool_flags miner_flag
check "plain miner: pool is 127.0.0.1:$PORT" test "$(finding_field "$plain" pool)" = "127.0.0.1:$PORT"
check "plain miner: user root named" test "$(finding_field "$plain" user)" = root
check "plain miner: exe is the binary" test "$(finding_field "$plain" exe)" = "$SIM_MINER_BIN"
check_contains "plain miner: argv shown" "$(finding_field "$plain" argv)" "-a rx/0 --donate-level 1"
check_contains "plain miner: evidence names the URL" "$(signal_evidence "$plain" stratum_url)" "stratum+tcp://127.0.0.1:$PORT"
# 2, 3
expect_finding "renamed kdevtmpfsi in /dev/shm/.x" "$kdev" red miner_name exe_in_tempdir
check "kdevtmpfsi: exe path shown" test "$(finding_field "$kdev" exe)" = "$HIDE/kdevtmpfsi"
expect_finding "kswapd0 as a user process" "$kswapd" red miner_name
# 4
expect_finding "deleted after start" "$gone" red exe_deleted binary_marker
check_contains "deleted: exe shows (deleted)" "$(finding_field "$gone" exe)" "$PLAIN_DIR/netlogd (deleted)"
check "deleted: sha256 of the deleted binary reported" \
    test "$(finding_field "$gone" sha256)" = "$(sha256sum "$SIM_MINER_BIN" | cut -d' ' -f1)"
# 5
expect_finding "fileless memfd named kthreadd" "$mem" red exe_memfd fake_kernel_thread
check_contains "memfd: exe is the memfd" "$(finding_field "$mem" exe)" "/memfd:"
# 6
expect_finding "argv[0] faked as [kworker/0:1]" "$kw" red fake_kernel_thread binary_marker
check "fake kworker: comm shown" test "$(finding_field "$kw" comm)" = "[kworker/0:1]"
# 7
expect_finding "config file, pool on a miner port (at least yellow)" "$cfgport" yellow+ miner_port
check "config file: argv has no pool (the case is real)" \
    eval "! tr '\0' ' ' </proc/$cfgport/cmdline | grep -q $POOL_NS_ADDR"
check "config file: pool shown as $POOL_NS_ADDR:3333" test "$(finding_field "$cfgport" pool)" = "$POOL_NS_ADDR:3333"
echo "# config-file miner on a miner port: $(finding_summary "$cfgport")"
expect_finding "config file, pool address listed" "$cfglisted" red pool_connection
check "config file listed: pool is 127.0.0.1:$PORT_L" test "$(finding_field "$cfglisted" pool)" = "127.0.0.1:$PORT_L"
# 8
expect_finding "throttled to 30% of a core" "$slow" red stratum_url
check "throttled: reported cores below 0.6 ($(finding_field "$slow" cores))" sim_lt "$(finding_field "$slow" cores)" 0.6
# 9
ctid=$(grep -Eo 'docker-[0-9a-f]{64}' "/proc/$ct/cgroup" | head -1)
ctid=${ctid#docker-}
expect_finding "miner in a container (own net+pid ns)" "$ct" red stratum_url miner_port
check "container: its socket in the other netns is mapped to it (pool $POOL_CT_ADDR:3333)" \
    test "$(finding_field "$ct" pool)" = "$POOL_CT_ADDR:3333"
check "container: container id reported (${ctid:0:12}...)" test -n "$ctid" -a "$(finding_field "$ct" container)" = "$ctid"
# 10
expect_finding "listed pool domain on argv" "$dom" red pool_domain_arg
check_contains "domain: evidence names pool.supportxmr.com" "$(signal_evidence "$dom" pool_domain_arg)" "pool.supportxmr.com"
# 11
expect_finding "SYN_SENT to a listed pool address" "$syn" red pool_connection
check_contains "SYN_SENT: evidence says so" "$(signal_evidence "$syn" pool_connection)" "203.0.113.2:14444 SYN_SENT"
# 12
expect_finding "base64 stratum URL on argv" "$b64" red stratum_url_base64
check_contains "base64: evidence shows the decoded URL" "$(signal_evidence "$b64" stratum_url_base64)" "stratum+tcp://pool.example.net:3333"
# 13
expect_finding "LD_PRELOAD from a hidden temp dir (busy process)" "$pre" yellow ld_preload_env
check_contains "LD_PRELOAD: evidence names the library" "$(signal_evidence "$pre" ld_preload_env)" "$HIDE/libprocesshider.so"

# --- 14. /etc/ld.so.preload: only inside a private mount namespace, over an overlay of /etc, so
# the host's /etc is never written; the client run there sees the file, nothing else does.
if [ -e /etc/ld.so.preload ]; then
    echo "# skip /etc/ld.so.preload case: this host already has one"
else
    OVL=$(mktemp -d /dev/shm/mr-ev-etc.XXXXXX)
    mkdir -p "$OVL/upper" "$OVL/work"
    cat >"$OVL/wrap.sh" <<EOF
#!/bin/sh
# in a private mount namespace: /etc overlaid, ld.so.preload added, then the client
exec unshare --mount --propagation private sh -c '
    mount -t overlay overlay -o lowerdir=/etc,upperdir=$OVL/upper,workdir=$OVL/work /etc &&
    echo /usr/local/lib/.cache/libprocesshider.so >/etc/ld.so.preload && exec "\$@"' wrap "\$@"
EOF
    chmod +x "$OVL/wrap.sh"
    if unshare --mount --propagation private sh -c \
        "mount -t overlay overlay -o lowerdir=/etc,upperdir=$OVL/upper,workdir=$OVL/work /etc" 2>/dev/null; then
        rm -rf "$OVL/upper" "$OVL/work"; mkdir -p "$OVL/upper" "$OVL/work"
        MR_SCAN_WRAP=$OVL/wrap.sh mr_scan --rules "$RULES"
        expect_finding "/etc/ld.so.preload loading a hidden library (host finding)" 0 red ld_so_preload
        check_contains "ld.so.preload: evidence names the library" "$(signal_evidence 0 ld_so_preload)" "libprocesshider.so"
        check "the host's own /etc/ld.so.preload was never created" test ! -e /etc/ld.so.preload
    else
        echo "# skip /etc/ld.so.preload case: no overlay mount in a private namespace here"
    fi
    rm -rf "$OVL"
fi

finish
