#!/usr/bin/env bash
# build.sh [OUTDIR]: mailoauth.exe (GUI subsystem, no console window) and
# mailoauth-cli.exe (console subsystem, no Fyne, no cgo) for windows/amd64, cross
# compiled with Debian's mingw-w64. Icon and version information come from
# the root FyneApp.toml. The resource object (.syso) must sit in the main
# package's folder, and go build -overlay does not cover .syso files, so the
# build runs on a copy of the sources: the checkout is never modified.
# Then the per-user MSI (msi.sh, wixl) and a portable zip. Signs the exes
# and the MSI with osslsigncode when MAILOAUTH_SIGN_PFX is set.
# Used by `make windows`.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-dist/windows}
export CC=${WINDOWS_CC:-x86_64-w64-mingw32-gcc}
windres=${WINDOWS_WINDRES:-x86_64-w64-mingw32-windres}
for c in "$CC" "$windres" go wixl zip; do
  command -v "$c" >/dev/null || { echo "windows: $c missing (scripts/install-deps.sh --windows installs it)" >&2; exit 3; }
done
CONVERT=/usr/bin/convert
[ -x "$CONVERT" ] || CONVERT=convert

# One [Details] value of FyneApp.toml, quoted or not.
field() { sed -n "s/^ *$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\} *\$/\1/p" FyneApp.toml | head -n1; }
name=$(field Name); id=$(field ID); version=$(field Version); build=$(field Build); icon=$(field Icon)
website=$(field Website)
[ -n "$name" ] && [ -n "$id" ] && [ -n "$version" ] && [ -n "$icon" ] || { echo "windows: FyneApp.toml lacks Name, ID, Version or Icon" >&2; exit 3; }
build=${build:-0}
IFS=. read -r v1 v2 v3 _ <<<"$version"
quad="${v1:-0},${v2:-0},${v3:-0},$build"
dotted="${v1:-0}.${v2:-0}.${v3:-0}.$build"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$CONVERT" "$icon" -background none -define icon:auto-resize=256,64,48,32,16 "$work/icon.ico"

# The manifest: per-monitor DPI awareness (sharp text on scaled displays),
# modern message boxes (common controls 6), and Windows 10/11 as the target.
cat >"$work/app.manifest" <<XML
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0">
  <assemblyIdentity version="$dotted" processorArchitecture="amd64" name="$id" type="win32"/>
  <dependency><dependentAssembly>
    <assemblyIdentity type="win32" name="Microsoft.Windows.Common-Controls" version="6.0.0.0" processorArchitecture="*" publicKeyToken="6595b64144ccf1df" language="*"/>
  </dependentAssembly></dependency>
  <application xmlns="urn:schemas-microsoft-com:asm.v3"><windowsSettings>
    <dpiAware xmlns="http://schemas.microsoft.com/SMI/2005/WindowsSettings">true/pm</dpiAware>
  </windowsSettings></application>
  <compatibility xmlns="urn:schemas-microsoft-com:compatibility.v1"><application>
    <supportedOS Id="{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"/>
  </application></compatibility>
</assembly>
XML

# resource FILE DESCRIPTION: a .syso with icon, manifest and version info.
resource() {
  cat >"$work/$1.rc" <<RC
1 ICON "icon.ico"
1 24 "app.manifest"
1 VERSIONINFO
FILEVERSION $quad
PRODUCTVERSION $quad
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "$name"
      VALUE "FileDescription", "$2"
      VALUE "FileVersion", "$version"
      VALUE "InternalName", "$id"
      VALUE "LegalCopyright", "$website"
      VALUE "OriginalFilename", "$1.exe"
      VALUE "ProductName", "$name"
      VALUE "ProductVersion", "$version"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
RC
  (cd "$work" && "$windres" -O coff -i "$1.rc" -o "$1.syso")
}
resource mailoauth "$name: Microsoft 365 mail OAuth2 setup and check"
resource mailoauth-cli "$name (command line): Microsoft 365 mail OAuth2 setup and check"

mkdir -p "$out"
out=$(cd "$out" && pwd)
src="$work/src"
mkdir -p "$src"
cp -r go.mod go.sum FyneApp.toml cmd core ui assets "$src/"
ldflags="-s -w -X mailoauth/core/version.Version=$version"
export GOOS=windows GOARCH=amd64
cp "$work/mailoauth.syso" "$src/cmd/mailoauth/rsrc_windows_amd64.syso"
(cd "$src" && CGO_ENABLED=1 go build -ldflags "$ldflags -H=windowsgui" -o "$out/mailoauth.exe" ./cmd/mailoauth)
# The command line without Fyne and without cgo: no OpenGL import, so it
# starts where no graphics driver is, and it builds in seconds.
cp "$work/mailoauth-cli.syso" "$src/cmd/mailoauth-cli/rsrc_windows_amd64.syso"
(cd "$src" && CGO_ENABLED=0 go build -ldflags "$ldflags" -o "$out/mailoauth-cli.exe" ./cmd/mailoauth-cli)

# sign FILE...: Authenticode signatures (exe and MSI alike) when a
# certificate is given.
signed=""
if [ -n "${MAILOAUTH_SIGN_PFX:-}" ]; then
  command -v osslsigncode >/dev/null || { echo "windows: osslsigncode missing" >&2; exit 3; }
  # The password goes through a file, never the command line (ps shows that).
  pass="$work/pass"
  (umask 077; printf %s "${MAILOAUTH_SIGN_PASSWORD:-}" >"$pass")
  ts=()
  [ -n "${MAILOAUTH_SIGN_TIMESTAMP_URL:-}" ] && ts=(-ts "$MAILOAUTH_SIGN_TIMESTAMP_URL")
  signed=yes
fi
sign() {
  [ -n "$signed" ] || return 0
  for f in "$@"; do
    osslsigncode sign -pkcs12 "$MAILOAUTH_SIGN_PFX" -readpass "$pass" -h sha256 \
      -n "$name" -i "$website" "${ts[@]}" -in "$f" -out "$work/signing.tmp" >/dev/null
    mv "$work/signing.tmp" "$f"
  done
}

sign "$out/mailoauth.exe" "$out/mailoauth-cli.exe"
# The MSI holds the signed exes and is signed itself; the portable zip
# holds the same exes and a short readme.
IFS=. read -r m1 m2 m3 _ <<<"$version"
scripts/windows/msi.sh "$out" "${m1:-0}.${m2:-0}.${m3:-0}" "$out/mailoauth.msi"
sign "$out/mailoauth.msi"
rm -f "$out/mailoauth-portable.zip"
cp scripts/windows/README.txt "$work/README.txt"
sed -i 's/$/\r/' "$work/README.txt"
(cd "$out" && zip -q -j -X mailoauth-portable.zip mailoauth.exe mailoauth-cli.exe "$work/README.txt")

if [ -n "$signed" ]; then
  echo "windows: $out/mailoauth.exe, mailoauth-cli.exe and mailoauth.msi signed with $MAILOAUTH_SIGN_PFX; mailoauth-portable.zip"
else
  echo "windows: $out/mailoauth.exe, mailoauth-cli.exe, mailoauth.msi and mailoauth-portable.zip are NOT signed (set MAILOAUTH_SIGN_PFX and MAILOAUTH_SIGN_PASSWORD to sign them; see README, Windows). Windows SmartScreen warns before it starts an unsigned download."
fi
