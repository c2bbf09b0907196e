#!/bin/sh
# Installs the miningrisk server side into Debian's Xymon layout: the worker, drop-in files
# under tasks.d/, xymonserver.d/, graphs.d/, and the sample policy only when none exists.
# Never edits a stock file. Usage: install-server.sh BUILD_DIR [DESTDIR]
set -eu
BUILD=${1:?usage: install-server.sh BUILD_DIR [DESTDIR]}
DESTDIR=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
case "$BUILD" in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
EXT=$DESTDIR/usr/lib/xymon/server/ext
ETC=$DESTDIR/etc/xymon
SHARE=$DESTDIR/usr/share/miningrisk

install -d "$EXT" "$ETC/tasks.d" "$ETC/xymonserver.d" "$ETC/graphs.d" "$SHARE"
install -m 0755 "$BUILD/server-plugins/xymond_miningrisk" "$EXT/xymond_miningrisk"
install -m 0644 "$HERE/tasks.d/miningrisk.cfg" "$ETC/tasks.d/miningrisk.cfg"
install -m 0644 "$HERE/xymonserver.d/miningrisk.cfg" "$ETC/xymonserver.d/miningrisk.cfg"
install -m 0644 "$HERE/graphs.d/miningrisk.cfg" "$ETC/graphs.d/miningrisk.cfg"
install -m 0644 "$HERE/alerts.cfg.sample" "$SHARE/alerts.cfg.sample"
install -m 0644 "$HERE/miningrisk.cfg" "$SHARE/miningrisk.cfg.sample"
# The policy is the admin's file: put the sample in place only the first time.
if [ ! -e "$ETC/miningrisk.cfg" ]; then
    install -m 0644 "$HERE/miningrisk.cfg" "$ETC/miningrisk.cfg"
fi
# The rules for agentless hosts come from the client install (Makefile: client-tests/share ->
# /usr/share/miningrisk); the worker reads them from /usr/share/miningrisk/rules.

# The IOC feed updater: task, sample config (feeds disabled), state dirs, and the stub Xymon
# serves to clients as `config miningrisk-pools.cfg` (xymond serves only regular *.cfg files in
# /etc/xymon; the updater, running as xymon, rewrites only the included list).
install -m 0755 "$BUILD/server-plugins/miningrisk-feed" "$EXT/miningrisk-feed"
install -m 0644 "$HERE/tasks.d/miningrisk-feed.cfg" "$ETC/tasks.d/miningrisk-feed.cfg"
install -m 0644 "$HERE/miningrisk-feed.cfg.sample" "$SHARE/miningrisk-feed.cfg.sample"
[ -e "$ETC/miningrisk-feed.cfg" ] || install -m 0644 "$HERE/miningrisk-feed.cfg.sample" "$ETC/miningrisk-feed.cfg"
install -d "$DESTDIR/var/lib/xymon/miningrisk/feeds"
[ -e "$ETC/miningrisk-pools.cfg" ] || echo "include /var/lib/xymon/miningrisk/pools.txt" >"$ETC/miningrisk-pools.cfg"
# Incidents and SIEM events: state under /var/lib/xymon/miningrisk/incidents (engineers in group
# xymon may edit the lessons-learned files), events in /var/log/xymon/miningrisk, rotated by
# logrotate (no copytruncate), SIEM settings installed only if absent.
install -d -m 2775 "$DESTDIR/var/lib/xymon/miningrisk/incidents"
install -d -m 2750 "$DESTDIR/var/log/xymon/miningrisk"
install -d "$DESTDIR/etc/logrotate.d"
install -m 0644 "$HERE/logrotate.d/miningrisk" "$DESTDIR/etc/logrotate.d/miningrisk"
install -m 0644 "$HERE/miningrisk-siem.cfg" "$SHARE/miningrisk-siem.cfg.sample"
[ -e "$ETC/miningrisk-siem.cfg" ] || install -m 0644 "$HERE/miningrisk-siem.cfg" "$ETC/miningrisk-siem.cfg"
# Containment's server key (policy CONTAIN), served the same way as `config miningrisk-contain.cfg`;
# the worker rewrites the included list.
[ -e "$ETC/miningrisk-contain.cfg" ] || echo "include /var/lib/xymon/miningrisk/contain.txt" >"$ETC/miningrisk-contain.cfg"
# (the list itself only on a live install: a package's worker writes it on its first message)
[ -n "$DESTDIR" ] || [ -e /var/lib/xymon/miningrisk/contain.txt ] ||
    echo "# miningrisk containment grants (policy CONTAIN per host), written by xymond_miningrisk" >/var/lib/xymon/miningrisk/contain.txt
# Operators' orders: the CGI in Xymon's authenticated cgi-secure directory (served as
# /xymon-seccgi/miningrisk-order by the stock Apache snippet, Basic auth against xymonpasswd),
# the user-channel task that publishes them, the hosts' order files (written by xymon) that
# clients fetch as `config miningrisk-orders/HOST.cfg` through a link from /etc/xymon, and the
# key the CGI signs with (xymon:www-data 0640: the CGI reads it, nobody else).
install -d "$DESTDIR/usr/lib/xymon/cgi-secure"
install -m 0755 "$BUILD/server-plugins/miningrisk-order" "$DESTDIR/usr/lib/xymon/cgi-secure/miningrisk-order"
install -m 0644 "$HERE/tasks.d/miningrisk-orders.cfg" "$ETC/tasks.d/miningrisk-orders.cfg"
install -d "$DESTDIR/etc/apache2/conf-available"
install -m 0644 "$HERE/apache/miningrisk-server.conf" "$DESTDIR/etc/apache2/conf-available/miningrisk-server.conf"
install -d "$DESTDIR/var/lib/xymon/miningrisk/orders"
[ -e "$ETC/miningrisk-orders" ] || ln -s /var/lib/xymon/miningrisk/orders "$ETC/miningrisk-orders"
if [ -z "$DESTDIR" ] && [ ! -s /var/lib/xymon/miningrisk/order.key ]; then
    (umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >/var/lib/xymon/miningrisk/order.key)
fi
# The pages: generator, task, templates, output directory.
install -m 0755 "$BUILD/server-plugins/miningrisk-pages" "$EXT/miningrisk-pages"
install -m 0644 "$HERE/tasks.d/miningrisk-pages.cfg" "$ETC/tasks.d/miningrisk-pages.cfg"
install -d "$ETC/web" "$DESTDIR/var/lib/xymon/www/miningrisk"
for t in "$ROOT"/web-templates/*; do install -m 0644 "$t" "$ETC/web/"; done

if [ -z "$DESTDIR" ] && id xymon >/dev/null 2>&1; then
    chown -R xymon:xymon /var/lib/xymon/miningrisk /var/lib/xymon/www/miningrisk
    chown xymon:adm /var/log/xymon/miningrisk
    if id www-data >/dev/null 2>&1; then chown xymon:www-data /var/lib/xymon/miningrisk/order.key; fi
    chmod 0640 /var/lib/xymon/miningrisk/order.key
    # The first merged pool list, from the shipped lists, before any client asks for it.
    su -s /bin/sh xymon -c "$EXT/miningrisk-feed --config $ETC/miningrisk-feed.cfg update" ||
        echo "install-server.sh: the first pool list was not built (see above)" >&2
fi
