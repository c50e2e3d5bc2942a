// Package ui is the Fyne window of mailoauth. It only shows and asks; all
// logic comes from the core through the Service interface.
package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

var lightColors = map[status.Level]color.NRGBA{
	status.Grey:   {0x9e, 0x9e, 0x9e, 0xff},
	status.Green:  {0x2e, 0x9d, 0x4a, 0xff},
	status.Yellow: {0xf2, 0xb1, 0x1b, 0xff},
	status.Red:    {0xd3, 0x2f, 0x2f, 0xff},
}

// Light is a traffic light with a word next to it, so that colour is never
// the only signal.
type Light struct {
	Level  status.Level
	circle *canvas.Circle
	label  *widget.Label
	Object fyne.CanvasObject
}

func newLight(caption string) *Light {
	l := &Light{circle: canvas.NewCircle(lightColors[status.Grey]), label: widget.NewLabel(caption)}
	dot := container.NewGridWrap(fyne.NewSize(16, 16), l.circle)
	l.Object = container.NewHBox(container.NewCenter(dot), l.label)
	l.Level = status.Grey
	return l
}

// Set changes the colour and the caption.
func (l *Light) Set(level status.Level, caption string) {
	l.Level = level
	l.circle.FillColor = lightColors[level]
	l.circle.Refresh()
	l.label.SetText(caption)
}

func levelWord(lang i18n.Lang, level status.Level) string {
	return i18n.T(lang, "ui.level."+string(level), nil)
}
