//go:build !windows

package winconsole

const guiSubsystem = false

func attach() bool { return true }

func messageBox(string, string, bool) {}
