#!/usr/bin/env bash
# The layering of ext/ (ext/LAYERS) holds on the real tree, and the check catches each kind of
# breach on a copy of the tree: a forbidden include, a top folder included from below, an edge
# library in the wrong file, a source outside the folders, an undeclared folder.
source "$(dirname "$0")/../lib/harness.sh"
CHECK=$MR_ROOT/tests/lint/check-layers.sh

out=$(bash "$CHECK" 2>&1)
check "ext/ as committed passes the layering check" [ $? -eq 0 ]
check_contains "the check reports what it looked at" "$out" "layers hold"

work=$(mktemp -d); trap 'rm -rf "$work"; cleanup_children' EXIT
fresh() { rm -rf "$work/ext"; cp -r "$MR_ROOT/ext" "$work/ext"; }
breach() {  # breach "desc" expected-text file line-to-append
    local desc=$1 want=$2 file=$3 text=$4 out rc
    fresh
    printf '%s\n' "$text" >>"$work/ext/$file"
    out=$(bash "$CHECK" "$work/ext" 2>&1); rc=$?
    check "$desc: the check fails" [ $rc -ne 0 ]
    check_contains "$desc: it names the offending include" "$out" "$want"
}
breach "rules including xymon" "ext/rules/detector.cpp:" rules/detector.cpp '#include "xymon/message.h"'
breach "model including util" "includes util/" model/findings.h '#include "util/text_util.h"'
breach "collect including rules" "includes rules/" collect/collector.cpp '#include "rules/detector.h"'
breach "xymon including a top folder" "includes server/" xymon/board.cpp '#include "server/policy.h"'
breach "feed including collect" "includes collect/" feed/feed_merge.cpp '#include "collect/proc_reader.h"'
breach "libcurl outside the fetcher" "only ext/feed/feed_fetch.cpp may" feed/feed_merge.cpp '#include <curl/curl.h>'
breach "Boost.Process outside the sender" "only ext/xymon/xymon_sender.cpp may" server/policy.cpp '#include <boost/process.hpp>'

fresh; echo '// stray' >"$work/ext/stray.cpp"
out=$(bash "$CHECK" "$work/ext" 2>&1)
check_contains "a source directly in ext/ is refused" "$out" "ext/stray.cpp: a source outside the layer folders"
fresh; mkdir "$work/ext/misc"; echo '// x' >"$work/ext/misc/x.cpp"
out=$(bash "$CHECK" "$work/ext" 2>&1)
check_contains "an undeclared folder is refused" "$out" "ext/misc/: a folder ext/LAYERS does not declare"
finish
