//go:build !windows

package i18n

func platformLang() (Lang, bool) { return "", false }
