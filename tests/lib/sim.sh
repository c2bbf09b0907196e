# shellcheck shell=bash
# Source after harness.sh: start the miner simulator and the loopback stratum pool, in network and
# pid namespaces when asked, and clean all of it up at exit. Never a real miner or a real pool.
#
#   port=$(sim_free_port); sim_pool "$port" "$log"          # pool on 127.0.0.1:port, waits until up
#   pid=$(sim_miner -o "stratum+tcp://127.0.0.1:$port" -u W --throttle 30)
#   sim_wait_connected "$pid" "$port"; wait_until 10 sim_pool_saw "$log" login W
#   SIM_NETNS=name sim_pool ... / SIM_NETNS=name sim_miner ...   (inside `ip netns exec name`)
#   pid=$(sim_in_pidns "$SIM_MINER_BIN" -o ...)                   (host pid of the ns's pid 1)
#
# Every function may be called inside $(...): pids, namespaces and copies are recorded in a state
# directory, not only in shell variables, so the EXIT trap finds them either way.

[ -n "${_SIM_LOADED:-}" ] && return 0
_SIM_LOADED=1
SIM_BIN_DIR=${SIM_BIN_DIR:-$MR_BUILD/tests/sim}
SIM_MINER_BIN=${SIM_MINER_BIN:-$SIM_BIN_DIR/miner-sim}
SIM_POOL_BIN=${SIM_POOL_BIN:-$SIM_BIN_DIR/stratum-pool}
SIM_DIR=$(mktemp -d /tmp/mr-sim.XXXXXX)
: >"$SIM_DIR/pids"; : >"$SIM_DIR/netns"; : >"$SIM_DIR/files"; : >"$SIM_DIR/dirs"; : >"$SIM_DIR/cgroups"

# Start time (clock ticks since boot) of a pid: cleanup kills a recorded pid only if it is still
# the same process, never one that reused the number (pid_max is 32768 here, and the machine is
# shared). That is why these pids are not given to the harness's blind `track`.
_sim_start_time() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }

_sim_track() {
    echo "$1 $(_sim_start_time "$1")" >>"$SIM_DIR/pids"
}

_sim_cleanup() {
    local p n f
    cleanup_children
    # an EXIT trap another library set before us still runs
    if [ -n "$_SIM_PREV_TRAP" ] && [ "$_SIM_PREV_TRAP" != cleanup_children ]; then eval "$_SIM_PREV_TRAP"; fi
    while read -r p n; do
        [ -n "$p" ] && [ "$(_sim_start_time "$p")" = "$n" ] && kill -9 "$p" 2>/dev/null
    done <"$SIM_DIR/pids"
    while read -r n; do [ -n "$n" ] && sim_netns_delete "$n"; done <"$SIM_DIR/netns"
    while read -r f; do [ -n "$f" ] && rm -f -- "$f"; done <"$SIM_DIR/files"
    # a cgroup can be removed once its killed processes are gone; then its parent if empty
    while read -r f; do
        [ -n "$f" ] && wait_until 3 rmdir -- "$f" 2>/dev/null
        rmdir -- "$(dirname "$f")" 2>/dev/null
    done <"$SIM_DIR/cgroups"
    while read -r f; do [ -n "$f" ] && rmdir -- "$f" 2>/dev/null; done <"$SIM_DIR/dirs"
    if [ -n "${MR_ARTIFACTS:-}" ] && [ -d "$MR_ARTIFACTS" ]; then
        mkdir -p "$MR_ARTIFACTS/sim-$SUITE" && cp "$SIM_DIR"/*.log "$MR_ARTIFACTS/sim-$SUITE/" 2>/dev/null
    fi
    rm -rf "$SIM_DIR"
    return 0
}
# The cgroups containment made (frozen-*, isolated-*): rmdir takes only the empty ones, i.e.
# those whose processes are gone. For a suite's restore, after _sim_cleanup killed its processes.
sim_remove_contain_cgroups() {
    sleep 0.5
    rmdir /sys/fs/cgroup/*/miningrisk/frozen-* /sys/fs/cgroup/*/miningrisk/isolated-* \
          /sys/fs/cgroup/miningrisk/frozen-* /sys/fs/cgroup/miningrisk/isolated-* 2>/dev/null
    return 0
}
_SIM_PREV_TRAP=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT\$/\1/")
trap _sim_cleanup EXIT
# A suite killed by timeout (SIGTERM) or ^C must still clean up: make those signals run EXIT.
for _sig in TERM INT HUP; do
    [ -z "$(trap -p "$_sig")" ] && trap "exit 143" "$_sig"
done

# A TCP port no socket uses, below the kernel's ephemeral range (a port some client got from
# connect() cannot be bound even with SO_REUSEADDR).
sim_free_port() {
    local p low
    low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
    [ "${low:-0}" -gt 21000 ] || low=32768
    for _ in $(seq 1 50); do
        p=$((20000 + RANDOM % (low - 20000)))
        ss -tanH "( sport = :$p or dport = :$p )" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
    done
    return 1
}

# _sim_spawn BIN ARGS...: starts BIN in the background, inside $SIM_NETNS and/or a fresh pid
# namespace when SIM_PIDNS=1, at nice $SIM_NICE when set; output to $SIM_DIR/*.log. Sets
# SIM_PID/SIM_OUT, echoes the pid of the program itself (for a pid namespace, its host pid: it is
# pid 1 inside).
_sim_spawn() {
    local prefix=() n launcher child
    [ -n "${SIM_NETNS:-}" ] && prefix+=(ip netns exec "$SIM_NETNS")
    [ "${SIM_PIDNS:-0}" = 1 ] && prefix+=(unshare --pid --fork --mount-proc --kill-child)
    [ -n "${SIM_NICE:-}" ] && prefix+=(nice -n "$SIM_NICE")
    n=$(ls "$SIM_DIR" | wc -l)
    SIM_OUT=$SIM_DIR/$(basename "$1")-$n.log
    : >"$SIM_OUT"
    "${prefix[@]}" "$@" </dev/null >"$SIM_OUT" 2>&1 &
    launcher=$!
    disown "$launcher" 2>/dev/null  # no "Killed" job notices when cleanup kills it
    _sim_track "$launcher"
    SIM_PID=$launcher
    if [ "${SIM_PIDNS:-0}" = 1 ]; then
        child=
        for _ in $(seq 1 50); do
            child=$(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null | awk '{print $1}')
            [ -n "$child" ] && break
            sleep 0.1
        done
        [ -z "$child" ] && { echo "sim: no child in pid namespace (see $SIM_OUT)" >&2; return 1; }
        _sim_track "$child"
        SIM_PID=$child
    fi
    echo "$SIM_PID"
}

# sim_pool PORT [LOGFILE]: a pool on ${SIM_POOL_ADDR:-127.0.0.1}:PORT; returns once it listens.
# SIM_POOL_LOG/SIM_PID name its log (one line per login/authorize/submit with user=...) and pid;
# inside $(...) those variables are lost, so pass LOGFILE there.
sim_pool() {
    local port=$1
    SIM_POOL_LOG=${2:-$SIM_DIR/pool-$port.log}
    _sim_spawn "$SIM_POOL_BIN" --listen "${SIM_POOL_ADDR:-127.0.0.1}" --port "$port" \
        --log "$SIM_POOL_LOG" --max-seconds "${SIM_MAX_SECONDS:-600}" >/dev/null || return 1
    if ! wait_until 5 grep -q 'listening on' "$SIM_OUT" || ! kill -0 "$SIM_PID" 2>/dev/null; then
        echo "sim: pool on port $port did not start: $(cat "$SIM_OUT")" >&2
        return 1
    fi
    echo "$SIM_PID"
}

# sim_miner ARGS...: the simulator with ARGS (see miner-sim --help); echoes its pid.
sim_miner() { _sim_spawn "$SIM_MINER_BIN" "$@"; }

# sim_miner_copy DEST: the simulator binary copied to DEST (removed at exit); echoes DEST.
sim_miner_copy() {
    local dest=$1 dir
    dir=$(dirname "$dest")
    if [ ! -d "$dir" ]; then mkdir -p "$dir" && echo "$dir" >>"$SIM_DIR/dirs"; fi
    cp "$SIM_MINER_BIN" "$dest" && chmod 0755 "$dest" || return 1
    echo "$dest" >>"$SIM_DIR/files"
    echo "$dest"
}

# sim_wait_pidfile FILE [SECONDS]: waits for a daemon's pidfile; tracks and echoes the pid.
sim_wait_pidfile() {
    local f=$1 p
    wait_until "${2:-5}" test -s "$f" || return 1
    p=$(head -c 20 "$f" | tr -dc 0-9)
    [ -n "$p" ] && _sim_track "$p" && echo "$p"
}

# Network namespace with its own loopback up; deleted at exit (and its processes killed).
sim_netns_create() {
    ip netns add "$1" || return 1
    echo "$1" >>"$SIM_DIR/netns"
    ip -n "$1" link set lo up
}
sim_netns_exec() { local n=$1; shift; ip netns exec "$n" "$@"; }
sim_netns_delete() {
    local p
    ip netns list 2>/dev/null | grep -qw "^$1" || return 0
    for p in $(ip netns pids "$1" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
    ip netns delete "$1"
}

# sim_netns_hosts NAME "ADDR HOST..."...: an /etc/hosts that only `ip netns exec NAME` sees, so a
# miner there can name a real pool's domain and still reach the namespace's own loopback pool
# (the namespace has no route out: nothing ever leaves the machine).
sim_netns_hosts() {
    local n=$1
    shift
    # both removed at exit if empty (/etc/netns too: another suite may have made it meanwhile)
    mkdir -p "/etc/netns/$n" && printf '%s\n' "/etc/netns/$n" /etc/netns >>"$SIM_DIR/dirs"
    { echo "127.0.0.1 localhost"; printf '%s\n' "$@"; } >"/etc/netns/$n/hosts"
    echo "/etc/netns/$n/hosts" >>"$SIM_DIR/files"
}

# sim_netns_unreachable NAME [PREFIX]: inside NAME, PREFIX.0/24 (default 10.200.99) is routed into
# the loopback where nothing owns it, so SYNs vanish and a connection to PREFIX.2 stays in
# SYN-SENT ("being set up"). Needs no dummy/veth kernel module.
sim_netns_unreachable() {
    local pre=${2:-10.200.99}
    ip -n "$1" addr add "$pre.1/32" dev lo &&
        ip -n "$1" route add "$pre.0/24" dev lo src "$pre.1"
}

# sim_netns_link A B ADDR_A ADDR_B: a veth pair between namespaces A and B, ADDR_A/24 in A and
# ADDR_B/24 in B. The pair goes away with the namespaces.
sim_netns_link() {
    local a=$1 b=$2 va vb
    va=mrv$RANDOM
    vb=${va}p
    ip -n "$a" link add "$va" type veth peer name "$vb" netns "$b" &&
        ip -n "$a" addr add "$3/24" dev "$va" && ip -n "$b" addr add "$4/24" dev "$vb" &&
        ip -n "$a" link set "$va" up && ip -n "$b" link set "$vb" up
}

# sim_netns_nat ROUTER PREFIX: ROUTER forwards, and what it passes on toward PREFIX.0/24 leaves
# with ROUTER's own address (nftables masquerade), as a host behind NAT reaches a pool on the
# internet: the pool's end of a connection never mirrors the miner's, so a pool in a namespace
# of this machine stands for a remote one (the collector sees both ends of anything on-host).
sim_netns_nat() {
    ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 &&
        ip netns exec "$1" nft add table ip mrsimnat &&
        ip netns exec "$1" nft add chain ip mrsimnat post '{ type nat hook postrouting priority 100; }' &&
        ip netns exec "$1" nft add rule ip mrsimnat post ip daddr "$2.0/24" masquerade
}

# sim_in_pidns BIN ARGS...: BIN as pid 1 of a new pid namespace (with its own /proc); echoes its
# host pid. Combines with SIM_NETNS.
sim_in_pidns() { SIM_PIDNS=1 _sim_spawn "$@"; }

# sim_in_container NAME BIN ARGS...: BIN as pid 1 of a container-like sandbox: its own network
# namespace NAME (created if missing, loopback only), pid, mount and uts namespaces (hostname
# NAME), and a cgroup whose path embeds a 64-hex container id, the way docker/containerd/cri-o
# name theirs (/mrsim.slice/docker-ID.scope in the cgroup2 hierarchy). Echoes the host pid; the
# id is in SIM_CONTAINER_ID (lost inside $(...): read it from /proc/PID/cgroup instead).
sim_in_container() {
    local name=$1 root cg
    shift
    ip netns list 2>/dev/null | grep -qw "^$name" || sim_netns_create "$name" || return 1
    SIM_CONTAINER_ID=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
    root=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
    cg=
    if [ -n "$root" ] && mkdir -p "$root/mrsim.slice/docker-$SIM_CONTAINER_ID.scope" 2>/dev/null; then
        cg=$root/mrsim.slice/docker-$SIM_CONTAINER_ID.scope
        echo "$cg" >>"$SIM_DIR/cgroups"
    else
        echo "sim: no writable cgroup2 hierarchy; container $name has no container id" >&2
    fi
    # shellcheck disable=SC2016  # $0 and $@ belong to the inner shell
    SIM_NETNS=$name SIM_PIDNS=1 _sim_spawn unshare --uts sh -c 'hostname "$0" && exec "$@"' "$name" "$@" >/dev/null ||
        return 1
    # moved from the host: inside, `ip netns exec` has its own /sys without the cgroup mounts
    [ -n "$cg" ] && echo "$SIM_PID" >"$cg/cgroup.procs"
    echo "$SIM_PID"
}

# sim_connected PID PORT: PID holds an ESTABLISHED TCP connection to remote PORT (read from the
# process's own /proc/PID/net, so it works whatever namespace the process is in).
sim_connected() {
    local pid=$1 port inodes
    port=$(printf '%04X' "$2")
    inodes=$(ls -l "/proc/$pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p' | tr '\n' ' ')
    [ -n "$inodes" ] || return 1
    cat "/proc/$pid/net/tcp" "/proc/$pid/net/tcp6" 2>/dev/null |
        awk -v port="$port" -v inodes=" $inodes" '
            $4 == "01" { split($3, r, ":"); if (r[2] == port && index(inodes, " " $10 " ")) found = 1 }
            END { exit !found }'
}
# sim_wait_connected PID PORT [SECONDS]
sim_wait_connected() { wait_until "${3:-10}" sim_connected "$1" "$2"; }

# sim_pool_saw LOGFILE EVENT USER: the pool logged EVENT (login, authorize, submit) for USER.
sim_pool_saw() { grep -q " $2 dialect=[a-z]* user=$3 " "$1" 2>/dev/null; }

# sim_cpu PID [SECONDS]: cores used by PID over SECONDS (utime+stime from /proc/PID/stat).
sim_cpu() {
    local pid=$1 secs=${2:-2} a b hz
    hz=$(getconf CLK_TCK)
    a=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || return 1
    sleep "$secs"
    b=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || return 1
    [ -n "$a" ] && [ -n "$b" ] || return 1
    awk -v a="$a" -v b="$b" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.2f\n", (b - a) / hz / s }'
}

# sim_runnable PID [SECONDS]: average number of PID's threads that are running or waiting for a
# CPU (state R), sampled every 20 ms: what the process asks for, whatever else loads the machine.
sim_runnable() {
    local pid=$1 secs=${2:-2} tasks t line r=0 n=0 i
    tasks=$(ls "/proc/$pid/task" 2>/dev/null) || return 1
    for ((i = 0; i < secs * 50; i++)); do
        for t in $tasks; do
            read -r line <"/proc/$pid/task/$t/stat" || continue
            line=${line##*) }
            [ "${line:0:1}" = R ] && r=$((r + 1))
        done 2>/dev/null
        n=$((n + 1))
        sleep 0.02
    done
    awk -v r="$r" -v n="$n" 'BEGIN { printf "%.2f\n", r / n }'
}

# sim_alive PID: running (a killed but not yet reaped zombie does not count).
sim_alive() {
    local st
    st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# sim_lt X Y / sim_gt X Y: float comparisons for check.
sim_lt() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x < y) }'; }
sim_gt() { awk -v x="$1" -v y="$2" 'BEGIN { exit !(x > y) }'; }
