package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// Counter is a progress line for work counted in items (files, disks):
// "disk 3/10  30.0%  0.5 disks/s  ETA 0:00:14". Like Progress it writes
// only to a terminal (NewCounterAlways: always), redraws in place at most
// a few times a second, and its methods may be called on a nil *Counter.
type Counter struct {
	w           io.Writer
	on          bool
	unit        string
	total, done int
	now         func() time.Time
	began, last time.Time
	lastLen     int
	started     bool
}

// NewCounter returns a progress line for total items named unit (singular,
// e.g. "disk") written to w, silent unless w is a terminal.
func NewCounter(w io.Writer, unit string, total int) *Counter {
	c := &Counter{w: w, unit: unit, total: total, now: time.Now}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		c.on = true
	}
	c.began = c.now()
	return c
}

// NewCounterAlways is NewCounter without the terminal check.
func NewCounterAlways(w io.Writer, unit string, total int) *Counter {
	c := NewCounter(w, unit, total)
	c.on = true
	return c
}

// Update records that done items are complete and redraws the line if
// the last redraw is old enough (or all items are done).
func (c *Counter) Update(done int) {
	if c == nil || !c.on {
		return
	}
	c.done = done
	now := c.now()
	if c.started && now.Sub(c.last) < refresh && done < c.total {
		return
	}
	c.started, c.last = true, now
	overwrite(c.w, c.Line(now), &c.lastLen)
}

// Line returns the text of the line at wall time now.
func (c *Counter) Line(now time.Time) string {
	frac := 0.0
	if c.total > 0 {
		frac = float64(c.done) / float64(c.total)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d/%d  %5.1f%%", c.unit, c.done, c.total, 100*frac)
	if el := now.Sub(c.began).Seconds(); el > 0 && c.done > 0 {
		fmt.Fprintf(&b, "  %.2f %ss/s", float64(c.done)/el, c.unit)
		if frac < 1 {
			fmt.Fprintf(&b, "  ETA %s", clock(el*(1-frac)/frac))
		}
	}
	return b.String()
}

// Done ends the line so that later output starts on a new line.
func (c *Counter) Done() {
	if c == nil || !c.on || !c.started {
		return
	}
	fmt.Fprintln(c.w)
	c.started = false
}
