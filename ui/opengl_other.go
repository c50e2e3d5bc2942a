//go:build !windows

package ui

import "mailoauth/core/i18n"

// openGLProblem: outside Windows a missing display is caught earlier and
// GLFW's own errors are readable on the terminal.
func openGLProblem(i18n.Lang) string { return "" }
