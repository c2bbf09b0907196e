#!/usr/bin/env bash
# Xymon's own acknowledgement and disable work on the miningrisk column as on any other: the
# on-call engineer acks the red, maintenance disables it (blue), and enabling brings it back.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
CLIENT=/usr/lib/xymon/client/ext/miningrisk-client
H=srv-e2e-ack
xymon_up
xymon_add_host "$H"
xq "drop $H miningrisk" >/dev/null 2>&1
TMPD=$(mktemp -d /tmp/mr-ack.XXXXXX)
chown xymon "$TMPD"
trap 'cleanup_children; rm -rf "$TMPD"' EXIT
bash -c 'exec -a xmrig sleep 300' &
MINER=$!
track $MINER
report() { su -s /bin/sh xymon -c "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=$TMPD $CLIENT --host $H --sample 0.2"; }
field() { xq "xymondboard host=^$H\$ test=^miningrisk\$ fields=$1" | head -1; }

report
wait_until 20 bash -c "[ \"\$($XYMON 127.0.0.1 'xymondboard host=^$H\$ test=^miningrisk\$ fields=color')\" = red ]"
check_contains "the worker turns the column red for the miner" "$(field color,line1)" "(pid $MINER"

cookie=$(field cookie)
xq "xymondack $cookie 30 investigating the miner on $H"
wait_until 10 bash -c "[ \"\$($XYMON 127.0.0.1 'xymondboard host=^$H\$ test=^miningrisk\$ fields=acktime')\" != 0 ]"
check "an ack (xymondack COOKIE) is recorded on the column" test "$(field acktime)" != 0
check_contains "with the engineer's text" "$(xq "xymondlog $H.miningrisk" | head -1)" "investigating the miner"

xq "disable $H.miningrisk 30 planned maintenance"
wait_until 10 bash -c "[ \"\$($XYMON 127.0.0.1 'xymondboard host=^$H\$ test=^miningrisk\$ fields=color')\" = blue ]"
check "disable turns the column blue" test "$(field color)" = blue
report
sleep 2
check "a new report does not override the disable" test "$(field color)" = blue

xq "enable $H.miningrisk"
report
wait_until 20 bash -c "[ \"\$($XYMON 127.0.0.1 'xymondboard host=^$H\$ test=^miningrisk\$ fields=color')\" = red ]"
check "after enable, the next report makes it red again" test "$(field color)" = red
finish
