// Package winconsole runs the command line inside mailoauth.exe, the
// Windows GUI-subsystem exe. Windows gives such an exe no console: cmd.exe
// does not wait for it, its output goes nowhere and %ERRORLEVEL% never sees
// its exit code. So it prints only what a user asks of it by hand
// (--version, --help, into the console it was started from), runs the
// window and the scheduled check that reports into the event log, and
// sends every other command to mailoauth-cli.exe. On other systems the
// one binary is a normal console program and this package steps aside.
package winconsole

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"mailoauth/core/cli"
	"mailoauth/core/i18n"
)

// Run runs one command line with run, which gets the writers to use.
func Run(args []string, run func(stdout, stderr io.Writer) int) int {
	if !guiSubsystem {
		return run(os.Stdout, os.Stderr)
	}
	kind, lang := cli.Classify(args)
	switch kind {
	case cli.KindWindow, cli.KindQuiet:
		return run(os.Stdout, os.Stderr)
	case cli.KindInfo:
		if attach() {
			return run(os.Stdout, os.Stderr)
		}
		// Started from Explorer or a shortcut: the text in a message box.
		var buf bytes.Buffer
		code := run(&buf, &buf)
		messageBox("mailoauth", buf.String(), code != cli.ExitOK)
		return code
	}
	msg := i18n.T(lang, "cli.use_cli_exe", i18n.Args{"command": strings.Join(args, " ")})
	if attach() {
		fmt.Fprintln(os.Stderr, msg)
	} else {
		messageBox("mailoauth", msg, true)
	}
	return cli.ExitUsage
}
