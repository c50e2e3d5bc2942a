#!/usr/bin/env bash
# wine-window-run.sh DIST WORK OUT: the inside of wine-smoke.sh's window
# step, under Xvfb with no window manager (so no frame: the X window is
# Windows' client area; Wine keeps its own idea of the frame). The real
# mailoauth.exe with a config folder that is not the default one:
#  - the settings dialog switches the start at sign-in on (a click, as a
#    user does): HKCU\...\Run holds "mailoauth" = the exe, --minimized and
#    --config-dir; the window moved (xdotool) and closed through its close
#    button's message (WM_DELETE_WINDOW) saves its place; started again it
#    comes back there, and the entry is still ours (FollowAutostart read it
#    back); Task Manager's Disable (the StartupApproved mark) shows the
#    setting off at the next start, and on again in mailoauth takes the mark
#    away; switched off: the value is gone; on again, then File → Remove
#    all data: gone again (screenshot of its question);
#  - a saved place on no screen (x=5000) is ignored.
# Clicks, because the dialog is the only way in: the CLI has no such
# setting, and a settings.json that says "on" without an entry is switched
# off at start (FollowAutostart: the entry is the truth). The coordinates
# are the 1280×760 window's (menu top left, dialogs centred); a miss
# fails a check below, it cannot pass one.
set -euo pipefail
dist=$1 work=$2 out=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
run_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Run'
cfg='C:\mailoauth-window'
cfgu=$(winepath -u "$cfg" 2>/dev/null)
users="$WINEPREFIX/drive_c/users/$(id -un)"
mkdir -p "$cfgu"
# The CLI steps' accounts: with none the window would open the wizard.
cp "$users/AppData/Roaming/mailoauth/accounts.json" "$cfgu/"
set_file="$cfgu/settings.json"

P="" W=""
start() {
  wine "$dist/mailoauth.exe" --config-dir "$cfg" --lang de >>"$work/window.log" 2>&1 & P=$!
  W=""
  for _ in $(seq 1 90); do W=$(xdotool search --name 'Konten verwalten' 2>/dev/null | head -n1) && [ -n "$W" ] && break; sleep 0.5; done
  [ -n "$W" ] || { cat "$work/window.log" >&2; fail "no window"; }
  sleep 2 # the first frame, the checks of the start
}
stop() { kill "$P" 2>/dev/null || true; wait "$P" 2>/dev/null || true; wineserver -k 2>/dev/null || true; wineserver -w 2>/dev/null || true; }
# click X Y: a click at window coordinates (1280×760, the dialog centred).
click() { xdotool mousemove --window "$W" "$1" "$2" click 1; sleep "${3:-1}"; }
# pos: the window's X position "x y".
pos() { xwininfo -id "$W" 2>/dev/null | awk '/Absolute upper-left X/{x=$NF} /Absolute upper-left Y/{y=$NF} END{print x, y}'; }
# run_value: the Run value "mailoauth" ("" when there is none).
run_value() { { wine reg query "$run_key" /v mailoauth 2>/dev/null || true; } | tr -d '\r' | sed -n 's/^ *mailoauth *REG_SZ *//p'; }
approved_key='HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run'
# approved_value: Task Manager's mark for "mailoauth" ("" when there is none).
approved_value() { { wine reg query "$approved_key" /v mailoauth 2>/dev/null || true; } | tr -d '\r' | sed -n 's/^ *mailoauth *REG_BINARY *//p'; }
setting() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, s))' "$set_file" "$1" 2>/dev/null; }
wait_setting() { # EXPR WANT
  for _ in $(seq 1 40); do [ "$(setting "$1")" = "$2" ] && return 0; sleep 0.25; done
  fail "settings.json: $1 is '$(setting "$1")', want '$2'"
}
# autostart_box: File → Settings …, click the start-at-sign-in box, Save.
autostart_box() {
  click 33 13 0.7; click 60 40 1.5
  click 700 389 0.5; click 700 521 1.5
}

start
# Where the user leaves the window: X position 200,150.
xdotool windowmove "$W" 200 150; sleep 1
[ "$(pos)" = "200 150" ] || fail "xdotool could not move the window ($(pos))"
autostart_box
wait_setting start_with_windows True
want="\"$(winepath -w "$dist/mailoauth.exe" 2>/dev/null)\" --minimized --config-dir $cfg"
got=$(run_value)
[ "$got" = "$want" ] || fail "Run value '$got', want '$want'"
echo "Run value: $got" >>"$work/window.log"

python3 scripts/xclose.py "$W"
# Saved is GetWindowRect's outer corner: Wine's frame is above and left of
# the X window (no window manager draws one here).
for _ in $(seq 1 40); do [ "$(setting "window.get('x',0)")" != 0 ] && break; sleep 0.25; done
sx=$(setting "window.get('x',0)") sy=$(setting "window.get('y',0)")
(( sx <= 200 && sx > 200 - 40 && sy <= 150 && sy > 150 - 60 )) || fail "saved place $sx,$sy for a window at 200,150"
stop

start
got=$(pos)
[ "$got" = "200 150" ] || fail "started again at $got, not where it was closed (200 150; saved $sx,$sy)"
[ "$(setting start_with_windows)" = True ] && [ "$(run_value)" = "$want" ] || fail "the second start did not keep the entry"
stop

# Switched off in Task Manager's Startup tab (its StartupApproved mark, the
# Run value stays): the next start shows the setting off; switched on in
# mailoauth again, the mark goes, or Windows would still not start it.
wine reg add "$approved_key" /v mailoauth /t REG_BINARY /d 030000000000000000000000 /f >/dev/null 2>&1 || fail "could not set the StartupApproved mark"
[ -n "$(approved_value)" ] || fail "the StartupApproved mark reads back empty"
start
wait_setting start_with_windows False
autostart_box
wait_setting start_with_windows True
[ "$(run_value)" = "$want" ] || fail "on again after Task Manager's Disable: Run value '$(run_value)'"
[ -z "$(approved_value)" ] || fail "on again in mailoauth, Task Manager's Disabled mark stayed: $(approved_value)"
autostart_box
wait_setting start_with_windows False
[ -z "$(run_value)" ] || fail "switched off, the Run value is still '$(run_value)'"
autostart_box
wait_setting start_with_windows True
[ "$(run_value)" = "$want" ] || fail "switched on again: '$(run_value)'"
# File → Remove all data …, then Yes in the question (its right button).
click 33 13 0.7; click 60 122 1.5
import -window root "$out/wine-remove-all-de.png"
click 660 426 3
[ ! -e "$set_file" ] || fail "Remove all data left settings.json"
[ -z "$(run_value)" ] || fail "Remove all data left the Run value '$(run_value)'"
stop

# A place on no screen (a monitor unplugged since): the system's place.
printf '{"schema":1,"every_minutes":0,"window":{"width":1280,"height":760,"x":5000,"y":100}}\n' >"$set_file"
start
read -r x _ <<<"$(pos)"
(( x < 1280 - 48 )) || fail "the window went to x=$x, off the screen"
stop
echo "window: saved $sx,$sy, back at 200,150; off-screen place ignored (x=$x)"
