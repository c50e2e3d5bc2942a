package ui

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// latency collects how long results wait between arriving from a check and
// being on screen (the fyne.Do round trip plus the row's update), so the
// log shows whether the window keeps up on a slow workstation.
type latency struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latency) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// take returns the summary of what was collected and starts afresh; ""
// when nothing was.
func (l *latency) take() string {
	l.mu.Lock()
	d := l.d
	l.d = nil
	l.mu.Unlock()
	if len(d) == 0 {
		return ""
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	q := func(f float64) time.Duration { return d[min(len(d)-1, int(f*float64(len(d))))] }
	return fmt.Sprintf("%d results, UI update latency p50 %s p95 %s max %s", len(d), q(0.5).Round(10*time.Microsecond),
		q(0.95).Round(10*time.Microsecond), d[len(d)-1].Round(10*time.Microsecond))
}
