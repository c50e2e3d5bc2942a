//go:build windows

package i18n

import "golang.org/x/sys/windows"

// platformLang asks Windows for the user's preferred UI languages, because
// Windows programs get no LANG variable.
func platformLang() (Lang, bool) {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil || len(langs) == 0 {
		return "", false
	}
	if l, ok := Parse(langs[0]); ok {
		return l, true
	}
	return EN, true
}
