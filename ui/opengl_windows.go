//go:build windows

package ui

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"

	"mailoauth/core/i18n"
)

var (
	user32   = syscall.NewLazyDLL("user32.dll")
	gdi32    = syscall.NewLazyDLL("gdi32.dll")
	opengl32 = syscall.NewLazyDLL("opengl32.dll")
)

// pixelFormatDescriptor is Win32's PIXELFORMATDESCRIPTOR (40 bytes).
type pixelFormatDescriptor struct {
	Size, Version                                      uint16
	Flags                                              uint32
	PixelType, ColorBits, RedBits, RedShift            uint8
	GreenBits, GreenShift, BlueBits, BlueShift         uint8
	AlphaBits, AlphaShift, AccumBits, AccumRedBits     uint8
	AccumGreenBits, AccumBlueBits, AccumAlphaBits      uint8
	DepthBits, StencilBits, AuxBuffers, LayerType, Res uint8
	LayerMask, VisibleMask, DamageMask                 uint32
}

const (
	pfdDoubleBuffer  = 0x1
	pfdDrawToWindow  = 0x4
	pfdSupportOpenGL = 0x20
	wsPopup          = 0x80000000
	glVersion        = 0x1F02
	mbIconError      = 0x10
	mbSetForeground  = 0x10000
)

// openGLProblem asks the system for an OpenGL context the way GLFW will,
// before Fyne starts, and shows a native message box when there is none
// good enough. It returns the message ("" = fine).
func openGLProblem(lang i18n.Lang) string {
	v, err := probeOpenGL()
	found := v
	if err != nil {
		found = err.Error()
	} else if glVersionOK(v) {
		return ""
	}
	msg := openGLMessage(lang, found)
	fmt.Fprintln(os.Stderr, msg) // for mailoauth-cli.exe and logs of scripted starts
	messageBox(i18n.T(lang, "ui.title", nil), msg)
	return msg
}

func messageBox(title, text string) {
	t, _ := syscall.UTF16PtrFromString(title)
	m, _ := syscall.UTF16PtrFromString(text)
	user32.NewProc("MessageBoxW").Call(0, uintptr(unsafe.Pointer(m)), uintptr(unsafe.Pointer(t)), mbIconError|mbSetForeground)
}

// probeOpenGL creates a hidden window with a legacy WGL context on its own
// locked OS thread (WGL contexts belong to a thread) and reads GL_VERSION.
func probeOpenGL() (version string, err error) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		version, err = probeOnThread()
	}()
	<-done
	return version, err
}

func probeOnThread() (string, error) {
	if err := opengl32.Load(); err != nil {
		return "", fmt.Errorf("opengl32.dll: %v", err)
	}
	class, _ := syscall.UTF16PtrFromString("STATIC")
	hwnd, _, e := user32.NewProc("CreateWindowExW").Call(0, uintptr(unsafe.Pointer(class)), 0, wsPopup, 0, 0, 1, 1, 0, 0, 0, 0)
	if hwnd == 0 {
		return "", fmt.Errorf("no window could be created (CreateWindowEx: %v)", e)
	}
	defer user32.NewProc("DestroyWindow").Call(hwnd)
	hdc, _, e := user32.NewProc("GetDC").Call(hwnd)
	if hdc == 0 {
		return "", fmt.Errorf("GetDC: %v", e)
	}
	defer user32.NewProc("ReleaseDC").Call(hwnd, hdc)
	pfd := pixelFormatDescriptor{Flags: pfdDrawToWindow | pfdSupportOpenGL | pfdDoubleBuffer, ColorBits: 32, DepthBits: 24, StencilBits: 8}
	pfd.Size, pfd.Version = uint16(unsafe.Sizeof(pfd)), 1
	pf, _, e := gdi32.NewProc("ChoosePixelFormat").Call(hdc, uintptr(unsafe.Pointer(&pfd)))
	if pf == 0 {
		return "", fmt.Errorf("ChoosePixelFormat: %v", e)
	}
	if ok, _, e := gdi32.NewProc("SetPixelFormat").Call(hdc, pf, uintptr(unsafe.Pointer(&pfd))); ok == 0 {
		return "", fmt.Errorf("SetPixelFormat: %v", e)
	}
	ctx, _, e := opengl32.NewProc("wglCreateContext").Call(hdc)
	if ctx == 0 {
		return "", fmt.Errorf("wglCreateContext: %v", e)
	}
	defer opengl32.NewProc("wglDeleteContext").Call(ctx)
	if ok, _, e := opengl32.NewProc("wglMakeCurrent").Call(hdc, ctx); ok == 0 {
		return "", fmt.Errorf("wglMakeCurrent: %v", e)
	}
	defer opengl32.NewProc("wglMakeCurrent").Call(0, 0)
	p, _, _ := opengl32.NewProc("glGetString").Call(glVersion)
	if p == 0 {
		return "", fmt.Errorf("glGetString(GL_VERSION) gave nothing")
	}
	return cString(p), nil
}

// cString copies a NUL-terminated string that the GL driver owns.
func cString(p uintptr) string {
	var b []byte
	for i := uintptr(0); i < 256; i++ {
		c := *(*byte)(unsafe.Add(*(*unsafe.Pointer)(unsafe.Pointer(&p)), i))
		if c == 0 {
			break
		}
		b = append(b, c)
	}
	return string(b)
}
