package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// Fyne has no window position API; driver.NativeWindow (Fyne 2.5+) hands
// out the native handle, and position_windows.go / position_x11.go read
// and set the place with the system's own calls. Elsewhere (macOS,
// Wayland, the test driver) the system places the window.

// windowPos is the window's outer top-left corner on the screen.
func windowPos(w fyne.Window) (x, y int, ok bool) {
	nw, is := w.(driver.NativeWindow)
	if !is {
		return 0, 0, false
	}
	nw.RunNative(func(ctx any) { x, y, ok = nativePos(ctx) })
	return x, y, ok
}

// placeWindow puts the window's outer top-left corner at x, y — unless no
// screen shows that place any more (a monitor unplugged since): then the
// system's place stays, rather than a window nobody can see.
func placeWindow(w fyne.Window, x, y int) bool {
	nw, is := w.(driver.NativeWindow)
	if !is {
		return false
	}
	ok := false
	nw.RunNative(func(ctx any) { ok = nativePlace(ctx, x, y) })
	return ok
}

// onScreenMargin: this much of the title bar, from the saved corner, must
// be on a screen to grab the window there.
const onScreenMargin = 48
