package applog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
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
	files := logFiles(dir)
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

// TestTranscriptSplitSecret: a token the protocol library writes in two
// pieces never reaches the log.
func TestTranscriptSplitSecret(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.Verbose = io.Discard
	secret := "EwBAAl3BAAUFFpUAo7J3Ve0bjLBWZWCclRC3EoAA-split"
	redact.Add(secret)
	w := l.Transcript()
	io.WriteString(w, "C: A01 AUTHENTICATE XOAUTH2 "+secret[:20])
	io.WriteString(w, secret[20:]+"\r\nS: A01 OK AUTHENTICATE completed\r\nS: * BYE")
	w.(*redact.Writer).Flush()
	data, _ := os.ReadFile(l.Path())
	if bytes.Contains(data, []byte(secret[:20])) || bytes.Contains(data, []byte(secret[20:])) {
		t.Errorf("secret in the log:\n%s", data)
	}
	for _, want := range []string{"AUTHENTICATE XOAUTH2 " + redact.Mask, "S: A01 OK AUTHENTICATE completed", "S: * BYE"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("log lacks %q:\n%s", want, data)
		}
	}
}

// lines reads every line of the log and its rotated files.
func lines(t *testing.T, dir string) (all []string, files []string) {
	t.Helper()
	files = logFiles(dir)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, ln := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			if ln != "" {
				all = append(all, ln)
			}
		}
	}
	return all, files
}

// wantEach checks that each writer's n lines are in the log exactly once.
func wantEach(t *testing.T, all []string, writers []string, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, ln := range all {
		if i := strings.Index(ln, " line "); i >= 0 {
			seen[ln[i+1:]]++
		}
	}
	lost := 0
	for _, w := range writers {
		for i := 0; i < n; i++ {
			k := fmt.Sprintf("line %s %04d %s", w, i, filler)
			if seen[k] != 1 {
				lost++
				if lost < 5 {
					t.Errorf("%s line %d found %d times", w, i, seen[k])
				}
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d lines lost or doubled", lost, n*len(writers))
	}
}

const filler = "................................................................................"

// writeLines writes n numbered lines as writer w.
func writeLines(l *Logger, w string, n int) {
	for i := 0; i < n; i++ {
		l.Printf("line %s %04d %s", w, i, filler)
	}
}

// TestTwoProcessesShareTheLog: the window and a scheduled check write the
// log at the same time and rotate it between them; every line of both ends
// up in the log exactly once, and the files keep their size limit.
func TestTwoProcessesShareTheLog(t *testing.T) {
	if dir := os.Getenv("APPLOG_HELPER_DIR"); dir != "" {
		l, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		l.max, l.keep = 16<<10, 100
		writeLines(l, "child", 400)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTwoProcessesShareTheLog$", "-test.count=1")
	cmd.Env = append(os.Environ(), "APPLOG_HELPER_DIR="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.max, l.keep = 16<<10, 100
	writeLines(l, "parent", 400)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v\n%s", err, out.String())
	}
	all, files := lines(t, dir)
	wantEach(t, all, []string{"parent", "child"}, 400)
	if len(files) < 4 {
		t.Errorf("no rotation happened: %v", files)
	}
	for _, f := range files {
		if st, _ := os.Stat(f); st.Size() > l.max {
			t.Errorf("%s has %d bytes, limit %d", f, st.Size(), l.max)
		}
	}
}

// refuseOpenRename plays Windows for the log file: another process has it
// open, so renaming it fails with a sharing violation.
func refuseOpenRename(l *Logger) {
	l.rename = func(oldpath, newpath string) error {
		if oldpath == l.path {
			return &os.LinkError{Op: "rename", Old: oldpath, New: newpath,
				Err: errors.New("The process cannot access the file because it is being used by another process.")}
		}
		return os.Rename(oldpath, newpath)
	}
}

// TestRotationWhenRenameRefused: where Windows refuses to rename the open
// log, the rotating writer copies and empties it instead; both writers go
// on, no line is lost and the file keeps its limit.
func TestRotationWhenRenameRefused(t *testing.T) {
	dir := t.TempDir()
	var ls []*Logger
	for i := 0; i < 2; i++ {
		l, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		l.max, l.keep = 16<<10, 100
		refuseOpenRename(l)
		ls = append(ls, l)
	}
	var wg sync.WaitGroup
	for i, l := range ls {
		wg.Add(1)
		go func() { defer wg.Done(); writeLines(l, fmt.Sprint("w", i), 300) }()
	}
	wg.Wait()
	all, files := lines(t, dir)
	wantEach(t, all, []string{"w0", "w1"}, 300)
	if len(files) < 4 {
		t.Errorf("no rotation happened: %v", files)
	}
	if st, _ := os.Stat(ls[0].Path()); st.Size() > ls[0].max {
		t.Errorf("log has %d bytes, limit %d", st.Size(), ls[0].max)
	}
	for _, l := range ls {
		if l.Err() != nil {
			t.Errorf("rotation by copy reported %v", l.Err())
		}
	}
}

// TestRotationFailureIsNotSilent: when the log can be neither renamed nor
// emptied, the writers go on in the full file (nothing lost), the failure
// is written into the log and shown, and it is retried once a minute, not
// on every line.
func TestRotationFailureIsNotSilent(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var verbose bytes.Buffer
	l.Verbose = &verbose
	l.max = 4 << 10
	refuseOpenRename(l)
	l.truncate = func(string, int64) error { return errors.New("access denied") }
	writeLines(l, "w", 200)
	all, _ := lines(t, dir)
	wantEach(t, all, []string{"w"}, 200)
	failures := 0
	for _, ln := range all {
		if strings.Contains(ln, "rotating") && strings.Contains(ln, "failed") && strings.Contains(ln, "being used by another process") {
			failures++
		}
	}
	if failures != 1 {
		t.Errorf("%d rotation-failure lines in the log, want 1 (retried once a minute)", failures)
	}
	if l.Err() == nil || !strings.Contains(verbose.String(), "rotating") {
		t.Errorf("failure not reported: err %v, verbose %q", l.Err(), verbose.String())
	}
}

// logFiles are the log and its rotated files, without the lock file.
func logFiles(dir string) []string {
	all, _ := filepath.Glob(filepath.Join(dir, "mailoauth.log*"))
	var out []string
	for _, f := range all {
		if !strings.HasSuffix(f, ".lock") {
			out = append(out, f)
		}
	}
	return out
}

// TestRotationWhileAnotherHoldsTheLogOpen: another program (an older
// mailoauth, a log viewer) keeps the log open. Windows then refuses to
// rename it; rotation goes on by copying, no line is lost and the file
// keeps its limit. (Elsewhere the rename simply works; run the test binary
// for Windows, e.g. under Wine, to see the refusal itself.)
func TestRotationWhileAnotherHoldsTheLogOpen(t *testing.T) {
	dir := t.TempDir()
	l, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.max, l.keep = 16<<10, 100
	holder, err := os.OpenFile(l.Path(), os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	var refused bool
	l.rename = func(oldpath, newpath string) error {
		err := os.Rename(oldpath, newpath)
		if err != nil && oldpath == l.path {
			refused = true
		}
		return err
	}
	writeLines(l, "w", 600)
	all, files := lines(t, dir)
	wantEach(t, all, []string{"w"}, 600)
	if len(files) < 4 {
		t.Errorf("no rotation happened: %v", files)
	}
	if st, _ := os.Stat(l.Path()); st.Size() > l.max {
		t.Errorf("log has %d bytes, limit %d", st.Size(), l.max)
	}
	if l.Err() != nil {
		t.Errorf("rotation reported %v", l.Err())
	}
	t.Logf("rename of the open log refused: %v (%s)", refused, runtime.GOOS)
}

// BenchmarkPrintf is the price of a line: lock, stat, open, append, close.
func BenchmarkPrintf(b *testing.B) {
	l, err := Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		l.Printf("line %d %s", i, filler)
	}
}
