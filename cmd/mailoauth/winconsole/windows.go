//go:build windows

package winconsole

import (
	"os"

	"golang.org/x/sys/windows"
)

// mailoauth.exe is always linked with -H=windowsgui (scripts/windows/build.sh).
const guiSubsystem = true

var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1

// attach points os.Stdout and os.Stderr at the console of the process that
// started this one (cmd.exe, PowerShell), where they are not already
// redirected to a file or pipe, and reports whether output reaches anyone.
func attach() bool {
	outOK, errOK := usable(os.Stdout), usable(os.Stderr)
	if outOK && errOK {
		return true
	}
	if r, _, _ := attachConsole.Call(attachParentProcess); r == 0 {
		return outOK || errOK
	}
	con, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return outOK || errOK
	}
	if !outOK {
		os.Stdout = con
	}
	if !errOK {
		os.Stderr = con
	}
	return true
}

// usable reports a standard handle that leads somewhere: a GUI-subsystem
// exe gets none unless the caller redirected it.
func usable(f *os.File) bool {
	if f == nil {
		return false
	}
	h := windows.Handle(f.Fd())
	if h == 0 || h == windows.InvalidHandle {
		return false
	}
	t, err := windows.GetFileType(h)
	return err == nil && t != windows.FILE_TYPE_UNKNOWN
}

func messageBox(title, text string, isError bool) {
	flags := uint32(windows.MB_OK | windows.MB_ICONINFORMATION)
	if isError {
		flags = windows.MB_OK | windows.MB_ICONERROR
	}
	t, _ := windows.UTF16PtrFromString(title)
	m, _ := windows.UTF16PtrFromString(text)
	windows.MessageBox(0, m, t, flags)
}
