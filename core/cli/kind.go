package cli

import (
	"mailoauth/core/i18n"
)

// Kind is what a command line asks for, known before it runs. The Windows
// GUI-subsystem exe needs it up front: it has no console of its own, so it
// must attach its parent's console for output, or refuse commands whose
// exit code and output a console user would never see.
type Kind int

const (
	// KindWindow opens the window (no command, or demo).
	KindWindow Kind = iota
	// KindInfo only prints: --version, --help, help.
	KindInfo
	// KindQuiet needs no console: check --event-log reports into the
	// Windows event log, which is how a scheduled task runs without a
	// console window flashing up.
	KindQuiet
	// KindConsole is every other command.
	KindConsole
)

// Classify tells the kind of a command line and the language its messages
// should be in, by the rule Main follows (an unknown --lang is Main's to
// refuse; here the language without it).
func Classify(args []string) (Kind, i18n.Lang) {
	cmd, rest, _ := splitCommand(args)
	g, _ := parseArgs(filterGlobals(rest), nil)
	lang, _ := language(g)
	switch {
	case len(cmd) > 0 && cmd[0] == "version", hasHelp(rest), len(cmd) > 0 && cmd[0] == "help":
		return KindInfo, lang
	case len(cmd) == 0, cmd[0] == "demo":
		return KindWindow, lang
	case cmd[0] == "check" && hasFlag(rest, "event-log"):
		return KindQuiet, lang
	}
	return KindConsole, lang
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--"+name || a == "-"+name {
			return true
		}
	}
	return false
}
