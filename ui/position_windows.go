package ui

import (
	"unsafe"

	"fyne.io/fyne/v2/driver"
)

var (
	procGetWindowRect    = user32.NewProc("GetWindowRect")
	procSetWindowPos     = user32.NewProc("SetWindowPos")
	procMonitorFromPoint = user32.NewProc("MonitorFromPoint")
	procIsIconic         = user32.NewProc("IsIconic")
	procIsZoomed         = user32.NewProc("IsZoomed")
)

type winRect struct{ Left, Top, Right, Bottom int32 }

const (
	swpNoSize, swpNoZOrder, swpNoActivate = 0x0001, 0x0004, 0x0010
	monitorDefaultToNull                  = 0
)

func hwndOf(ctx any) uintptr {
	if c, ok := ctx.(driver.WindowsWindowContext); ok {
		return c.HWND
	}
	return 0
}

// nativePos: GetWindowRect, the outer frame in screen pixels. A minimised
// window sits at -32000 and a maximised one at its monitor's corner: those
// are not places to come back to, so they keep the saved one.
func nativePos(ctx any) (int, int, bool) {
	h := hwndOf(ctx)
	if h == 0 {
		return 0, 0, false
	}
	if r, _, _ := procIsIconic.Call(h); r != 0 {
		return 0, 0, false
	}
	if r, _, _ := procIsZoomed.Call(h); r != 0 {
		return 0, 0, false
	}
	var rc winRect
	if r, _, _ := procGetWindowRect.Call(h, uintptr(unsafe.Pointer(&rc))); r == 0 {
		return 0, 0, false
	}
	return int(rc.Left), int(rc.Top), true
}

// nativePlace: SetWindowPos, after MonitorFromPoint with
// MONITOR_DEFAULTTONULL says a monitor shows the title bar there.
func nativePlace(ctx any, x, y int) bool {
	h := hwndOf(ctx)
	if h == 0 || !onMonitor(x+onScreenMargin, y+onScreenMargin/4) {
		return false
	}
	r, _, _ := procSetWindowPos.Call(h, 0, uintptr(int32(x)), uintptr(int32(y)), 0, 0, swpNoSize|swpNoZOrder|swpNoActivate)
	return r != 0
}

// onMonitor: MonitorFromPoint takes a POINT by value, which the 64-bit
// calling convention passes in one register (x low, y high); 32-bit Windows
// passes its two fields as two arguments.
func onMonitor(x, y int) bool {
	var m uintptr
	if unsafe.Sizeof(uintptr(0)) == 8 {
		pt := uint64(uint32(int32(x))) | uint64(uint32(int32(y)))<<32
		m, _, _ = procMonitorFromPoint.Call(uintptr(pt), monitorDefaultToNull)
	} else {
		m, _, _ = procMonitorFromPoint.Call(uintptr(int32(x)), uintptr(int32(y)), monitorDefaultToNull)
	}
	return m != 0
}
