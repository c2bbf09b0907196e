# Source from a suite that needs the real Xymon server (Debian's xymon package) on 127.0.0.1.
# xymon_up is idempotent and safe to call from several suites (and people) at once.
XYMON=/usr/lib/xymon/server/bin/xymon
XYMONCMD=/usr/lib/xymon/server/bin/xymoncmd
XYMON_LOCK=/tmp/miningrisk-xymon.lock
source "$(dirname "${BASH_SOURCE[0]}")/detach.sh"

xq() { "$XYMON" 127.0.0.1 "$@"; }

_xymon_workers_expected() {
    su -s /bin/sh xymon -c "/usr/lib/xymon/server/bin/xymonlaunch --config=/etc/xymon/tasks.cfg --dump" 2>/dev/null |
        awk '/^\[/{name=$0; dis=0} /DISABLED/{dis=1} /CMD.*xymond_channel/{if(!dis) n++} END{print n+0}'
}

_xymon_wait_ready() {
    local i want
    for i in $(seq 1 100); do xq ping 2>/dev/null | grep -q '^xymond' && break; sleep 0.2; done
    want=$(_xymon_workers_expected)
    for i in $(seq 1 100); do
        [ "$(pgrep -u xymon -x xymond_channel | wc -l)" -ge "$want" ] && break
        sleep 0.2
    done
    # An empty board makes xymongen and xymond_alert give up: post one status.
    xq "status+30 $(hostname).miningrisk-harness green harness up" >/dev/null 2>&1 || true
}

# Starts the server if it is not running, bound to 127.0.0.1 only.
xymon_up() {
    (
        flock 9
        if ! grep -q -- '--listen=127.0.0.1' /etc/xymon/tasks.cfg; then
            sed -i 's|CMD xymond --pidfile|CMD xymond --listen=127.0.0.1 --pidfile|' /etc/xymon/tasks.cfg
        fi
        if ! xq ping 2>/dev/null | grep -q '^xymond'; then
            run_detached /etc/init.d/xymon start >/dev/null 2>&1 || true
        fi
        _xymon_wait_ready
    ) 9>"$XYMON_LOCK"
}

# Regenerates the .d include files and restarts tasks (after installing drop-ins).
xymon_reload() {
    (
        flock 9
        run_detached /etc/init.d/xymon reload >/dev/null 2>&1 || true
        sleep 1
        _xymon_wait_ready
    ) 9>"$XYMON_LOCK"
}

xymon_down() { /etc/init.d/xymon stop >/dev/null 2>&1 || true; }

# Adds a test host (on 127.0.0.1, no network tests) and makes xymond re-read hosts.cfg.
xymon_add_host() {
    local name=$1
    (
        flock 9
        if ! grep -qE "^[0-9.]+[[:space:]]+$name([[:space:]]|$)" /etc/xymon/hosts.cfg; then
            printf '127.0.0.1\t%s\t# noconn\n' "$name" >>/etc/xymon/hosts.cfg
            kill -HUP "$(cat /run/xymon/xymond.pid)" 2>/dev/null || true
            sleep 1
        fi
    ) 9>"$XYMON_LOCK"
}

# The colour of HOST.TEST on the board, or "" when there is none.
xymon_color() {
    xq "xymondboard host=^$1\$ test=^$2\$ fields=color" 2>/dev/null | head -1
}

# The pool-list version this server publishes to clients (miningrisk-feed's pools.txt), or "".
# A crafted client message carries it so the worker does not call the client's list stale.
published_ioc() { sed -n 's/^# version: //p' /var/lib/xymon/miningrisk/pools.txt 2>/dev/null | head -1; }
