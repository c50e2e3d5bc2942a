package ui

import (
	"image/png"
	"os"
	"testing"

	"fyne.io/fyne/v2"
)

func capture(t *testing.T, w fyne.Window, name string) {
	if os.Getenv("CAPTURE") == "" {
		return
	}
	f, _ := os.Create("/tmp/cap-" + name + ".png")
	defer f.Close()
	png.Encode(f, w.Canvas().Capture())
}
