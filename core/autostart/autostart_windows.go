package autostart

import (
	"errors"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"mailoauth/core/status"
)

// runKey is the current user's Run key: no administrator needed, and it
// starts the program at this user's sign-in only.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// approvedKey is where Task Manager's Startup tab records an entry the
// user switched off (the Run value itself stays).
const approvedKey = `Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`

const where = `HKEY_CURRENT_USER\` + runKey

// commandLine is the Run value: the exe always in quotes (unquoted, a path
// with spaces would make Windows try C:\Program.exe first), each argument
// quoted the way CommandLineToArgvW reads it back.
func commandLine(exe string, args []string) string {
	s := `"` + exe + `"`
	for _, a := range args {
		s += " " + windows.EscapeArg(a)
	}
	return s
}

func enable(exe string, args []string) *status.Problem {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return writeProblem(err)
	}
	defer k.Close()
	if err := k.SetStringValue(Name, commandLine(exe, args)); err != nil {
		return writeProblem(err)
	}
	// Asked for again in mailoauth: an earlier "Disable" in Task Manager
	// would otherwise keep it from starting.
	if a, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.SET_VALUE); err == nil {
		_ = a.DeleteValue(Name)
		a.Close()
	}
	return nil
}

// writeProblem: a refused write is nearly always a group policy that locks
// the Run key; its fix says so.
func writeProblem(err error) *status.Problem {
	code := "autostart.write"
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		code = "autostart.denied"
	}
	return status.New(status.Yellow, code, "where", where).WithDetail(err.Error()).Wrap(err)
}

func disable() *status.Problem {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err == nil {
		defer k.Close()
		err = k.DeleteValue(Name)
	}
	if err != nil && !errors.Is(err, registry.ErrNotExist) {
		return status.New(status.Yellow, "autostart.remove", "where", where).WithDetail(err.Error()).Wrap(err)
	}
	return nil
}

func enabled() ([]string, bool, *status.Problem) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, status.New(status.Yellow, "autostart.read", "where", where).WithDetail(err.Error()).Wrap(err)
	}
	defer k.Close()
	v, _, err := k.GetStringValue(Name)
	if errors.Is(err, registry.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, status.New(status.Yellow, "autostart.read", "where", where).WithDetail(err.Error()).Wrap(err)
	}
	cmd, err := windows.DecomposeCommandLine(v)
	if err != nil {
		return nil, false, status.New(status.Yellow, "autostart.read", "where", where).WithDetail(err.Error()).Wrap(err)
	}
	return cmd, len(cmd) > 0 && !switchedOff(), nil
}

// switchedOff: Task Manager keeps 12 bytes per entry, the first one odd
// (3) when the user disabled it there, even (2) when enabled.
func switchedOff() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, approvedKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	b, _, err := k.GetBinaryValue(Name)
	return err == nil && len(b) > 0 && b[0]&1 == 1
}

func offered() *status.Problem { return nil }
