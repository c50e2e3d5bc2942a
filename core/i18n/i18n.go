// Package i18n is the one message catalogue of mailoauth. Core code returns
// message keys with parameters; this package renders them in German or
// English. The texts live in assets/i18n/<area>.<lang>.json.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"sync"

	"mailoauth/assets"
)

// Lang is a language the catalogue has texts for.
type Lang string

// The supported languages.
const (
	DE Lang = "de"
	EN Lang = "en"
)

// Langs lists every supported language.
var Langs = []Lang{DE, EN}

// Args are the named parameters of a message; {name} in a text is replaced.
type Args map[string]string

var (
	loadOnce sync.Once
	catalog  map[Lang]map[string]string
	loadErr  error
)

func load() {
	catalog = map[Lang]map[string]string{DE: {}, EN: {}}
	files, err := fs.Glob(assets.I18N, "i18n/*.json")
	if err != nil {
		loadErr = err
		return
	}
	sort.Strings(files)
	for _, f := range files {
		base := strings.TrimSuffix(path.Base(f), ".json")
		dot := strings.LastIndexByte(base, '.')
		if dot < 0 {
			loadErr = fmt.Errorf("i18n: %s: file name must be <area>.<lang>.json", f)
			return
		}
		lang := Lang(base[dot+1:])
		texts, ok := catalog[lang]
		if !ok {
			loadErr = fmt.Errorf("i18n: %s: unknown language %q", f, lang)
			return
		}
		data, err := assets.I18N.ReadFile(f)
		if err != nil {
			loadErr = err
			return
		}
		var m map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			loadErr = fmt.Errorf("i18n: %s: %w", f, err)
			return
		}
		for k, v := range m {
			if _, dup := texts[k]; dup {
				loadErr = fmt.Errorf("i18n: %s: key %q defined twice", f, k)
				return
			}
			texts[k] = v
		}
	}
}

func texts(l Lang) map[string]string {
	loadOnce.Do(load)
	if loadErr != nil {
		// The catalogue is embedded; a broken file is a build defect that the
		// package's own test catches, so failing loudly here is right.
		panic(loadErr)
	}
	if m, ok := catalog[l]; ok {
		return m
	}
	return catalog[EN]
}

// Has reports whether key has a text in language l.
func Has(l Lang, key string) bool {
	_, ok := texts(l)[key]
	return ok
}

// T renders key in language l. A missing key renders as the key itself so a
// gap is visible instead of an empty line; the catalogue test keeps this from
// reaching users.
func T(l Lang, key string, args Args) string {
	s, ok := texts(l)[key]
	if !ok {
		s, ok = texts(EN)[key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			break
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			break
		}
		name := s[open+1 : open+end]
		b.WriteString(s[:open])
		if v, ok := args[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[open : open+end+1])
		}
		s = s[open+end+1:]
	}
	b.WriteString(s)
	return b.String()
}

// Parse turns a --lang value or a locale name (de_DE.UTF-8, en-US) into a Lang.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "_-.@"); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "de":
		return DE, true
	case "en":
		return EN, true
	}
	return "", false
}

// Detect picks the language from the environment the way POSIX programs do
// (LANGUAGE, LC_ALL, LC_MESSAGES, LANG); on Windows the platform file adds
// the user's UI language. Anything not German is English.
func Detect() Lang {
	for _, v := range []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		val := os.Getenv(v)
		if val == "" {
			continue
		}
		// LANGUAGE may hold a list such as "de:en".
		first := strings.Split(val, ":")[0]
		if l, ok := Parse(first); ok {
			return l
		}
		if first == "C" || first == "POSIX" || strings.HasPrefix(first, "C.") {
			continue
		}
		return EN
	}
	if l, ok := platformLang(); ok {
		return l
	}
	return EN
}

// Pairs turns key, value, key, value ... into Args (nil for none), the form
// every caller that renders a text with parameters has at hand.
func Pairs(kv ...string) Args {
	if len(kv) == 0 {
		return nil
	}
	m := make(Args, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}
