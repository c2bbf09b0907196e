#!/usr/bin/env bash
# miningrisk-feed over HTTPS and through an HTTP proxy, for real on 127.0.0.1: a throwaway CA made
# here with openssl, tests/lib/feed_server.py serving TLS (a certificate for 127.0.0.1 and one for
# another name) and acting as a forward proxy, and the real Xymon column. A feed verified against
# CAFILE is published; an untrusted or wrongly named certificate is refused with the reason in the
# column and the last good list stays; a feed on an unresolvable name arrives through PROXY= or
# http_proxy, PROXY=none keeps the environment's proxy out (checked on 127.0.0.1, so that no
# name is ever looked up), and an HTTPS feed on that name comes
# through the proxy's CONNECT tunnel, verified against CAFILE.
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"

HOST=tls-feed
FEED=${FEED_BIN:-$MR_BUILD/server-plugins/miningrisk-feed}
[ -x "$FEED" ] || FEED=/usr/lib/xymon/server/ext/miningrisk-feed
INVALID=feeds.example.invalid   # RFC 6761: never resolves; reachable only through the proxy

# Only the proxies a case sets: none from the caller's environment.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

xymon_up
xymon_add_host "$HOST"
# Start from no column: xymond's flap detection would hold the colour after earlier runs.
xq "drop $HOST miningrisk-feed" >/dev/null 2>&1 || true

W=$(mktemp -d /tmp/mr-feedtls-e2e.XXXXXX)
mkdir -p "$W/www" "$W/www-other" "$W/www-plain" "$W/out" "$W/state" "$W/pki"
trap 'cleanup_children; rm -rf "$W"' EXIT

# --- a throwaway CA, a certificate for 127.0.0.1 and one for another name --------------------
P=$W/pki
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1" 2>>"$P/openssl.log"; }
# issue NAME SUBJECTALTNAME: NAME.pem signed by the test CA
issue() {
    ec_key "$P/$1.key" &&
        openssl req -new -key "$P/$1.key" -subj "/CN=$1" -out "$P/$1.csr" 2>>"$P/openssl.log" &&
        printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' "$2" >"$P/$1.ext" &&
        openssl x509 -req -in "$P/$1.csr" -CA "$P/ca.pem" -CAkey "$P/ca.key" -CAcreateserial -days 2 \
            -extfile "$P/$1.ext" -out "$P/$1.pem" 2>>"$P/openssl.log"
}
ec_key "$P/ca.key" &&
    openssl req -x509 -new -key "$P/ca.key" -subj "/CN=miningrisk test CA $$" -days 2 \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -out "$P/ca.pem" 2>>"$P/openssl.log"
issue server "IP:127.0.0.1,DNS:$INVALID"   # the name too: reached through the proxy's tunnel
issue other DNS:other.example
check "openssl made a test CA and two server certificates" \
    bash -c "openssl verify -CAfile '$P/ca.pem' '$P/server.pem' '$P/other.pem' >/dev/null"
check "the 127.0.0.1 certificate names IP 127.0.0.1" \
    bash -c "openssl x509 -in '$P/server.pem' -noout -ext subjectAltName | grep -q 'IP Address:127.0.0.1'"

# start_server NAME ROOT [feed_server options...]: sets PORT_<NAME>
start_server() {
    local name=$1 root=$2
    shift 2
    python3 "$MR_ROOT/tests/lib/feed_server.py" --root "$root" --port-file "$W/$name.port" \
        --log "$W/$name.log" "$@" &
    track $!
    disown $!   # no "Killed" notice when the harness stops it
    wait_until 10 test -s "$W/$name.port" || { not_ok "feed server $name started"; finish; exit 1; }
    touch "$W/$name.log"
    printf -v "PORT_$name" '%s' "$(cat "$W/$name.port")"
}
start_server tls "$W/www" --tls-cert "$P/server.pem" --tls-key "$P/server.key"
start_server other "$W/www-other" --tls-cert "$P/other.pem" --tls-key "$P/other.key"
start_server plain "$W/www-plain" --connect-to "$PORT_tls"
HTTPS=https://127.0.0.1:$PORT_tls
HTTPS_OTHER=https://127.0.0.1:$PORT_other
PROXY_URL=http://127.0.0.1:$PORT_plain

printf 'pool.tls.example\n198.51.100.10\n' >"$W/www/tls.txt"
printf 'pool.tls.example\nwrong.name.example\n' >"$W/www-other/tls.txt"
printf 'pool.proxied.example\n' >"$W/www-plain/proxied.txt"

# write_config GLOBAL-LINES... -- FEED-LINES...
write_config() {
    {
        printf 'OUTPUT=%s\nPUBLISH=%s\nCONNECTTIMEOUT=2s\nTIMEOUT=5s\nRETRIES=1\nBACKOFF=0.2s\n' \
            "$W/out/pools.txt" "$W/publish.cfg"
        local l
        for l in "$@"; do [ "$l" = -- ] || printf '%s\n' "$l"; done
    } >"$W/feed.cfg"
}
run_feed() { "$FEED" --config "$W/feed.cfg" --state-dir "$W/state" --host "$HOST" --status update 2>>"$W/feed.log"; }
version_of() { sed -n 's/^# version: //p' "$W/out/pools.txt" | head -1; }
listed() { grep -qx "$1" "$W/out/pools.txt"; }
column_text() { xq "xymondlog $HOST.miningrisk-feed" 2>/dev/null; }
column_is() { [ "$(xymon_color "$HOST" miningrisk-feed)" = "$1" ]; }
requests_for() { grep -c "\"path\": \"$1\".*\"status\": 200" "$W/$2.log"; }

TLS_FEED="FEED tls URL=$HTTPS/tls.txt FORMAT=ioc LICENSE=\"test data\""

# --- 1. HTTPS verified against CAFILE: fetched and published ---------------------------------
write_config "CAFILE=$P/ca.pem" "$TLS_FEED"
run_feed
check "update of an HTTPS feed with CAFILE exits 0" test $? -eq 0
check "the HTTPS server served the list (GET /tls.txt 200 over TLS)" test "$(requests_for /tls.txt tls)" -eq 1
check "the merged list lists the feed's domain" listed pool.tls.example
check "the merged list lists the feed's address" listed 198.51.100.10
V1=$(version_of)
check "the merged list has a version" test -n "$V1"
check "miningrisk-feed column is green" wait_until 10 column_is green
check_contains "the column says the HTTPS feed is fresh" "$(column_text)" "tls: fresh, 2 entries"
check_contains "the column shows the HTTPS URL" "$(column_text)" "[ioc $HTTPS/tls.txt]"

# --- 2. same URL, system store only: the test CA is not trusted -------------------------------
printf 'pool.tls.example\n198.51.100.10\nuntrusted.new.example\n' >"$W/www/tls.txt"
: >"$W/tls.log"
write_config "$TLS_FEED"
run_feed
check "update with an untrusted certificate still exits 0" test $? -eq 0
check "the column turns yellow" wait_until 10 column_is yellow
TEXT=$(column_text)
check_contains "the column says the certificate was refused against the system store" "$TEXT" \
    "tls: download failed: certificate refused (system CA store; set CAFILE= for an internal CA)"
check_contains "the column gives OpenSSL's reason" "$TEXT" "SSL certificate problem: unable to get local issuer certificate"
check_contains "the column says the last good list is kept" "$TEXT" "last good list kept (age "
check "no request reached the HTTP layer of the untrusted server" test "$(requests_for /tls.txt tls)" -eq 0
check "the server saw the client refuse its certificate (TLS alert)" grep -qi '"tls_error": ".*unknown ca' "$W/tls.log"
check "the merged list keeps its version" test "$(version_of)" = "$V1"
check "the last good entries stay listed" listed pool.tls.example
check "nothing from the untrusted download is listed" bash -c "! grep -qx untrusted.new.example '$W/out/pools.txt'"
check "the state records the certificate error" grep -q '^last_error=download failed: certificate refused' "$W/state/tls.state"

# --- 3. a certificate for another name, CA trusted: hostname mismatch -------------------------
write_config "CAFILE=$P/ca.pem" "FEED tls URL=$HTTPS_OTHER/tls.txt FORMAT=ioc LICENSE=\"test data\""
run_feed
check "update with a wrongly named certificate exits 0" test $? -eq 0
check "the column stays yellow" wait_until 10 column_is yellow
TEXT=$(column_text)
check_contains "the column says the certificate was refused (checked with CAFILE)" "$TEXT" \
    "tls: download failed: certificate refused (CAFILE)"
check_contains "the column names the host name mismatch" "$TEXT" \
    "no alternative certificate subject name matches target host name '127.0.0.1'"
check "the wrongly named server never got the request" test "$(requests_for /tls.txt other)" -eq 0
check "the merged list keeps its version" test "$(version_of)" = "$V1"
check "nothing from the wrongly named server is listed" bash -c "! grep -qx wrong.name.example '$W/out/pools.txt'"

# --- 4. back to the right server with CAFILE: the new list arrives ----------------------------
write_config "CAFILE=$P/ca.pem" "$TLS_FEED"
run_feed
check "the new list from the trusted server is listed" listed untrusted.new.example
check "the merged list gets a new version" test "$(version_of)" != "$V1"
check "the column is green again" wait_until 10 column_is green

# --- 5. a CAFILE that cannot be used is a config error: FILE:LINE, last good config kept -------
write_config "CAFILE=$P/server.key" "$TLS_FEED"
run_feed
check "a bad CAFILE still exits 0 (last good config used)" test $? -eq 0
TEXT=$(column_text)
check_contains "the column names file, line and the bad CAFILE" "$TEXT" \
    "$W/feed.cfg:7: CAFILE $P/server.key: no PEM certificate"
check_contains "and says the last good config stays in force" "$TEXT" "the last good config stays in force"
check_contains "the feed is still fetched with the last good CAFILE" "$TEXT" "tls: fresh, 3 entries"

# --- 6. a feed on an unresolvable name through PROXY= ----------------------------------------
xq "drop $HOST miningrisk-feed" >/dev/null 2>&1 || true   # colour history: see the top
PROXIED_FEED="FEED proxied URL=http://$INVALID/proxied.txt FORMAT=domains"
write_config "PROXY=$PROXY_URL" "$PROXIED_FEED"
run_feed
check "update through PROXY= exits 0" test $? -eq 0
check "the proxy got an absolute-form request for the feed" \
    grep -q "\"path\": \"http://$INVALID/proxied.txt\".*\"status\": 200, \"proxy\": true, \"host\": \"$INVALID\"" "$W/plain.log"
check "the proxied feed's domain is listed" listed pool.proxied.example
check "the column is green" wait_until 10 column_is green
check_contains "the column says the proxied feed is fresh" "$(column_text)" "proxied: fresh, 1 entries"

# --- 7. the same proxy given only by http_proxy in the environment ----------------------------
printf 'pool.proxied.example\nenv.proxied.example\n' >"$W/www-plain/proxied.txt"
: >"$W/plain.log"
write_config "$PROXIED_FEED"
http_proxy=$PROXY_URL run_feed
check "update through http_proxy exits 0" test $? -eq 0
check "the proxy got the request from the environment's http_proxy" \
    grep -q "\"path\": \"http://$INVALID/proxied.txt\".*\"status\": 200, \"proxy\": true, \"host\": \"$INVALID\"" "$W/plain.log"
check "the feed fetched through http_proxy is listed" listed env.proxied.example
check "the column stays green" wait_until 10 column_is green

# --- 8. PROXY=none: http_proxy in the environment is not used --------------------------------
# On 127.0.0.1 only (no name is ever looked up): the feed server is both the origin and, through
# http_proxy, the proxy; its log tells a direct request from a proxied one.
printf 'pool.proxied.example\nenv.proxied.example\nnever.proxied.example\n' >"$W/www-plain/proxied.txt"
printf 'direct.example\n' >"$W/www-plain/direct.txt"
DIRECT_FEED="FEED direct URL=http://127.0.0.1:$PORT_plain/direct.txt FORMAT=domains"
: >"$W/plain.log"
write_config "$DIRECT_FEED"
http_proxy=$PROXY_URL run_feed
check "without PROXY=, http_proxy sends even a 127.0.0.1 feed through the proxy" \
    grep -q "\"path\": \"http://127.0.0.1:$PORT_plain/direct.txt\".*\"proxy\": true" "$W/plain.log"
: >"$W/plain.log"
write_config "PROXY=none" "$DIRECT_FEED"
http_proxy=$PROXY_URL run_feed
check "update with PROXY=none exits 0" test $? -eq 0
check "with PROXY=none the feed is fetched directly" \
    grep -q "\"path\": \"/direct.txt\".*\"proxy\": false" "$W/plain.log"   # 200, or 304 after the proxied fetch
check "and the proxy saw no request" bash -c "! grep -q '\"proxy\": true' '$W/plain.log'"
check "the direct feed is listed" listed direct.example
check "the column is green" wait_until 10 column_is green

# --- 9. an HTTPS feed on the unresolvable name, through the proxy's CONNECT tunnel -------------
: >"$W/plain.log"
: >"$W/tls.log"
write_config "CAFILE=$P/ca.pem" "PROXY=$PROXY_URL" "$PROXIED_FEED" \
    "FEED tunnelled URL=https://$INVALID/tls.txt FORMAT=ioc"
run_feed
check "update of an HTTPS feed through the proxy exits 0" test $? -eq 0
check "the proxy was asked to CONNECT to the feed's name" \
    grep -q "\"method\": \"CONNECT\", \"path\": \"$INVALID:443\".*\"status\": 200, \"proxy\": true" "$W/plain.log"
check "the HTTPS server got the request inside the tunnel, for the feed's name" \
    grep -q "\"path\": \"/tls.txt\".*\"status\": 200, \"proxy\": false, \"host\": \"$INVALID\"" "$W/tls.log"
check "the feed from the tunnel is listed" listed untrusted.new.example
check "the plain feed through the same proxy now brings its new entry" listed never.proxied.example
check "the column is green again" wait_until 10 column_is green
check_contains "the column says both feeds are fresh" "$(column_text)" "all 2 feeds fresh"
check_contains "the tunnelled feed's line" "$(column_text)" "tunnelled: fresh, 3 entries"

finish
