// Command mailoauth-cli is mailoauth's command line without the window:
// no Fyne, no OpenGL, no cgo, so it cross-compiles for every platform in
// seconds and runs where no graphics driver is (servers, Remote Desktop,
// containers). Every command of the CLI contract is here except the two
// that open the window, which say to start mailoauth instead.
package main

import (
	"os"

	"mailoauth/core/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{}))
}
