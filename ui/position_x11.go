//go:build linux && !wayland

package ui

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>

// An X error (a window gone in between) must not end the program, which
// is what Xlib's default handler does; GLFW swaps its handler the same way
// around its own calls, on the same (main) thread.
static int mo_ignore(Display *d, XErrorEvent *e) { (void)d; (void)e; return 0; }

// mo_pos: the window's top-left on the root window. GLFW sets the
// StaticGravity hint, so the window manager keeps the window itself (not
// its frame) where XMoveWindow puts it: reading and setting agree.
static int mo_pos(unsigned long win, int *x, int *y) {
	Display *d = XOpenDisplay(NULL);
	if (!d) return 0;
	XErrorHandler old = XSetErrorHandler(mo_ignore);
	Window child;
	int ok = XTranslateCoordinates(d, (Window)win, DefaultRootWindow(d), 0, 0, x, y, &child);
	XSync(d, False);
	XSetErrorHandler(old);
	XCloseDisplay(d);
	return ok;
}

// mo_place moves the window to x, y when the root window (all screens
// together; it shrinks when a monitor goes) holds its title bar there.
static int mo_place(unsigned long win, int x, int y, int margin) {
	Display *d = XOpenDisplay(NULL);
	if (!d) return 0;
	int s = DefaultScreen(d);
	int ok = x + margin >= 0 && x + margin <= DisplayWidth(d, s) && y >= 0 && y + margin / 4 <= DisplayHeight(d, s);
	if (ok) {
		XErrorHandler old = XSetErrorHandler(mo_ignore);
		XMoveWindow(d, (Window)win, x, y);
		XSync(d, False);
		XSetErrorHandler(old);
	}
	XCloseDisplay(d);
	return ok;
}
*/
import "C"

import "fyne.io/fyne/v2/driver"

// Its own connection to the X server: window ids are the server's, and
// Fyne does not hand out GLFW's Display.

func nativePos(ctx any) (int, int, bool) {
	c, ok := ctx.(driver.X11WindowContext)
	if !ok || c.WindowHandle == 0 {
		return 0, 0, false
	}
	var x, y C.int
	if C.mo_pos(C.ulong(c.WindowHandle), &x, &y) == 0 {
		return 0, 0, false
	}
	return int(x), int(y), true
}

func nativePlace(ctx any, x, y int) bool {
	c, ok := ctx.(driver.X11WindowContext)
	if !ok || c.WindowHandle == 0 {
		return false
	}
	return C.mo_place(C.ulong(c.WindowHandle), C.int(x), C.int(y), onScreenMargin) != 0
}
