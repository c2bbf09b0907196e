#!/usr/bin/env bash
# The Debian packages as an ops team meets them: `make deb` builds them (lintian clean), `apt
# install ./...` on this machine's real Xymon puts every drop-in where Xymon's merged include
# files pick it up, sets the client's capabilities, publishes a pool list in the first minute,
# and one client run gives the column. An upgrade keeps a locally edited conffile; purge leaves
# nothing but the evidence directory. Afterwards the machine is as the other suites expect it:
# the packages purged, `make install` from the build tree again, Xymon restarted.
# MR_DEB_REUSE=1 takes the packages already in DEB_OUT (built by an earlier `make deb`);
# MR_DEB_PREBUILD=PREFIX waits for the `make deb` run-all.sh started (PREFIX.rc, .log, .took).
source "$(dirname "$0")/../lib/harness.sh"
source "$(dirname "$0")/../lib/xymon.sh"
DEB_OUT=${DEB_OUT:-/tmp/miningrisk-deb}
CLIENT=/usr/lib/xymon/client/ext/miningrisk-client
FEED=/usr/lib/xymon/server/ext/miningrisk-feed
POOLS=/var/lib/xymon/miningrisk/pools.txt
EVIDENCE=/var/lib/xymon/miningrisk/evidence
HOST=e2e-package
W=$(mktemp -d /tmp/mr-pkg.XXXXXX)
chmod 755 "$W"
APT=(apt-get install -y -q -o DPkg::Lock::Timeout=300)
export DEBIAN_FRONTEND=noninteractive

restore() {
    # Whatever happened: no package left, make install's files back, Xymon restarted.
    dpkg-query -W miningrisk-server >/dev/null 2>&1 && apt-get purge -y -q miningrisk-server >/dev/null 2>&1
    dpkg-query -W miningrisk-client >/dev/null 2>&1 && apt-get purge -y -q miningrisk-client >/dev/null 2>&1
    rm -rf "$EVIDENCE" "$W"
    (cd "$MR_ROOT" && make -s install BUILD="$BUILD" >/dev/null 2>&1) || echo "make install failed while restoring"
    xymon_down
    xymon_up
    cleanup_children
}
trap restore EXIT
xymon_up
xymon_add_host "$HOST"

# --- build -----------------------------------------------------------------------------------
if [ -n "${MR_DEB_PREBUILD:-}" ]; then
    # tests/run-all.sh started `make deb` at low priority beside the other suites; wait for it.
    while [ ! -s "$MR_DEB_PREBUILD.rc" ]; do sleep 2; done
    built=$(cat "$MR_DEB_PREBUILD.rc")
    echo "# make deb ran beside the other suites (started by run-all.sh); it took $(cat "$MR_DEB_PREBUILD.took") s"
    check "make deb builds the source and binary packages (lintian inside: no error, no warning)" [ "$built" -eq 0 ]
    [ "$built" -eq 0 ] || tail -30 "$MR_DEB_PREBUILD.log"
elif [ "${MR_DEB_REUSE:-0}" = 1 ] && ls "$DEB_OUT"/miningrisk-server_*.deb >/dev/null 2>&1; then
    echo "# reusing the packages in $DEB_OUT"
    built=0
else
    start=$SECONDS
    (cd "$MR_ROOT" && make -s deb DEB_OUT="$DEB_OUT") >"$W/make-deb.log" 2>&1
    built=$?
    echo "# make deb took $((SECONDS - start)) s"
    check "make deb builds the source and binary packages (lintian inside: no error, no warning)" [ $built -eq 0 ]
    [ $built -eq 0 ] || tail -30 "$W/make-deb.log"
fi
CLIENT_DEB=$(ls "$DEB_OUT"/miningrisk-client_*_*.deb 2>/dev/null | head -1)
SERVER_DEB=$(ls "$DEB_OUT"/miningrisk-server_*_*.deb 2>/dev/null | head -1)
check "the packages are there: miningrisk-client and miningrisk-server" test -s "$CLIENT_DEB" -a -s "$SERVER_DEB"
check "a source package (.dsc) was built too" bash -c "ls $DEB_OUT/miningrisk_*.dsc >/dev/null"
check "no .deb inside the repository" bash -c "[ -z \"\$(find '$MR_ROOT' -name '*.deb' -not -path '*/tests/artifacts/*' | head -1)\" ]"
lint=$(lintian --fail-on error,warning "$DEB_OUT"/miningrisk_*.changes 2>&1); rc=$?
check "lintian: no error and no warning${lint:+ ($(grep -E '^[EW]:' <<<"$lint" | head -5 | tr '\n' ' '))}" \
    bash -c "[ $rc -eq 0 ] && ! grep -qE '^[EW]:' <<<\"\$1\"" _ "$lint"
ctl() { dpkg-deb -f "$1" "$2"; }
check_contains "miningrisk-client depends on xymon-client" "$(ctl "$CLIENT_DEB" Depends)" "xymon-client"
check_contains "miningrisk-server depends on xymon" "$(ctl "$SERVER_DEB" Depends)" "xymon,"
check "both are Architecture amd64 (any)" bash -c "[ \"\$(dpkg-deb -f '$CLIENT_DEB' Architecture)\" = \"\$(dpkg --print-architecture)\" ]"
# Debian's hardening flags reached the binaries: full RELRO (bind now) and the fortified calls.
dpkg-deb -x "$CLIENT_DEB" "$W/x"
check "the client binary is built with bind-now (hardening)" bash -c "readelf -d '$W/x$CLIENT' | grep -q 'BIND_NOW\|FLAGS.*NOW'"
check "and with _FORTIFY_SOURCE (fortified libc calls)" bash -c "nm -D '$W/x$CLIENT' | grep -q '_chk@'"
sudoers=$(dpkg-deb -c "$CLIENT_DEB"; dpkg-deb -c "$SERVER_DEB")
sudoers=$(grep -oE '\./etc/sudoers\.d/[^ ]+' <<<"$sudoers" | head -1)
if [ -n "$sudoers" ]; then
    dpkg-deb -x "$SERVER_DEB" "$W/x"
    check "visudo -c accepts the shipped sudoers drop-in ${sudoers#.}" visudo -c -f "$W/x/${sudoers#./}"
else
    echo "# no sudoers drop-in in the packages (no root helper shipped yet)"
fi

# --- install over a machine that had make install ----------------------------------------------
(cd "$MR_ROOT" && make -s uninstall BUILD="$BUILD") >/dev/null 2>&1
check "make uninstall removed make install's files" bash -c "[ ! -e $CLIENT ] && [ ! -e /etc/xymon/tasks.d/miningrisk.cfg ]"
out=$("${APT[@]}" "$CLIENT_DEB" "$SERVER_DEB" 2>&1); rc=$?
echo "$out" >"$W/apt-install.log"
check "apt install ./miningrisk-client_*.deb ./miningrisk-server_*.deb succeeds" [ $rc -eq 0 ]
[ $rc -eq 0 ] || echo "$out" | tail -20
if [ -x /usr/sbin/policy-rc.d ]; then
    # This machine forbids service actions during package installs (policy-rc.d); the scripts
    # asked through invoke-rc.d, which is what the policy sees.
    check_contains "the maintainer scripts go through invoke-rc.d (restart asked for on a first install)" "$out" "invoke-rc.d"
fi
check "the first merged pool list exists right after install (postinst ran the updater)" test -s "$POOLS"
check "it is owned by xymon, like the state directories" bash -c "[ \"\$(stat -c %U $POOLS /var/lib/xymon/miningrisk/feeds /var/lib/xymon/miningrisk/incidents /var/lib/xymon/www/miningrisk /var/log/xymon/miningrisk | sort -u)\" = xymon ]"
caps=$(getcap "$CLIENT")
check_contains "postinst set the client's capabilities (getcap)" "$caps" "cap_dac_read_search,cap_sys_ptrace=ep"

/etc/init.d/xymon reload >/dev/null 2>&1
sleep 1
for f in tasks.d/miningrisk.cfg tasks.d/miningrisk-feed.cfg tasks.d/miningrisk-pages.cfg; do
    check_contains "Xymon's merged tasks include file names $f" "$(cat /run/xymon/tasks-include.cfg)" "/etc/xymon/$f"
done
check_contains "the clientlaunch include file names the client's drop-in" "$(cat /run/xymon/clientlaunch-include.cfg)" "/etc/xymon/clientlaunch.d/miningrisk.cfg"
check_contains "the graphs include file names graphs.d/miningrisk.cfg" "$(cat /run/xymon/graphs-include.cfg)" "/etc/xymon/graphs.d/miningrisk.cfg"
check_contains "the xymonserver include file names xymonserver.d/miningrisk.cfg" "$(cat /run/xymon/xymonserver-include.cfg)" "/etc/xymon/xymonserver.d/miningrisk.cfg"
xymon_down
xymon_up
check "after the restart the worker runs under xymond_channel" wait_until 20 pgrep -u xymon -f 'ext/xymond_miningrisk'
check "and the feed updater runs as a daemon task (no INTERVAL wait)" wait_until 20 pgrep -u xymon -f 'ext/miningrisk-feed .*--every'

# --- the first minute ----------------------------------------------------------------------------
run_client() {
    su -s /bin/bash xymon -c "XYMON=$XYMON XYMSRV=127.0.0.1 XYMONTMP=$W/tmp $CLIENT --host $HOST --sample 0.3 $*" 2>"$W/client.log"
}
install -d -o xymon "$W/tmp"
published=$(xq "config miningrisk-pools.cfg")
check_contains "the server publishes the merged list to clients (config miningrisk-pools.cfg)" "$published" "# version: "
run_client
check "the first client run on the fresh install sends its report" [ $? -eq 0 ]
check_not_contains "it logs no rejected pool list" "$(cat "$W/client.log")" "rejected"
check "one client run gives the miningrisk column on the real server" \
    wait_until 30 bash -c "[ -n \"\$($XYMON 127.0.0.1 'xymondboard host=^$HOST\$ test=^miningrisk\$ fields=color')\" ]"
check "the column says which list the client scanned with (the published one)" \
    bash -c "$XYMON 127.0.0.1 'clientlog $HOST' | grep -q \"ioc=$(sed -n 's/^# version: //p' $POOLS | head -1)\""

# Before any list exists (a server whose updater has not run yet): one plain line, shipped lists.
mv "$POOLS" "$W/pools.keep"
rm -f "$W/tmp/miningrisk-pools.cfg"
run_client --dry-run >"$W/scan.txt"
log=$(cat "$W/client.log")
check_not_contains "a client asking before any list exists logs no rejection" "$log" "rejected"
check_contains "it says plainly that the server has not published one yet" "$log" "has not published one yet"
check "in one line" [ "$(grep -c 'pool list' <<<"$log")" -eq 1 ]
check "and scans with its shipped lists (ioc= the shipped version)" grep -q 'ioc=[^ ]' "$W/scan.txt"
out=$(su -s /bin/sh xymon -c "$FEED export --format nftables --output $W/tmp/shipped.nft" 2>&1); rc=$?
check "miningrisk-feed export works when no update ever ran (shipped lists)${out:+ ($out)}" [ $rc -eq 0 ]
check "nft -c -f accepts that nftables export" nft -c -f "$W/tmp/shipped.nft"
check_contains "the export blocks a shipped pool range" "$(cat "$W/tmp/shipped.nft")" "elements = {"
# When Xymon starts, the updater task builds the list at once (no hour of uptime needed).
/etc/init.d/xymon restart >/dev/null 2>&1
check "Xymon's start rebuilds the merged list within seconds" wait_until 30 test -s "$POOLS"
xymon_up
su -s /bin/sh xymon -c "$FEED export --format nftables --output $W/tmp/merged.nft" 2>/dev/null
check "nft -c -f accepts the export of the merged list" nft -c -f "$W/tmp/merged.nft"

# --- conffiles and upgrade -----------------------------------------------------------------------
conf_server=$(dpkg-query -W -f='${Conffiles}\n' miningrisk-server)
conf_client=$(dpkg-query -W -f='${Conffiles}\n' miningrisk-client)
for f in /etc/xymon/miningrisk.cfg /etc/xymon/miningrisk-feed.cfg /etc/xymon/miningrisk-pools.cfg \
         /etc/xymon/tasks.d/miningrisk.cfg /etc/xymon/tasks.d/miningrisk-feed.cfg /etc/xymon/tasks.d/miningrisk-pages.cfg \
         /etc/xymon/xymonserver.d/miningrisk.cfg /etc/xymon/graphs.d/miningrisk.cfg /etc/xymon/web/miningrisk.css; do
    check_contains "dpkg-query lists $f as a conffile of miningrisk-server" "$conf_server" " $f "
done
check_contains "dpkg-query lists clientlaunch.d/miningrisk.cfg as a conffile of miningrisk-client" "$conf_client" " /etc/xymon/clientlaunch.d/miningrisk.cfg "
check "every file the packages put under /etc is a conffile" bash -c "
    for p in miningrisk-client miningrisk-server; do
        for f in \$(dpkg -L \$p | grep '^/etc/'); do [ -d \"\$f\" ] && continue
            dpkg-query -W -f='\${Conffiles}\n' \$p | grep -q \" \$f \" || { echo \"not a conffile: \$f\"; exit 1; }
        done
    done"

# A rebuilt package with a higher version: the same files, version +1 (and the server's exact
# dependency on the client with it).
old=$(dpkg-query -W -f='${Version}' miningrisk-server)
new="$old+e2e1"
rebuild() {  # rebuild DEB OUT
    rm -rf "$W/re" && dpkg-deb -R "$1" "$W/re"
    sed -i -e "s/^Version: .*/Version: $new/" -e "s/miningrisk-client (= [^)]*)/miningrisk-client (= $new)/" "$W/re/DEBIAN/control"
    dpkg-deb -b "$W/re" "$2" >/dev/null
}
rebuild "$CLIENT_DEB" "$W/miningrisk-client_${new}_up.deb"
rebuild "$SERVER_DEB" "$W/miningrisk-server_${new}_up.deb"
echo "# local edit $$" >>/etc/xymon/miningrisk.cfg
echo "# local edit $$" >>/etc/xymon/clientlaunch.d/miningrisk.cfg
out=$("${APT[@]}" "$W/miningrisk-client_${new}_up.deb" "$W/miningrisk-server_${new}_up.deb" 2>&1); rc=$?
check "the upgrade to $new installs" bash -c "[ $rc -eq 0 ] && [ \"\$(dpkg-query -W -f='\${Version}' miningrisk-server)\" = '$new' ]"
[ $rc -eq 0 ] || echo "$out" | tail -20
check "the upgrade keeps the locally edited policy (conffile)" grep -q "# local edit $$" /etc/xymon/miningrisk.cfg
check "and the locally edited clientlaunch drop-in" grep -q "# local edit $$" /etc/xymon/clientlaunch.d/miningrisk.cfg
check_contains "the client keeps its capabilities after the upgrade (postinst again)" "$(getcap "$CLIENT")" "cap_sys_ptrace=ep"

# --- purge ---------------------------------------------------------------------------------------
install -d -o xymon "$EVIDENCE"
echo "snapshot of pid 4316" >"$EVIDENCE/e2e-snapshot.txt"
ls /var/lib/xymon/rrd/"$HOST"/miningrisk.rrd >/dev/null 2>&1 && echo "# an RRD file exists for $HOST"
out=$(apt-get purge -y -q miningrisk-server miningrisk-client 2>&1); rc=$?
check "apt purge of both packages succeeds" [ $rc -eq 0 ]
check_contains "purge says it kept the evidence directory" "$out" "kept $EVIDENCE"
check "the evidence is still there" test -s "$EVIDENCE/e2e-snapshot.txt"
left=$( (ls -d /etc/xymon/*miningrisk* /etc/logrotate.d/miningrisk /etc/xymon/*.d/miningrisk* /etc/xymon/web/miningrisk* \
            /usr/lib/xymon/*/ext/*miningrisk* /usr/share/miningrisk /usr/share/man/man?/*miningrisk* \
            /var/lib/xymon/www/miningrisk /var/log/xymon/miningrisk* /var/lib/xymon/rrd/*/miningrisk.rrd \
            /var/lib/xymon/tmp/miningrisk* 2>/dev/null; find /var/lib/xymon/miningrisk -mindepth 1 -maxdepth 1 ! -name evidence) | tr '\n' ' ')
check "purge leaves nothing but the evidence directory${left:+ (left: $left)}" [ -z "$left" ]
check "dpkg knows neither package any more" bash -c "! dpkg-query -W -f='\${Status}' miningrisk-client miningrisk-server 2>/dev/null | grep -q installed"
finish
