#!/usr/bin/env bash
# mr-suite: background
# Paging on red: a SCRIPT recipient in alerts.cfg (the sample rule's shape, scoped to this test's
# hosts) receives the page when the miningrisk column goes red, with the evidence in the text,
# and receives nothing for a yellow column. xymond_alert batches: allow up to ~4 minutes.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
H_RED=srv-page-red
H_YELLOW=srv-page-yellow
ALERTS=/etc/xymon/alerts.cfg
OUT=/var/lib/xymon/tmp/srv-page-e2e
SCRIPT=/usr/lib/xymon/server/ext/srv-page-e2e.sh
xymon_up
xymon_add_host $H_RED
xymon_add_host $H_YELLOW
# Forget earlier runs: repeated red/green changes would trip xymond's flap detection, which
# holds a flapping column at its worst colour.
xq "drop $H_RED miningrisk" >/dev/null 2>&1; xq "drop $H_YELLOW miningrisk" >/dev/null 2>&1

check "the sample alerts rule is installed with the documentation" grep -q 'SERVICE=miningrisk COLOR=red' /usr/share/miningrisk/alerts.cfg.sample
check_contains "the sample pages only after a duration guard, repeats and sends recovery" \
    "$(grep -v '^#' /usr/share/miningrisk/alerts.cfg.sample)" "DURATION>5m REPEAT=30m RECOVERED"

# The test's own rule, in the sample's shape (no duration guard so the test is quick), removed at exit.
MARK="# srv-page-e2e rule"
remove_rule() { sed -i "/^$MARK\$/,+2d" "$ALERTS"; rm -f "$SCRIPT"; cleanup_children; }
remove_rule
trap remove_rule EXIT
rm -rf "$OUT"
install -d -o xymon -g xymon "$OUT"
cat >"$SCRIPT" <<SH
#!/bin/sh
# Test pager: one file per page, with what on-call would see.
f=$OUT/page-\$BBHOSTNAME-\$BBCOLORLEVEL-\$RECOVERED-\$\$
{ echo "RCPT=\$RCPT"; echo "HOST=\$BBHOSTNAME"; echo "SVC=\$BBSVCNAME"; echo "COLOR=\$BBCOLORLEVEL"; echo "RECOVERED=\$RECOVERED"; echo "\$BBALPHAMSG"; } >"\$f"
SH
chmod 755 "$SCRIPT"
printf '%s\nHOST=%s,%s SERVICE=miningrisk COLOR=red\n\tSCRIPT %s miningrisk-oncall FORMAT=SCRIPT REPEAT=1h RECOVERED\n' \
    "$MARK" $H_RED $H_YELLOW "$SCRIPT" >>"$ALERTS"
check "xymond_alert matches the rule for a red miningrisk column" bash -c \
    "su -s /bin/sh xymon -c '$XYMONCMD xymond_alert --test $H_RED miningrisk --color=red' 2>&1 | grep -q 'Script alert with command .$SCRIPT'"

mr_message() {
    local host=$1 vis=$2 findings=${3:-} signals=${4:-} reason=
    [ "$vis" = limited ] && reason='no%20CAP_SYS_PTRACE'
    printf 'client/miningrisk %s.linux linux\n[miningrisk]\n' "$host"
    local ioc
    ioc=$(published_ioc)  # an up-to-date client, not a stale IOC list
    printf 'version=1 agent=miningrisk-client/e2e time=%s interval=300 visibility=%s visibility_reason=%s ioc=%s color=green\n' "$(date +%s)" "$vis" "$reason" "${ioc:-e2e}"
    printf '[host]\ncores=2 procs=100 sockets=10\n[findings]\n%s[signals]\n%s' "$findings" "$signals"
}
send() { "$XYMON" 127.0.0.1 @ >/dev/null; }
# Start both green so each change is a real state change.
mr_message $H_RED full | send
mr_message $H_YELLOW full | send
sleep 3
# A red miner on one host, limited visibility (yellow) on the other; repeat the statuses so a
# worker restart or batching cannot lose them.
for i in 1 2 3; do
    mr_message $H_RED full 'pid=4316 ppid=1 uid=33 user=www-data comm=xmrig exe=/tmp/.x/xmrig cores=1.92 pool=203.0.113.5:3333 color=red
' 'pid=4316 id=pool_connection strength=strong evidence=203.0.113.5:3333%20ESTABLISHED
' | send
    mr_message $H_YELLOW limited | send
    sleep 1
done
check "the column is red on the miner host" test "$(xymon_color $H_RED miningrisk)" = red
check "the column is yellow on the limited host" test "$(xymon_color $H_YELLOW miningrisk)" = yellow

wait_until 240 bash -c "ls $OUT/page-$H_RED-red-0-* >/dev/null 2>&1"
check "the SCRIPT recipient receives the red page (within 4 minutes)" bash -c "ls $OUT/page-$H_RED-red-0-* >/dev/null 2>&1"
page=$(cat $OUT/page-$H_RED-red-0-* 2>/dev/null | head -40)
check_contains "the page is for the miningrisk service" "$page" "SVC=miningrisk"
check_contains "the page's text names the process and pid" "$page" "xmrig (pid 4316, user www-data)"
check_contains "the page's text names the pool" "$page" "pool 203.0.113.5:3333"
# xymond_alert handles both hosts in the same passes: by now a yellow page would have come too.
sleep 70
check "no page for the yellow column" bash -c "! ls $OUT/page-$H_YELLOW-* >/dev/null 2>&1"

# Recovery notice when the miner is gone.
mr_message $H_RED full | send
wait_until 180 bash -c "ls $OUT/page-$H_RED-*-1-* >/dev/null 2>&1"
check "a recovery notice follows when the column turns green" bash -c "ls $OUT/page-$H_RED-*-1-* >/dev/null 2>&1"

rm -rf "$OUT"
finish
