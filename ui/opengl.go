package ui

import (
	"strconv"
	"strings"

	"mailoauth/core/i18n"
)

// Fyne's window needs OpenGL 2.1. Windows without a GPU driver (Remote
// Desktop, terminal servers, VMs without 3D) offers only the GDI renderer's
// OpenGL 1.1, and Fyne then fails with a message no helpdesk understands.
const minGLMajor, minGLMinor = 2, 1

// glVersionOK reads the start of a GL_VERSION string ("4.5.0 NVIDIA 551.23",
// "1.1.0", "2.1 Mesa 22.3.6") and says whether it is at least 2.1.
func glVersionOK(v string) bool {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, " -"); i >= 0 {
		v = v[:i]
	}
	parts := strings.Split(v, ".")
	if len(parts) < 2 {
		return false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return false
	}
	return major > minGLMajor || major == minGLMajor && minor >= minGLMinor
}

// openGLMessage is the text shown when the probe finds no usable OpenGL;
// found is what the system offered (a version, or why none).
func openGLMessage(lang i18n.Lang, found string) string {
	return i18n.T(lang, "ui.no_opengl", map[string]string{"found": found, "min": strconv.Itoa(minGLMajor) + "." + strconv.Itoa(minGLMinor)})
}
