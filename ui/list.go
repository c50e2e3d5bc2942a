package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"mailoauth/core/app"
	"mailoauth/core/i18n"
	"mailoauth/core/status"
)

// listRow is one account in the list: a template the virtualised list
// reuses for whatever row scrolls into view, so 300 accounts cost a
// screenful of widgets.
type listRow struct {
	widget.BaseWidget
	overall *Light
	name    *widget.Label
	mailbox *widget.Label
	protos  []*Light
	info    *widget.Label // last check, red since, muted
	problem *widget.Label // the worst problem in one line
	body    fyne.CanvasObject
}

func newListRow() *listRow {
	r := &listRow{overall: newLight(""), name: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		mailbox: widget.NewLabel(""), info: widget.NewLabel(""), problem: widget.NewLabel("")}
	// The second line is smaller, as the secondary text of a list row is.
	r.info.SizeName = theme.SizeNameCaptionText
	r.problem.SizeName = theme.SizeNameCaptionText
	r.name.Truncation = fyne.TextTruncateEllipsis
	r.mailbox.Truncation = fyne.TextTruncateEllipsis
	r.problem.Truncation = fyne.TextTruncateEllipsis
	protos := container.NewHBox()
	for _, p := range app.Protocols {
		l := newLight(strings.ToUpper(string(p)))
		r.protos = append(r.protos, l)
		// Room for "POP3 –", so the lights line up in every row.
		protos.Add(container.NewGridWrap(fyne.NewSize(76, l.Object.MinSize().Height), l.Object))
	}
	// Fixed widths for the light and the name, so the columns line up.
	head := container.NewHBox(container.NewGridWrap(fyne.NewSize(90, r.overall.Object.MinSize().Height), r.overall.Object),
		container.NewGridWrap(fyne.NewSize(170, r.name.MinSize().Height), r.name))
	line1 := container.NewBorder(nil, nil, head, protos, r.mailbox)
	line2 := container.NewBorder(nil, nil, r.info, nil, r.problem)
	r.body = container.New(twoLines{}, line1, line2)
	r.ExtendBaseWidget(r)
	return r
}

// twoLines stacks a row's two lines closer than a VBox does: each label
// carries its inner padding above and below its text, and two of them plus
// the box's own padding made a row twice as tall as its text, so only eight
// accounts fitted on a 1280×800 screen.
type twoLines struct{}

// overlap is how much of the first line's bottom padding the second line
// covers: the labels' text stays clear of each other.
func (twoLines) overlap() float32 { return theme.InnerPadding() + theme.Padding()/2 }

func (t twoLines) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(fyne.Max(a.Width, b.Width), a.Height+b.Height-t.overlap()-theme.InnerPadding()/2)
}

func (t twoLines) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	objs[0].Resize(fyne.NewSize(size.Width, a.Height))
	objs[0].Move(fyne.NewPos(0, 0))
	objs[1].Resize(fyne.NewSize(size.Width, b.Height))
	objs[1].Move(fyne.NewPos(0, a.Height-t.overlap()))
}

func (r *listRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.body) }

// set shows one account on the row. The list sets every visible row
// again whenever one changes; only what differs is redrawn, since each
// label's truncation shapes its text anew.
func (r *listRow) set(s *acctState, lang i18n.Lang, f timeFormat) {
	changed := false
	text := func(l *widget.Label, v string) {
		if l.Text != v {
			l.SetText(v)
			changed = true
		}
	}
	light := func(l *Light, level status.Level, caption string) {
		if l.Level != level || l.label.Text != caption {
			l.Set(level, caption)
			changed = true
		}
	}
	l := s.level()
	light(r.overall, l, levelWord(lang, l))
	text(r.name, s.acct.Name)
	text(r.mailbox, s.acct.MailboxAddress())
	for i, p := range app.Protocols {
		caption := strings.ToUpper(string(p))
		switch res, ok := s.result(p); {
		case !s.acct.Server(p).Enabled:
			light(r.protos[i], status.Grey, caption+" –")
		case ok:
			light(r.protos[i], res.Level, caption)
		default:
			light(r.protos[i], status.Grey, caption)
		}
	}
	text(r.info, rowInfo(s, lang, f))
	problem := ""
	if p, proto := s.worst(); p != nil {
		problem = strings.ToUpper(string(proto)) + ": " + status.FirstLine(p.Message(lang))
	}
	text(r.problem, problem)
	if changed {
		// The texts' widths changed: lay the row out again.
		r.body.Refresh()
	}
}

// rowInfo is the row's second line before the problem: muted, the time of
// the last check, and since when it is red.
func rowInfo(s *acctState, lang i18n.Lang, f timeFormat) string {
	var parts []string
	if s.acct.Muted {
		parts = append(parts, tr(lang, "window.muted"))
	}
	if at := s.checkedAt(); at.IsZero() {
		parts = append(parts, tr(lang, "ui.never_checked"))
	} else {
		parts = append(parts, tr(lang, "ui.last_check", "time", f.format(at)))
	}
	if since := s.redSince(); !since.IsZero() {
		parts = append(parts, tr(lang, "window.red_since", "time", f.format(since)))
	}
	return strings.Join(parts, " · ")
}

// timeFormat shows times in the user's zone: the time alone for today,
// with the date otherwise (a light red since last week says more than
// "09:30").
type timeFormat struct {
	loc *time.Location
	now func() time.Time
}

func (f timeFormat) format(t time.Time) string {
	loc := f.loc
	if loc == nil {
		loc = time.Local
	}
	now := time.Now
	if f.now != nil {
		now = f.now
	}
	t = t.In(loc)
	n := now().In(loc)
	if t.Year() == n.Year() && t.YearDay() == n.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// accountList is the virtualised list with the window's keys: the arrow
// keys select (and so show the detail), F5 checks, Delete removes.
type accountList struct {
	widget.List
	onKey func(*fyne.KeyEvent) bool
}

func (l *accountList) TypedKey(e *fyne.KeyEvent) {
	if l.onKey != nil && l.onKey(e) {
		return
	}
	l.List.TypedKey(e)
}
