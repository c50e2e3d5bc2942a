//go:build !windows && !(linux && !wayland)

package ui

func nativePos(any) (int, int, bool) { return 0, 0, false }
func nativePlace(any, int, int) bool { return false }
