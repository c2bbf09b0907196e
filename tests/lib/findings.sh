# shellcheck shell=bash
# Source after harness.sh: run miningrisk-client once (--dry-run, nothing is sent) and ask its
# client/miningrisk message what an on-call engineer would ask: which processes are suspect, in
# which colour, and why.
#
#   mr_scan                          # one scan; the message is kept in $MR_SCAN_OUT
#   MR_RULES=$dir mr_scan            # with another rules dir (e.g. a copy with a test IOC added)
#   MR_SCAN_WRAP=$script mr_scan     # the client run as `$script CLIENT ARGS...` (a namespace)
#   host_color                       # red / yellow / green / clear, the client's own verdict
#   finding_color PID                # "" when PID has no finding
#   finding_signals PID              # "exe_deleted miner_name ..." (sorted, unique)
#   finding_field PID KEY            # decoded value (argv: the words joined by spaces)
#   signal_evidence PID ID           # decoded evidence of that signal
#   expect_finding DESC PID COLOR [SIGNAL...]   # one check: finding exists, colour, signals
# Values in the message are percent-encoded (ext/xymon/kv_codec.h); everything here decodes them.

[ -n "${_FINDINGS_LOADED:-}" ] && return 0
_FINDINGS_LOADED=1
MR_CLIENT_BIN=${MR_CLIENT_BIN:-$MR_BUILD/client-tests/miningrisk-client}
MR_RULES=${MR_RULES:-$MR_ROOT/client-tests/share/rules}
MR_SCAN_SAMPLE=${MR_SCAN_SAMPLE:-1.5}
MR_SCAN_DIR=$(mktemp -d /tmp/mr-scan.XXXXXX)
MR_SCAN_OUT=$MR_SCAN_DIR/message.txt
: >"$MR_SCAN_OUT"
: >"$MR_SCAN_DIR/empty.cfg"

_findings_cleanup() {
    rm -rf "$MR_SCAN_DIR"
    [ -n "$_FINDINGS_PREV_TRAP" ] && eval "$_FINDINGS_PREV_TRAP"
    return 0
}
_FINDINGS_PREV_TRAP=$(trap -p EXIT | sed "s/^trap -- '\(.*\)' EXIT\$/\1/")
trap _findings_cleanup EXIT

# mr_scan [CLIENT ARGS...]: one client run with a fresh state file, scan cache ($XYMONTMP) and
# an empty config (whatever is installed in /etc/xymon), so every scan starts from nothing.
# Stderr goes to $MR_SCAN_DIR/stderr.txt. Returns the client's exit status.
mr_scan() {
    local n tmp rc wrap=()
    n=$(find "$MR_SCAN_DIR" -maxdepth 1 -name 'run-*' | wc -l)
    tmp=$MR_SCAN_DIR/run-$n
    mkdir -p "$tmp"
    [ -n "${MR_SCAN_WRAP:-}" ] && wrap=("$MR_SCAN_WRAP")
    XYMONTMP=$tmp "${wrap[@]}" "$MR_CLIENT_BIN" --dry-run --no-fetch --config "$MR_SCAN_DIR/empty.cfg" \
        --rules "$MR_RULES" --state-file "$tmp/state" --sample "$MR_SCAN_SAMPLE" --timeout 30 "$@" \
        >"$MR_SCAN_OUT" 2>"$MR_SCAN_DIR/stderr.txt"
    rc=$?
    cp "$MR_SCAN_OUT" "$tmp/message.txt"
    if [ -n "${MR_ARTIFACTS:-}" ] && [ -d "$MR_ARTIFACTS" ]; then
        cp "$MR_SCAN_OUT" "$MR_ARTIFACTS/${SUITE:-scan}-scan-$n.txt" 2>/dev/null
    fi
    return $rc
}

# Lines of one [section] of the last message.
_scan_section() { awk -v s="[$1]" '/^\[/ { cur = $0; next } cur == s' "$MR_SCAN_OUT"; }

# Raw (encoded) value of KEY in a kv line read from stdin.
_kv_raw() {
    awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) { print substr($i, length(k) + 2); exit } }'
}

# Percent-decoding; %00 (between argv words) becomes a space.
_pct_decode() { sed 's/%00/ /g' | perl -pe 's/%([0-9A-Fa-f]{2})/chr(hex($1))/ge'; }

host_color() { sed -n '/^\[miningrisk\]/{n;p;q}' "$MR_SCAN_OUT" | _kv_raw color; }

finding_record() { _scan_section findings | awk -v p="pid=$1" '$1 == p { print; exit }'; }
finding_exists() { [ -n "$(finding_record "$1")" ]; }
finding_color() { finding_record "$1" | _kv_raw color; }
finding_field() { finding_record "$1" | _kv_raw "$2" | _pct_decode; }
finding_pids() { _scan_section findings | _kv_raw_all pid; }
_kv_raw_all() { awk -v k="$1" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1) print substr($i, length(k) + 2) }'; }

_signal_records() { _scan_section signals | awk -v p="pid=$1" '$1 == p'; }
finding_signals() { _signal_records "$1" | _kv_raw_all id | sort -u | tr '\n' ' ' | sed 's/ $//'; }
has_signal() { _signal_records "$1" | _kv_raw_all id | grep -qx -- "$2"; }
signal_evidence() {
    _signal_records "$1" | awk -v i="id=$2" '{ for (f = 1; f <= NF; f++) if ($f == i) { print; next } }' |
        _kv_raw evidence | _pct_decode
}

# What the on-call engineer would read about PID: colour, signals with their evidence.
finding_summary() {
    local pid=$1 rec
    rec=$(finding_record "$pid")
    if [ -z "$rec" ]; then echo "no finding for pid $pid"; return; fi
    printf 'pid %s color=%s comm=%s exe=%s cores=%s pool=%s container=%s signals:' "$pid" \
        "$(finding_color "$pid")" "$(finding_field "$pid" comm)" "$(finding_field "$pid" exe)" \
        "$(finding_field "$pid" cores)" "$(finding_field "$pid" pool)" "$(finding_field "$pid" container)"
    _signal_records "$pid" | while read -r line; do
        printf ' [%s %s: %s]' "$(echo "$line" | _kv_raw id)" "$(echo "$line" | _kv_raw strength)" \
            "$(echo "$line" | _kv_raw evidence | _pct_decode | cut -c1-160)"
    done
    echo
}

color_rank() { case "$1" in red) echo 3 ;; yellow) echo 2 ;; green) echo 1 ;; *) echo 0 ;; esac; }
# color_at_least ACTUAL WANTED
color_at_least() { [ "$(color_rank "$1")" -ge "$(color_rank "$2")" ]; }

# expect_finding DESC PID COLOR [SIGNAL...]: one check that PID has a finding in exactly COLOR
# ("yellow+" = yellow or red) carrying every SIGNAL; on failure the message shows what the
# client did report for PID.
expect_finding() {
    local desc=$1 pid=$2 want=$3 got s missing=()
    shift 3
    got=$(finding_color "$pid")
    for s in "$@"; do has_signal "$pid" "$s" || missing+=("$s"); done
    local color_ok=1
    case "$want" in
        *+) color_at_least "$got" "${want%+}" || color_ok=0 ;;
        *) [ "$got" = "$want" ] || color_ok=0 ;;
    esac
    if [ -n "$got" ] && [ $color_ok = 1 ] && [ ${#missing[@]} -eq 0 ]; then
        ok "$desc: $want with $*"
    else
        not_ok "$desc: wanted $want with ${*:-any signal}${missing:+ (missing: ${missing[*]})}; got: $(finding_summary "$pid")"
    fi
}
