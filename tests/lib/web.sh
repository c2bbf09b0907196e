# Source from a suite that looks at pages through a web server and a browser.
# web_up: a private Apache on 127.0.0.1:8084 serving Xymon's web root (/xymon) and CGIs
# (/xymon-cgi), configured from a scratch dir; nothing in /etc/apache2 changes. Idempotent and
# safe to call from several suites at once (flock). web_down stops it.
# browser_dom URL / browser_shot URL FILE: Debian's headless chromium, 1920x1080.
MR_WEB_PORT=${MR_WEB_PORT:-8084}
MR_WEB_DIR=${MR_WEB_DIR:-/tmp/miningrisk-web}
MR_WEB_LOCK=/tmp/miningrisk-web.lock
MR_WEB_URL=http://127.0.0.1:$MR_WEB_PORT
source "$(dirname "${BASH_SOURCE[0]}")/detach.sh"

_web_conf() {
    local m=/usr/lib/apache2/modules
    cat <<CONF
ServerRoot "/etc/apache2"
ServerName 127.0.0.1
Listen 127.0.0.1:$MR_WEB_PORT
PidFile $MR_WEB_DIR/httpd.pid
ErrorLog $MR_WEB_DIR/error.log
LogFormat "%h %t \"%r\" %>s %b" common
CustomLog $MR_WEB_DIR/access.log common
User www-data
Group www-data
LoadModule mpm_prefork_module $m/mod_mpm_prefork.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule authz_host_module $m/mod_authz_host.so
LoadModule authz_user_module $m/mod_authz_user.so
LoadModule authn_core_module $m/mod_authn_core.so
LoadModule authn_file_module $m/mod_authn_file.so
LoadModule auth_basic_module $m/mod_auth_basic.so
LoadModule alias_module $m/mod_alias.so
LoadModule mime_module $m/mod_mime.so
LoadModule dir_module $m/mod_dir.so
LoadModule include_module $m/mod_include.so
LoadModule rewrite_module $m/mod_rewrite.so
LoadModule cgi_module $m/mod_cgi.so
StartServers 2
MinSpareServers 1
MaxSpareServers 4
TypesConfig /etc/mime.types
DirectoryIndex index.html
DocumentRoot /var/lib/xymon/www
HttpProtocolOptions Unsafe
Include /etc/apache2/conf-available/xymon.conf
IncludeOptional /etc/apache2/conf-available/miningrisk-server.conf
ScriptAlias /xymon-msg /usr/lib/xymon/server/bin/xymoncgimsg.cgi
CONF
}

_web_answers() { curl -fsS -o /dev/null --max-time 5 "$MR_WEB_URL/xymon/" 2>/dev/null; }

web_up() {
    (
        flock 9
        mkdir -p "$MR_WEB_DIR"
        if _web_answers; then
            # running: a changed config (e.g. a new snippet installed) is taken up gracefully
            _web_conf | cmp -s - "$MR_WEB_DIR/httpd.conf" && exit 0
            _web_conf >"$MR_WEB_DIR/httpd.conf"
            /usr/sbin/apache2 -f "$MR_WEB_DIR/httpd.conf" -k graceful 9>&- >/dev/null 2>&1
            sleep 1
            for _ in $(seq 1 50); do _web_answers && exit 0; sleep 0.2; done
            exit 1
        fi
        _web_conf >"$MR_WEB_DIR/httpd.conf"
        # Detached: the daemon must not inherit (and so keep holding) any lock.
        run_detached /usr/sbin/apache2 -f "$MR_WEB_DIR/httpd.conf" -k start >"$MR_WEB_DIR/start.log" 2>&1
        for _ in $(seq 1 50); do _web_answers && exit 0; sleep 0.2; done
        echo "web_up: apache did not answer on $MR_WEB_URL" >&2
        cat "$MR_WEB_DIR/start.log" "$MR_WEB_DIR/error.log" >&2 2>/dev/null
        exit 1
    ) 9>"$MR_WEB_LOCK"
}

web_down() {
    (
        flock 9
        [ -f "$MR_WEB_DIR/httpd.conf" ] && /usr/sbin/apache2 -f "$MR_WEB_DIR/httpd.conf" -k stop 9>&- >/dev/null 2>&1
        exit 0
    ) 9>"$MR_WEB_LOCK"
}

# HTTP status code of URL (000 when there is no answer).
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$1"; }

_chromium() {
    local profile rc
    profile=$(mktemp -d /tmp/mr-chromium.XXXXXX)
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$profile" --window-size=1920,1080 "$@" 2>/dev/null 9>&-
    rc=$?
    rm -rf "$profile"
    return $rc
}

# The DOM after the page has loaded, serialized (what a user's browser built from the HTML).
browser_dom() { _chromium --dump-dom "$1"; }

# A 1920x1080 PNG screenshot of URL into FILE.
browser_shot() { _chromium --screenshot="$2" "$1" >/dev/null && [ -s "$2" ]; }
