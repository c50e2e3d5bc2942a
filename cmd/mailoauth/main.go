// Command mailoauth sets up and checks Microsoft 365 mailboxes for IMAP,
// POP3 and SMTP with OAuth2. This file only wires: the command line lives in
// core/cli, the window in ui.
package main

import (
	"os"

	"mailoauth/core/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{}))
}
