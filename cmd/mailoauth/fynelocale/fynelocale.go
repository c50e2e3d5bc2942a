// Package fynelocale keeps Fyne from logging "Error parsing user locale C"
// on every start where LANG (or LC_ALL, LC_MESSAGES) is C.UTF-8 or
// POSIX.UTF-8, the default of Debian containers and many servers. Fyne's
// lang package reads the locale in its package initialisation, through
// go-locale, which passes "C" from "C.UTF-8" to a BCP 47 parser that
// refuses it; the window reads it again later. go-locale prefers LANGUAGE
// whenever the locale is not exactly C or POSIX, so a LANGUAGE that names a
// real language is all Fyne needs.
//
// This must happen before Fyne's package initialisation, and it does: Go
// initialises packages in import-path order as soon as their imports are,
// this package imports only syscall, and its path ("mailoauth/...") sorts
// before "os", which Fyne's packages need first. So it only has to be
// imported by the main package. It uses syscall, not os, for that reason.
//
// The change is for Fyne only: main calls Restore before anything else, so
// the command line detects the language from the user's real settings and
// passes them on to the programs it starts, and ForWindow sets it again,
// in the window's language, before the window opens.
package fynelocale

import "syscall"

const language = "LANGUAGE"

// ours is true while LANGUAGE holds a value this package set.
var ours bool

func init() { set("en") }

// set gives go-locale a parsable LANGUAGE when the locale is a C or POSIX
// variant and LANGUAGE is empty.
func set(lang string) {
	if v, ok := syscall.Getenv(language); ok && v != "" && !ours {
		return
	}
	if !cVariant(effective()) {
		return
	}
	if syscall.Setenv(language, lang) == nil {
		ours = true
	}
}

// effective is the locale variable go-locale reads, in its order.
func effective() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v, ok := syscall.Getenv(k); ok && v != "" {
			return v
		}
	}
	return ""
}

// cVariant reports "C.UTF-8", "POSIX.utf8" and the like; exactly "C" or
// "POSIX" go-locale handles itself.
func cVariant(v string) bool {
	for _, base := range []string{"C", "POSIX"} {
		if len(v) > len(base) && v[:len(base)] == base && (v[len(base)] == '.' || v[len(base)] == '@' || v[len(base)] == '_') {
			return true
		}
	}
	return false
}

// Restore puts LANGUAGE back as the user had it.
func Restore() {
	if ours {
		syscall.Unsetenv(language)
		ours = false
	}
}

// ForWindow sets LANGUAGE for Fyne again, in the window's language (de or
// en), so that Fyne's own texts (dialog buttons) match ours.
func ForWindow(lang string) { set(lang) }
