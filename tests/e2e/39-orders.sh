#!/usr/bin/env bash
# Operators' orders (issue 11) through the real Apache, the real xymond and the installed client
# as user xymon: the order CGI under /xymon-seccgi/ refuses a POST without a login (401) or from
# another site, and records nothing then; a logged-in operator's freeze is published by the
# user-channel worker, fetched by the client with `config` on its next cycle, applied once (a
# second fetch does not apply it again) and reported with the operator's name; thaw works; kill
# only after snapshot and freeze; a malformed line, another host's order and a changed process
# are refused with a log line while the other orders still apply; a forged usermsg is dropped.
# The drill-down page offers the buttons (Chromium). Only this suite's miner is ever frozen.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
source "$(dirname "$0")/../lib/sim.sh"
source "$(dirname "$0")/../lib/web.sh"

CLIENT=/usr/lib/xymon/client/ext/miningrisk-client
ORDERS=/var/lib/xymon/miningrisk/orders
PASSWD=/etc/xymon/xymonpasswd
HOST=e2e-orders
GEN=$MR_BUILD/server-plugins/miningrisk-pages
[ "$(id -u)" = 0 ] || { not_ok "runs as root"; finish; exit; }
TMPD=$(mktemp -d /tmp/mr-orders.XXXXXX)
chmod 755 "$TMPD"
cp -p "$PASSWD" "$TMPD/passwd.orig" 2>/dev/null || : >"$TMPD/passwd.orig"
restore() {
    cp -p "$TMPD/passwd.orig" "$PASSWD"
    rm -f "$ORDERS/$HOST.cfg" "$ORDERS/$HOST-b.cfg"
    rm -rf /var/lib/xymon/miningrisk/evidence/$HOST-* /var/lib/xymon/www/or-e2e
    rm -rf "$TMPD"
    _sim_cleanup
    sim_remove_contain_cgroups
    return 0
}
trap restore EXIT

xymon_up
xymon_add_host "$HOST"
xymon_add_host "$HOST-b"
web_up || { not_ok "private apache starts on 127.0.0.1:$MR_WEB_PORT"; finish; exit 1; }
htpasswd -b "$PASSWD" e2e-operator 'pw-e2e-39' 2>/dev/null
CGI=$MR_WEB_URL/xymon-seccgi/miningrisk-order
check "the order CGI is installed in Xymon's cgi-secure" test -x /usr/lib/xymon/cgi-secure/miningrisk-order
check "the order key is xymon's, readable by www-data only" \
    bash -c "[ \"\$(stat -c %U:%G:%a /var/lib/xymon/miningrisk/order.key)\" = xymon:www-data:640 ]"
check "the orders worker runs on the user channel" pgrep -u xymon -f 'channel=user.*xymond_miningrisk --orders'

# The simulator's miner, renamed, deleted after start, its pool in a netns of its own.
NS=mror$$
sim_netns_create "$NS"
PORT=$(sim_free_port)
SIM_NETNS=$NS sim_pool "$PORT" "$SIM_DIR/pool.log" >/dev/null || { not_ok "pool starts"; finish; exit; }
BIN=$(sim_miner_copy "/run/mr-or$$/netlogd")
miner=$(SIM_NETNS=$NS _sim_spawn "$BIN" --delete-self --rename netlogd -o "stratum+tcp://127.0.0.1:$PORT" -u W -t 1 --throttle 40 --max-seconds 400)
check "the miner is connected to its pool" sim_wait_connected "$miner" "$PORT" 15
start=$(_sim_start_time "$miner")

cycle() {  # one client cycle of $HOST: contain = freeze on the host, no server CONTAIN
    mkdir -p "$TMPD/c" && chown xymon "$TMPD/c"
    printf 'sample_seconds = 1\npools_config =\ncontain = freeze\ncontain_only = /run/mr-or%s/\n' "$$" >"$TMPD/c/client.cfg"
    su -s /bin/bash xymon -c "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=$TMPD/c $CLIENT --config $TMPD/c/client.cfg --host $HOST --timeout 40" \
        >>"$TMPD/c/out" 2>>"$TMPD/c/log"
}
board_msg() { xq "xymondboard host=^$HOST\$ test=^miningrisk\$ fields=msg" 2>/dev/null; }
in_frozen_cgroup() { grep -q "/miningrisk/frozen-$1-" "/proc/$1/cgroup" 2>/dev/null; }
ROOT2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
is_frozen() {  # its own cgroup, and that cgroup frozen now (a thaw leaves it there, unfrozen)
    in_frozen_cgroup "$1" && grep -q '^frozen 1' "$ROOT2$(sed -n 's/^0:://p' "/proc/$1/cgroup")/cgroup.events"
}
post() {  # post USER:PASS|- ORIGIN ACTION [PID START] -> HTTP code; the answer in $TMPD/resp
    local auth=()
    [ "$1" != - ] && auth=(-u "$1")
    curl -s -o "$TMPD/resp" -w '%{http_code}' "${auth[@]}" -H "Origin: $2" \
        --data "host=$HOST&pid=${4:-$miner}&start=${5:-$start}&sha256=-&action=$3" "$CGI"
}
order_id() { sed -n "s/.*(order \([0-9A-Za-z-]*\))\..*/\1/p" "$TMPD/resp" | head -1; }
ME=http://127.0.0.1:$MR_WEB_PORT

cycle
check "the first cycle makes the column red" wait_until 20 bash -c "[ \"\$($XYMON 127.0.0.1 'xymondboard host=^$HOST\$ test=^miningrisk\$ fields=color')\" = red ]"
check "the status marks the miner for the order buttons" \
    wait_until 10 bash -c "$XYMON 127.0.0.1 'xymondboard host=^$HOST\$ test=^miningrisk\$ fields=msg' | grep -q 'miningrisk-proc pid=$miner start=$start '"

# --- refused: no login, another site, kill before a freeze
check "a POST without a login is refused with 401" test "$(post - "$ME" freeze)" = 401
check "a POST from another site is refused (403)" test "$(post e2e-operator:pw-e2e-39 http://evil.example freeze)" = 403
check "a GET is refused (405)" test "$(curl -s -o /dev/null -w '%{http_code}' -u e2e-operator:pw-e2e-39 "$CGI?host=$HOST")" = 405
check "a bad field is refused (400)" test "$(post e2e-operator:pw-e2e-39 "$ME" reboot)" = 400
check "kill before snapshot and freeze is refused (409)" test "$(post e2e-operator:pw-e2e-39 "$ME" kill)" = 409
check "the refused requests recorded nothing" test ! -s "$ORDERS/$HOST.cfg"
# a usermsg without the key's signature, straight to xymond
xq "usermsg miningrisk-order
id=20261203T000000Z-forged01 host=$HOST pid=$miner start=$start sha256=- action=thaw by=mallory time=$(date +%s) sig=00"
check "a forged order message is refused by the worker" \
    wait_until 10 grep -q "refused: bad signature" /var/log/xymon/miningrisk-orders.log
check "and publishes nothing" test ! -s "$ORDERS/$HOST.cfg"

# --- freeze, by a logged-in operator
code=$(post e2e-operator:pw-e2e-39 "$ME" freeze)
check "a logged-in operator's freeze is accepted (200)" test "$code" = 200
fid=$(order_id)
check "the answer names the order id ($fid) and the operator" grep -q "e2e-operator ordered freeze of pid $miner" "$TMPD/resp"
check "the worker publishes it for the host" wait_until 10 grep -q "id=$fid " "$ORDERS/$HOST.cfg"
check_contains "the client can fetch it through Xymon (config miningrisk-orders/$HOST.cfg)" \
    "$(xq "config miningrisk-orders/$HOST.cfg")" "id=$fid host=$HOST pid=$miner"
cycle
check_contains "the next cycle applies it (client log)" "$(cat "$TMPD/c/log")" "order $fid by e2e-operator: freeze of pid $miner: done"
check "the miner is frozen in a cgroup of its own" is_frozen "$miner"
a=$(sim_cpu "$miner" 2)
check "and gains no CPU time ($a cores)" test "$a" = 0.00
check "the column names the operator and the order" \
    wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^$HOST\$ test=^miningrisk\$ fields=msg' | grep -q 'e2e-operator order $fid'"
cycle
check "a second fetch of the order file does not apply it again" test "$(grep -c "order $fid " "$TMPD/c/log")" = 1

# --- snapshot now (the first red may have taken one already; this one is the operator's)
code=$(post e2e-operator:pw-e2e-39 "$ME" snapshot)
sid=$(order_id)
check "a snapshot order is accepted" test "$code" = 200
wait_until 10 grep -q "id=$sid " "$ORDERS/$HOST.cfg"
cycle
check_contains "the next cycle takes the snapshot" "$(cat "$TMPD/c/log")" "order $sid by e2e-operator: snapshot of pid $miner: done"
check "its evidence directory is there" bash -c "ls -d /var/lib/xymon/miningrisk/evidence/$HOST-*-$miner >/dev/null 2>&1"
check "the miner stays frozen" is_frozen "$miner"

# --- the drill-down page offers thaw and kill now (snapshot taken, frozen)
wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^$HOST\$ test=^miningrisk\$ fields=msg' | grep -q 'miningrisk-proc pid=$miner start=$start [^>]*snapshot=1 frozen=1'"
su -s /bin/sh xymon -c "$XYMONCMD $GEN --once --www /var/lib/xymon/www/or-e2e --templates $MR_ROOT/web-templates --hosts '^$HOST\$'" >/dev/null 2>&1
dom=$(browser_dom "$MR_WEB_URL/xymon/or-e2e/host-$HOST.html")
check_contains "the host page has the order form for the miner" "$dom" "id=\"mr-order-$miner\""
check_contains "it posts to the order CGI" "$dom" 'action="/xymon-seccgi/miningrisk-order"'
check_contains "it offers thaw" "$dom" 'value="thaw"'
check_contains "and kill (snapshot and freeze done)" "$dom" 'value="kill"'

# --- thaw
code=$(post e2e-operator:pw-e2e-39 "$ME" thaw)
tid=$(order_id)
check "a thaw order is accepted" test "$code" = 200
wait_until 10 grep -q "id=$tid " "$ORDERS/$HOST.cfg"
cycle
check_contains "the next cycle thaws it" "$(cat "$TMPD/c/log")" "order $tid by e2e-operator: thaw of pid $miner: done"
a=$(sim_cpu "$miner" 2)
check "after the thaw the miner runs again ($a cores)" sim_gt "$a" 0.05
check "its cgroup is thawed" eval "! is_frozen $miner"
check "the status no longer marks it frozen" \
    wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^$HOST\$ test=^miningrisk\$ fields=msg' | grep -q 'miningrisk-proc pid=$miner start=$start [^>]*frozen=0'"
check "kill is refused again while it is not frozen (409)" test "$(post e2e-operator:pw-e2e-39 "$ME" kill)" = 409

# --- bad input in the order file: a malformed line, another host's order, a changed process,
# and one good order among them that still applies
now=$(date +%s)
cat >>"$ORDERS/$HOST.cfg" <<L
this is not an order
id=20261203T000000Z-0ther001 host=$HOST-b pid=$miner start=$start sha256=- action=freeze by=e2e-operator time=$now
id=20261203T000000Z-change01 host=$HOST pid=$miner start=$((start + 1)) sha256=- action=freeze by=e2e-operator time=$now
id=20261203T000000Z-snapsh01 host=$HOST pid=$miner start=$start sha256=- action=snapshot by=e2e-operator time=$now
L
cycle
log=$(cat "$TMPD/c/log")
check_contains "a malformed line gives a log line" "$log" "malformed order, ignored"
check_contains "another host's order is refused with a log line" "$log" "the order is for host $HOST-b, not $HOST"
check_contains "an order for a changed process is refused" "$log" "order 20261203T000000Z-change01 by e2e-operator: freeze of pid $miner: refused: identity changed"
check "none of them froze anything" eval "! is_frozen $miner"
a=$(sim_cpu "$miner" 2)
check "the miner still runs ($a cores)" sim_gt "$a" 0.05
check_contains "the good order among them still applies" "$log" "order 20261203T000000Z-snapsh01 by e2e-operator: snapshot of pid $miner: done"

# --- freeze again, then kill
post e2e-operator:pw-e2e-39 "$ME" freeze >/dev/null
wait_until 10 grep -q "id=$(order_id) " "$ORDERS/$HOST.cfg"
cycle
check "frozen again" is_frozen "$miner"
wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^$HOST\$ test=^miningrisk\$ fields=msg' | grep -q 'miningrisk-proc pid=$miner start=$start [^>]*snapshot=1 frozen=1'"
code=$(post e2e-operator:pw-e2e-39 "$ME" kill)
kid=$(order_id)
check "kill after snapshot and freeze is accepted (200)" test "$code" = 200
wait_until 10 grep -q "id=$kid " "$ORDERS/$HOST.cfg"
cycle
check_contains "the next cycle kills the frozen tree" "$(cat "$TMPD/c/log")" "order $kid by e2e-operator: kill of pid $miner: done"
check "the miner is gone" eval "! sim_alive $miner"
check "the column reports the kill with the operator" \
    wait_until 20 bash -c "$XYMON 127.0.0.1 'xymondboard host=^$HOST\$ test=^miningrisk\$ fields=msg' | grep -q 'killed: SIGKILL of the frozen tree'"

# --- what was done is the incident's story: timeline, "What was done", the SIEM
INC=/var/lib/xymon/miningrisk/incidents
EVENTS=/var/log/xymon/miningrisk/events.ndjson
check "the incident's timeline records the kill" \
    wait_until 20 bash -c "grep -l 'kind=contain_kill ' $INC/$HOST-*.state >/dev/null 2>&1"
ID=$(basename "$(ls -t $(grep -l 'kind=contain_kill ' $INC/$HOST-*.state 2>/dev/null) 2>/dev/null | head -1)" .state)
for k in contain_freeze contain_snapshot contain_thaw contain_kill; do
    check "the timeline has $k (source containment)" grep -q "source=containment kind=$k " "$INC/$ID.state"
done
check "the client says its 'not contained' verdict once for the process, orders or not" \
    test "$(grep -c "containment: pid $miner (netlogd): none off" "$TMPD/c/log")" -eq 1
check "the policy's 'not contained' verdict is on the incident's timeline once" \
    test "$(grep -c "source=containment kind=contain_none .*(pid%20$miner)" "$INC/$ID.state")" -eq 1
su -s /bin/sh xymon -c "$XYMONCMD $GEN --once --www /var/lib/xymon/www/or-e2e --templates $MR_ROOT/web-templates --hosts '^$HOST\$'" >/dev/null 2>&1
# (the page's "What was done" list, up to its end)
done_list=$(curl -s --max-time 30 "$MR_WEB_URL/xymon/or-e2e/incident-$ID.html" | tr '\n' ' ' | grep -o 'id="mr-inc-done".*' | sed 's#</ul>.*##')
check_contains "the incident page's 'What was done' names the operator's freeze and its order" "$done_list" \
    "(pid $miner) ordered by e2e-operator (order $fid): done"
check_contains "... and the kill" "$done_list" "kill of netlogd (pid $miner) ordered by e2e-operator (order $kid): done"
check_contains "... and the refused order for the changed process" "$done_list" \
    "ordered by e2e-operator (order 20261203T000000Z-change01): refused: identity changed"
check "the kill goes to the SIEM as an incident event" \
    grep -q "\"action\":\"incident-contain_kill\".*order $kid" "$EVENTS"
finish
