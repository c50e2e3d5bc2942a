// Package core_test guards the dependency direction of DESIGN.md: nothing
// under core/ may import Fyne, and assets imports nothing of ours.
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
