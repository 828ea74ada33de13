#!/usr/bin/env bash
# Packs one release archive: packaging/archive.sh VERSION TARGET BINARY OUTDIR
#
#   OUTDIR/sso-env-VERSION-TARGET.tar.gz   (.zip for Windows targets), holding one folder
#     sso-env-VERSION-TARGET/ with the binary, completions/, README.md, LICENSE-MIT and
#     LICENSE-APACHE;
#   OUTDIR/sso-env-VERSION-TARGET.tar.gz.sha256   "HASH  NAME", for `sha256sum -c`.
#
# The release workflow runs it for each target; tests/release.rs runs it on a stand-in binary
# and checks the names against README.md. Prints the archive's path.
set -euo pipefail

if [ $# -ne 4 ]; then
    echo "usage: $0 VERSION TARGET BINARY OUTDIR" >&2
    exit 2
fi
version=$1 target=$2 binary=$3 outdir=$4
root=$(cd "$(dirname "$0")/.." && pwd)

case $target in
    *-windows-*) ext=zip exe=sso-env.exe ;;
    *) ext=tar.gz exe=sso-env ;;
esac
name="sso-env-$version-$target"
archive="$name.$ext"

mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
chmod 755 "$stage/$name/$exe"
cp -R "$root/completions" "$stage/$name/completions"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$stage/$name/"

rm -f "$outdir/$archive"
(
    cd "$stage"
    if [ "$ext" = zip ]; then
        if command -v 7z >/dev/null 2>&1; then
            7z a -tzip -bso0 -bsp0 "$outdir/$archive" "$name"
        elif command -v zip >/dev/null 2>&1; then
            zip -qr "$outdir/$archive" "$name"
        else
            python3 -m zipfile -c "$outdir/$archive" "$name"
        fi
    else
        # Owner and order fixed so the archive does not carry the build machine's user names.
        tar --version 2>/dev/null | grep -q GNU &&
            tar_flags=(--owner=0 --group=0 --numeric-owner --sort=name) || tar_flags=()
        # (the ${..+..} form: macOS's bash 3.2 calls an empty array unbound under set -u)
        tar ${tar_flags[@]+"${tar_flags[@]}"} -czf "$outdir/$archive" "$name"
    fi
)

(
    cd "$outdir"
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$archive"
    else
        shasum -a 256 "$archive"
    fi
) | awk '{ name = $2; sub(/^\*/, "", name); print $1 "  " name }' >"$outdir/$archive.sha256"
echo "$outdir/$archive"
