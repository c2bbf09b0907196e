#!/usr/bin/env bash
# The miningrisk column on the real Xymon server, as ops see it: xymond_miningrisk (installed by
# `make install` as a tasks.d drop-in) turns client/miningrisk messages and stock client messages
# into red/yellow/green with the evidence, applies the central policy, and survives bad input.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
WORKER=/usr/lib/xymon/server/ext/xymond_miningrisk
POLICY=/etc/xymon/miningrisk.cfg
FIX=$MR_ROOT/tests/fixtures
H_MAIN=srv-e2e-main
H_ALLOW=srv-e2e-allow
H_EXPIRED=srv-e2e-expired
H_AGENTLESS=srv-e2e-agentless
H_BOTH=srv-e2e-both
H_LIMITED=srv-e2e-limited
H_HOSTILE=srv-e2e-hostile
H_MANY=srv-e2e-many
H_BAD=srv-e2e-bad
H_LAB=srv-e2e-lab        # on a hosts.cfg page of its own, for PAGE= scopes
H_OFFICE=srv-e2e-office  # on another page
H_RRD=srv-e2e-rrd
xymon_up
for h in $H_MAIN $H_ALLOW $H_EXPIRED $H_AGENTLESS $H_BOTH $H_LIMITED $H_HOSTILE $H_MANY $H_BAD $H_RRD; do
    xymon_add_host "$h"
    # Forget earlier runs: repeated colour changes trip xymond's flap detection (held at worst).
    xq "drop $h miningrisk" >/dev/null 2>&1
done

# The test adds its own scopes to the policy and puts the admin's file back at exit.
POLICY_BACKUP=$(mktemp)
cp -p "$POLICY" "$POLICY_BACKUP" 2>/dev/null || : >"$POLICY_BACKUP"
# The page test puts two pages at the end of hosts.cfg, under xymon_add_host's lock, and takes
# them out again (hosts others append meanwhile stay; they only sat on our page for a moment).
remove_pages() {
    (
        flock 9
        if grep -q '^page mrsrv' /etc/xymon/hosts.cfg; then
            sed -i -e '/^page mrsrvlab /d' -e '/^page mrsrvoffice /d' \
                -e "/^127\.0\.0\.1[[:space:]]\+\($H_LAB\|$H_OFFICE\)[[:space:]]/d" /etc/xymon/hosts.cfg
            kill -HUP "$(cat /run/xymon/xymond.pid)" 2>/dev/null || true
        fi
    ) 9>"$XYMON_LOCK"
}
# add_pages FORMAT ARGS...: appends printf's lines to hosts.cfg under the same lock, and tells xymond.
add_pages() {
    (
        flock 9
        # shellcheck disable=SC2059 # the format is the caller's
        printf "$@" >>/etc/xymon/hosts.cfg
        kill -HUP "$(cat /run/xymon/xymond.pid)"
    ) 9>"$XYMON_LOCK"
}
# page_is HOST PAGE: xymond has HOST on PAGE (hostinfo's XMH_PAGEPATH).
page_is() { xq "hostinfo host=^$1\$ fields=XMH_PAGEPATH" | grep -qx "$2"; }
restore_policy() { cp "$POLICY_BACKUP" "$POLICY"; rm -f "$POLICY_BACKUP"; remove_pages; cleanup_children; }
trap restore_policy EXIT

send() { "$XYMON" 127.0.0.1 @ >/dev/null; }
line1() { xq "xymondboard host=^$1\$ test=^miningrisk\$ fields=line1" 2>/dev/null | head -1; }
body() { xq "xymondlog $1.miningrisk" 2>/dev/null; }
color_is() { [ "$(xymon_color "$1" miningrisk)" = "$2" ]; }
# Waits until HOST's line 1 contains TEXT (the column may have had another value before).
wait_line1() { wait_until "${3:-15}" bash -c "$(declare -f line1 xq); XYMON=$XYMON; [[ \"\$(line1 $1)\" == *\"$2\"* ]]"; }
# report HOST TEXT [mr_message args after HOST]: sends HOST a miningrisk message and waits until
# its line 1 contains TEXT.
report() { local host=$1 want=$2; shift 2; mr_message "$host" "$@" | send; wait_line1 "$host" "$want"; }
# stock_report HOST FIXTURE TEXT: the same with a stock client capture renamed to HOST.
stock_report() { sed "1s/.*/client $1.linux linux/" "$FIX/$2" | send; wait_line1 "$1" "$3"; }

# mr_message HOST [visibility] [findings-lines] [signals-lines] [found]: a client/miningrisk
# message in the layout of ext/xymon/message.h (kv lines, values percent-encoded); `found` is how many
# findings the client says it found in all (absent: as older clients send).
mr_message() {
    local host=$1 vis=${2:-full} findings=${3:-} signals=${4:-} found=${5:+ found=$5} reason= ioc
    [ "$vis" = limited ] && reason='no%20CAP_SYS_PTRACE%3A%2040%20exe%20unreadable'
    ioc=$(published_ioc)  # an up-to-date client, not a stale IOC list
    printf 'client/miningrisk %s.linux linux\n[miningrisk]\n' "$host"
    printf 'version=1 agent=miningrisk-client/e2e time=%s interval=300 visibility=%s visibility_reason=%s ioc=%s color=green%s\n' "$(date +%s)" "$vis" "$reason" "${ioc:-e2e}" "$found"
    printf '[host]\ncores=2 busy=1.95 procs=123 threads=200 sockets=45 netns=1 ldpreload=0 hugepages=0\n'
    printf '[findings]\n%s' "$findings"
    printf '[signals]\n%s' "$signals"
    printf '[top]\npid=812 user=mysql comm=mysqld exe=/usr/sbin/mysqld cores=0.20 maxthread=0.10 threads=30\n'
}
MINER_FINDING='pid=4316 ppid=1 uid=33 user=www-data comm=xmrig exe=/tmp/.x/xmrig sha256= cores=1.92 maxthread=0.98 pool=203.0.113.5:3333 container= color=red argv=./xmrig%00-o%00203.0.113.5:3333
'
MINER_SIGNALS='pid=4316 id=pool_connection strength=strong evidence=203.0.113.5:3333%20ESTABLISHED
pid=4316 id=miner_name strength=strong evidence=comm%20xmrig
'
BENCH_FINDING='pid=5000 ppid=1 uid=1001 user=bench comm=xmrig exe=/opt/bench/xmrig sha256= cores=1.50 maxthread=0.80 pool= container= color=red argv=/opt/bench/xmrig
'
BENCH_SIGNALS='pid=5000 id=miner_name strength=strong evidence=comm%20xmrig
'

check "the worker is installed" test -x "$WORKER"
check "the tasks.d drop-in runs it on the client channel" grep -q "xymond_channel --channel=client .*$WORKER" /etc/xymon/tasks.d/miningrisk.cfg
check "the xymonserver.d drop-in sends the column to RRD as NCV" grep -q 'TEST2RRD=.*miningrisk=ncv' /etc/xymon/xymonserver.d/miningrisk.cfg
check "xymonlaunch knows the task (tasks.cfg --dump)" bash -c "su -s /bin/sh xymon -c '/usr/lib/xymon/server/bin/xymonlaunch --config=/etc/xymon/tasks.cfg --dump' | grep -q xymond_miningrisk"

# 1. A miner turns the column red, with the pid in line 1.
report $H_MAIN "pid 4316" full "$MINER_FINDING" "$MINER_SIGNALS"
check "a miner turns the column red" color_is $H_MAIN red
l1=$(line1 $H_MAIN)
check_contains "line 1 names process, pid, user, cores and pool" "$l1" "red xmrig (pid 4316, user www-data) on 1.9 cores, pool 203.0.113.5:3333"
b=$(body $H_MAIN)
check_contains "the status carries the evidence table" "$b" '<table class="miningrisk-finding"'
check_contains "the status links the drill-down page" "$b" "/xymon/miningrisk/host-$H_MAIN.html"
check_contains "the NCV values follow the HTML" "$b" "suspectcores : 1.92"
check "the worker runs as user xymon under xymond_channel" bash -c "pgrep -u xymon -f '^$WORKER' >/dev/null || pgrep -u xymon -x xymond_miningrisk >/dev/null"
validtime=$(xq "xymondboard host=^$H_MAIN\$ test=^miningrisk\$ fields=logtime,validtime" | head -1)
lifetime=$(( ${validtime#*|} - ${validtime%|*} ))
check "lifetime is two 5-minute cycles plus 5 minutes (got $lifetime s)" test "$lifetime" -eq 900

# 2. Gone: green.
report $H_MAIN "no miner found" full
check "a clean report turns it green" color_is $H_MAIN green
check_contains "green says what was checked" "$(line1 $H_MAIN)" "no miner found (123 processes, 45 sockets checked)"

# 3. Policy: an allowlisted miner is green with the entry shown; an expired entry does not apply.
cp "$POLICY_BACKUP" "$POLICY"
cat >>"$POLICY" <<POL
HOST=$H_ALLOW,$H_EXPIRED
	ALLOW EXE=/opt/bench/xmrig USER=bench REASON="e2e CPU benchmark" EXPIRES=2099-12-31
HOST=$H_EXPIRED
	ALLOW EXE=/opt/bench/xmrig USER=bench REASON="old e2e benchmark" EXPIRES=2020-01-01
	WEIGHT miner_name=strong
POL
sed -i "s|^HOST=$H_ALLOW,$H_EXPIRED|HOST=$H_ALLOW|" "$POLICY"
sleep 6  # the worker looks at the policy's mtime every 5 s
check "--show-policy prints the host's allow entry" bash -c "$WORKER --show-policy $H_ALLOW | grep -q 'active  $POLICY:.* EXE=/opt/bench/xmrig USER=bench (reason: e2e CPU benchmark; expires 2099-12-31)'"
report $H_ALLOW "allowlisted" full "$BENCH_FINDING" "$BENCH_SIGNALS"
check "an allowlisted miner is green" color_is $H_ALLOW green
b=$(body $H_ALLOW)
check_contains "the status shows the allow entry that matched" "$b" "e2e CPU benchmark"
check_contains "and the suppressed finding" "$b" "Allowlisted (suppressed by policy)"
report $H_EXPIRED "pid 5000" full "$BENCH_FINDING" "$BENCH_SIGNALS"
check "an expired allow entry no longer applies: red" color_is $H_EXPIRED red
check_contains "the status lists the expired entry" "$(body $H_EXPIRED)" "EXPIRED $POLICY"

# A broken policy is logged with file and line; the previous policy stays in force.
printf 'HOST=%s\n\tALLOW NAME=xmrig REASON=x EXPIRES=2099-01-01\n' $H_ALLOW >>"$POLICY"
sleep 6
mr_message $H_ALLOW full "$BENCH_FINDING" "$BENCH_SIGNALS" | send
sleep 2
check "a broken policy is logged with FILE:LINE" grep -q "policy error, previous policy stays in force: $POLICY:[0-9]*: ALLOW needs EXE=" /var/log/xymon/miningrisk.log
check "and the previous policy stays in force (still green)" color_is $H_ALLOW green
cp "$POLICY_BACKUP" "$POLICY"

# 3b. PAGE= scopes: the worker learns each host's page from xymond (hostinfo XMH_PAGEPATH), at
# start and again after the @@reload that a hosts.cfg change brings.
remove_pages
add_pages 'page mrsrvlab miningrisk e2e lab\n127.0.0.1\t%s\t# noconn\npage mrsrvoffice miningrisk e2e office\n127.0.0.1\t%s\t# noconn\n' \
    $H_LAB $H_OFFICE
cp "$POLICY_BACKUP" "$POLICY"
printf 'PAGE=mrsrvlab\n\tEXPECTED REASON="e2e mining lab"\n' >>"$POLICY"
check "xymond puts the test host on its page" wait_until 15 bash -c "$(declare -f xq page_is); XYMON=$XYMON; page_is $H_LAB mrsrvlab"
for h in $H_LAB $H_OFFICE; do xq "drop $h miningrisk" >/dev/null 2>&1; done
sleep 6  # the policy's mtime check (5 s); xymond's @@reload has reached the worker by now
mr_message $H_LAB full "$MINER_FINDING" "$MINER_SIGNALS" | send
mr_message $H_OFFICE full "$MINER_FINDING" "$MINER_SIGNALS" | send
wait_line1 $H_LAB "pid 4316"
wait_line1 $H_OFFICE "pid 4316"
check "a PAGE= scope applies to a host on that page: mining expected, green" color_is $H_LAB green
check_contains "and line 1 says why" "$(line1 $H_LAB)" "mining expected here (e2e mining lab)"
check "a host on another page is unaffected: red" color_is $H_OFFICE red
# Off the page again (hosts.cfg edit + HUP): the scope no longer applies.
remove_pages
add_pages 'page mrsrvoffice miningrisk e2e office\n127.0.0.1\t%s\t# noconn\n127.0.0.1\t%s\t# noconn\n' $H_OFFICE $H_LAB
check "xymond moves the test host off its page" wait_until 15 bash -c "$(declare -f xq page_is); XYMON=$XYMON; page_is $H_LAB mrsrvoffice"
sleep 1
report $H_LAB "red xmrig" full "$MINER_FINDING" "$MINER_SIGNALS"
check "moved to another page (after @@reload), the lab scope no longer applies: red" color_is $H_LAB red
remove_pages
cp "$POLICY_BACKUP" "$POLICY"

# 4. Agentless: a stock client message with a miner in [ps] and a pool in [ports].
stock_report $H_AGENTLESS stock-client-linux-miner.txt "xmrig"
check "agentless: miner in [ps] + pool in [ports] is red" color_is $H_AGENTLESS red
l1=$(line1 $H_AGENTLESS)
check_contains "agentless: line 1 names the pid" "$l1" "xmrig (pid 4316, user www-data)"
check_contains "agentless: marked as such in line 1" "$l1" "(agentless)"
check_contains "agentless: body says the evidence is limited" "$(body $H_AGENTLESS)" "limited evidence: stock client [ps]/[ports] only"
stock_report $H_AGENTLESS stock-client-linux.txt "no miner found"
check "agentless: the clean stock capture is green" color_is $H_AGENTLESS green

# A host with both: the miningrisk client's evidence wins over the stock [ps].
report $H_BOTH "no miner found" full
sed "1s/.*/client $H_BOTH.linux linux/" "$FIX/stock-client-linux-miner.txt" | send
sleep 3
check "a host with miningrisk-client ignores the stock [ps] (still green)" color_is $H_BOTH green
check_not_contains "and is not marked agentless" "$(line1 $H_BOTH)" "agentless"

# 5. Limited visibility: yellow with the reason, never green.
report $H_LIMITED "limited visibility" limited
check "limited visibility is yellow" color_is $H_LIMITED yellow
check_contains "with the reason in line 1" "$(line1 $H_LIMITED)" "no CAP_SYS_PTRACE"

# 6. Hostile process names reach the status escaped.
HOSTILE='pid=666 ppid=1 uid=0 user=root comm=%26red%20%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E exe=/tmp/%0A%26red%20x cores=1.00 maxthread=1.00 pool= container= color=red argv=%3Cscript%3Ealert(1)%3C/script%3E
'
HOSTILE_SIG='pid=666 id=miner_name strength=strong evidence=%0A%26green%20all%20clear
'
report $H_HOSTILE "pid 666" full "$HOSTILE" "$HOSTILE_SIG"
b=$(body $H_HOSTILE)
check_contains "a '&red <img ...>' process name is escaped" "$b" "&amp;red &lt;img src=x onerror=alert(1)&gt;"
check_not_contains "no raw <img> tag reaches the status" "$b" "<img src=x"
check_not_contains "no raw <script> tag reaches the status" "$b" "<script>"
check "no line of the status starts with a colour icon" bash -c "! printf '%s\n' \"\$1\" | tail -n +3 | grep -qE '^&(red|yellow|green|clear|purple|blue)'" _ "$b"

# 6b. A client that found more than it may send (it sends its worst 200) says how many: the
# on-call engineer sees the real count in line 1, the text and the findings graph.
report $H_MANY "(+449 more)" full "$MINER_FINDING" "$MINER_SIGNALS" 450
check "a host with 450 findings is red" color_is $H_MANY red
b=$(body $H_MANY)
check_contains "the status says how many the client left out" "$b" "The client found 449 more findings than it reports"
check_contains "the findings NCV counts them all" "$b" "findings : 450"

# 7. Garbage, truncated and oversized messages neither crash nor stall the worker.
pid_before=$(pgrep -u xymon -f "^$WORKER" | head -1)
printf 'client/miningrisk %s.linux linux\n\x01\x02\xff\xfe garbage %s\n[miningrisk]\nversion=x\n[findings]\npid=1%%ZZ comm=%%\n' $H_BAD "$(head -c 3000 /dev/urandom | base64 -w0)" | send
mr_message $H_BAD full "$MINER_FINDING" "$MINER_SIGNALS" | head -c 200 | send
{ mr_message $H_BAD full "$MINER_FINDING" "$MINER_SIGNALS"; head -c 700000 /dev/zero | tr '\0' 'A'; echo; } | send
{ printf 'client %s.linux linux\n[ps]\n' $H_BAD; head -c 600000 /dev/urandom | base64; printf '[ports]\n'; head -c 1000 /dev/urandom; } | send
sleep 2
pid_after=$(pgrep -u xymon -f "^$WORKER" | head -1)
check "the worker is alive after garbage, truncated and oversized messages" test -n "$pid_after"
check "and it is the same process (no crash/restart: $pid_before -> $pid_after)" test "$pid_before" = "$pid_after"
report $H_BAD "pid 4316" full "$MINER_FINDING" "$MINER_SIGNALS"
check "the next good message is still processed" color_is $H_BAD red

# 8. The trend graph: the xymonserver.d drop-in reaches xymond_rrd (run-all.sh restarts xymon
# after `make install`; by hand: xymon_down; xymon_up), and the worker's NCV lines land in
# miningrisk.rrd under the names the graph definition uses.
env_t2r=$(su -s /bin/sh xymon -c "$XYMONCMD --env=/etc/xymon/xymonserver.cfg env" 2>/dev/null | grep '^TEST2RRD=')
check_contains "xymonserver.cfg with the drop-in maps miningrisk to NCV" "$env_t2r" "miningrisk=ncv"
rrd_ok=0
for p in $(pgrep -u xymon -x xymond_rrd); do
    tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -q '^TEST2RRD=.*miningrisk=ncv' && rrd_ok=1
done
check "xymond_rrd runs with the drop-in (if not: restart xymon after the first make install)" test "$rrd_ok" = 1
RRD=/var/lib/xymon/rrd/$H_RRD/miningrisk.rrd
# A file from an older layout keeps its old DS names: start that one afresh.
if [ -f "$RRD" ] && ! rrdtool info "$RRD" | grep -q '^ds\[suspectcores\]'; then rm -f "$RRD"; fi
report $H_RRD "no miner found" full
sleep 1.2  # xymond_rrd ignores a second update within the same second
cores="1.$((RANDOM % 90 + 10))"  # this run's value, to find in the file
report $H_RRD "pid 4316" full "${MINER_FINDING/cores=1.92/cores=$cores}" "$MINER_SIGNALS"
check "the NCV values reach miningrisk.rrd" wait_until 30 test -f "$RRD"
ds=$(rrdtool info "$RRD" 2>/dev/null | grep -o '^ds\[[a-z0-9]*\]\.type = "[A-Z]*"' | tr '\n' ' ')
for name in suspectcores score findings poolconns; do
    check_contains "the RRD has the GAUGE data source '$name' (graphs.d uses it)" "$ds" "ds[$name].type = \"GAUGE\""
done
graph() { QUERY_STRING="host=$H_RRD&service=miningrisk&graph=hourly&action=view" REQUEST_METHOD=GET /usr/lib/xymon/cgi-bin/showgraph.sh 2>/dev/null; }
check_contains "showgraph draws the miningrisk graph" "$(graph | head -c 300 | tr -d '\0')" "Content-type: image/png"
check "and the image is a PNG" bash -c "$(declare -f graph); H_RRD=$H_RRD; graph | LC_ALL=C grep -qa \$'^\x89PNG'"
# showgraph also asks xymond_rrd to flush its cache (at most once a minute per host), so the
# values themselves reach the file: the last update carries this run's suspect cores.
flushed() { graph >/dev/null; rrdtool lastupdate "$RRD" | tail -1 | grep -qE "^[0-9]+: $cores "; }
check "the values reach the RRD file (last update: $cores suspect cores)" \
    wait_until 75 bash -c "$(declare -f graph flushed); H_RRD=$H_RRD; RRD=$RRD; cores=$cores; flushed"

finish
