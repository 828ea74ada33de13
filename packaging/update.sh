#!/usr/bin/env bash
# Sets the Homebrew formula and the Scoop manifest to a release:
#   packaging/update.sh VERSION DIR
# DIR holds the release's sso-env-VERSION-TARGET.{tar.gz,zip}.sha256 files (archive.sh writes
# them; an archive found beside its .sha256 is checked against it). Every download URL in
# homebrew/sso-env.rb and scoop/sso-env.json is moved to VERSION and the hash on the line after
# it set to that archive's SHA-256; a URL whose archive has no .sha256 file is an error. Files
# are replaced only when all of them could be updated.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 VERSION DIR_OF_SHA256_FILES" >&2
    exit 2
fi
version=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
files=("$here/homebrew/sso-env.rb" "$here/scoop/sso-env.json")

case $version in
    [0-9]*.[0-9]*.[0-9]*) ;;
    *) echo "update.sh: '$version' is not a version like 1.2.3" >&2; exit 2 ;;
esac

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi | awk '{ print $1 }'
}

pairs=""
shopt -s nullglob
for f in "$dir"/sso-env-"$version"-*.sha256; do
    read -r hash name _ <"$f" || true
    name=${name#\*}
    archive=$(basename "$f" .sha256)
    if [ "$name" != "$archive" ] || ! [[ $hash =~ ^[0-9a-f]{64}$ ]]; then
        echo "update.sh: $f is not 'SHA256  $archive'" >&2
        exit 1
    fi
    if [ -f "$dir/$archive" ] && [ "$(sha256 "$dir/$archive")" != "$hash" ]; then
        echo "update.sh: $archive does not match $f" >&2
        exit 1
    fi
    target=${archive#sso-env-"$version"-}
    target=${target%.tar.gz}
    target=${target%.zip}
    pairs="$pairs $target=$hash"
done
if [ -z "$pairs" ]; then
    echo "update.sh: no sso-env-$version-*.sha256 in $dir" >&2
    exit 1
fi

tmps=()
trap 'rm -f ${tmps[@]+"${tmps[@]}"}' EXIT
for file in "${files[@]}"; do
    tmp=$(mktemp)
    tmps+=("$tmp")
    awk -v new="$version" -v pairs="$pairs" -v file="$file" '
        # s with every a replaced by b, no regular expressions (versions hold dots).
        function repl(s, a, b,    out, i) {
            out = ""
            while (a != "" && (i = index(s, a)) > 0) {
                out = out substr(s, 1, i - 1) b
                s = substr(s, i + length(a))
            }
            return out s
        }
        function fail(msg) { print "update.sh: " file ": " msg > "/dev/stderr"; bad = 1; exit 1 }
        BEGIN {
            n = split(pairs, p, " ")
            for (i = 1; i <= n; i++) { split(p[i], kv, "="); hash[kv[1]] = kv[2] }
        }
        # The version field: Ruby `version "X"`, JSON `"version": "X"`.
        old == "" && match($0, /^[ \t]*(version "|"version": ")[^"]+"/) {
            field = substr($0, RSTART, RLENGTH)
            sub(/"$/, "", field)
            old = substr(field, match(field, /"[^"]*$/) + 1)
            $0 = repl($0, "\"" old "\"", "\"" new "\"")
        }
        old != "" {
            $0 = repl($0, "/download/v" old "/", "/download/v" new "/")
            $0 = repl($0, "sso-env-" old "-", "sso-env-" new "-")
        }
        # A concrete download URL (not Scoop autoupdate'"'"'s $version): the next hash is its.
        match($0, /\/sso-env-[0-9][^\/"]*\.(tar\.gz|zip)"/) {
            if (pending != "") fail("no hash line after the URL for " pending)
            t = substr($0, RSTART + 1, RLENGTH - 2)
            t = repl(t, "sso-env-" new "-", "")
            sub(/\.(tar\.gz|zip)$/, "", t)
            if (!(t in hash)) fail("no .sha256 file for sso-env-" new "-" t)
            pending = t
            urls++
        }
        pending != "" && /^[ \t]*(sha256 "|"hash": ")/ {
            # The last quoted string on the line is the value.
            match($0, /"[^"]*"[^"]*$/)
            seg = substr($0, RSTART, RLENGTH)
            $0 = substr($0, 1, RSTART - 1) "\"" hash[pending] "\"" substr(seg, index(substr(seg, 2), "\"") + 2)
            pending = ""
        }
        { print }
        END {
            if (bad) exit 1
            if (old == "") fail("no version field")
            if (pending != "") fail("no hash line after the URL for " pending)
            if (urls == 0) fail("no download URL")
        }
    ' "$file" >"$tmp"
done
for i in "${!files[@]}"; do
    cat "${tmps[$i]}" >"${files[$i]}"
done
echo "homebrew/sso-env.rb and scoop/sso-env.json set to $version"
