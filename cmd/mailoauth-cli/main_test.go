package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The lean command line must stay lean: no Fyne (and with it no OpenGL),
// and buildable without cgo for every platform we ship, so that it cross
// compiles in seconds and runs where no graphics driver is.
func TestNoFyneNoCgo(t *testing.T) {
	for _, goos := range []string{"windows", "linux", "darwin"} {
		cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}{{if .CgoFiles}} CGO{{end}}{{if .Error}} ERROR {{.Error}}{{end}}", ".")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: go list: %v\n%s", goos, err, out)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if strings.HasPrefix(line, "fyne.io/") || strings.HasPrefix(line, "github.com/go-gl/") ||
				strings.HasPrefix(line, "mailoauth/ui") || line == "runtime/cgo" || strings.Contains(line, " CGO") || strings.Contains(line, " ERROR") {
				t.Errorf("%s: mailoauth-cli depends on %s", goos, line)
			}
		}
	}
	// With cgo allowed, too: nothing of ours or our modules needs it.
	out, err := exec.Command("go", "list", "-deps", "-f", "{{if .CgoFiles}}{{if not .Standard}}{{.ImportPath}}{{end}}{{end}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("packages with cgo files: %s", s)
	}
}

// Under LANG=C.UTF-8 (Debian's default in containers and on servers),
// Fyne's package initialisation logs "Error parsing user locale C" unless
// the GUI binary prevents it; no command of either binary may print it.
func TestNoFyneLocaleLine(t *testing.T) {
	dir := t.TempDir()
	bins := map[string]string{"mailoauth-cli": ".", "mailoauth": "mailoauth/cmd/mailoauth"}
	for name, pkg := range bins {
		b := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg)
		if out, err := b.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", name, err, out)
		}
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANG=C.UTF-8",
		"MAILOAUTH_CONFIG_DIR=" + filepath.Join(dir, "config"), "MAILOAUTH_LOG_DIR=" + filepath.Join(dir, "log")}
	runs := [][]string{{"--version"}, {"--help"}, {"account", "list"}, {"card", "nobody"}, {"no-such-command"}, {"demo"}, {}}
	for name := range bins {
		for _, args := range runs {
			cmd := exec.Command(filepath.Join(dir, name), args...)
			cmd.Env = env
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.Run()
			if s := stderr.String(); strings.Contains(s, "locale") || strings.Contains(s, "Fyne error") {
				t.Errorf("%s %s printed Fyne's locale line:\n%s", name, strings.Join(args, " "), s)
			}
		}
	}
	// The window commands of the lean binary point to the one with the window.
	cmd := exec.Command(filepath.Join(dir, "mailoauth-cli"), "demo", "--lang", "en")
	cmd.Env = env
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 3 || !strings.Contains(string(out), "mailoauth.exe") {
		t.Errorf("mailoauth-cli demo: exit %d\n%s", code, out)
	}
}
