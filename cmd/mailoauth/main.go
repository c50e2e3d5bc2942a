// Command mailoauth sets up and checks Microsoft 365 mailboxes for IMAP,
// POP3 and SMTP with OAuth2. This file only wires: the command line lives in
// core/cli, the window in ui. cmd/mailoauth-cli is the same command line
// without the window.
package main

import (
	"io"
	"os"

	// First import, for its package initialisation before Fyne's (it says why).
	"mailoauth/cmd/mailoauth/fynelocale"
	"mailoauth/cmd/mailoauth/winconsole"
	"mailoauth/core/cli"
	"mailoauth/ui"
)

func main() {
	fynelocale.Restore()
	args := os.Args[1:]
	os.Exit(winconsole.Run(args, func(stdout, stderr io.Writer) int {
		return cli.Main(args, cli.Env{Stdout: stdout, Stderr: stderr, RunGUI: func(g cli.GUIStart) int {
			fynelocale.ForWindow(string(g.Lang))
			return ui.Run(ui.Options{Lang: g.Lang, ConfigDir: g.ConfigDir, Demo: g.Demo, Minimized: g.Minimized})
		}})
	}))
}
