package version

import (
	"os"
	"regexp"
	"testing"
)

// TestMatchesFyneApp keeps the compiled-in default equal to FyneApp.toml, so a
// plain `go build` reports the same version as a packaged build.
func TestMatchesFyneApp(t *testing.T) {
	data, err := os.ReadFile("../../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*Version\s*=\s*"([^"]+)"`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no Version in FyneApp.toml")
	}
	if string(m[1]) != Version {
		t.Fatalf("FyneApp.toml says %s, version.Version is %s", m[1], Version)
	}
}
