#!/usr/bin/env bash
# Containment with two keys (issue 11, part 2) on the real server and the installed client as
# user xymon: the simulator's miner and a legit busy process share one parent. Both keys on: after
# two red cycles only the miner's tree is frozen (its own cgroup, frozen, no CPU time gained), the
# busy sibling keeps running, `kill -CONT` does not resume the miner, thaw does, and a thaw by hand
# holds (the next cycle does not freeze again; column and incident timeline say so). One key off, or
# the server's CONTAIN observe: nothing happens and the column says why. The rails refuse pid 1,
# sshd, a package-owned binary and a pid whose identity changed.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
source "$(dirname "$0")/../lib/sim.sh"

CLIENT=/usr/lib/xymon/client/ext/miningrisk-client
HELPER=/usr/lib/xymon/client/ext/miningrisk-contain
POLICY=/etc/xymon/miningrisk.cfg
EVIDENCE=/var/lib/xymon/miningrisk/evidence
[ "$(id -u)" = 0 ] || { not_ok "runs as root"; finish; exit; }
TMPD=$(mktemp -d /tmp/mr-contain.XXXXXX)
chmod 755 "$TMPD"
cp -p "$POLICY" "$TMPD/policy.orig" 2>/dev/null || : >"$TMPD/policy.orig"
restore() {
    cp -p "$TMPD/policy.orig" "$POLICY"
    rm -rf "$EVIDENCE"/e2e-contain*
    rm -rf "$TMPD"
    _sim_cleanup
    # the frozen cgroups of this suite's processes, once they are gone
    sim_remove_contain_cgroups
    return 0
}
trap restore EXIT

xymon_up
for h in e2e-contain e2e-contain-nokey e2e-contain-nopol e2e-contain-obs; do xymon_add_host "$h"; done
cat >>"$POLICY" <<'P'
# --- tests/e2e/37-contain.sh (removed at its end)
HOST=e2e-contain,e2e-contain-nokey
	CONTAIN freeze
HOST=e2e-contain-obs
	CONTAIN observe
P
sleep 6   # the worker looks at the policy's mtime every 5 s

# A parent with two children: the miner (renamed, deleted after start, pool in its own netns)
# and a legit busy process.
NS=mrct$$
sim_netns_create "$NS"
PORT=$(sim_free_port)
SIM_NETNS=$NS sim_pool "$PORT" "$SIM_DIR/pool.log" >/dev/null || { not_ok "pool starts"; finish; exit; }
BIN=$(sim_miner_copy "/run/mr-ct$$/netlogd")
BUSY='my $e = time + 300; while (time < $e) { for (1..100000) {} }'
parent=$(SIM_NETNS=$NS _sim_spawn bash -c "'$BIN' --delete-self --rename netlogd -o stratum+tcp://127.0.0.1:$PORT -u W -t 1 --throttle 40 --max-seconds 300 & perl -e '$BUSY' & wait")
kids=""
for _ in $(seq 1 50); do kids=$(cat /proc/"$parent"/task/*/children 2>/dev/null); [ "$(echo $kids | wc -w)" -ge 2 ] && break; sleep 0.1; done
miner="" busy=""
for k in $kids; do
    case "$(cat /proc/$k/comm)" in netlogd) miner=$k ;; perl) busy=$k ;; esac
done
for k in $miner $busy; do _sim_track "$k"; done
check "the miner ($miner) and the busy sibling ($busy) share parent $parent" test -n "$miner" -a -n "$busy"
check "the miner is connected to its pool" sim_wait_connected "$miner" "$PORT" 15

cycle() {  # cycle HOST CONTAIN-MODE
    local d=$TMPD/$1
    mkdir -p "$d" && chown xymon "$d"
    # contain_only: this machine is shared, never touch another suite's red processes
    printf 'sample_seconds = 1\npools_config =\ncontain = %s\ncontain_only = /run/mr-ct%s/\n' "$2" "$$" >"$d/client.cfg"
    su -s /bin/bash xymon -c "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=$d $CLIENT --config $d/client.cfg --host $1 --timeout 30" \
        >>"$d/out" 2>>"$d/log"
}
in_frozen_cgroup() { grep -q "/miningrisk/frozen-$1-" "/proc/$1/cgroup" 2>/dev/null; }
board_msg() { xq "xymondboard host=^$1\$ test=^miningrisk\$ fields=msg" 2>/dev/null; }
cpu() { sim_cpu "$1" 2; }

# --- one key off each, and observe: two cycles, nothing happens, the column says why
cycle e2e-contain-nokey off; cycle e2e-contain-nokey off
cycle e2e-contain-nopol freeze; cycle e2e-contain-nopol freeze
cycle e2e-contain-obs freeze; cycle e2e-contain-obs freeze
check "with one key off or observe the miner is not frozen" bash -c "! grep -q /miningrisk/ /proc/$miner/cgroup"
c=$(cpu "$miner")
check "and keeps using CPU ($c cores)" sim_gt "$c" 0.1
check "client key off: the column says why" wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^e2e-contain-nokey\$ test=^miningrisk\$ fields=msg' | grep -q 'client config says contain = off'"
check "server key off: the column says why" wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^e2e-contain-nopol\$ test=^miningrisk\$ fields=msg' | grep -q 'server policy has no CONTAIN'"
check "observe: the column shows the plan, nothing done" wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^e2e-contain-obs\$ test=^miningrisk\$ fields=msg' | grep -q 'observe (dry run): would freeze'"
check_contains "the worker published both hosts' CONTAIN" "$(xq 'config miningrisk-contain.cfg')" "host=e2e-contain-obs contain=observe"

# --- both keys on
cycle e2e-contain freeze
check "after one red cycle nothing is frozen yet" eval "! in_frozen_cgroup $miner"
check "its evidence snapshot was taken first" test -n "$(ls -d "$EVIDENCE"/e2e-contain-*-"$miner" 2>/dev/null | head -1)"
cycle e2e-contain freeze
check_contains "the second red cycle freezes it (log)" "$(cat "$TMPD/e2e-contain/log")" "containment: pid $miner (netlogd): freeze done"
check "the miner is in a cgroup of its own" in_frozen_cgroup "$miner"
cg=$(sed -n 's/^0:://p' "/proc/$miner/cgroup")
root2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
check "that cgroup is frozen (cgroup.events: frozen 1)" grep -q '^frozen 1' "$root2$cg/cgroup.events"
check "the busy sibling is not in it" eval "! in_frozen_cgroup $busy"
a=$(cpu "$miner")
check "the miner gains no CPU time ($a cores)" test "$a" = 0.00
b=$(sim_runnable "$busy" 2)
check "the busy sibling keeps running (wants a CPU $b of the time, whatever the load)" sim_gt "$b" 0.5
check "the parent service is untouched" bash -c "! grep -q /miningrisk/ /proc/$parent/cgroup"
kill -CONT "$miner"
a=$(cpu "$miner")
check "kill -CONT does not resume it ($a cores)" test "$a" = 0.00
check "the column shows the freeze with its method" \
    wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^e2e-contain\$ test=^miningrisk\$ fields=msg' | grep -q 'cgroup2'"
cycle e2e-contain freeze
check "a third cycle does not act again (one freeze in the log)" test "$(grep -c "freeze done" "$TMPD/e2e-contain/log")" = 1
check "nothing but the miner was frozen" test "$(grep "freeze done" "$TMPD/e2e-contain/log" | grep -vc "pid $miner ")" = 0
out=$(su -s /bin/bash xymon -c "XYMONTMP=$TMPD/e2e-contain $CLIENT --config $TMPD/e2e-contain/client.cfg --host e2e-contain --thaw $miner" 2>&1)
check_contains "miningrisk-client --thaw PID thaws it" "$out" "result=done"
a=$(cpu "$miner")
check "after the thaw it runs again ($a cores)" sim_gt "$a" 0.05
# A person's thaw holds: the policy does not freeze again what someone on the host let go.
cycle e2e-contain freeze
check "the next red cycle does not freeze it again (one freeze in the log)" test "$(grep -c "freeze done" "$TMPD/e2e-contain/log")" = 1
a=$(cpu "$miner")
check "and it keeps running ($a cores)" sim_gt "$a" 0.05
check "the column's containment table shows the thaw, done by hand" wait_until 20 bash -c \
    "$(declare -f board_msg xq); XYMON=$XYMON; board_msg e2e-contain | grep -q '<td>thaw</td><td>done</td>.*<td>hand</td>'"
check "the incident's timeline says it was thawed by hand on the host" wait_until 10 bash -c \
    "grep -q 'kind=contain_thaw text=thaw%20of%20netlogd%20(pid%20$miner)%20by%20hand%20on%20the%20host:%20done' /var/lib/xymon/miningrisk/incidents/e2e-contain-*.state"

# --- the rails, through sudo as xymon
helper() {  # helper PID [START]
    local st=${2:-$(sed 's/.*) //' /proc/$1/stat | awk '{print $20}')}
    su -s /bin/sh xymon -c "sudo -n $HELPER --action freeze --pid $1 --start $st --sha256 - --exe-dev 0 --exe-ino 0" 2>&1
}
check_contains "the rails refuse pid 1" "$(helper 1)" "never%20pid%201"
mkdir -p "/run/mr-ct$$/s" && cp /bin/sleep "/run/mr-ct$$/s/sshd"
"/run/mr-ct$$/s/sshd" 120 &
sshd=$!
_sim_track "$sshd"
check_contains "the rails refuse sshd" "$(helper "$sshd")" "never%20sshd"
yes >/dev/null &
yesp=$!
_sim_track "$yesp"
check_contains "the rails refuse a package-owned binary whose md5sum matches (coreutils' yes)" "$(helper "$yesp")" "coreutils,%20md5sum%20matches"
check_contains "a pid whose identity changed is refused" "$(helper "$miner" 12345)" "another%20process"
check "none of them was frozen" bash -c "! grep -q /miningrisk/ /proc/$sshd/cgroup /proc/$yesp/cgroup"
kill "$sshd" "$yesp" 2>/dev/null
rm -rf "/run/mr-ct$$/s"
finish
