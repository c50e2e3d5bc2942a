package account

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// The fuzz targets check what must hold for any input, not just "no
// panic": an accepted value reads back as itself, a refused one comes with
// a message in both languages that repeats the input only escaped and cut.
// Seeds are in testdata/fuzz; scripts/fuzz.sh runs each for a fixed time.

func checkRefusal(t *testing.T, in string, p *status.Problem) {
	t.Helper()
	for _, l := range i18n.Langs {
		if !i18n.Has(l, p.Code) {
			t.Fatalf("%q: problem %s has no %s text", in, p.Code, l)
		}
		msg := p.Message(l) + p.Fix(l)
		if strings.ContainsAny(msg, "\x1b\x00\r\u009b\u202e") || !utf8.ValidString(msg) {
			t.Fatalf("%q: message carries raw control characters: %q", in, msg)
		}
	}
	for k, v := range p.Args {
		if utf8.RuneCountInString(v) > status.EchoMax {
			t.Fatalf("%q: argument %s is %d characters long", in, k, utf8.RuneCountInString(v))
		}
	}
}

func FuzzParseTenant(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		auth, tenant, p := ParseTenant(in)
		if p != nil {
			checkRefusal(t, in, p)
			return
		}
		if !strings.HasPrefix(auth, "https://") || tenant == "" || len(tenant) > 253 {
			t.Fatalf("%q accepted as %q %q", in, auth, tenant)
		}
		// What the store keeps (and the wizard shows) parses back the same.
		a2, t2, p := ParseTenant(auth + "/" + tenant + "/")
		if p != nil || a2 != auth || t2 != tenant {
			t.Fatalf("%q -> %q %q, read back as %q %q %v", in, auth, tenant, a2, t2, p)
		}
	})
}

func FuzzParseClientID(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		id, p := ParseClientID(in)
		if p != nil {
			checkRefusal(t, in, p)
			return
		}
		if !IsGUID(id) || id != strings.ToLower(id) {
			t.Fatalf("%q accepted as %q", in, id)
		}
	})
}

func FuzzParseHostPort(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		for _, proto := range Protocols {
			srv, p := ParseHostPort(proto, in)
			if p != nil {
				checkRefusal(t, in, p)
				continue
			}
			if !srv.Enabled {
				continue
			}
			if srv.Port < 1 || srv.Port > 65535 || srv.Host == "" {
				t.Fatalf("%q accepted as %+v", in, srv)
			}
			back, p := ParseHostPort(proto, srv.HostPort())
			if p != nil || back.Host != srv.Host || back.Port != srv.Port {
				t.Fatalf("%q -> %+v written as %q reads back as %+v %v", in, srv, srv.HostPort(), back, p)
			}
		}
	})
}

func FuzzParseAddress(f *testing.F) {
	f.Fuzz(func(t *testing.T, in string) {
		addr, p := ParseAddress("login", in)
		if p != nil {
			checkRefusal(t, in, p)
			return
		}
		at := strings.LastIndexByte(addr, '@')
		if at < 1 || at > MaxLocalPart || len(addr) > MaxAddress {
			t.Fatalf("%q accepted as %q beyond RFC 5321's limits", in, addr)
		}
		again, p := ParseAddress("login", addr)
		if p != nil || again != addr {
			t.Fatalf("%q -> %q, read again as %q %v", in, addr, again, p)
		}
	})
}

// FuzzStoreLoad: whatever accounts.json holds, loading it neither hangs
// nor loses the file: either it is read, or it is moved aside byte for byte.
func FuzzStoreLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, fileName)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		var list []Account
		var p *status.Problem
		done := make(chan struct{})
		go func() { list, p = Open(dir).List(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("reading %q hangs", data)
		}
		if p == nil {
			if b, err := os.ReadFile(path); err != nil || string(b) != string(data) {
				t.Fatalf("a readable file (%d accounts) was changed by reading it", len(list))
			}
			return
		}
		checkRefusal(t, "accounts.json", p)
		if p.Code != "account.store.corrupt" {
			return
		}
		// The message cuts a long path, so look for the file itself.
		matches, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil && m != path && string(b) == string(data) {
				return
			}
		}
		t.Fatalf("the corrupt file was not kept byte for byte (%v)", matches)
	})
}

// FuzzImport: an import file is taken whole or not at all, and what it
// brings in passes the checks typed input passes.
func FuzzImport(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(t.TempDir(), "import.json")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s := Open(t.TempDir())
		added, probs := s.Import(file)
		list, _ := s.List()
		if len(probs) > 0 {
			for _, p := range probs {
				checkRefusal(t, "import", p)
			}
			if len(list) != 0 || added != nil {
				t.Fatalf("a refused import left %d accounts", len(list))
			}
			return
		}
		if len(list) != len(added) {
			t.Fatalf("imported %v, store holds %d", added, len(list))
		}
		for _, a := range list {
			if probs := a.Validate(); len(probs) > 0 || a.HasClientSecret {
				t.Fatalf("imported account %+v fails its checks: %v", a, probs)
			}
		}
	})
}
