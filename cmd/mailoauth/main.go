// Command mailoauth sets up and checks Microsoft 365 mailboxes for IMAP,
// POP3 and SMTP with OAuth2. This file only wires: the command line lives in
// core/cli, the window in ui.
package main

import (
	"os"

	"mailoauth/core/cli"
	"mailoauth/core/i18n"
	"mailoauth/ui"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{RunGUI: func(lang i18n.Lang, configDir string, demo bool) int {
		return ui.Run(ui.Options{Lang: lang, ConfigDir: configDir, Demo: demo})
	}}))
}
