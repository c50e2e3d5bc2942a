#!/usr/bin/env bash
# gui-smoke.sh OUTDIR: starts the real binary's demo under Xvfb, checks that
# the window comes up with the demo accounts, clicks through the wizard and
# takes PNG screenshots (main window, wizard steps). Fails on a missing or
# blank window. Used by `make gui-smoke` (part of `make test`).
set -euo pipefail
out=${1:-assets/screenshots}
mkdir -p "$out"
for c in xvfb-run xdotool import curl; do
  command -v "$c" >/dev/null || { echo "gui-smoke: $c missing (scripts/install-deps.sh installs it)" >&2; exit 3; }
done
bin=$(mktemp -d)/mailoauth
go build -o "$bin" ./cmd/mailoauth
# ImageMagick's own convert (an image may carry a stand-in earlier in PATH).
CONVERT=/usr/bin/convert
[ -x "$CONVERT" ] || CONVERT=convert
export BIN=$bin OUT=$out
export PATH="$(pwd)/scripts/smoke-bin:$PATH"
xvfb-run -a -s "-screen 0 1280x800x24 +extension GLX" bash -c '
  set -e
  LANG=de_DE.UTF-8 "$BIN" demo --lang de 2>/tmp/gui-smoke.log & P=$!
  trap "kill $P 2>/dev/null || true" EXIT
  for i in $(seq 1 60); do
    if xdotool search --name "mailoauth" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  xdotool search --name "mailoauth" >/dev/null || { echo "gui-smoke: no window appeared" >&2; cat /tmp/gui-smoke.log >&2; exit 1; }
  sleep 4   # the demo checks its accounts on start
  import -window root "$OUT/main-de.png"
  xdotool mousemove 52 61 click 1; sleep 2
  import -window root "$OUT/wizard-1-de.png"
  xdotool mousemove 104 597 click 1; sleep 1
  xdotool mousemove 360 100 click 1; sleep 0.3; xdotool type --delay 20 "demo-neu"
  xdotool mousemove 104 597 click 1; sleep 1
  import -window root "$OUT/wizard-3-de.png"
  xdotool mousemove 104 597 click 1; sleep 1
  xdotool mousemove 55 119 click 1; sleep 4
  import -window root "$OUT/wizard-4-de.png"
  xdotool mousemove 104 597 click 1; sleep 3
  import -window root "$OUT/wizard-5-de.png"
  xdotool mousemove 104 597 click 1; sleep 2
  import -window root "$OUT/card-de.png"
'
# A blank or missing window gives an almost uniform picture.
for f in main-de wizard-1-de wizard-3-de wizard-4-de wizard-5-de card-de; do
  test -s "$out/$f.png" || { echo "gui-smoke: $f.png missing" >&2; exit 1; }
  colors=$($CONVERT "$out/$f.png" -format %k info:)
  if [ "$colors" -lt 50 ]; then echo "gui-smoke: $f.png looks blank ($colors colours)" >&2; exit 1; fi
done
# The main window must show the three demo accounts' lights: green, yellow and red pixels.
for rgb in "46,157,74" "242,177,27" "211,47,47"; do
  n=$($CONVERT "$out/main-de.png" -fill black +opaque "rgb($rgb)" -fill white -opaque "rgb($rgb)" -format "%[fx:int(mean*w*h)]" info:)
  if [ "$n" -lt 50 ]; then echo "gui-smoke: no rgb($rgb) light in the main window" >&2; exit 1; fi
done
# The wizard's verify step must show three green lights for the new account.
n=$($CONVERT "$out/wizard-5-de.png" -crop 30x150+0+40 -fill black +opaque "rgb(46,157,74)" -fill white -opaque "rgb(46,157,74)" -format "%[fx:int(mean*w*h)]" info:)
if [ "$n" -lt 150 ]; then echo "gui-smoke: the wizard did not end with green lights" >&2; exit 1; fi
echo "gui-smoke: window, wizard and lights OK; screenshots in $out"
