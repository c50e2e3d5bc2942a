#!/usr/bin/env bash
# The inside of gui-smoke.sh: runs with $DISPLAY and a keyring; $WORK holds
# the binaries, $OUT receives the screenshots.
set -euo pipefail
BIN=$WORK/mailoauth
CONVERT=/usr/bin/convert
[ -x "$CONVERT" ] || CONVERT=convert
fail() { echo "gui-smoke: $*" >&2; exit 1; }
export MAILOAUTH_LOG_DIR=$WORK/log LANG=de_DE.UTF-8

"$BIN" sandbox --json --ca-file "$WORK/ca.pem" >"$WORK/sandbox.json" 2>"$WORK/sandbox.err" &
sandbox=$!
trap 'kill $sandbox 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do grep -q '"control"' "$WORK/sandbox.json" 2>/dev/null && break; sleep 0.2; done
grep -q '"control"' "$WORK/sandbox.json" || { cat "$WORK/sandbox.err" >&2; fail "sandbox did not start"; }
field() { sed -n "s/^ *\"$1\": *\"\([^\"]*\)\".*/\1/p" "$WORK/sandbox.json"; }
export SSL_CERT_FILE=$WORK/ca.pem
tenant="$(field authority)/$(field tenant_id)/"
domain=$(field domain)

# One account signed in once (the stand-in browser accepts the consent);
# the other anna accounts share its sign-in.
cfg=$WORK/cfg300
"$BIN" --config-dir "$cfg" account add konto-1 --login "anna@$domain" --tenant "$tenant" --client-id "$(field public_client_id)" \
  --imap "$(field imap)" --pop3 "$(field pop3)" --smtp "$(field smtp)" --smtp-security starttls >/dev/null 2>"$WORK/add.err" \
  || { cat "$WORK/add.err" >&2; fail "account add"; }
PATH="$SMOKEBIN:$PATH" timeout 120 "$BIN" --config-dir "$cfg" authorize konto-1 --timeout 60s >/dev/null 2>"$WORK/auth.err" \
  || { cat "$WORK/auth.err" >&2; fail "authorize"; }
"$BIN" --config-dir "$cfg" export "$WORK/one.json" >/dev/null
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$WORK" "$domain" "$closed" <<'PY'
import json, sys, copy
work, domain, closed = sys.argv[1], sys.argv[2], sys.argv[3]
one = json.load(open(work + "/one.json"))
tpl = one["accounts"][0]
def accounts(lo, hi):
    out = []
    for i in range(lo, hi + 1):
        a = copy.deepcopy(tpl)
        a["name"] = "konto-%d" % i
        if i % 10 == 3:
            a["imap"]["host"], a["imap"]["port"] = "127.0.0.1", int(closed)
        if i % 10 == 7:
            a["login"] = "niemand%d@%s" % (i, domain)
        if i % 25 == 0:
            a["note"] = "Drucker Etage %d" % (i // 25)
        out.append(a)
    return out
for n, lo in ((300, 2), (50, 1), (3, 1)):
    f = dict(one)
    f["accounts"] = accounts(lo, n)
    json.dump(f, open("%s/import%d.json" % (work, n), "w"))
PY
"$BIN" --config-dir "$cfg" import "$WORK/import300.json" >/dev/null 2>"$WORK/import.err" || { cat "$WORK/import.err" >&2; fail "import 300"; }
for n in 3 50; do
  "$BIN" --config-dir "$WORK/cfg$n" import "$WORK/import$n.json" >/dev/null 2>"$WORK/import.err" || { cat "$WORK/import.err" >&2; fail "import $n"; }
done

now_ms() { date +%s%3N; }
# firstframe NAME: waits for a window titled NAME and for a picture that is
# no longer blank; prints the milliseconds since $start.
firstframe() {
  for _ in $(seq 1 300); do
    if xdotool search --name "$1" >/dev/null 2>&1; then
      import -window root "$WORK/probe.png" 2>/dev/null || true
      if [ -s "$WORK/probe.png" ] && [ "$($CONVERT "$WORK/probe.png" -format %k info:)" -gt 50 ]; then
        echo $(( $(now_ms) - start )); return 0
      fi
    fi
    sleep 0.05
  done
  return 1
}
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# Baseline: the smallest Fyne window under the same conditions.
start=$(now_ms); "$WORK/minwin" & P=$!
ms=$(firstframe minwin) || fail "minwin did not show"
sleep 5; echo "baseline minimal Fyne window: first frame ${ms} ms, RSS $(rss_kb $P) kB" | tee -a "$WORK/numbers.txt"
kill $P; wait $P 2>/dev/null || true

for n in 3 50 300; do
  start=$(now_ms)
  "$BIN" --config-dir "$WORK/cfg$n" --lang de 2>"$WORK/gui$n.log" & P=$!
  ms=$(firstframe mailoauth) || { cat "$WORK/gui$n.log" >&2; fail "no window with $n accounts"; }
  # Until the first round of checks is on screen (the window logs its
  # latency line then), at most a minute.
  for _ in $(seq 1 120); do grep -q "window (watching)" "$MAILOAUTH_LOG_DIR/mailoauth.log" 2>/dev/null && break; sleep 0.5; done
  sleep 2
  echo "mailoauth with $n accounts: first frame ${ms} ms, RSS $(rss_kb $P) kB after the first round of checks" | tee -a "$WORK/numbers.txt"
  if [ "$n" = 300 ]; then
    grep "window (watching)" "$MAILOAUTH_LOG_DIR/mailoauth.log" | tail -1 | sed 's/.*window (watching): /UI latency while 300 results arrived: /' | tee -a "$WORK/numbers.txt"
    import -window root "$OUT/list-de.png"
    # Ctrl+F, then a search: every account whose name holds "konto-2".
    xdotool key ctrl+f; sleep 0.3; xdotool type --delay 30 "konto-2"; sleep 1
    import -window root "$OUT/list-filtered-de.png"
    # A red one (closed IMAP port): search it and click its row.
    xdotool key ctrl+a; xdotool type --delay 30 "konto-13 "; sleep 1
    xdotool mousemove 300 "${ROW_Y:-112}" click 1; sleep 1
    import -window root "$OUT/detail-red-de.png"
    # The wizard from the toolbar's Add, then Enter for the next step.
    xdotool mousemove "${ADD_X:-60}" "${ADD_Y:-52}" click 1; sleep 2
    import -window root "$OUT/wizard-steps-de.png"
    xdotool key Return; sleep 1
    import -window root "$OUT/wizard-step2-de.png"
  fi
  kill $P; wait $P 2>/dev/null || true
  rm -f "$MAILOAUTH_LOG_DIR/mailoauth.log"
done

# The window's place on X11 (position_x11.go): moved, closed through its
# close button's message (WM_DELETE_WINDOW; no tray here, so closing
# quits), it comes back there; a place on no screen is ignored. No window
# manager under Xvfb: the X window is the whole window.
xpos() { xwininfo -id "$1" 2>/dev/null | awk '/Absolute upper-left X/{x=$NF} /Absolute upper-left Y/{y=$NF} END{print x, y}'; }
placed() { # starts the window on cfg3: $P, $W
  start=$(now_ms)
  "$BIN" --config-dir "$WORK/cfg3" --lang de >/dev/null 2>>"$WORK/place.log" & P=$!
  firstframe mailoauth >/dev/null || { cat "$WORK/place.log" >&2; fail "no window for the place check"; }
  W=$(xdotool search --name mailoauth | head -n1)
}
placed
xdotool windowmove "$W" 210 140; sleep 0.5
[ "$(xpos "$W")" = "210 140" ] || fail "xdotool could not move the window ($(xpos "$W"))"
python3 scripts/xclose.py "$W"
for _ in $(seq 1 40); do kill -0 $P 2>/dev/null || break; sleep 0.25; done
kill -0 $P 2>/dev/null && fail "the window did not close on WM_DELETE_WINDOW"
wait $P 2>/dev/null || true
saved=$(python3 -c 'import json,sys; w=json.load(open(sys.argv[1])).get("window",{}); print(w.get("x"), w.get("y"))' "$WORK/cfg3/settings.json")
[ "$saved" = "210 140" ] || fail "closed at 210 140, settings.json holds '$saved'"
placed
[ "$(xpos "$W")" = "210 140" ] || fail "started again at $(xpos "$W"), closed at 210 140"
kill $P; wait $P 2>/dev/null || true
python3 - "$WORK/cfg3/settings.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); s["window"]["x"] = 5000
json.dump(s, open(sys.argv[1], "w"))
PY
placed
read -r x _ <<<"$(xpos "$W")"
(( x < 1280 - 48 )) || fail "a saved place on no screen: the window went to x=$x"
kill $P; wait $P 2>/dev/null || true
echo "window place (X11): saved 210 140 on close, back there, x=5000 ignored (x=$x)" | tee -a "$WORK/numbers.txt"

# greenin FILE GEOMETRY: the number of green light pixels in that part.
greenin() { $CONVERT "$1" -crop "$2" -fill black +opaque "rgb(46,157,74)" -fill white -opaque "rgb(46,157,74)" -format "%[fx:int(mean*w*h)]" info:; }

# The demo's "App registration" dialog on demo-neue-app (the app the demo's
# administrator made through the sandbox's Graph): Check signs the
# administrator in and reads the registration — a green light.
start=$(now_ms)
PATH="$SMOKEBIN:$PATH" "$BIN" demo --lang de 2>"$WORK/demo.log" & P=$!
firstframe mailoauth >/dev/null || { cat "$WORK/demo.log" >&2; fail "no demo window"; }
sleep 3
xdotool key ctrl+f; sleep 0.3; xdotool type --delay 20 "demo-neue-app"; sleep 1
xdotool mousemove 300 "${ROW_Y:-112}" click 1; sleep 1
xdotool mousemove "${APPREG_X:-800}" "${APPREG_Y:-208}" click 1; sleep 1.5 # App-Registrierung
xdotool mousemove "${CHECK_X:-311}" "${CHECK_Y:-212}" click 1              # Prüfen
for _ in $(seq 1 40); do
  sleep 0.5; import -window root "$OUT/appcheck-de.png"
  [ "$(greenin "$OUT/appcheck-de.png" 700x60+270+235)" -ge 50 ] && break
done
[ "$(greenin "$OUT/appcheck-de.png" 700x60+270+235)" -ge 50 ] || { cat "$WORK/demo.log" >&2; fail "the app registration check did not end green"; }
xdotool mousemove "${CLOSE_X:-640}" "${CLOSE_Y:-621}" click 1; sleep 0.5  # Schließen

# The demo's wizard end to end: the welcome step's default "Create the app
# registration for me", so the tenant step has the create box under the
# sign-in type (the administrator signs in, a new app is made), Enter through
# the steps, Authorize with the new app (the stand-in browser accepts the
# consent), and three green lights at Verify. Keyboard only: from the name,
# Tab goes tenant → sign-in type → administrator → create button.
xdotool mousemove "${ADD_X:-60}" "${ADD_Y:-52}" click 1; sleep 2
xdotool key Return; sleep 1                                   # → tenant and app
xdotool type --delay 20 "demo-neu"
xdotool key Tab Tab Tab Tab; sleep 0.3; xdotool key space     # App-Registrierung für mich anlegen
for _ in $(seq 1 40); do grep -q "app registration mailoauth (.*created=true" "$MAILOAUTH_LOG_DIR/mailoauth.log" 2>/dev/null && break; sleep 0.5; done
grep -q "app registration mailoauth (.*created=true" "$MAILOAUTH_LOG_DIR/mailoauth.log" || { cat "$WORK/demo.log" >&2; fail "the wizard made no app registration"; }
sleep 1; import -window root "$OUT/wizard-created-de.png"
xdotool key Return; sleep 1                                   # → mailbox (prefilled)
xdotool key Return; sleep 2                                   # saved → authorize
xdotool key Tab; sleep 0.3; xdotool key space; sleep 5        # Authorize
import -window root "$OUT/wizard-authorized-de.png"
xdotool key Return; sleep 4                                   # → verify
import -window root "$OUT/wizard-verify-de.png"
kill $P; wait $P 2>/dev/null || true
n=$(greenin "$OUT/wizard-verify-de.png" 400x300+150+40)
[ "$n" -ge 150 ] || fail "the demo wizard did not end with green lights ($n green pixels)"

# A blank or missing window gives an almost uniform picture.
for f in list-de list-filtered-de detail-red-de wizard-steps-de wizard-step2-de appcheck-de wizard-created-de wizard-verify-de; do
  test -s "$OUT/$f.png" || fail "$f.png missing"
  colors=$($CONVERT "$OUT/$f.png" -format %k info:)
  [ "$colors" -ge 50 ] || fail "$f.png looks blank ($colors colours)"
done
# The list must show green, yellow and red lights.
for rgb in "46,157,74" "242,177,27" "211,47,47"; do
  n=$($CONVERT "$OUT/list-de.png" -fill black +opaque "rgb($rgb)" -fill white -opaque "rgb($rgb)" -format "%[fx:int(mean*w*h)]" info:)
  [ "$n" -ge 50 ] || fail "no rgb($rgb) light in the list"
done
echo "gui-smoke: list, filter, detail, app registration check, wizard (app created for it) and lights OK; screenshots in $OUT"
