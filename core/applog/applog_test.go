package applog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"mailoauth/core/redact"
)

func TestRedactsAndRotates(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.max = 64 << 10 // the rotation logic, at a size a test can fill fast
	var verbose bytes.Buffer
	l.Verbose = &verbose
	redact.Add("super-secret-refresh-token")
	l.Printf("refreshed with %s", "super-secret-refresh-token")
	big := strings.Repeat("x", 4096)
	for i := 0; i < int(l.max/4096)*(Keep+2); i++ {
		l.Printf("%s", big)
	}
	l.Close()
	var total int64
	files, _ := filepath.Glob(filepath.Join(dir, "mailoauth.log*"))
	if len(files) != Keep+1 {
		t.Errorf("want %d files after rotation, got %v", Keep+1, files)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		total += int64(len(data))
		if bytes.Contains(data, []byte("super-secret")) {
			t.Errorf("%s holds the secret", f)
		}
	}
	if total > int64(Keep+1)*l.max {
		t.Errorf("log uses %d bytes", total)
	}
	if strings.Contains(verbose.String(), "super-secret") || !strings.Contains(verbose.String(), redact.Mask) {
		t.Error("verbose output not redacted")
	}
}

func TestNilLogger(t *testing.T) {
	var l *Logger
	l.Printf("nothing %d", 1)
	if l.Transcript() != nil || l.Close() != nil {
		t.Fatal("nil logger misbehaves")
	}
}
