// Fyne needs cgo; without it (the CLI-only vet of scripts/) there is
// nothing to build here.

//go:build cgo

// Command minwin is the smallest Fyne window: the baseline that
// scripts/gui-smoke.sh measures mailoauth's start time and memory against.
package main

import (
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("de.mailoauth.minwin")
	w := a.NewWindow("minwin")
	w.SetContent(widget.NewLabel("minwin"))
	w.ShowAndRun()
}
