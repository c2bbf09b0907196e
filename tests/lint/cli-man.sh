#!/usr/bin/env bash
# Every program behaves like other Unix tools and its man page cannot drift from it: --help on
# stdout with exit 0, --version "PROGRAM VERSION" with exit 0, a wrong option named on the first
# line of stderr with the usage after it and exit 2; each man page names every option --help
# lists, the file-format pages name every key their parser accepts, and debian/changelog carries
# the version of ext/util/version.h. Runs on the build tree (make all builds the man pages).
source "$(dirname "$0")/../lib/harness.sh"
MAN=$MR_BUILD/man
version=$(sed -n 's/.*kMiningriskVersion = "\(.*\)";.*/\1/p' "$MR_ROOT/ext/util/version.h")
check "ext/util/version.h names a version" [ -n "$version" ]

for entry in client-tests/miningrisk-client:1 server-plugins/xymond_miningrisk:8 \
             server-plugins/miningrisk-pages:8 server-plugins/miningrisk-feed:8 server-plugins/miningrisk-order:8; do
    bin=$MR_BUILD/${entry%:*}; sec=${entry#*:}; prog=$(basename "$bin")
    out=$("$bin" --help 2>/tmp/mr-cli-err); rc=$?
    check "$prog --help exits 0" [ $rc -eq 0 ]
    check "$prog --help prints the usage on stdout, nothing on stderr" \
        bash -c "[[ \"\$1\" == 'Usage: $prog '* ]] && [ ! -s /tmp/mr-cli-err ]" _ "$out"
    out=$("$bin" --version 2>&1); rc=$?
    check "$prog --version prints '$prog $version' and exits 0" bash -c "[ $rc -eq 0 ] && [ \"\$1\" = '$prog $version' ]" _ "$out"
    err=$("$bin" --no-such-option 2>&1 >/dev/null); rc=$?
    check "$prog refuses a wrong option with exit 2" [ $rc -eq 2 ]
    check "$prog names the wrong option on the first line, then the usage" \
        bash -c "[ \"\$(sed -n 1p <<<\"\$1\")\" = \"$prog: unknown option '--no-such-option'\" ] && sed -n 2p <<<\"\$1\" | grep -q '^Usage: $prog '" _ "$err"
    page=$MAN/$prog.$sec
    check "$prog.$sec exists" test -s "$page"
    text=$(man -l "$page" 2>/dev/null | col -b)
    check_contains "$prog.$sec is about version $version" "$(cat "$page")" "$version"
    missing=""
    for o in $("$bin" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*'); do
        grep -qF -- "$o" <<<"$text" || missing="$missing $o"
    done
    check "$prog.$sec names every option --help lists${missing:+ (missing:$missing)}" [ -z "$missing" ]
done

# File formats: every key the parser accepts is documented.
keys_in() { grep -oE "key == \"[A-Za-z_0-9]+\"" "$MR_ROOT/$1" | sed 's/.*"\(.*\)"/\1/' | sort -u; }
for pair in miningrisk-client.cfg.5:ext/client/client_config.cpp miningrisk-feed.cfg.5:ext/feed/feed_config.cpp \
            miningrisk.cfg.5:ext/server/policy.cpp; do
    page=$MAN/${pair%%:*}; src=${pair#*:}
    check "${pair%%:*} exists" test -s "$page"
    [ "${src##*/}" = policy.cpp ] && extra=$(grep -oE '(kw|t\.key) == "[A-Z_0-9]+"' "$MR_ROOT/$src" | sed 's/.*"\(.*\)"/\1/' | sort -u) || extra=""
    missing=""
    n=0
    for k in $(keys_in "$src") $extra; do
        n=$((n + 1))
        grep -qw -- "$k" "$page" || missing="$missing $k"
    done
    check "${pair%%:*} documents all $n keys of ${src##*/}${missing:+ (missing:$missing)}" bash -c '[ "$1" -gt 3 ] && [ -z "$2" ]' _ "$n" "$missing"
done

first=$(sed -n '1s/^miningrisk (\([^)]*\)).*/\1/p' "$MR_ROOT/debian/changelog")
check "debian/changelog's newest version ($first) is ext/util/version.h's ($version)" \
    bash -c "[[ \"$first\" == \"$version\" || \"$first\" == \"$version\"[.+~-]* ]]"
finish
