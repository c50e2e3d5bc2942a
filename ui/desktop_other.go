//go:build !(linux || freebsd || openbsd || netbsd)

package ui

func trayAvailableDBus() bool { return false }
