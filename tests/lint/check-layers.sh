#!/usr/bin/env bash
# Checks ext/'s include graph against ext/LAYERS: each folder includes only the folders its line
# names, the edge libraries stay in their one file, the top folders are included by nobody in
# ext/, and every source sits in a declared folder. Prints one line per offence
# ("FILE:LINE: includes X (folder may include: ...)") and exits 1 if there is any.
# Usage: check-layers.sh [EXT_DIR]   (default: the ext/ beside this script's tree)
set -u
EXT=${1:-$(cd "$(dirname "$0")/../../ext" && pwd)}
RULES=$EXT/LAYERS
[ -f "$RULES" ] || { echo "$RULES: missing"; exit 1; }
declare -A allowed lib_owner
tops=""
lineno=0
while IFS= read -r line; do
    lineno=$((lineno + 1))
    line=${line%%#*}
    [ -z "${line// /}" ] && continue
    set -- $line
    case "$1" in
        lib) [ $# -eq 3 ] || { echo "$RULES:$lineno: 'lib PREFIX FILE' expected"; exit 1; }; lib_owner[$2]=$3 ;;
        top) shift; tops="$*" ;;
        *:) f=${1%:}; shift; allowed[$f]="$*" ;;
        *) echo "$RULES:$lineno: 'folder: folders...' expected"; exit 1 ;;
    esac
done <"$RULES"

bad=0
offence() { echo "$1"; bad=1; }

for f in "$EXT"/*.h "$EXT"/*.cpp; do
    [ -e "$f" ] && offence "ext/${f#$EXT/}: a source outside the layer folders (move it into one of: ${!allowed[*]})"
done
for d in "$EXT"/*/; do
    n=$(basename "$d")
    [ -n "${allowed[$n]+x}" ] || offence "ext/$n/: a folder ext/LAYERS does not declare"
done

while IFS= read -r hit; do
    file=${hit%%:*}; rest=${hit#*:}; ln=${rest%%:*}; text=${rest#*:}
    rel=${file#$EXT/}
    folder=${rel%%/*}
    if [[ "$text" =~ \#include[[:space:]]*\"([a-z_]+)/ ]]; then
        target=${BASH_REMATCH[1]}
        [ "$target" = "$folder" ] && continue
        ok=0
        for a in ${allowed[$folder]:-}; do [ "$a" = "$target" ] && ok=1; done
        for t in $tops; do [ "$t" = "$target" ] && ok=0; done
        [ $ok -eq 1 ] || offence "ext/$rel:$ln: includes $target/ (ext/$folder may include: ${allowed[$folder]:-nothing})"
    elif [[ "$text" =~ \#include[[:space:]]*\<([^>]+)\> ]]; then
        hdr=${BASH_REMATCH[1]}
        for prefix in "${!lib_owner[@]}"; do
            if [[ "$hdr" == "$prefix"* ]] && [ "$rel" != "${lib_owner[$prefix]}" ]; then
                offence "ext/$rel:$ln: includes <$hdr> (only ext/${lib_owner[$prefix]} may)"
            fi
        done
    fi
done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$EXT"/*/*.h "$EXT"/*/*.cpp 2>/dev/null)

[ $bad -eq 0 ] && echo "ext/ layers hold ($(ls "$EXT"/*/*.cpp | wc -l) sources in ${#allowed[@]} folders)"
exit $bad
