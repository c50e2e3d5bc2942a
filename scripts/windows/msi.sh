#!/usr/bin/env bash
# msi.sh DIR VERSION OUT: the per-user MSI (scripts/windows/mailoauth.wxs)
# from DIR/mailoauth.exe and DIR/mailoauth-cli.exe, with wixl (Debian
# package wixl). VERSION must have three fields: Windows Installer compares
# only those, so a release must change one of them to upgrade.
# Used by build.sh (make windows) and by wine-smoke.sh for its upgrade test.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$1 version=$2 out=$3
command -v wixl >/dev/null || { echo "msi: wixl missing (scripts/install-deps.sh installs it)" >&2; exit 3; }
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "msi: version '$version' is not MAJOR.MINOR.PATCH" >&2; exit 3; }
CONVERT=/usr/bin/convert
[ -x "$CONVERT" ] || CONVERT=convert
icon=$(sed -n 's/^ *Icon *= *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' FyneApp.toml | head -n1)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# wixl resolves sources relative to the .wxs file, and absolute ones not at all.
cp scripts/windows/mailoauth.wxs "$dir/mailoauth.exe" "$dir/mailoauth-cli.exe" "$stage/"
"$CONVERT" "$icon" -background none -define icon:auto-resize=256,64,48,32,16 "$stage/icon.ico"
(cd "$stage" && wixl -a x64 -D Version="$version" -o out.msi mailoauth.wxs) >"$stage/wixl.log" 2>&1 \
  || { cat "$stage/wixl.log" >&2; exit 1; }
mv "$stage/out.msi" "$out"
