#!/usr/bin/env bash
# Incidents and SIEM export on the real Xymon: a red (crafted client/miningrisk messages, as
# 40-server-column does), an acknowledgement (xymondack), a worker restart, a clean-up and N
# clean cycles (N=3 from the policy) make ONE incident. Its page, through Apache in headless
# Chromium (1920x1080 screenshot, --print-to-pdf read back with pdftotext), shows the timeline in
# order, the ranked entry hint for a miner under apache2 and the impact figures; the .json export
# round-trips to the state file; a hostile process name stays literal text. Every line of
# events.ndjson validates against @elastic/ecs (node --test), and a private rsyslog on
# 127.0.0.1 receives the same events over TCP and UDP.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
source "$(dirname "$0")/../lib/web.sh"

H=inc-e2e-web            # the incident under test
H_UDP=inc-e2e-udp        # a second host whose events go out over UDP
WORKER=/usr/lib/xymon/server/ext/xymond_miningrisk
GEN=/usr/lib/xymon/server/ext/miningrisk-pages
POLICY=/etc/xymon/miningrisk.cfg
SIEMCFG=/etc/xymon/miningrisk-siem.cfg
INC=/var/lib/xymon/miningrisk/incidents
EVENTS=/var/log/xymon/miningrisk/events.ndjson
WWW=/var/lib/xymon/www
OUT=inc-e2e
ART=${MR_ARTIFACTS:-$MR_ROOT/tests/artifacts}
SHOTS=$ART/screenshots
RS=/tmp/mr-rsyslog-e2e
TCP_PORT=15514
UDP_PORT=15515
mkdir -p "$SHOTS" "$ART"

xymon_up
web_up || { not_ok "private apache starts on 127.0.0.1:$MR_WEB_PORT"; finish; exit 1; }
for h in $H $H_UDP; do xymon_add_host "$h"; xq "drop $h miningrisk" >/dev/null 2>&1; done
rm -f "$INC"/$H-* "$INC"/$H_UDP-*

# The suite's policy scope and SIEM settings; the admin's files come back at exit.
POLICY_BACKUP=$(mktemp); cp -p "$POLICY" "$POLICY_BACKUP"
SIEM_BACKUP=$(mktemp); cp -p "$SIEMCFG" "$SIEM_BACKUP" 2>/dev/null || : >"$SIEM_BACKUP"
restore() {
    cp "$POLICY_BACKUP" "$POLICY"; cp "$SIEM_BACKUP" "$SIEMCFG"; rm -f "$POLICY_BACKUP" "$SIEM_BACKUP"
    [ -f "$RS/rsyslogd.pid" ] && kill "$(cat "$RS/rsyslogd.pid")" 2>/dev/null
    cleanup_children
}
trap restore EXIT
printf 'HOST=%s,%s\n\tINCIDENT CLEAN_CYCLES=3 PRICE_KWH=0.30 PRICE_VCPU_HOUR=0.10 CURRENCY=EUR\n' $H $H_UDP >>"$POLICY"

# A private rsyslog (its own config, pid file, work dir and output file; never the system one).
rm -rf "$RS"; mkdir -p "$RS"
cat >"$RS/rsyslog.conf" <<CONF
global(workDirectory="$RS" maxMessageSize="64k")
module(load="imtcp")
module(load="imudp")
template(name="mrjson" type="string" string="%msg%\n")
ruleset(name="mr") { action(type="omfile" file="$RS/received.log" template="mrjson") }
input(type="imtcp" address="127.0.0.1" port="$TCP_PORT" ruleset="mr")
input(type="imudp" address="127.0.0.1" port="$UDP_PORT" ruleset="mr")
CONF
run_detached /usr/sbin/rsyslogd -f "$RS/rsyslog.conf" -i "$RS/rsyslogd.pid" >"$RS/start.log" 2>&1
check "a private rsyslog listens on 127.0.0.1:$TCP_PORT (tcp) and :$UDP_PORT (udp)" \
    wait_until 10 bash -c "ss -ltn | grep -q '127.0.0.1:$TCP_PORT ' && ss -lun | grep -q '127.0.0.1:$UDP_PORT '"
printf 'events = %s\nsyslog = tcp://127.0.0.1:%s\n' "$EVENTS" $TCP_PORT >"$SIEMCFG"
EVENTS_START=$(stat -c %s "$EVENTS" 2>/dev/null || echo 0)
sleep 6   # the worker looks at the policy and SIEM settings every 5 s

send() { "$XYMON" 127.0.0.1 @ >/dev/null; }
line1() { xq "xymondboard host=^$1\$ test=^miningrisk\$ fields=line1" 2>/dev/null | head -1; }
# report HOST COLOR FINDINGS SIGNALS: a client/miningrisk message with the report time now.
report() {
    printf 'client/miningrisk %s.linux linux\n[miningrisk]\n' "$1"
    printf 'version=1 agent=miningrisk-client/e2e time=%s interval=300 visibility=full ioc=%s color=%s\n' "$(date +%s)" "$(published_ioc)" "$2"
    printf '[host]\ncores=4 busy=3.9 procs=120 threads=300 sockets=40 netns=1 ldpreload=0 hugepages=0\n'
    printf '[findings]\n%s[signals]\n%s[top]\n' "${3:-}" "${4:-}"
}
NOW=$(date +%s)
# The miner: xmrig under apache2 (a web exploit), 1 core-hour of CPU so far, started an hour
# ago from a file dropped two hours ago. Beside it a process with a hostile name and command line.
MINER="pid=4316 ppid=812 pcomm=apache2 pchain=apache2%00systemd uid=33 user=www-data comm=xmrig exe=/tmp/.x/xmrig sha256= cores=3.90 maxthread=0.99 pool=203.0.113.5:3333 container= color=red argv=./xmrig%00-o%00203.0.113.5:3333 cpu=3600.00 startticks=500000 start=$((NOW - 3600)) exemtime=$((NOW - 7200)) exectime=$((NOW - 7100))
"
HOSTILE="pid=4320 ppid=812 pcomm=apache2 uid=33 user=www-data comm=%3C/script%3E%3Cimg%20src=x%20onerror=alert(1)%3E exe=/dev/shm/%22q%22 cores=0.10 pool= color=yellow argv=sh%00-c%00echo%20%22pwn%22%0A%3C/script%3E%FF%FE cpu=1.00 startticks=500100 start=$((NOW - 600))
"
SIGS='pid=4316 id=pool_connection strength=strong evidence=203.0.113.5:3333%20ESTABLISHED
pid=4316 id=miner_name strength=strong evidence=comm%20xmrig
pid=4320 id=exe_in_tempdir strength=weak evidence=/dev/shm
pid=4320 id=tempdir_cpu_hog strength=medium evidence=/dev/shm
'
report $H green | send
wait_until 15 bash -c "$(declare -f line1 xq); XYMON=$XYMON; [[ \"\$(line1 $H)\" == *'no miner found'* ]]"
sleep 1
report $H red "$MINER$HOSTILE" "$SIGS" | send
check "the miner turns the column red" wait_until 15 bash -c "$(declare -f line1 xq); XYMON=$XYMON; [[ \"\$(line1 $H)\" == red* ]]"
check "the first red opens an incident (state file under $INC)" wait_until 10 bash -c "ls $INC/$H-*.state >/dev/null 2>&1"
ID=$(basename "$(ls $INC/$H-*.state 2>/dev/null | head -1)" .state)
check_contains "the incident id is host + first-red time (UTC)" "$ID" "$H-$(date -u -d @"$(sed -n 's/.* opened=\([0-9]*\).*/\1/p' "$INC/$ID.state")" +%Y%m%dT%H%M%SZ)"
check "a lessons-learned file is created beside the state, with the checklist" grep -q "Blame-free review" "$INC/$ID.lessons.txt"
check_contains "the column's status links the incident page" "$(xq "xymondlog $H.miningrisk")" "/xymon/miningrisk/incident-$ID.html"

# Acknowledged in Xymon: the page channel carries it to the incident.
COOKIE=$(xq "xymondboard host=^$H\$ test=^miningrisk\$ fields=cookie" | head -1)
xq "xymondack $COOKIE 60 Investigating the miner, ticket INC-4711" >/dev/null
check "the ack reaches the incidents' events file (page channel worker)" \
    wait_until 20 grep -q "host=$H .*kind=acknowledged" "$INC/xymond-events.log"

# Disabled for maintenance and enabled again: the enadis channel worker records both.
xq "disable $H.miningrisk 30 e2e maintenance window" >/dev/null
xq "enable $H.miningrisk" >/dev/null
check "disable and enable reach the events file (enadis channel worker)" \
    wait_until 20 bash -c "grep -q 'host=$H .*kind=disabled' $INC/xymond-events.log && grep -q 'host=$H .*kind=enabled' $INC/xymond-events.log"

# The miner restarts (a new life: new pid and start time): its CPU adds up.
sleep 1
RESTART="pid=5001 ppid=812 pcomm=apache2 pchain=apache2%00systemd uid=33 user=www-data comm=xmrig exe=/tmp/.x/xmrig cores=3.90 pool=203.0.113.5:3333 color=red argv=./xmrig cpu=1800.00 startticks=900000 start=$((NOW - 1800))
"
report $H red "$RESTART" 'pid=5001 id=pool_connection strength=strong evidence=203.0.113.5:3333%20ESTABLISHED
' | send
check "the acknowledgement is on the incident's timeline" wait_until 15 grep -q "kind=acknowledged" "$INC/$ID.state"
check "disabled and enabled are on the incident's timeline" wait_until 15 bash -c "grep -q kind=disabled $INC/$ID.state && grep -q kind=enabled $INC/$ID.state"

# The worker restarts (Xymon restarted): the incident carries on from its state file.
xymon_down; xymon_up
sleep 1
for i in 1 2; do report $H green | send; sleep 2; done
check "after the restart the same incident counts clean cycles (2 of 3)" wait_until 15 grep -q 'state=recovering clean=2 ' "$INC/$ID.state"
check_contains "the status says where recovery stands" "$(xq "xymondlog $H.miningrisk")" "recovering: 2 of 3 clean cycles"
report $H green | send
check "the third clean cycle closes it: recovered" wait_until 15 grep -q 'state=recovered ' "$INC/$ID.state"
check "one incident for the whole episode" test "$(ls $INC/$H-*.state | wc -l)" -eq 1

# The pages, generated as xymon into a private directory and served by Apache.
rm -rf "${WWW:?}/$OUT"; install -d -o xymon -g xymon "$WWW/$OUT"
check "the page generator writes the incident pages" su -s /bin/sh xymon -c "$XYMONCMD $GEN --once --www $WWW/$OUT --templates $MR_ROOT/web-templates --hosts '^inc-e2e-web\\b'"
BASE=$MR_WEB_URL/xymon/$OUT
for f in "incident-$ID.html" "incident-$ID.md" "incident-$ID.json" incidents.html; do
    check_contains "HTTP 200 for /xymon/$OUT/$f" "$(http_code "$BASE/$f")" 200
done
dom=$(browser_dom "$BASE/incident-$ID.html")
echo "$dom" >"$ART/incident-dom.html"
kinds=$(grep -o 'data-kind="[a-z_]*"' <<<"$dom" | cut -d'"' -f2 | tr '\n' ' ')
check_contains "timeline in order: dropped, three process starts (two miner lives, the hostile one), red" "$kinds" \
    "exe_mtime exe_ctime process_start process_start process_start first_red "
check "timeline: the ack after the red, clean cycles after the ack, recovered last" bash -c \
    "k='$kinds'; [[ \$k =~ first_red.*acknowledged.*clean_cycle.*clean_cycle.*recovered\ \$ ]]"
times=$(grep -o 'data-time="[0-9]*"' <<<"$dom" | cut -d'"' -f2)
check "timeline times are ascending (UTC)" bash -c "[ \"\$(printf '%s\n' $times | sort -n | tr '\n' ' ')\" = \"\$(printf '%s\n' $times | tr '\n' ' ')\" ]"
first_hint=$(grep -o '<li class="mr-inc-hint"[^>]*><b>[^<]*</b>[^<]*' <<<"$dom" | head -1)
check_contains "entry hint ranked first: exploited public-facing application" "$first_hint" "exploited public-facing application"
check_contains "the first hint names the web server parent" "$first_hint" "parent apache2 of xmrig (pid 4316)"
check_contains "the first hint gives the ATT&CK techniques" "$first_hint" "T1190,T1505.003"
check_contains "impact: CPU of both lives (3600 s + 1800 s = 1.50 core-hours)" "$dom" "1.50 core-hours over 3 process lives"
check_contains "impact: kWh = 1.5 x (3.5 - 0.74) x 1.135 / 1000" "$dom" "0.0047 kWh"
check_contains "impact: money at 0.30 EUR/kWh and 0.10 EUR/vCPU-hour" "$dom" "0.15 EUR"
check_contains "the formula is on the page" "$dom" "kWh = core-hours x (3.50 W busy - 0.74 W idle per vCPU) x PUE 1.135 / 1000"
check_contains "what was done lists the acknowledgement" "$(grep -A3 'id="mr-inc-done"' <<<"$dom")" "Investigating the miner, ticket INC-4711"
check_contains "lessons learned shows the checklist" "$dom" "Owner informed:"
check_contains "status on the page: recovered" "$dom" "Status: recovered at"
check_not_contains "hostile name: no <img src=x> element" "$dom" '<img src="x"'
check_not_contains "hostile name: no onerror attribute" "$dom" 'onerror="'
check_contains "hostile name is literal text" "$dom" '&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; (pid 4320'

# The engineer writes the lessons; the next run shows them.
printf 'How it got in:\n  an unpatched upload form <script>x</script>\n' >>"$INC/$ID.lessons.txt"
su -s /bin/sh xymon -c "$XYMONCMD $GEN --once --www $WWW/$OUT --templates $MR_ROOT/web-templates --hosts '^inc-e2e-web\\b'"
check_contains "edited lessons appear on the page, as text" "$(browser_dom "$BASE/incident-$ID.html")" "an unpatched upload form &lt;script&gt;x&lt;/script&gt;"

check "screenshot of the incident page at 1920x1080" browser_shot "$BASE/incident-$ID.html" "$SHOTS/incident.png"
check "the incident page prints to PDF (A4)" bash -c "$(declare -f _chromium); _chromium --no-pdf-header-footer --print-to-pdf=$ART/incident.pdf '$BASE/incident-$ID.html' >/dev/null; [ -s $ART/incident.pdf ]"
check_contains "the PDF is A4" "$(pdfinfo "$ART/incident.pdf" 2>/dev/null | grep 'Page size')" "(A4)"
pdftotext -layout "$ART/incident.pdf" "$ART/incident-pdf.txt" 2>/dev/null
pdf=$(pdftotext "$ART/incident.pdf" - 2>/dev/null | tr -s ' \n' ' ')  # text as read, table cells wrap
check_contains "PDF: the timeline" "$pdf" "Timeline (UTC)"
check_contains "PDF: the entry hint" "$pdf" "exploited public-facing application"
check_contains "PDF: the impact" "$pdf" "1.50 core-hours"
check_contains "PDF: the hostile name as literal text" "$pdf" "</script><img src=x onerror=alert(1)> (pid 4320, user www-data) started"
check_not_contains "PDF: no Xymon menu on paper" "$pdf" "Critical systems"

# Links from the host page, the fleet page and the incidents index.
check_contains "the host page links the incident" "$(browser_dom "$BASE/host-$H.html")" "href=\"incident-$ID.html\""
check_contains "the fleet page links the incident" "$(browser_dom "$BASE/index.html")" "href=\"incident-$ID.html\""
idx=$(browser_dom "$BASE/incidents.html")
check_contains "the incidents index lists it as recovered" "$(grep -A6 "data-incident=\"$ID\"" <<<"$idx")" 'data-state="recovered"'

# The exports: the .json reads back to the state file; the .md has every section.
curl -s --max-time 30 "$BASE/incident-$ID.json" >"$ART/incident.json"
check "the .json export is one JSON document" python3 -c "import json,sys; json.load(open('$ART/incident.json'))"
check "the .json export round-trips to the incident's state file" bash -c "diff <($WORKER --incident-json $ART/incident.json) $INC/$ID.state"
md=$(curl -s --max-time 30 "$BASE/incident-$ID.md")
for s in "## Timeline (UTC)" "## Entry hints (ranked)" "## Impact" "## What was done" "## Lessons learned"; do
    check_contains ".md export: $s" "$md" "$s"
done

# A second host's events over UDP.
printf 'events = %s\nsyslog = udp://127.0.0.1:%s\n' "$EVENTS" $UDP_PORT >"$SIEMCFG"
sleep 6
report $H_UDP red "$MINER" "$SIGS" | send
check "a red on $H_UDP" wait_until 15 bash -c "$(declare -f line1 xq); XYMON=$XYMON; [[ \"\$(line1 $H_UDP)\" == red* ]]"
sleep 2

# ECS: every new line of events.ndjson, validated with node's test runner against @elastic/ecs.
tail -c +$((EVENTS_START + 1)) "$EVENTS" >"$ART/events.ndjson"
n=$(wc -l <"$ART/events.ndjson")
check "the worker wrote ECS events for the incident ($n lines)" test "$n" -ge 10
check "every line is valid JSON with no raw line break inside" python3 -c "
import json
for l in open('$ART/events.ndjson', encoding='utf-8'): json.loads(l)"
check_contains "events include the finding with process.parent.name apache2" "$(cat "$ART/events.ndjson")" '"parent":{"pid":812,"name":"apache2"}'
check_contains "events include the incident's acknowledgement" "$(cat "$ART/events.ndjson")" '"action":"incident-acknowledged"'
check_contains "events include the recovery" "$(cat "$ART/events.ndjson")" '"action":"incident-recovered"'
(cd "$MR_ROOT/tests/siem" && npm ci --no-audit --no-fund >"$ART/npm-ci.log" 2>&1)
check "npm ci installs @elastic/ecs for the validator" test -f "$MR_ROOT/tests/siem/node_modules/@elastic/ecs/package.json"
out=$(cd "$MR_ROOT/tests/siem" && EVENTS_FILE="$ART/events.ndjson" EVENTS_MIN=10 node --test 2>&1)
echo "$out" >"$ART/ecs-node-test.log"
check_contains "node --test: every line validates against EcsFlat" "$out" "# fail 0"
check_contains "node --test ran both tests" "$out" "# pass 2"

# Syslog: rsyslog received the same events (TCP for the incident, UDP for the second host).
check "rsyslog wrote what it received" wait_until 10 test -s "$RS/received.log"
check "every syslog message parses back as the same ECS JSON line" python3 - "$RS/received.log" "$ART/events.ndjson" "$H" "$H_UDP" <<'PY'
import json, sys
got = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
sent = {json.loads(l)['event']['id'] for l in open(sys.argv[2], encoding='utf-8')}
ids = {e['event']['id'] for e in got}
hosts = {e['host']['name'] for e in got}
assert ids <= sent, "syslog carried events the file does not have"
assert sys.argv[3] in hosts and sys.argv[4] in hosts, hosts
assert any(e['event']['action'] == 'incident-recovered' for e in got)
PY

finish
