package cli

import (
	"strings"
	"testing"

	"mailoauth/core/i18n"
)

func TestClassify(t *testing.T) {
	for line, want := range map[string]Kind{
		"":                                 KindWindow,
		"--lang de":                        KindWindow,
		"demo --lang en":                   KindWindow,
		"--version":                        KindInfo,
		"--help":                           KindInfo,
		"help":                             KindInfo,
		"check --help":                     KindInfo,
		"check --event-log":                KindQuiet,
		"--config-dir x check --event-log": KindQuiet,
		"check":                            KindConsole,
		"check --json":                     KindConsole,
		"account list":                     KindConsole,
		"access-token info":                KindConsole,
	} {
		if got, _ := Classify(strings.Fields(line)); got != want {
			t.Errorf("Classify(%q) = %d, want %d", line, got, want)
		}
	}
	if _, l := Classify([]string{"check", "--lang", "de"}); l != i18n.DE {
		t.Errorf("--lang de gave %s", l)
	}
}
