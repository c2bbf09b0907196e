#!/usr/bin/env bash
# The pool list reaches clients through Xymon itself: the client fetches `config FILE` from the
# real server each run, scans with it, reports which version it used, and keeps the last good
# list when the published one is broken.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
CLIENT=/usr/lib/xymon/client/ext/miningrisk-client
NAME=miningrisk-pools-e2e.cfg
LIST=/var/lib/xymon/miningrisk/pools-e2e.txt
TMPD=$(mktemp -d /tmp/mr-fc.XXXXXX)
chown xymon "$TMPD"
cleanup() { rm -rf "$TMPD" "/etc/xymon/$NAME" "$LIST"; cleanup_children; }
trap cleanup EXIT
xymon_up
install -d -o xymon /var/lib/xymon/miningrisk
echo "include $LIST" >"/etc/xymon/$NAME"
printf 'pools_config = %s\nsample_seconds = 0.3\n' "$NAME" >"$TMPD/client.cfg"
scan() {
    su -s /bin/bash xymon -c "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=$TMPD $CLIENT --dry-run --config $TMPD/client.cfg --host e2e-feedclient --verbose" 2>"$TMPD/log"
}

# A listener on loopback that only the published list names as a pool.
PORT=$((20000 + RANDOM % 10000))
nc -l 127.0.0.1 "$PORT" >/dev/null &
track $!
wait_until 5 bash -c "ss -ltn | grep -q ':$PORT '"
bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; exec sleep 60" &
PEER=$!
track $PEER
VERSION="e2e-$$-$RANDOM"
printf '# version: %s\n127.0.0.1:%s   # test-only pool\n' "$VERSION" "$PORT" >"$LIST"
chown xymon "$LIST"

check_contains "the server serves the list (config $NAME)" "$(xq "config $NAME")" "$VERSION"
out=$(scan)
check_contains "the client reports the version it fetched through Xymon" "$out" "ioc=$VERSION"
rec=$(echo "$out" | sed -n '/^\[signals\]/,/^\[/p' | grep "^pid=$PEER ")
check_contains "and scans with it: the connection to the listed address is a pool connection" "$rec" "id=pool_connection"

# A broken publication: the client logs it and keeps scanning with the last good list.
printf '# version: broken\nthis is !! not an indicator\n' >"$LIST"
out=$(scan)
check_contains "a broken list is rejected with file and line" "$(cat "$TMPD/log")" ":2:"
check_contains "and the last good list stays in force" "$out" "ioc=$VERSION"
rec=$(echo "$out" | sed -n '/^\[signals\]/,/^\[/p' | grep "^pid=$PEER ")
check_contains "still catching the listed pool" "$rec" "id=pool_connection"
finish
