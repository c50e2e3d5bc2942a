package fynelocale

import (
	"os"
	"testing"
)

func TestCVariant(t *testing.T) {
	for v, want := range map[string]bool{"C.UTF-8": true, "C.utf8": true, "POSIX.UTF-8": true, "C": false, "POSIX": false,
		"": false, "de_DE.UTF-8": false, "Ca_ES": false, "en_US": false} {
		if got := cVariant(v); got != want {
			t.Errorf("cVariant(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestSetAndRestore(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "C.UTF-8")
	t.Setenv("LANGUAGE", "")
	ours = false
	ForWindow("de")
	if v := getenv(); v != "de" {
		t.Fatalf("LANGUAGE = %q, want de", v)
	}
	Restore()
	if v := getenv(); v != "" {
		t.Fatalf("LANGUAGE after Restore = %q", v)
	}
	// The user's own LANGUAGE is never touched.
	t.Setenv("LANGUAGE", "fr")
	ForWindow("de")
	Restore()
	if v := getenv(); v != "fr" {
		t.Fatalf("LANGUAGE = %q, want the user's fr", v)
	}
}

func getenv() string { return os.Getenv(language) }
