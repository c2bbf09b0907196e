#!/usr/bin/env bash
# The fleet, wall and host pages as a user sees them: statuses for pg- hosts on the real Xymon,
# the generator run once as xymon under xymoncmd, then Apache on 127.0.0.1:8084 and headless
# Chromium: HTTP 200, worst-first order in the rendered DOM, the all-clear state, working links,
# hostile process names shown as text, and 1920x1080 screenshots under $MR_ARTIFACTS/screenshots.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
source "$(dirname "$0")/../lib/web.sh"

GEN=$MR_BUILD/server-plugins/miningrisk-pages
SHOTS=${MR_ARTIFACTS:-$MR_ROOT/tests/artifacts}/screenshots
WWW=/var/lib/xymon/www
OUT=pg-e2e            # pages under test: /xymon/pg-e2e/, and /xymon/pg-e2e-clear/ for all clear
mkdir -p "$SHOTS"

xymon_up
web_up || { not_ok "private apache starts on 127.0.0.1:$MR_WEB_PORT"; finish; exit 1; }
for h in pg-red-old pg-red-new pg-yellow pg-green1 pg-green2 pg-xss pg-amp; do xymon_add_host "$h"; done
# pg-wasred turns red and green on every run: "noflap", or xymond locks it red as flapping
# (5 changes in 30 minutes).
(
    flock 9
    if ! grep -qE "^[0-9.]+[[:space:]]+pg-wasred[[:space:]]" /etc/xymon/hosts.cfg; then
        printf '127.0.0.1\tpg-wasred\t# noconn noflap\n' >>/etc/xymon/hosts.cfg
        kill -HUP "$(cat /run/xymon/xymond.pid)" 2>/dev/null || true
        sleep 1
    fi
) 9>"$XYMON_LOCK"
# Who is paged: a private alerts.cfg (the real one belongs to the paging suite).
ALERTS=/tmp/pg-alerts.cfg
printf '# test rule\n$ONCALL=pg-oncall@example.com\nSERVICE=disk\n\tMAIL disk@example.com\nSERVICE=miningrisk COLOR=red\n\tMAIL $ONCALL REPEAT=30m\n' >"$ALERTS"
chmod 644 "$ALERTS"

body() {  # evidence table + NCV lines, like the worker's
    printf '<!-- ncv_skipstart -->\n<table><tr><th>pid</th><th>process</th><th>signal</th></tr><tr><td>%s</td><td>%s</td><td>%s</td></tr></table>\n<!-- ncv_skipend -->\nsuspectcores : %s\nscore : 3\nfindings : 1\npoolconns : 1' "$@"
}
xq "status+30 pg-red-old.miningrisk red xmrig (pid 4316, user www-data) on 1.9 cores, pool 203.0.113.5:3333
$(body 4316 xmrig 'pool_connection 203.0.113.5:3333' 1.9)"
sleep 2   # pg-red-old has been red longer than pg-red-new
xq "status+30 pg-red-new.miningrisk red minerd (pid 77, user nobody) on 0.9 cores, pool 198.51.100.7:4444
$(body 77 minerd 'pool_connection 198.51.100.7:4444' 0.9)"
xq "status+30 pg-yellow.miningrisk yellow kworkerds (pid 900, user nobody) on 0.8 cores
suspectcores : 0.8"
xq "status+30 pg-green1.miningrisk green no miner found (123 processes, 45 sockets checked)
suspectcores : 0"
xq "status+30 pg-green2.miningrisk green no miner found (99 processes, 12 sockets checked)
suspectcores : 0"
xq "status+30 pg-xss.miningrisk yellow <img src=x onerror=alert(1)> (pid 66, user root) on 0.3 cores
$(body 66 '&lt;img src=x onerror=alert(1)&gt;' cpu 0.3)"
xq "status+30 pg-amp.miningrisk yellow &red (pid 67, user root) on 0.2 cores
suspectcores : 0.2"
wait_until 10 bash -c "[ \"\$($XYMON 127.0.0.1 'xymondboard host=^pg-(amp|xss|red-new)\$ test=^miningrisk\$ fields=color' | wc -l)\" -eq 3 ]"

# A host that went red, then green: Xymon stores the red status (histlogs) at the change.
xq "status+30 pg-wasred.miningrisk green no miner found (10 processes, 1 sockets checked)
suspectcores : 0"
sleep 1
touch /tmp/pg-wasred.mark
xq "status+30 pg-wasred.miningrisk red <b>xmrig-evil</b> (pid 4242, user www-data) on 1.5 cores, pool 203.0.113.9:3333
$(body 4242 '&lt;b&gt;xmrig-evil&lt;/b&gt;' 'pool_connection 203.0.113.9:3333' 1.5)"
HL=/var/lib/xymon/histlogs/pg-wasred/miningrisk
check "Xymon stores the red status of pg-wasred" wait_until 20 bash -c "[ -n \"\$(find $HL -type f -newer /tmp/pg-wasred.mark 2>/dev/null | xargs -r grep -l xmrig-evil)\" ]"
sleep 1
xq "status+30 pg-wasred.miningrisk green no miner found (10 processes, 1 sockets checked)
suspectcores : 0"
check "Xymon's history has pg-wasred back to green" wait_until 20 bash -c "tail -c 80 /var/lib/xymon/hist/pg-wasred.miningrisk | tr -d '\\0' | grep -q ' green [0-9]*\$'"

# xymoncmd expands "$NAME" in its arguments, so the host regexes end with \b, not $.
gen() {  # gen DIR REGEX
    rm -rf "${WWW:?}/$1"; install -d -o xymon -g xymon "$WWW/$1"
    su -s /bin/sh xymon -c "$XYMONCMD $GEN --once --www $WWW/$1 --templates $MR_ROOT/web-templates --alerts $ALERTS --hosts '$2'"
}
check "generator runs once as xymon and exits 0" gen "$OUT" '^pg-(red-old|red-new|yellow|green1|green2|xss|amp|wasred)\b'
check "generator wrote fleet, wall and a page per host" test -s "$WWW/$OUT/index.html" -a -s "$WWW/$OUT/wall.html" -a -s "$WWW/$OUT/host-pg-red-old.html" -a -s "$WWW/$OUT/host-pg-amp.html"

BASE=$MR_WEB_URL/xymon/$OUT
for p in index.html wall.html host-pg-red-old.html host-pg-xss.html host-pg-amp.html miningrisk.css; do
    check_contains "HTTP 200 for /xymon/$OUT/$p" "$(http_code "$BASE/$p")" 200
done

# Worst first in the DOM the browser built: reds (longest first), yellows, greens.
dom=$(browser_dom "$BASE/index.html")
order=$(grep -o 'data-host="pg-[a-z0-9-]*"' <<<"$dom" | cut -d'"' -f2 | tr '\n' ' ')
check_contains "fleet rows are worst first" "$order" "pg-red-old pg-red-new "
check "fleet: every yellow before every green" bash -c "o='$order'; y=\${o%%pg-green*}; [[ \$y == *pg-yellow* && \$y == *pg-xss* && \$y == *pg-amp* ]]"
check_contains "fleet summary counts the trouble" "$dom" "5 of 8 hosts need attention: 2 red, 3 yellow"
check_contains "fleet row of pg-wasred: under watch for 24 h" "$(grep -A12 'data-host="pg-wasred"' <<<"$dom")" "watch: clean for only"
check_contains "fleet carries Xymon's menu" "$dom" 'id="menue"'
check_contains "fleet shows the pool" "$dom" "203.0.113.5:3333"

wall=$(browser_dom "$BASE/wall.html")
tiles=$(grep -o 'class="tile tile-[a-z]*" data-host="pg-[a-z0-9-]*"' <<<"$wall" | sed 's/.*data-host="//; s/"//' | tr '\n' ' ')
check_contains "wall tiles are worst first" "$tiles" "pg-red-old pg-red-new "
check_not_contains "wall has no tile for green hosts" "$tiles" "pg-green"
check_contains "red tile says who is paged (from alerts.cfg)" "$wall" "Paged: pg-oncall@example.com"
check_contains "red host page names the paging rule" "$(browser_dom "$BASE/host-pg-red-old.html")" "On-call: pages pg-oncall@example.com (alerts.cfg line 6)"
check_contains "red tile links to the evidence" "$(grep -A8 'data-host="pg-red-old"' <<<"$wall")" "/xymon/miningrisk/host-pg-red-old.html"
check_contains "wall refreshes by itself" "$(curl -s "$BASE/wall.html")" 'CONTENT="60"'

# Hostile process names: literal text, no element made from them, on every page.
for p in index.html wall.html host-pg-xss.html host-pg-amp.html; do
    d=$(browser_dom "$BASE/$p")
    check_not_contains "$p: no <img src=x> element from a process name" "$d" '<img src="x"'
    check_not_contains "$p: no onerror attribute" "$d" 'onerror="'
    case $p in
        host-pg-amp.html) check_contains "$p: &red is literal text" "$d" '&amp;red (pid 67' ;;
        host-pg-xss.html) check_contains "$p: <img ...> is literal text" "$d" '&lt;img src=x onerror=alert(1)&gt; (pid 66' ;;
        *) check_contains "$p: <img ...> is literal text" "$d" '&lt;img src=x onerror=alert(1)&gt;'
           check_contains "$p: &red is literal text" "$d" '&amp;red (pid 67' ;;
    esac
done

# Host page: evidence table, timeline from Xymon's history, links that work.
hdom=$(browser_dom "$BASE/host-pg-red-old.html")
check_contains "host page keeps the evidence table" "$hdom" "<td>pool_connection 203.0.113.5:3333</td>"
check_contains "host page shows the colour timeline" "$hdom" 'id="mr-timeline"'
check_contains "timeline has the red change" "$(grep -A3 'mr-timeline' <<<"$hdom")" "red"
links=$(grep -o 'href="[^"]*"' "$WWW/$OUT/host-pg-red-old.html" | cut -d'"' -f2 | sed 's/&amp;/\&/g' | grep -E '^(/xymon|index|host-)' | sort -u)
links+=$'\n'$(grep -o 'src="/xymon-cgi/showgraph[^"]*"' "$WWW/$OUT/host-pg-red-old.html" | cut -d'"' -f2 | sed 's/&amp;/\&/g')
for l in $links; do
    case $l in /*) u=$MR_WEB_URL$l ;; *) u=$BASE/$l ;; esac
    check_contains "link $l answers 200" "$(http_code "$u")" 200
done
for l in $(grep -o 'href="host-[^"]*"' "$WWW/$OUT/index.html" | cut -d'"' -f2 | sort -u); do
    check_contains "fleet link $l answers 200" "$(http_code "$BASE/$l")" 200
done

# Red, then green: the evidence stays, escaped, with a working link to Xymon's stored status.
wdom=$(browser_dom "$BASE/host-pg-wasred.html")
check_contains "green host keeps its last evidence" "$wdom" "Last evidence, red at "
check_contains "last evidence names the red process, escaped" "$wdom" "&lt;b&gt;xmrig-evil&lt;/b&gt; (pid 4242"
check_contains "last evidence keeps the evidence table" "$wdom" "<td>pool_connection 203.0.113.9:3333</td>"
check_not_contains "no <b> element made from the process name" "$wdom" "<b>xmrig-evil</b>"
check_contains "host page says how long it has been clean" "$wdom" "24 h clean is the usual bar before returning the host to production"
check_contains "and that it is not clean for long enough yet" "$wdom" "watch: clean for only"
hl=$(grep -o 'href="/xymon-cgi/historylog.sh[^"]*"' "$WWW/$OUT/host-pg-wasred.html" | head -1 | cut -d'"' -f2 | sed 's/&amp;/\&/g')
check_contains "timeline links the red entry to its stored status" "$hl" "TIMEBUF="
check_contains "stored status link answers 200" "$(http_code "$MR_WEB_URL$hl")" 200
check_contains "stored status shows the red process" "$(curl -s --max-time 30 "$MR_WEB_URL$hl")" "xmrig-evil"

# --clean-hours: a bad value is refused with a clear error.
check_contains "--clean-hours 0 is refused" "$($GEN --once --clean-hours 0 --www /nonexistent 2>&1)" "--clean-hours needs a whole number"

for p in index wall host-pg-red-old host-pg-xss host-pg-wasred; do
    check "screenshot $p.png at 1920x1080" browser_shot "$BASE/$p.html" "$SHOTS/pages-$p.png"
done

# All clear: only green hosts (a host filter and a separate directory).
check "generator runs for green hosts only" gen "$OUT-clear" '^pg-green[12]\b'
cdom=$(browser_dom "$MR_WEB_URL/xymon/$OUT-clear/wall.html")
check_contains "wall shows the all-clear state" "$cdom" "All clear"
check_contains "wall all clear counts hosts watched" "$cdom" "2 hosts watched"
check_contains "fleet shows All clear: 2 hosts watched" "$(browser_dom "$MR_WEB_URL/xymon/$OUT-clear/index.html")" "All clear: 2 hosts watched"
check "screenshot wall-allclear.png" browser_shot "$MR_WEB_URL/xymon/$OUT-clear/wall.html" "$SHOTS/pages-wall-allclear.png"

# No paging rule for the column: the red tile says so instead of pretending someone is paged.
: >/tmp/pg-empty-alerts.cfg; chmod 644 /tmp/pg-empty-alerts.cfg
check "generator runs with an alerts.cfg that has no rule" env ALERTS=/tmp/pg-empty-alerts.cfg bash -c "$(declare -f gen); GEN=$GEN WWW=$WWW XYMONCMD='$XYMONCMD' MR_ROOT=$MR_ROOT gen $OUT-nopage '^pg-red-old\\b'"
check_contains "red tile without a rule says so" "$(browser_dom "$MR_WEB_URL/xymon/$OUT-nopage/wall.html")" "no paging rule for miningrisk in alerts.cfg"

# A board that cannot be read leaves the last good pages in place.
before=$(md5sum <"$WWW/$OUT/index.html")
echo '<StatusBoard><broken' >/tmp/pg-bad-board.xml
check "bad board file: exit status non-zero" bash -c "! su -s /bin/sh xymon -c '$XYMONCMD $GEN --once --www $WWW/$OUT --templates $MR_ROOT/web-templates --board-file /tmp/pg-bad-board.xml' 2>/dev/null"
check_contains "bad board file: previous pages stay" "$(md5sum <"$WWW/$OUT/index.html")" "$before"

finish
