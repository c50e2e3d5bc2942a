package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The settings live in the config folder (also with --config-dir), and
// "remove all data" removes them with the accounts and the kept results.
func TestSettingsInConfigFolderAndRemoveAll(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	if set, p := s.Settings(); p != nil || set != DefaultSettings() {
		t.Fatalf("fresh: %+v %v", set, p)
	}
	if p := s.UpdateSettings(func(x *Settings) { x.EveryMinutes = 5; x.Window = WindowGeometry{Width: 900, Height: 600} }); p != nil {
		t.Fatal(p)
	}
	if p := s.UpdateSettings(func(x *Settings) { x.Language = "de" }); p != nil {
		t.Fatal(p)
	}
	set, _ := s.Settings()
	if set.EveryMinutes != 5 || set.Window.Width != 900 || set.Language != "de" {
		t.Fatalf("updates lost: %+v", set)
	}
	path := filepath.Join(s.ConfigDir(), "settings.json")
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	in := input(sb, "r", "fritz@contoso.example")
	if _, probs := s.Add(context.Background(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	s.Check(context.Background(), nil, CheckOptions{}, nil)
	if last, _ := s.LastResults(); len(last) != 1 {
		t.Fatalf("results kept: %v", last)
	}
	if p := s.RemoveAll(context.Background()); p != nil {
		t.Fatal(p)
	}
	for _, f := range []string{"settings.json", "results.json"} {
		if _, err := os.Stat(filepath.Join(s.ConfigDir(), f)); !os.IsNotExist(err) {
			t.Errorf("%s after remove all: %v", f, err)
		}
	}
	if set, _ := s.Settings(); set != DefaultSettings() {
		t.Errorf("after remove all: %+v", set)
	}
}

// Editing an account keeps what the form does not show: muted, and the
// client secret's end unless a new secret comes with the edit.
func TestUpdateKeepsMutedAndSecretExpiry(t *testing.T) {
	sb, s, _ := sandboxService(t, nil)
	in := input(sb, "u", "fritz@contoso.example")
	if _, probs := s.Add(context.Background(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	end := time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC)
	if p := s.SetMuted("u", true); p != nil {
		t.Fatal(p)
	}
	if p := s.SetClientSecretExpires("u", end); p != nil {
		t.Fatal(p)
	}
	in.POP3 = "off"
	if _, probs := s.Update(context.Background(), in, ""); len(probs) > 0 {
		t.Fatal(probs)
	}
	a, _ := s.Account("u")
	if !a.Muted || !a.ClientSecretExpires.Equal(end) {
		t.Fatalf("after edit: muted %v, expires %s", a.Muted, a.ClientSecretExpires)
	}
	if _, probs := s.Update(context.Background(), in, "Xy8Q~another-secret-value-1234567890"); len(probs) > 0 {
		t.Fatal(probs)
	}
	if a, _ := s.Account("u"); !a.ClientSecretExpires.IsZero() || !a.Muted {
		t.Errorf("after a new secret: muted %v, expires %s", a.Muted, a.ClientSecretExpires)
	}
}
