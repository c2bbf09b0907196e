#!/usr/bin/env bash
# miningrisk-client as an ops engineer meets it: installed with capabilities, run by xymon, its
# message received by the real Xymon server, limited visibility without capabilities, never hangs.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
CLIENT=/usr/lib/xymon/client/ext/miningrisk-client
HOST=e2e-client
xymon_up
xymon_add_host "$HOST"
as_xymon() { su -s /bin/bash xymon -c "$*"; }

check "--version prints the program and its version" bash -c "$CLIENT --version | grep -qx 'miningrisk-client [0-9][0-9.]*'"
check "--help documents --dry-run" bash -c "$CLIENT --help | grep -q -- --dry-run"
check "an unknown option is refused with exit 2" bash -c "$CLIENT --bogus >/dev/null 2>&1; [ \$? -eq 2 ]"
check "make install granted cap_sys_ptrace and cap_dac_read_search" bash -c "getcap $CLIENT | grep -q cap_dac_read_search && getcap $CLIENT | grep -q cap_sys_ptrace"
check "the clientlaunch.d drop-in is installed" test -f /etc/xymon/clientlaunch.d/miningrisk.cfg
dump=$(as_xymon '/usr/lib/xymon/server/bin/xymonlaunch --config=/etc/xymon/tasks.cfg --dump' 2>/dev/null)
check_contains "xymonlaunch runs the client as its own task" "$(echo "$dump" | grep -A1 '^\[miningrisk-client\]')" "CMD /usr/lib/xymon/client/ext/miningrisk-client"

# A CPU burner the test owns: it must show in the report with its pid and about one core.
bash -c 'while :; do :; done' &
BURNER=$!
track $BURNER
sleep 0.3
# An independent reading of the burner's CPU from /proc/PID/stat over the same span as the client.
ticks() { awk '{print $14 + $15}' /proc/$BURNER/stat; }
independent() { awk -v a="$1" -v b="$2" -v s="$3" -v e="$4" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", (b-a)/hz/(e-s)}'; }
close_enough() { awk -v c="${1:-0}" -v t="$2" 'BEGIN{d=c-t; if(d<0)d=-d; exit !(c>0.05 && d<=0.3)}'; }
STATE=/tmp/mr-e2e-client.state
rm -f $STATE
# First run: no state, so CPU comes from a short sample inside the run.
t0=$(ticks); w0=$(date +%s.%N)
out=$(as_xymon "XYMONTMP=/tmp $CLIENT --dry-run --no-fetch --host $HOST --state-file $STATE --sample 1")
t1=$(ticks); w1=$(date +%s.%N)
truth=$(independent "$t0" "$t1" "$w0" "$w1")
check_contains "dry run prints a client/miningrisk message" "$out" "client/miningrisk $HOST.linux linux"
check_contains "message carries its version" "$out" "version=1"
check_contains "with capabilities, visibility is full (as user xymon)" "$out" "visibility=full"
nprocs=$(ls /proc | grep -c '^[0-9]')
reported=$(echo "$out" | sed -n 's/.*procs=\([0-9]*\).*/\1/p' | head -1)
check "process count matches /proc (reported $reported, listed $nprocs)" test $((reported - nprocs)) -le 20 -a $((nprocs - reported)) -le 20
burner_line=$(echo "$out" | sed -n '/^\[top\]/,$p' | grep "^pid=$BURNER ")
check_contains "the CPU burner is in [top] with its pid" "$burner_line" "pid=$BURNER "
cores=$(echo "$burner_line" | sed -n 's/.* cores=\([0-9.]*\).*/\1/p')
check "first run (sampled): the burner's CPU matches /proc (client $cores, independent $truth)" close_enough "$cores" "$truth"
# Second run: CPU over the whole cycle since the first run, from the state file.
sleep 2
t2=$(ticks); w2=$(date +%s.%N)
out=$(as_xymon "XYMONTMP=/tmp $CLIENT --dry-run --no-fetch --host $HOST --state-file $STATE --sample 1")
t3=$(ticks); w3=$(date +%s.%N)
truth=$(independent "$t1" "$t3" "$w1" "$w3")
cores=$(echo "$out" | sed -n '/^\[top\]/,$p' | grep "^pid=$BURNER " | sed -n 's/.* cores=\([0-9.]*\).*/\1/p')
check "next run (whole cycle from state): the burner's CPU matches /proc (client $cores, independent $truth)" close_enough "$cores" "$truth"
rm -f $STATE
kill $BURNER

# Without the capabilities the xymon user cannot see other users' exe/fd: limited, never green.
cp $CLIENT /tmp/mr-client-nocaps && chmod 755 /tmp/mr-client-nocaps
out=$(as_xymon "XYMONTMP=/tmp /tmp/mr-client-nocaps --dry-run --no-fetch --host $HOST --sample 0.2")
check_contains "without capabilities the client reports limited visibility" "$out" "visibility=limited"
check_not_contains "limited visibility is never green" "$(echo "$out" | sed -n '/^\[miningrisk\]/{n;p}')" "color=green"
rm -f /tmp/mr-client-nocaps

# The real server receives the message: clientlog shows our section.
as_xymon "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=/tmp $CLIENT --host $HOST --sample 0.2"
check "sending exits 0" test $? -eq 0
wait_until 10 bash -c "$XYMON 127.0.0.1 'clientlog $HOST' | grep -q '^\[miningrisk\]'"
check "xymond has the message (clientlog $HOST shows [miningrisk])" bash -c "$XYMON 127.0.0.1 'clientlog $HOST' | grep -q 'agent=miningrisk-client'"

# Standalone: no server plugin needed, the client posts the finished column itself.
xymon_add_host e2e-standalone
bash -c 'exec -a xmrig sleep 60' &
FAKE=$!
track $FAKE
as_xymon "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=/tmp $CLIENT --standalone --no-fetch --host e2e-standalone --sample 0.2"
wait_until 10 bash -c "[ -n \"\$($XYMON 127.0.0.1 'xymondboard host=^e2e-standalone\$ test=^miningrisk\$ fields=color')\" ]"
line=$(xq "xymondboard host=^e2e-standalone\$ test=^miningrisk\$ fields=color,line1")
check_contains "--standalone posts the miningrisk column itself: red for a process named xmrig" "$line" "red|red "
check_contains "and line one names the process and pid" "$line" "(pid $FAKE"
kill $FAKE

# A hung transport must not hang the cycle.
printf '#!/bin/sh\nsleep 60\n' >/tmp/mr-hang-xymon && chmod 755 /tmp/mr-hang-xymon
start=$SECONDS
XYMON=/tmp/mr-hang-xymon XYMSRV=127.0.0.1 XYMONTMP=/tmp timeout 30 $CLIENT --host $HOST --sample 0.2 --timeout 4 2>/tmp/mr-hang.log
rc=$?
check "a hanging xymon is killed at the deadline (took $((SECONDS - start)) s, rc $rc)" test $((SECONDS - start)) -le 7 -a $rc -ne 0 -a $rc -ne 124
check_contains "and the log says why" "$(cat /tmp/mr-hang.log)" "within"
rm -f /tmp/mr-hang-xymon /tmp/mr-hang.log

# A broken config names file and line, and the last good config stays in force.
printf 'top = 2\n' >/tmp/mr-client.cfg
XYMONTMP=/tmp $CLIENT --config /tmp/mr-client.cfg --dry-run --host $HOST --sample 0.2 >/dev/null 2>&1
printf 'top = 2\nthis is not a setting\n' >/tmp/mr-client.cfg
errout=$(XYMONTMP=/tmp $CLIENT --config /tmp/mr-client.cfg --dry-run --host $HOST --sample 0.2 2>&1 >/dev/null)
check_contains "a broken config is reported with file and line" "$errout" "/tmp/mr-client.cfg:2:"
check_contains "and the last good config is used" "$errout" "last good"
rm -f /tmp/mr-client.cfg /tmp/miningrisk-client.cfg.lastgood
finish
