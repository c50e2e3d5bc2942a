#!/usr/bin/env python3
"""xclose.py WINDOW: asks an X window to close the way a window manager's
close button does (a WM_DELETE_WINDOW client message), so the program's own
close path runs; xdotool can only destroy or kill a window."""
import ctypes, ctypes.util, sys

x = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11") or "libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]


class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5), ("pad", ctypes.c_long * 12)]


d = x.XOpenDisplay(None)
if not d:
    sys.exit("xclose: no display")
win = int(sys.argv[1], 0)
ev = ClientMessage(type=33, send_event=1, display=d, window=win, format=32,  # 33: ClientMessage
                   message_type=x.XInternAtom(d, b"WM_PROTOCOLS", 0))
ev.l[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
ev.l[1] = 0  # CurrentTime
if not x.XSendEvent(d, win, 0, 0, ctypes.byref(ev)):
    sys.exit("xclose: XSendEvent failed")
x.XFlush(d)
x.XCloseDisplay(d)
