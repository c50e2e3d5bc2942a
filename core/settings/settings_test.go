package settings

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"mailoauth/core/status"
)

func TestDefaultsSaveLoad(t *testing.T) {
	s := Open(t.TempDir())
	got, p := s.Load()
	if p != nil || got != Defaults() || got.Every() != 15*time.Minute || !got.Tray || !got.Notifications || got.StartWithWindows || got.Language != "" {
		t.Fatalf("fresh: %+v %v", got, p)
	}
	want := Settings{EveryMinutes: 0, Tray: false, Notifications: false, StartWithWindows: true, Language: "de",
		Window: Window{Width: 1100, Height: 700, X: 40, Y: 30}}
	if p := s.Save(want); p != nil {
		t.Fatal(p)
	}
	got, p = Open(s.dir).Load()
	want.Schema = SchemaVersion
	if p != nil || got != want || got.Every() != 0 {
		t.Fatalf("saved %+v, loaded %+v %v", want, got, p)
	}
}

// A file that lacks a setting (written by an older version, or by hand)
// keeps that setting's default; values out of range are brought back.
func TestPartialAndOutOfRange(t *testing.T) {
	s := Open(t.TempDir())
	os.WriteFile(s.path(), []byte(`{"schema": 1, "language": "fr", "every_minutes": 100000, "some_future_setting": 3}`), 0o600)
	got, p := s.Load()
	if p != nil || !got.Tray || !got.Notifications || got.Language != "" || got.EveryMinutes != MaxEveryMinutes {
		t.Fatalf("%+v %v", got, p)
	}
	os.WriteFile(s.path(), []byte(`{"every_minutes": -5}`), 0o600)
	if got, _ := s.Load(); got.EveryMinutes != 0 {
		t.Errorf("negative interval: %d", got.EveryMinutes)
	}
}

func TestCorruptMovedAside(t *testing.T) {
	s := Open(t.TempDir())
	os.WriteFile(s.path(), []byte(`{"tray": fal`), 0o600)
	got, p := s.Load()
	if p == nil || p.Code != "settings.corrupt" || p.Level != status.Yellow || got != Defaults() {
		t.Fatalf("%+v %v", got, p)
	}
	if aside, _ := filepath.Glob(s.path() + ".corrupt-*"); len(aside) != 1 {
		t.Errorf("aside: %v", aside)
	}
	if p := s.Update(func(x *Settings) { x.Tray = false }); p != nil {
		t.Fatal(p)
	}
	if got, p := s.Load(); p != nil || got.Tray {
		t.Errorf("after repair: %+v %v", got, p)
	}
}

// Two writers changing different settings at once keep both changes.
func TestUpdatesDoNotLoseEachOther(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			Open(dir).Update(func(x *Settings) { x.Window.Width = float32(800 + i) })
		}(i)
		go func(i int) {
			defer wg.Done()
			Open(dir).Update(func(x *Settings) { x.EveryMinutes = 30; x.Language = "en" })
		}(i)
	}
	wg.Wait()
	got, _ := Open(dir).Load()
	if got.EveryMinutes != 30 || got.Language != "en" || got.Window.Width < 800 {
		t.Errorf("%+v", got)
	}
}

func TestRemove(t *testing.T) {
	s := Open(t.TempDir())
	s.Save(Settings{Language: "de"})
	if p := s.Remove(); p != nil {
		t.Fatal(p)
	}
	if _, err := os.Stat(s.path()); !os.IsNotExist(err) {
		t.Errorf("still there: %v", err)
	}
	if got, _ := s.Load(); got != Defaults() {
		t.Errorf("after remove: %+v", got)
	}
	if p := s.Remove(); p != nil {
		t.Errorf("removing twice: %v", p)
	}
}
