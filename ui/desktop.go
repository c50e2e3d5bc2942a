package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"mailoauth/core/status"
)

// Desktop is what the window needs of the desktop around it: the
// notification-area icon and desktop notifications. fyneDesktop is the
// real one; tests use a fake.
type Desktop interface {
	// HasTray says whether a notification area exists to put an icon in.
	HasTray() bool
	// SetTray shows the icon in the light's colour with the menu.
	SetTray(light status.Level, menu *fyne.Menu)
	// Notify shows a desktop notification. It never fails and never
	// blocks: where the system cannot show one (Fyne's Windows
	// notifications go through PowerShell, which managed machines often
	// block) the tray icon and the window still show the change.
	Notify(title, body string)
}

// fyneDesktop is the desktop through Fyne's system tray and notifications.
type fyneDesktop struct {
	app  fyne.App
	once sync.Once
	has  bool
}

func newFyneDesktop(a fyne.App) *fyneDesktop { return &fyneDesktop{app: a} }

func (d *fyneDesktop) HasTray() bool {
	d.once.Do(func() {
		_, ok := d.app.(desktop.App)
		d.has = ok && trayAvailable()
	})
	return d.has
}

func (d *fyneDesktop) SetTray(light status.Level, menu *fyne.Menu) {
	if !d.HasTray() {
		return
	}
	da := d.app.(desktop.App)
	da.SetSystemTrayMenu(menu)
	da.SetSystemTrayIcon(trayIcon(light))
}

func (d *fyneDesktop) Notify(title, body string) {
	go func() {
		// A notification is a courtesy: whatever goes wrong showing it
		// must not take the program down.
		defer func() { _ = recover() }()
		d.app.SendNotification(fyne.NewNotification(title, body))
	}()
}

// trayAvailable: Windows and macOS always have a notification area; a
// Linux desktop has one when a StatusNotifier host runs (trayAvailableDBus).
func trayAvailable() bool {
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	return trayAvailableDBus()
}

var (
	trayIconsMu sync.Mutex
	trayIcons   = map[status.Level]fyne.Resource{}
)

// trayIcon is a filled circle in the light's colour, drawn once per light.
func trayIcon(l status.Level) fyne.Resource {
	trayIconsMu.Lock()
	defer trayIconsMu.Unlock()
	if r, ok := trayIcons[l]; ok {
		return r
	}
	const n = 64
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	c := lightColors[l]
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			dx, dy := float64(x)-n/2+0.5, float64(y)-n/2+0.5
			if dx*dx+dy*dy <= (n/2-2)*(n/2-2) {
				img.SetNRGBA(x, y, c)
			} else {
				img.SetNRGBA(x, y, color.NRGBA{})
			}
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	r := fyne.NewStaticResource("mailoauth-"+string(l)+".png", b.Bytes())
	trayIcons[l] = r
	return r
}
