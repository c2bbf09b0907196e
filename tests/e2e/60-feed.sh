#!/usr/bin/env bash
# miningrisk-feed against a real local HTTP server (tests/lib/feed_server.py on 127.0.0.1) and the
# real Xymon: good feeds update the merged list, a 304 leaves it alone, corrupt/empty/oversized/
# slow/500 downloads keep the last good list and turn the miningrisk-feed column yellow with the
# reason, clients get the list through `config`, and the firewall exports load.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"

HOST=fd-server
FEED=${FEED_BIN:-$MR_BUILD/server-plugins/miningrisk-feed}
[ -x "$FEED" ] || FEED=/usr/lib/xymon/server/ext/miningrisk-feed
PUBLISH_NAME=miningrisk-pools-fdtest.cfg   # a test name: the installed miningrisk-pools.cfg is left alone
PUBLISH=/etc/xymon/$PUBLISH_NAME

xymon_up
xymon_add_host "$HOST"
# Start from no column: xymond's flap detection would hold the colour after many changes in a
# row of earlier runs.
xq "drop $HOST miningrisk-feed" >/dev/null 2>&1 || true

W=$(mktemp -d /tmp/mr-feed-e2e.XXXXXX)
chmod 755 "$W"   # xymond (user xymon) reads the merged list through the include stub
mkdir -p "$W/www" "$W/out" "$W/state"
chmod 755 "$W/out"
trap 'cleanup_children; rm -f "$PUBLISH"; rm -rf "$W"' EXIT

python3 "$MR_ROOT/tests/lib/feed_server.py" --root "$W/www" --port-file "$W/port" --log "$W/requests.log" &
track $!
disown $!   # no "Killed" notice when the harness stops it
wait_until 10 test -s "$W/port" || { not_ok "feed server started"; finish; exit 1; }
PORT=$(cat "$W/port")
URL=http://127.0.0.1:$PORT

# Feeds in the formats of the real lists (documentation addresses and .example names only).
printf '# CoinBlockerLists-style list\r\npool.alpha.example\r\nxmr.beta.example\r\n' >"$W/www/domains.txt"
printf '# hosts\n127.0.0.1 localhost\n0.0.0.0 pool.hosts.example\n0.0.0.0 mine.hosts.example\n' >"$W/www/hosts.txt"
printf '203.0.113.5\n198.51.100.0/24\n104.16.5.5\n' >"$W/www/ips.txt"
printf '203.0.113.7:3333\n[2001:db8::7]:14444\n' >"$W/www/ipport.txt"
printf '# Reference: https://example.org/\n\n192.0.2.44:45700\nmaltrail.pool.example\nhttp://192.0.2.45\n/xmrig/\n' >"$W/www/maltrail.txt"
printf 'flaky.pool.example\n' >"$W/www/flaky.txt"

# write_config DOMAINS_URL HOSTS_URL IPS_URL IPPORT_URL MALTRAIL_URL [DOM_MAXAGE]
write_config() {
    cat >"$W/feed.cfg" <<EOF
OUTPUT=$W/out/pools.txt
PUBLISH=$PUBLISH
ALLOW=104.16.0.0/13
CONNECTTIMEOUT=2s
TIMEOUT=2s
RETRIES=3
BACKOFF=0.2s
FEED dom URL=$1 FORMAT=domains LICENSE="test data" MAXAGE=${6:-2d}
FEED hosts URL=$2 FORMAT=hosts LICENSE="test data"
FEED ips URL=$3 FORMAT=ips MAXSIZE=1M
FEED ipport URL=$4 FORMAT=ipport
FEED maltrail URL=$5 FORMAT=maltrail
FEED flaky URL=$URL/flaky/flaky.txt?fail=2 FORMAT=domains
EOF
}
good_config() {
    write_config "$URL/domains.txt" "$URL/hosts.txt" "$URL/ips.txt" "$URL/ipport.txt" "$URL/maltrail.txt" "$@"
}
run_feed() { "$FEED" --config "$W/feed.cfg" --state-dir "$W/state" --host "$HOST" "$@" 2>>"$W/feed.log"; }
version_of() { sed -n 's/^# version: //p' "$1" | head -1; }
column_text() { xq "xymondlog $HOST.miningrisk-feed" 2>/dev/null; }
column_is() { [ "$(xymon_color "$HOST" miningrisk-feed)" = "$1" ]; }
served_version() { xq "config $PUBLISH_NAME" 2>/dev/null | sed -n 's/^# version: //p' | head -1; }

# --- 1. all feeds good -----------------------------------------------------------------------
good_config
run_feed --status update
check "update with good feeds exits 0" test $? -eq 0
LIST=$(cat "$W/out/pools.txt" 2>/dev/null)
V1=$(version_of "$W/out/pools.txt")
check "the merged list has a version header (UTC time + content hash)" \
    bash -c "[[ '$V1' =~ ^[0-9]{8}T[0-9]{4}Z-[0-9a-f]{12}$ ]]"
check_contains "domains feed merged (CRLF list)" "$LIST" $'\npool.alpha.example\n'
check_contains "hosts feed merged" "$LIST" $'\npool.hosts.example\n'
check_not_contains "hosts boilerplate is not an indicator" "$LIST" $'\nlocalhost\n'
check_contains "ips feed merged (CIDR)" "$LIST" $'\n198.51.100.0/24\n'
check_contains "ipport feed merged (IPv6 with port)" "$LIST" $'\n[2001:db8::7]:14444\n'
check_contains "maltrail trail merged (IP:port)" "$LIST" $'\n192.0.2.44:45700\n'
check_contains "maltrail URL gives its host" "$LIST" $'\n192.0.2.45\n'
check_not_contains "a CDN address from a feed is dropped by the shared-address allow list" "$LIST" "104.16.5.5"
check_contains "a feed answering 500 twice is retried and then merged" "$LIST" $'\nflaky.pool.example\n'
FLAKY=$(grep -c '"/flaky/flaky.txt?fail=2".*"status": 500' "$W/requests.log")
check "the flaky feed saw two 500s before its 200" test "$FLAKY" -eq 2
check "the publish stub for Xymon's config command is in place" grep -qx "include $W/out/pools.txt" "$PUBLISH"
check "xymond serves the merged list: config $PUBLISH_NAME returns version $V1" \
    test "$(served_version)" = "$V1"
check "miningrisk-feed column is green when all feeds are fresh" wait_until 10 column_is green
check_contains "green column says all feeds fresh" "$(column_text)" "all 6 feeds fresh"

# --- 2. nothing changed: conditional requests, 304, list untouched ---------------------------
SUM1=$(md5sum <"$W/out/pools.txt")
: >"$W/requests.log"
run_feed update
check "a second update exits 0" test $? -eq 0
check "the second request carries If-None-Match" grep -q '"path": "/domains.txt", "if_none_match": "\\"' "$W/requests.log"
check "the second request carries If-Modified-Since" grep -q '"path": "/domains.txt".*"if_modified_since": "[A-Z][a-z][a-z], ' "$W/requests.log"
check "the server answered 304" grep -q '"path": "/domains.txt".*"status": 304' "$W/requests.log"
check "a 304 leaves the merged list byte for byte unchanged" test "$(md5sum <"$W/out/pools.txt")" = "$SUM1"

# --- 3. a changed feed: new version, served through Xymon ------------------------------------
sleep 1   # Last-Modified has one-second resolution
printf 'pool.alpha.example\r\nxmr.beta.example\r\nnew.gamma.example\r\n' >"$W/www/domains.txt"
run_feed update
V2=$(version_of "$W/out/pools.txt")
check_contains "the changed feed's new entry is merged" "$(cat "$W/out/pools.txt")" $'\nnew.gamma.example\n'
check "the changed list gets a new version ($V1 -> $V2)" test "$V2" != "$V1" -a -n "$V2"
check "config $PUBLISH_NAME through the real Xymon returns the new version" test "$(served_version)" = "$V2"

# --- 4. broken downloads keep the last good lists --------------------------------------------
write_config "$URL/corrupt" "$URL/empty" "$URL/oversized?mb=2" "$URL/slow/ipport.txt?delay=6" "$URL/error/500"
START=$SECONDS
run_feed --status update
check "update with failing feeds still exits 0" test $? -eq 0
check "slow feeds are cut off by the timeout (run took $((SECONDS - START)) s)" test $((SECONDS - START)) -lt 30
LIST4=$(cat "$W/out/pools.txt")
check "after failed downloads the merged list keeps its version" test "$(version_of "$W/out/pools.txt")" = "$V2"
for entry in new.gamma.example pool.hosts.example 198.51.100.0/24 203.0.113.7:3333 192.0.2.44:45700; do
    check_contains "last good list kept: $entry still listed" "$LIST4" $'\n'"$entry"$'\n'
done
check "miningrisk-feed column turns yellow" wait_until 10 column_is yellow
TEXT=$(column_text)
check_contains "yellow names the corrupt download" "$TEXT" "dom: download refused: body is binary data"
check_contains "yellow names the empty download" "$TEXT" "hosts: download refused: list is empty"
check_contains "yellow names the oversized download" "$TEXT" "ips: download failed: download larger than the limit of 1048576 bytes"
check_contains "yellow names the slow download" "$TEXT" "ipport: download failed: timed out"
check_contains "yellow names the 500 after retries" "$TEXT" "maltrail: download failed: HTTP 500 (after 4 attempts)"
check_contains "yellow says the last good list is kept, with its age" "$TEXT" "last good list kept (age "
check "state records the last error" grep -q '^last_error=download refused: body is binary data' "$W/state/dom.state"

# --- 5. stale past MAXAGE, then fresh again --------------------------------------------------
good_config 2s
run_feed update
sleep 3
run_feed --status status
check "a feed older than its MAXAGE turns the column yellow" wait_until 10 column_is yellow
check_contains "yellow says which feed is stale and how old" "$(column_text)" "dom: stale, last good list is "
check_contains "the stale line gives the limit" "$(column_text)" "old (limit 2 s)"
good_config
run_feed --status update
check "fresh feeds turn the column green again" wait_until 10 column_is green

# --- 6. a broken config: FILE:LINE, last good config stays -----------------------------------
cp "$W/feed.cfg" "$W/feed.cfg.good"
printf 'FEED broken URL=gopher://x FORMAT=domains\n' >>"$W/feed.cfg"
run_feed --status update
check "a broken config still exits 0 (last good config used)" test $? -eq 0
check_contains "the column names the config file and line" "$(column_text)" "$W/feed.cfg:14: URL must be http:// or https://"
check_contains "and says the last good config is in force" "$(column_text)" "the last good config stays in force"
check "the merged list is still there" test -s "$W/out/pools.txt"
cp "$W/feed.cfg.good" "$W/feed.cfg"

# --- 7. server-side resolving (RESOLVE=yes), from hosts-style test data only -----------------
printf '192.0.2.80 pool.alpha.example\n104.16.9.9 xmr.beta.example\n' >"$W/hosts.test"
printf 'RESOLVE=yes\nRESOLVEHOSTS=%s\n' "$W/hosts.test" >>"$W/feed.cfg"
run_feed update
LIST7=$(cat "$W/out/pools.txt")
check_contains "a pool domain's resolved address is merged" "$LIST7" $'\n192.0.2.80\n'
check_not_contains "a resolved CDN address is dropped by the allow list" "$LIST7" "104.16.9.9"
check "resolved addresses keep their first/last seen times" \
    grep -Eq '^pool.alpha.example 192.0.2.80 [0-9]+ [0-9]+$' "$W/state/resolved.state"
cp "$W/feed.cfg.good" "$W/feed.cfg"

# --- 8. exports --------------------------------------------------------------------------------
run_feed export --format nftables --output "$W/pools.nft"
check "nftables export is written" test -s "$W/pools.nft"
check "nft -c -f accepts the nftables export" nft -c -f "$W/pools.nft"
check_contains "nftables export blocks the pool range" "$(cat "$W/pools.nft")" "198.51.100.0/24"
check_contains "nftables export blocks address.port" "$(cat "$W/pools.nft")" "203.0.113.7 . 3333"
run_feed export --format ipset --output "$W/pools.ipset"
IPSET=$(cat "$W/pools.ipset")
check_contains "ipset export creates the IPv4 set" "$IPSET" "create miningrisk-v4 hash:net family inet"
check_contains "ipset export adds the pool range" "$IPSET" "add miningrisk-v4 198.51.100.0/24"
check_contains "ipset export adds address,port" "$IPSET" "add miningrisk-v4-port 203.0.113.7,tcp:3333"
check_contains "ipset export adds IPv6 address,port" "$IPSET" "add miningrisk-v6-port 2001:db8::7,tcp:14444"
if command -v ipset >/dev/null && command -v unshare >/dev/null; then
    # A private network namespace: the host's sets are never touched.
    N=$(unshare -n sh -c "ipset restore -exist <'$W/pools.ipset' && ipset list miningrisk-v4 | grep -c '^198.51.100.0/24\$'" 2>&1)
    check "ipset restore loads the export (in a private netns)" test "$N" = 1
fi
HOSTS=$(run_feed export --format hosts)
check_contains "hosts export sinkholes pool domains" "$HOSTS" "0.0.0.0 pool.alpha.example"
UNB=$(run_feed export --format unbound)
check_contains "unbound export answers NXDOMAIN for pool domains" "$UNB" 'local-zone: "pool.alpha.example." always_nxdomain'

finish
