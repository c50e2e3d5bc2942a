// Package core_test guards the dependency direction: nothing under core/
// may import Fyne, assets imports nothing of ours, and the two front ends
// (the window and the command line) reach the core only through the one
// application service.
package core_test

import (
	"os/exec"
	"strings"
	"testing"
)

func TestCoreHasNoFyne(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", "mailoauth/core/...", "mailoauth/assets").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "fyne.io/") || strings.HasPrefix(p, "mailoauth/ui") || strings.HasPrefix(p, "mailoauth/cmd") {
			t.Errorf("core depends on %s", p)
		}
	}
	out, err = exec.Command("go", "list", "-deps", "mailoauth/assets").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "mailoauth/") && p != "mailoauth/assets" {
			t.Errorf("assets imports %s", p)
		}
	}
}

// frontEndMay lists what the window and the command line may import of
// ours: the application service and the types its results are made of.
var frontEndMay = map[string]bool{
	"mailoauth/core/app": true, "mailoauth/core/status": true, "mailoauth/core/i18n": true,
	"mailoauth/core/version": true, "mailoauth/assets": true,
}

// TestFrontEndsUseOnlyTheService: a front end that composed core packages
// itself would drift from the other one (the window once wrote no log and
// used another HTTP client than the CLI). Their tests may use more (the
// sandbox); their code may not.
func TestFrontEndsUseOnlyTheService(t *testing.T) {
	for _, pkg := range []string{"mailoauth/ui", "mailoauth/core/cli"} {
		out, err := exec.Command("go", "list", "-f", "{{join .Imports \" \"}}", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, imp := range strings.Fields(string(out)) {
			if strings.HasPrefix(imp, "mailoauth/") && !frontEndMay[imp] && !strings.HasPrefix(imp, "mailoauth/core/cli") {
				t.Errorf("%s imports %s: call it through core/app instead", pkg, imp)
			}
		}
	}
}
