package i18n

import (
	"regexp"
	"sort"
	"strings"
	"testing"
)

var placeholder = regexp.MustCompile(`\{[a-z_0-9]+\}`)

// TestEveryKeyInBothLanguages fails when a text exists in one language only,
// when a text is empty, or when the two languages use different placeholders.
func TestEveryKeyInBothLanguages(t *testing.T) {
	de, en := texts(DE), texts(EN)
	if len(en) == 0 {
		t.Fatal("catalogue is empty")
	}
	for _, pair := range [][2]Lang{{DE, EN}, {EN, DE}} {
		for k, v := range texts(pair[0]) {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", pair[0], k)
			}
			if _, ok := texts(pair[1])[k]; !ok {
				t.Errorf("%q has a %s text but no %s text", k, pair[0], pair[1])
			}
		}
	}
	for k, v := range en {
		d, ok := de[k]
		if !ok {
			continue
		}
		a, b := placeholder.FindAllString(v, -1), placeholder.FindAllString(d, -1)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(uniq(a), ",") != strings.Join(uniq(b), ",") {
			t.Errorf("%q: placeholders differ: en %v, de %v", k, a, b)
		}
	}
}

func uniq(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || s[i-1] != v {
			out = append(out, v)
		}
	}
	return out
}

func TestRender(t *testing.T) {
	if got := T(DE, "lang.invalid", Args{"value": "fr"}); got != "Unbekannte Sprache „fr“." {
		t.Errorf("de: %q", got)
	}
	if got := T(EN, "lang.invalid", Args{"value": "fr"}); got != `Unknown language "fr".` {
		t.Errorf("en: %q", got)
	}
	if got := T(EN, "no.such.key", nil); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

func TestParseAndDetect(t *testing.T) {
	for in, want := range map[string]Lang{"de": DE, "de_DE.UTF-8": DE, "en-US": EN, "EN": EN} {
		if got, ok := Parse(in); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := Parse("fr"); ok {
		t.Error("fr accepted")
	}
	t.Setenv("LANGUAGE", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "de_AT.UTF-8")
	if Detect() != DE {
		t.Error("de_AT not detected as German")
	}
	t.Setenv("LC_ALL", "C.UTF-8")
	if Detect() != DE {
		t.Error("C locale should fall through to LANG")
	}
	t.Setenv("LC_ALL", "fr_FR.UTF-8")
	if Detect() != EN {
		t.Error("French should fall back to English")
	}
}
