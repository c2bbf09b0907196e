#!/usr/bin/env bash
# Verified recovery (issue 11, section 3) on the real Xymon, with the installed client running
# as user xymon and its root helper through sudo: the simulator's miner (renamed, its binary
# deleted after start, its loopback pool in its own network namespace) with a crontab line naming
# it turns the column red, one cycle takes the snapshot and opens the incident. The miner is
# killed and its files removed: with CLEAN_CYCLES=3 from the policy, clean cycles count
# ("recovering: K of 3"); the binary put back at its recorded path makes a yellow cycle that does
# not count and says why; a relapse (the miner started again) reopens the incident and resets the
# count; three clean cycles then make it "recovered at ..." in the column and on the incident page.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
source "$(dirname "$0")/../lib/sim.sh"
source "$(dirname "$0")/../lib/web.sh"

CLIENT=/usr/lib/xymon/client/ext/miningrisk-client
HELPER=/usr/lib/xymon/client/ext/miningrisk-snapshot
GEN=/usr/lib/xymon/server/ext/miningrisk-pages
EVIDENCE=/var/lib/xymon/miningrisk/evidence
INC=/var/lib/xymon/miningrisk/incidents
POLICY=/etc/xymon/miningrisk.cfg
WWW=/var/lib/xymon/www
OUT=rec-e2e
HOST=e2e-recovery
CRON=/etc/cron.d/mr-e2e-recovery
[ "$(id -u)" = 0 ] || { not_ok "runs as root"; finish; exit; }

xymon_up
xymon_add_host "$HOST"
xq "drop $HOST miningrisk" >/dev/null 2>&1
rm -f "$INC/$HOST-"*
rm -rf "$EVIDENCE/$HOST-"*
xymon_down; xymon_up   # the worker forgets an incident a failed earlier run left open
web_up || { not_ok "private apache starts on 127.0.0.1:$MR_WEB_PORT"; finish; exit 1; }
TMPD=$(mktemp -d /tmp/mr-rec.XXXXXX)
chown xymon "$TMPD"
POLICY_BACKUP=$(mktemp); cp -p "$POLICY" "$POLICY_BACKUP"
restore() {
    cp "$POLICY_BACKUP" "$POLICY"; rm -f "$POLICY_BACKUP" "$CRON"
    rm -rf "$TMPD" "${WWW:?}/$OUT" "$EVIDENCE/$HOST-"*
    _sim_cleanup
}
trap restore EXIT
# The machine's own tool runner (a root binary run from a memfd) and other worktrees' unit tests
# (their binary holds IOC strings) colour every host here; not under test: allowed in this host's
# scope so that clean cycles can be green (their snapshots' traces are not the incident's); so is
# the suite's own loopback pool, a temp-dir binary with stratum strings when the checkout is in /tmp.
printf 'HOST=%s\n\tINCIDENT CLEAN_CYCLES=3\n\tALLOW EXE=%%^/?memfd: USER=root REASON="the test machine tool runner" EXPIRES=2099-12-31\n\tALLOW EXE=%%/tests/unit/unit-tests USER=root REASON="other worktrees unit tests (IOC strings)" EXPIRES=2099-12-31\n\tALLOW EXE=%%/tests/sim/stratum-pool$ USER=root REASON="the suite own loopback pool (red when the checkout is under /tmp)" EXPIRES=2099-12-31\n' \
    $HOST >>"$POLICY"
sleep 6   # the worker looks at the policy every 5 s

# the client fetches the server's pool list (an older list than the server's is a named yellow)
printf 'sample_seconds = 1\n' >"$TMPD/client.cfg"
cycle() {
    su -s /bin/bash xymon -c "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=$TMPD $CLIENT --config $TMPD/client.cfg --host $HOST --timeout 30 --verbose" \
        >"$TMPD/out" 2>"$TMPD/log"
}
msg() { xq "xymondlog $HOST.miningrisk" 2>/dev/null; }
line1() { xq "xymondboard host=^$HOST\$ test=^miningrisk\$ fields=line1" 2>/dev/null | head -1; }
# cycle_then TEXT: one client cycle, then wait until the column's status holds TEXT
cycle_then() {
    cycle
    wait_until 20 bash -c "$(declare -f xq); XYMON=$XYMON; xq 'xymondlog $HOST.miningrisk' | grep -qF -- \"\$1\"" _ "$1"
}
state() { cat "$INC/$ID.state" 2>/dev/null | head -3; }

check "the helper accepts --recovery-check only with its fixed arguments" \
    bash -c "! su -s /bin/sh xymon -c 'sudo -n $HELPER --recovery-check --host x --since 1 --evidence-dir /tmp' 2>/dev/null"

# A quiet cycle first: the client records huge pages and msr as they are before any incident.
cycle
check "a quiet cycle records the host's tuning baseline" grep -q '^kind=host hugepages=[0-9]* msr=[0-2] ' "$TMPD/miningrisk-tuning.state"
check_not_contains "without a snapshot there is nothing to verify: no [recovery] section" "$(cat "$TMPD/out" "$TMPD/log")" "recovery check:"

# --- the miner: renamed, deleted after start, pool on loopback in its own namespace, a crontab
# line naming it (on a date that never comes: Feb 31)
NS=mrrec$$
sim_netns_create "$NS" || not_ok "netns"
PORT=$(sim_free_port)
SIM_NETNS=$NS sim_pool "$PORT" "$SIM_DIR/pool.log" >/dev/null || { not_ok "pool starts in $NS"; finish; exit; }
BINDIR=/run/mr-rec$$
exe=$(sim_miner_copy "$BINDIR/netlogd")
ORIG=$(sim_miner_copy "$TMPD/keep/miner-original")
ORIG_SHA=$(sha256sum "$exe" | cut -d' ' -f1)
start_miner() {
    SIM_NETNS=$NS SIM_MINER_BIN=$1 sim_miner --delete-self --rename netlogd -o "stratum+tcp://127.0.0.1:$PORT" \
        -u 49SimXmrRecoveryWallet -t 1 --throttle 30 --max-seconds 600
}
printf '0 0 31 2 * root %s --background\n' "$exe" >"$CRON"
miner=$(start_miner "$exe")
check "the miner is connected to its pool in $NS" sim_wait_connected "$miner" "$PORT" 15
check "its binary is gone from disk" test ! -e "$exe"

cycle
check "the cycle with the miner exits 0 (log: $(head -c 300 "$TMPD/log"))" grep -q "evidence snapshot of pid $miner" "$TMPD/log"
check "the column turns red" wait_until 20 bash -c "$(declare -f xymon_color xq); XYMON=$XYMON; [ \"\$(xymon_color $HOST miningrisk)\" = red ]"
check "the first red opens an incident" wait_until 10 bash -c "ls $INC/$HOST-*.state >/dev/null 2>&1"
ID=$(basename "$(ls $INC/$HOST-*.state 2>/dev/null | head -1)" .state)
SNAP=$(ls -d "$EVIDENCE/$HOST-"*"-$miner" 2>/dev/null | head -1)
check "the snapshot's recovery.txt names the exe's sha256 and its path" \
    grep -q "kind=exe sha256=$ORIG_SHA size=[0-9]* path=$exe" "$SNAP/recovery.txt"
check "the snapshot's recovery.txt names the crontab line" grep -q "kind=persistence file=$CRON " "$SNAP/recovery.txt"
check "recovery.txt is covered by SHA256SUMS" bash -c "cd '$SNAP' && grep -q '  recovery.txt\$' SHA256SUMS && sha256sum -c --quiet SHA256SUMS"
check_contains "the column's text lists the traces under Recovery check" "$(msg)" "running $ORIG_SHA: <b>present</b>"

# --- clean-up: the miner killed, its crontab line removed (its binary is already gone)
kill -9 "$miner"
check "the miner is gone" wait_until 5 bash -c "! kill -0 $miner 2>/dev/null"
rm -f "$CRON"
check "a clean cycle counts: recovering 1 of 3" cycle_then "recovering: 1 of 3 clean cycles"
check "the clean cycle is green" test "$(xymon_color "$HOST" miningrisk)" = green
check_contains "line 1 says where recovery stands" "$(line1)" "incident recovering: 1 of 3 clean cycles"
check_contains "the traces are gone: the exe's sha256 runs nowhere" "$(msg)" "running $ORIG_SHA: <b>gone</b>"
check_contains "the crontab line is gone" "$(msg)" "persistence $CRON: 0 0 31 2 * root $exe --background: <b>gone</b>"

# --- the binary put back at its recorded path: that cycle does not count, yellow, and says why
cp "$ORIG" "$exe"
# (the apostrophe of "incident's" is &#39; in the status, literal on the pages: matched around it)
WHY="s executable is back at $exe"
check "a cycle with the binary back is not clean: the count restarts" \
    cycle_then "recovering: 0 of 3 clean cycles (last unclean cycle: the incident"
check_contains "and the status says why" "$(msg)" "recovering: 0 of 3 clean cycles (last unclean cycle: the incident&#39;$WHY)"
check "that cycle is yellow, not green" test "$(xymon_color "$HOST" miningrisk)" = yellow
check_contains "line 1 says why" "$(line1)" "recovery not verified: the incident&#39;$WHY"
check "the incident's state keeps the reason" grep -q "state=recovering clean=0 " "$INC/$ID.state"
rm -f "$exe"
check "the next clean cycle counts again, the last reason still shown" \
    cycle_then "recovering: 1 of 3 clean cycles (last unclean cycle: the incident"
check_contains "the reason is the binary that was back" "$(msg)" "$WHY)"

# The incident page while recovering (generated as xymon, served by Apache).
rm -rf "${WWW:?}/$OUT"; install -d -o xymon -g xymon "$WWW/$OUT"
pages() { su -s /bin/sh xymon -c "$XYMONCMD $GEN --once --www $WWW/$OUT --templates $MR_ROOT/web-templates --hosts '^$HOST\\b'"; }
check "the page generator writes the incident page" pages
page=$(curl -s --max-time 30 "$MR_WEB_URL/xymon/$OUT/incident-$ID.html")
# inc_view PAGE: the page's status and timeline (kind@time) and the state file's incident line,
# short enough for a failure message to show all of it
inc_view() {
    grep -o 'id="mr-inc-state">[^<]*' <<<"$1"
    grep -o 'data-kind="[a-z_]*" data-time="[0-9]*"' <<<"$1" | sed 's/data-kind=//; s/ data-time=/@/' | tr -d '"' | tr '\n' ' '
    echo; ls "$INC/$HOST-"*.state; grep '^incident ' "$INC/$ID.state" | cut -c1-300
}
check_contains "the incident page shows recovering 1 of 3 with the last unclean reason" "$(inc_view "$page")" \
    "recovering: 1 of 3 clean cycles (last unclean cycle: the incident"
check_contains "... naming the binary that was back" "$page" "$WHY)"
check_contains "the incident page's timeline has the unclean cycle" "$page" "cycle not clean: the incident"
check_contains "the host's drill-down page shows where recovery stands" \
    "$(curl -s --max-time 30 "$MR_WEB_URL/xymon/$OUT/host-$HOST.html")" ": recovering: 1 of 3 clean cycles (last unclean cycle: the incident"

# --- a relapse: the miner again (the same bytes, under another path): reopened, count reset
miner2=$(start_miner "$(sim_miner_copy "$BINDIR/again/netlogd")")
check "the miner runs again" sim_wait_connected "$miner2" "$PORT" 15
cycle
check "the relapse turns the column red" wait_until 20 bash -c "$(declare -f xymon_color xq); XYMON=$XYMON; [ \"\$(xymon_color $HOST miningrisk)\" = red ]"
check "the relapse reopens the incident and resets the count" wait_until 10 grep -q "state=open clean=0 " "$INC/$ID.state"
check "one relapse counted" grep -q " relapses=1 " "$INC/$ID.state"
check "the timeline has the relapse" grep -q "kind=relapse " "$INC/$ID.state"
check "still one incident for the episode" test "$(ls "$INC/$HOST-"*.state | wc -l)" -eq 1
kill -9 "$miner2"
wait_until 5 bash -c "! kill -0 $miner2 2>/dev/null"

# --- three clean cycles: recovered, verified on the host
check "clean cycle 1 of 3 after the relapse" cycle_then "recovering: 1 of 3 clean cycles"
check "clean cycle 2 of 3" cycle_then "recovering: 2 of 3 clean cycles"
check "the third clean cycle: recovered" cycle_then "recovered at "
check "the incident is recovered" grep -q "state=recovered " "$INC/$ID.state"
check "the recovered event says it was verified on the host" \
    grep -q "kind=recovered text=recovered:%203%20clean%20cycles%20in%20a%20row,%20verified%20on%20the%20host" "$INC/$ID.state"
check_contains "line 1 shows recovered at" "$(line1)" "incident recovered at "
# (the status, not the board's colour: after this many changes in minutes xymond's flap
# detection keeps showing the worst colour for a while)
check_contains "the status is green" "$(line1)" "green no miner found"
check "the page generator runs again" pages
page=$(curl -s --max-time 30 "$MR_WEB_URL/xymon/$OUT/incident-$ID.html")
check_contains "the incident page shows recovered at" "$page" "Status: recovered at "
check_contains "the host's drill-down page shows it too" "$(curl -s --max-time 30 "$MR_WEB_URL/xymon/$OUT/host-$HOST.html")" \
    ": recovered at "
kinds=$(grep -o 'data-kind="[a-z_]*"' <<<"$page" | cut -d'"' -f2 | sed 's/.*/[&]/' | tr -d '\n')
if [[ "$kinds" =~ \[first_red\].*\[clean_cycle\].*\[unclean_cycle\].*\[clean_cycle\].*\[relapse\].*\[clean_cycle\].*\[clean_cycle\].*\[recovered\] ]]; then
    ok "the timeline: first red, clean, unclean, clean, relapse, clean x2, recovered"
else
    not_ok "the timeline: first red, clean, unclean, clean, relapse, clean x2, recovered (page: $(inc_view "$page"))"
fi
finish
