#!/usr/bin/env bash
# make demo: a local Xymon on 127.0.0.1 with miningrisk installed, scanning this host once now
# (instead of waiting for the 5-minute client cycle), then where to look at the result.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
source tests/lib/xymon.sh
make -s install BUILD="$BUILD"
# A restart, not a reload: xymond_rrd reads TEST2RRD (the trend graph) only when it starts.
xymon_down
xymon_up
HOST=$(hostname)
xymon_add_host "$HOST"
echo "Running miningrisk-client once as user xymon (as xymonlaunch would)..."
su -s /bin/sh xymon -c "$XYMONCMD --env=/etc/xymon/xymonclient.cfg /usr/lib/xymon/client/ext/miningrisk-client --verbose" || true
for i in $(seq 1 20); do
    [ -n "$(xymon_color "$HOST" miningrisk)" ] && break
    sleep 0.5
done
if [ -f tests/lib/web.sh ]; then
    source tests/lib/web.sh
    web_up >/dev/null 2>&1 || true
fi
su -s /bin/sh xymon -c "$XYMONCMD xymongen >/dev/null 2>&1" || true
# The pages are rebuilt every minute by their task; build them once now.
su -s /bin/sh xymon -c "$XYMONCMD /usr/lib/xymon/server/ext/miningrisk-pages --once" || true
echo
echo "The miningrisk column for $HOST:"
xq "xymondboard host=^$HOST\$ test=^miningrisk\$ fields=hostname,testname,color,line1" || true
echo
echo "What the client sent (clientlog, collector miningrisk):"
xq "clientlog $HOST" | sed -n '/^\[miningrisk\]/,$p' | head -n 30 | cut -c1-240
echo
echo "Look at it:"
echo "  xymon board:     http://127.0.0.1:8084/xymon/"
echo "  column status:   http://127.0.0.1:8084/xymon-cgi/svcstatus.sh?HOST=$HOST&SERVICE=miningrisk"
echo "  miningrisk fleet http://127.0.0.1:8084/xymon/miningrisk/   wall: .../miningrisk/wall.html"
echo "  shell:           /usr/lib/xymon/server/bin/xymon 127.0.0.1 \"xymondlog $HOST.miningrisk\""
