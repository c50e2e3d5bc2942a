#!/usr/bin/env bash
# wine-smoke.sh DIST OUTDIR: the Windows build under Wine + Xvfb.
#  - mailoauth-cli.exe without cgo (no opengl32.dll), --version through a
#    pipe, and the exit codes; mailoauth.exe prints --version and sends
#    other commands to mailoauth-cli.exe;
#  - the Credential Manager path of core/secret (values over 2560 bytes);
#  - add, authorize (loopback sign-in through the system browser, here a
#    stand-in xdg-open behind Wine's url.dll) and check --json against the
#    Linux build's headless sandbox: all green, then a closed port: red, exit 2;
#  - user data in %AppData%\mailoauth, the log in %LocalAppData%\mailoauth,
#    nothing written next to the exe;
#  - the MSI: its tables (msiinfo), a silent per-user install, the exes and
#    the Start-menu shortcut where promised, the installed CLI's check
#    against the sandbox, the installed mailoauth.exe demo: a window with
#    the demo accounts (screenshot); later an upgrade with a newer MSI and
#    the uninstall, which keeps the accounts;
#  - only OpenGL 1.1 (as on Remote Desktop): the message box (screenshot),
#    exit code 3;
#  - the real mailoauth.exe's start at sign-in (the HKCU Run value, set and
#    removed through the settings dialog and Remove all data) and its
#    window place saved on close and restored (wine-window-run.sh);
#  - make windows with a certificate: both exes and the MSI signed, the zip
#    has its readme, and the exes still run.
# Used by `make wine-smoke` (part of `make test`).
set -euo pipefail
cd "$(dirname "$0")/../.."
dist=$(cd "${1:-dist/windows}" && pwd)
out=${2:-/tmp/mailoauth-wine-smoke}
mkdir -p "$out"
out=$(cd "$out" && pwd)
for c in wine wineboot wineserver xvfb-run xdotool import curl osslsigncode openssl x86_64-w64-mingw32-gcc msiinfo wixl unzip iconv; do
  command -v "$c" >/dev/null || { echo "wine-smoke: $c missing (scripts/install-deps.sh installs it)" >&2; exit 3; }
done
CONVERT=/usr/bin/convert
[ -x "$CONVERT" ] || CONVERT=convert
version=$(sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)

work=$(mktemp -d)
sandbox_pid=""
cleanup() {
  [ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
  WINEPREFIX="$work/prefix" wineserver -k 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "wine-smoke: FAIL: $*" >&2; exit 1; }
step() { printf 'wine-smoke: %-64s' "$1"; }
ok() { echo "ok${1:+ ($1)}"; }

export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64
# mscoree/mshtml off: no Mono/Gecko install prompts. bcryptprimitives: the
# test-only shim below (Wine 8.0 lacks ProcessPrng, which Go 1.24+ needs).
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"

step "Wine prefix and test helpers"
t0=$SECONDS
x86_64-w64-mingw32-gcc -O2 -shared -o "$work/bcryptprimitives.dll" \
  scripts/windows/bcryptprimitives.c scripts/windows/bcryptprimitives.def -ladvapi32
wineboot -i >/dev/null 2>&1
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$work/trustca.exe" ./scripts/windows/trustca
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -tags keyring -o "$work/secret.test.exe" ./core/secret/
go build -o "$work/mailoauth" ./cmd/mailoauth
ok "$((SECONDS - t0)) s"

step "icon and version information from FyneApp.toml"
id=$(sed -n 's/^ *ID *= *"\(.*\)"/\1/p' FyneApp.toml)
for exe in mailoauth mailoauth-cli; do
  res=$(strings -e l "$dist/$exe.exe")
  for want in "$version" "$id" "$exe.exe"; do
    grep -qxF "$want" <<<"$res" || fail "$exe.exe: no '$want' in its version information"
  done
  x86_64-w64-mingw32-objdump -h "$dist/$exe.exe" | grep -q '\.rsrc' || fail "$exe.exe has no resources"
done
file "$dist/mailoauth.exe" | grep -q '(GUI)' || fail "mailoauth.exe is not a GUI-subsystem exe"
file "$dist/mailoauth-cli.exe" | grep -q '(console)' || fail "mailoauth-cli.exe is not a console exe"
ok

step "mailoauth-cli.exe without cgo: no OpenGL in its imports"
imports=$(x86_64-w64-mingw32-objdump -p "$dist/mailoauth-cli.exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u | tr '\n' ' ')
grep -q opengl32 <<<"$imports" && fail "mailoauth-cli.exe imports opengl32.dll ($imports)"
gui_imports=$(x86_64-w64-mingw32-objdump -p "$dist/mailoauth.exe")
grep -qi 'DLL Name: opengl32.dll' <<<"$gui_imports" || fail "mailoauth.exe should import opengl32.dll"
ok "$imports"

before=$(ls -A "$dist")
cli() { wine "$dist/mailoauth-cli.exe" "$@"; }

step "mailoauth-cli.exe --version through a pipe"
v=$(cli --version | cat)
[ "$v" = "mailoauth $version" ] || fail "--version printed '$v', want 'mailoauth $version'"
ok "$v"

step "mailoauth.exe --version/--help print, other commands: use the CLI"
v=$(wine "$dist/mailoauth.exe" --version | cat)
[ "$v" = "mailoauth $version" ] || fail "mailoauth.exe --version printed '$v'"
help=$(wine "$dist/mailoauth.exe" --help --lang en)
grep -q 'mailoauth account add' <<<"$help" || fail "mailoauth.exe --help printed no usage"
set +e; msg=$(wine "$dist/mailoauth.exe" account list --lang en 2>&1 >/dev/null); rc=$?; set -e
[ "$rc" = 3 ] && grep -q 'mailoauth-cli.exe account list' <<<"$msg" || fail "mailoauth.exe account list: exit $rc, '$msg'"
ok

step "exit code 3 for a usage error reaches the caller"
set +e; cli no-such-command >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 3 ] || fail "exit code $rc, want 3"
ok

step "Credential Manager: split values over 2560 bytes"
MAILOAUTH_KEYRING_MODE=wine wine "$work/secret.test.exe" -test.run 'TestRealKeyring' -test.v >"$work/keyring.log" 2>&1 \
  || { cat "$work/keyring.log" >&2; fail "keyring tests under Wine"; }
grep -q -- '--- PASS: TestRealKeyringLimit' "$work/keyring.log" || { cat "$work/keyring.log" >&2; fail "limit test did not run"; }
ok

step "sandbox (Linux build, headless) and its CA trusted by Windows"
"$work/mailoauth" sandbox --json --ca-file "$work/ca.pem" >"$work/sandbox.json" 2>"$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1 50); do grep -q '"control"' "$work/sandbox.json" 2>/dev/null && break; sleep 0.2; done
grep -q '"control"' "$work/sandbox.json" || { cat "$work/sandbox.err" >&2; fail "sandbox did not start"; }
field() { sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" "$work/sandbox.json"; }
wine "$work/trustca.exe" "$(winepath -w "$work/ca.pem" 2>/dev/null)" || fail "trusting the sandbox CA"
ok

step "account add, authorize through the browser, check --json"
cli account add smoke --login "anna@$(field domain)" --tenant "$(field authority)/$(field tenant_id)/" \
  --client-id "$(field public_client_id)" --imap "$(field imap)" --pop3 "$(field pop3)" --smtp "$(field smtp)" \
  --smtp-security starttls >/dev/null 2>"$work/add.err" || { cat "$work/add.err" >&2; fail "account add"; }
# pkg/browser → rundll32 url.dll → winebrowser → xdg-open: the stand-in
# accepts the sandbox's consent page like a user.
PATH="$(pwd)/scripts/smoke-bin:$PATH" timeout 120 wine "$dist/mailoauth-cli.exe" authorize smoke --timeout 60s \
  >"$work/auth.out" 2>"$work/auth.err" || { cat "$work/auth.out" "$work/auth.err" >&2; fail "authorize"; }
set +e; cli check smoke --json >"$work/check.json" 2>"$work/check.err"; rc=$?; set -e
greens=$(grep -c '"status": "green"' "$work/check.json" || true)
[ "$rc" = 0 ] && [ "$greens" = 3 ] || { cat "$work/check.json" "$work/check.err" >&2; fail "check: exit $rc, $greens green of 3"; }
ok "3 green, exit 0"

step "a closed port is red and exit code 2"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 9)
cli account add closed --login "anna@$(field domain)" --tenant "$(field authority)/$(field tenant_id)/" \
  --client-id "$(field public_client_id)" --imap "127.0.0.1:$closed" --pop3 off --smtp off >/dev/null 2>&1
PATH="$(pwd)/scripts/smoke-bin:$PATH" timeout 120 wine "$dist/mailoauth-cli.exe" authorize closed --timeout 60s \
  >"$work/auth.out" 2>"$work/auth.err" || { cat "$work/auth.out" "$work/auth.err" >&2; fail "authorize"; }
set +e; cli check closed --json >"$work/check.json" 2>/dev/null; rc=$?; set -e
[ "$rc" = 2 ] && grep -q '"status": "red"' "$work/check.json" || { cat "$work/check.json" >&2; fail "closed port: exit $rc"; }
ok

step "data in %AppData% and %LocalAppData%, nothing beside the exe"
users="$WINEPREFIX/drive_c/users/$(id -un)"
[ -s "$users/AppData/Roaming/mailoauth/accounts.json" ] || fail "no accounts.json in %AppData%\\mailoauth"
[ -s "$users/AppData/Local/mailoauth/mailoauth.log" ] || fail "no log in %LocalAppData%\\mailoauth"
[ "$(ls -A "$dist")" = "$before" ] || fail "files appeared next to the exe: $(ls -A "$dist")"
# No token in the files: JWTs start with eyJ, the sandbox's refresh tokens with its prefix.
if grep -rlE 'eyJ[A-Za-z0-9_-]{20}' "$users/AppData/Roaming/mailoauth" "$users/AppData/Local/mailoauth"; then
  fail "a token in the config or log folder"
fi
ok

# A wineserver started without a display (the CLI steps above) would keep
# every later process off the X server.
wineserver -k 2>/dev/null || true; wineserver -w 2>/dev/null || true
step "msiinfo: the MSI's tables"
msi="$dist/mailoauth.msi"
[ -s "$msi" ] || fail "no $msi"
tables=$(msiinfo tables "$msi")
for t in Shortcut Upgrade Component File Registry RemoveFile Icon Directory; do
  grep -qx "$t" <<<"$tables" || fail "MSI has no $t table"
done
msiinfo export "$msi" Shortcut | tr -d '\r' | grep $'mailoauth – Konten verwalten\t.*\t\[INSTALLDIR\]mailoauth.exe\t.*mailoauth.ico' >/dev/null || fail "Start-menu shortcut row"
msiinfo export "$msi" Directory | tr -d '\r' | grep $'^LocalPrograms\tLocalAppDataFolder\tPrograms' >/dev/null || fail "not under %LocalAppData%\\Programs"
IFS=. read -r v1 v2 v3 _ <<<"$version"
msiinfo export "$msi" Property | tr -d '\r' | grep -qx $'ProductVersion\t'"$v1.$v2.$v3" || fail "ProductVersion is not FyneApp.toml's"
msiinfo export "$msi" Property | grep -q '^ALLUSERS' && fail "ALLUSERS set: not a per-user MSI"
upgrade=$(msiinfo export "$msi" Property | sed -n 's/^UpgradeCode\t//p' | tr -d '\r{}')
grep -qi "$upgrade" scripts/windows/mailoauth.wxs || fail "UpgradeCode is not the fixed one"
# Word count bit 8: no elevated privileges needed (a per-user install).
src=$(msiinfo suminfo "$msi" | sed -n 's/^Source: \([0-9]*\).*/\1/p')
(( (src & 8) != 0 )) || fail "the MSI asks for administrator rights (Source $src)"
ok "$(tr '\n' ' ' <<<"$tables" | wc -w) tables"

step "silent per-user install: msiexec /i mailoauth.msi /qn"
wine msiexec /i "$(winepath -w "$msi" 2>/dev/null)" /qn >"$work/msi.log" 2>&1 || { cat "$work/msi.log" >&2; fail "msiexec /i: exit $?"; }
inst="$users/AppData/Local/Programs/mailoauth"
for exe in mailoauth.exe mailoauth-cli.exe; do
  cmp -s "$inst/$exe" "$dist/$exe" || fail "$exe not installed in %LocalAppData%\\Programs\\mailoauth"
done
lnk=$(find "$users" -name 'mailoauth – Konten verwalten.lnk' -path '*Start Menu/Programs*' | head -n1)
[ -n "$lnk" ] || fail "no Start-menu shortcut"
ok "${lnk#"$users"/}"

step "installed mailoauth-cli.exe check against the sandbox"
set +e; wine "$inst/mailoauth-cli.exe" check smoke --format nagios >"$work/nagios.out" 2>&1; rc=$?; set -e
grep -q '^MAILOAUTH OK - ' "$work/nagios.out" && [ "$rc" = 0 ] || { cat "$work/nagios.out" >&2; fail "installed check: exit $rc"; }
ok "$(head -n1 "$work/nagios.out" | cut -d'|' -f1)"

step "event log: install, mailoauth.exe check --event-log, remove"
# Wine's event log only takes the entries (it keeps none), so this proves
# the Windows build of the path, the registration and the exit code of the
# scheduled task's command, not what Event Viewer shows.
wine "$inst/mailoauth-cli.exe" eventlog install >"$work/ev.log" 2>&1 || { cat "$work/ev.log" >&2; fail "eventlog install"; }
wine reg query 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\mailoauth' >"$work/ev.log" 2>&1 \
  || { cat "$work/ev.log" >&2; fail "event source not registered"; }
set +e; wine "$inst/mailoauth.exe" check smoke --event-log >"$work/ev.log" 2>&1; rc=$?; set -e
[ "$rc" = 0 ] || { cat "$work/ev.log" >&2; fail "mailoauth.exe check --event-log: exit $rc"; }
wine "$inst/mailoauth-cli.exe" eventlog remove >"$work/ev.log" 2>&1 || { cat "$work/ev.log" >&2; fail "eventlog remove"; }
ok

wineserver -k 2>/dev/null || true; wineserver -w 2>/dev/null || true
step "installed mailoauth.exe demo: the window (screenshot)"
xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" bash -c '
  wine "$0/mailoauth.exe" demo --lang de >"$1/gui.log" 2>&1 & P=$!
  for _ in $(seq 1 90); do xdotool search --name "mailoauth" >/dev/null 2>&1 && break; sleep 0.5; done
  xdotool search --name "mailoauth" >/dev/null || { cat "$1/gui.log" >&2; exit 1; }
  sleep 6   # the demo checks its accounts on start
  import -window root "$2/wine-main-de.png"
  kill $P 2>/dev/null; wineserver -k 2>/dev/null; true
' "$inst" "$work" "$out" || fail "no window from the installed mailoauth.exe"
colors=$($CONVERT "$out/wine-main-de.png" -format %k info:)
[ "$colors" -ge 50 ] || fail "window looks blank ($colors colours)"
ok "$colors colours"

wineserver -k 2>/dev/null || true; wineserver -w 2>/dev/null || true
step "OpenGL 1.1 only (Remote Desktop): message box, exit 3"
set +e
xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" bash -c '
  MESA_GL_VERSION_OVERRIDE=1.1 wine "$0/mailoauth.exe" --lang de >"$1/nogl.log" 2>&1 & P=$!
  for _ in $(seq 1 60); do xdotool search --name "mailoauth" >/dev/null 2>&1 && break; sleep 0.5; done
  sleep 1
  import -window root "$2/wine-no-opengl-de.png"
  xdotool key Return
  wait $P
' "$dist" "$work" "$out"
rc=$?
set -e
[ "$rc" = 3 ] || { cat "$work/nogl.log" >&2; fail "exit code $rc, want 3"; }
grep -q 'mailoauth-cli.exe' "$work/nogl.log" || fail "message does not point to mailoauth-cli.exe"
colors=$($CONVERT "$out/wine-no-opengl-de.png" -format %k info:)
[ "$colors" -ge 10 ] || fail "no message box on screen ($colors colours)"
ok

wineserver -k 2>/dev/null || true; wineserver -w 2>/dev/null || true
step "start at sign-in (Run key) and the window's place"
t0=$SECONDS
xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" bash scripts/windows/wine-window-run.sh "$dist" "$work" "$out" \
  >"$work/window.out" 2>&1 || { cat "$work/window.out" "$work/window.log" >&2; fail "start at sign-in / window place"; }
ok "$((SECONDS - t0)) s"

# arp VERSION...: the Add/Remove Programs entries of mailoauth, as
# "DisplayVersion" values, from the whole registry (per-user MSIs register
# under HKCU on Windows; Wine may use either hive).
arp() {
  for hive in HKCU HKLM; do wine reg export "$hive" "$work/$hive.reg" /y >/dev/null 2>&1 || true; done
  cat "$work"/HKCU.reg "$work"/HKLM.reg 2>/dev/null | iconv -f UTF-16LE -t UTF-8 2>/dev/null | tr -d '\r' |
    awk '/^\[/{u=($0 ~ /Uninstall\\/)} u && /"DisplayName"="mailoauth"/{n=1} u && /"DisplayVersion"=/{v=$0} /^$/{if(n)print v; n=0; v=""}' |
    sed 's/.*="\(.*\)"/\1/' | sort -u | tr '\n' ' '
}

wineserver -k 2>/dev/null || true; wineserver -w 2>/dev/null || true
step "upgrade with a newer MSI, then uninstall (accounts stay)"
IFS=. read -r v1 v2 v3 _ <<<"$version"
newer="$v1.$v2.$((v3 + 1))"
scripts/windows/msi.sh "$dist" "$newer" "$work/newer.msi"
before_arp=$(arp)
wine msiexec /i "$(winepath -w "$work/newer.msi" 2>/dev/null)" /qn >"$work/msi.log" 2>&1 || { cat "$work/msi.log" >&2; fail "upgrade: exit $?"; }
after_arp=$(arp)
[ "$after_arp" = "$newer " ] || fail "after the upgrade the installed versions are '$after_arp' (before: '$before_arp'), want only $newer"
[ -x "$inst/mailoauth-cli.exe" ] || fail "upgrade removed the program"
wine msiexec /x "$(winepath -w "$work/newer.msi" 2>/dev/null)" /qn >"$work/msi.log" 2>&1 || { cat "$work/msi.log" >&2; fail "uninstall: exit $?"; }
[ ! -e "$inst/mailoauth.exe" ] && [ ! -e "$inst/mailoauth-cli.exe" ] || fail "uninstall left the exes"
[ -z "$(find "$users" -name 'mailoauth – Konten verwalten.lnk')" ] || fail "uninstall left the shortcut"
[ -s "$users/AppData/Roaming/mailoauth/accounts.json" ] || fail "uninstall removed the accounts"
[ -z "$(arp)" ] || fail "still registered after uninstall: $(arp)"
ok "$before_arp→ $newer → removed"

step "make windows with a certificate signs both exes and the MSI"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mailoauth test signing" \
  -keyout "$work/sign.key" -out "$work/sign.crt" >/dev/null 2>&1
tree_before=$(git status --porcelain 2>/dev/null || true)
openssl pkcs12 -export -inkey "$work/sign.key" -in "$work/sign.crt" -passout pass:smoke-test -out "$work/sign.pfx"
MAILOAUTH_SIGN_PFX="$work/sign.pfx" MAILOAUTH_SIGN_PASSWORD=smoke-test scripts/windows/build.sh "$work/signed" >"$work/sign.log" 2>&1 \
  || { cat "$work/sign.log" >&2; fail "signed build"; }
for f in mailoauth.exe mailoauth-cli.exe mailoauth.msi; do
  osslsigncode verify -in "$work/signed/$f" -CAfile "$work/sign.crt" >"$work/verify.log" 2>&1 \
    || { cat "$work/verify.log" >&2; fail "$f signature"; }
done
unzip -l "$work/signed/mailoauth-portable.zip" | grep README.txt >/dev/null || fail "portable zip without README.txt"
grep -q 'smoke-test' "$work/sign.log" && fail "the signing password was printed"
[ "$(git status --porcelain 2>/dev/null || true)" = "$tree_before" ] || fail "the build changed the checkout"
[ "$(wine "$work/signed/mailoauth-cli.exe" --version | cat)" = "mailoauth $version" ] || fail "signed exe does not run"
ok

echo "wine-smoke: all passed; screenshots in $out"
