package ui

import (
	"strings"
	"testing"

	"mailoauth/core/i18n"
)

func TestGLVersionOK(t *testing.T) {
	for v, want := range map[string]bool{
		"4.5.0 NVIDIA 551.23":                 true,
		"2.1 Mesa 22.3.6":                     true,
		"3.3.0 - Build 31.0.101.2115":         true,
		"10.0":                                true,
		"2.0.0":                               false,
		"1.1.0":                               false, // the GDI generic renderer
		"":                                    false,
		"OpenGL ES 3.2":                       false,
		"garbage":                             false,
		"4.6 (Compatibility Profile) Mesa 23": true,
	} {
		if got := glVersionOK(v); got != want {
			t.Errorf("%q: %v, want %v", v, got, want)
		}
	}
}

func TestOpenGLMessageNamesTheWayOut(t *testing.T) {
	for _, l := range []i18n.Lang{i18n.DE, i18n.EN} {
		m := openGLMessage(l, "1.1.0")
		for _, want := range []string{"1.1.0", "2.1", "mailoauth-cli.exe", "opengl32.dll"} {
			if !strings.Contains(m, want) {
				t.Errorf("%s: %q lacks %q", l, m, want)
			}
		}
	}
}
