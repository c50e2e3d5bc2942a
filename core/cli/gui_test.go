package cli

import (
	"io"
	"testing"
)

// TestMinimizedReachesTheWindow: --minimized (what the start at sign-in
// runs) opens the window minimised, with --config-dir before or after it,
// also for the demo; it is the window's flag only.
func TestMinimizedReachesTheWindow(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args            []string
		demo, minimized bool
	}{
		{[]string{"--minimized", "--config-dir", dir}, false, true},
		{[]string{"--config-dir", dir, "--minimized"}, false, true},
		{[]string{"--config-dir", dir}, false, false},
		{[]string{"demo", "--minimized", "--config-dir", dir}, true, true},
	} {
		var got *GUIStart
		code := Main(c.args, Env{Stdout: io.Discard, Stderr: io.Discard, RunGUI: func(g GUIStart) int { got = &g; return 0 }})
		if code != 0 || got == nil || got.Demo != c.demo || got.Minimized != c.minimized || got.ConfigDir != dir {
			t.Errorf("%q: exit %d, window %+v", c.args, code, got)
		}
		if k, _ := Classify(c.args); k != KindWindow {
			t.Errorf("%q: kind %v, want the window", c.args, k)
		}
	}
	if code := Main([]string{"check", "--minimized", "--config-dir", dir}, Env{Stdout: io.Discard, Stderr: io.Discard}); code != ExitUsage {
		t.Errorf("check --minimized: exit %d, want %d", code, ExitUsage)
	}
}
