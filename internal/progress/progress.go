// Package progress shows a one-line progress indicator for a run on a
// terminal: the step, the simulated time against the end time (hours), the
// percentage done, the steps per second and the estimated time left. The
// line is redrawn in place with a carriage return at most a few times a
// second. When the output is not a terminal (a file, a pipe, CI logs) it
// writes nothing.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// refresh is the shortest interval between two redraws.
const refresh = 200 * time.Millisecond

// Progress is a progress line. Its methods may be called on a nil
// *Progress, which does nothing.
type Progress struct {
	w                io.Writer
	on               bool
	timeStart        float64 // simulated start time (hours)
	timeEnd          float64 // simulated end time (hours)
	width            int     // terminal width in columns (0: unknown)
	now              func() time.Time
	began, last      time.Time
	firstStep        int64
	started, dirty   bool
	lastLen          int
	lastStep         int64
	lastTime, lastTE float64
}

// New returns a progress line for a run from timeStart to timeEnd
// (simulated hours) written to w. It is silent unless w is a terminal.
func New(w io.Writer, timeStart, timeEnd float64) *Progress {
	p := newProgress(w, timeStart, timeEnd)
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.on = true
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil {
			p.width = cols
		}
	}
	return p
}

// NewAlways is New without the terminal check: it always writes, for
// tests and for callers that know their output shows carriage returns.
func NewAlways(w io.Writer, timeStart, timeEnd float64) *Progress {
	p := newProgress(w, timeStart, timeEnd)
	p.on = true
	return p
}

func newProgress(w io.Writer, timeStart, timeEnd float64) *Progress {
	return &Progress{w: w, timeStart: timeStart, timeEnd: timeEnd, now: time.Now}
}

// Enabled reports whether the line is shown.
func (p *Progress) Enabled() bool { return p != nil && p.on }

// Update records that step has been completed and the simulated time is
// now time, of timeEnd (hours). It matches run.Options.Progress and
// redraws the line when enough wall time has passed since the last redraw.
func (p *Progress) Update(step int64, time, timeEnd float64) {
	if !p.Enabled() {
		return
	}
	now := p.now()
	if !p.started {
		// Rates are measured from the first update, not from the set-up.
		p.started = true
		p.began, p.firstStep = now, step-1
		p.timeStart = min(p.timeStart, time)
	}
	p.lastStep, p.lastTime, p.lastTE = step, time, timeEnd
	p.dirty = true
	if now.Sub(p.last) < refresh && time < timeEnd {
		return
	}
	p.last = now
	p.draw(now)
}

// draw writes the line for the last update.
func (p *Progress) draw(now time.Time) {
	p.dirty = false
	line := p.Line(now)
	if p.width > 1 && len(line) > p.width-1 {
		line = line[:p.width-1]
	}
	overwrite(p.w, line, &p.lastLen)
}

// overwrite draws line over the terminal line of length *lastLen (blanks
// past its end) and records its length.
func overwrite(w io.Writer, line string, lastLen *int) {
	pad := ""
	if n := *lastLen - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	*lastLen = len(line)
	fmt.Fprintf(w, "\r%s%s", line, pad)
}

// Line returns the text of the progress line at wall time now, e.g.
// "step 120  t = 48.0 / 120.0 h  40.0%  35.2 steps/s  ETA 0:00:05".
func (p *Progress) Line(now time.Time) string {
	te := p.lastTE
	if te == 0 {
		te = p.timeEnd
	}
	frac := 0.0
	if span := te - p.timeStart; span > 0 {
		frac = (p.lastTime - p.timeStart) / span
	}
	frac = max(0, min(1, frac))
	elapsed := now.Sub(p.began).Seconds()
	var b strings.Builder
	fmt.Fprintf(&b, "step %d  t = %.1f / %.1f h  %5.1f%%", p.lastStep, p.lastTime, te, 100*frac)
	if elapsed > 0 {
		fmt.Fprintf(&b, "  %.1f steps/s", float64(p.lastStep-p.firstStep)/elapsed)
	}
	if frac > 0 && frac < 1 && elapsed > 0 {
		fmt.Fprintf(&b, "  ETA %s", clock(elapsed*(1-frac)/frac))
	}
	return b.String()
}

// clock formats seconds as H:MM:SS.
func clock(s float64) string {
	t := int64(s + 0.5)
	return fmt.Sprintf("%d:%02d:%02d", t/3600, t/60%60, t%60)
}

// Done draws the final state and ends the line, so that later output
// starts on a new line. It writes nothing if no update was shown.
func (p *Progress) Done() {
	if !p.Enabled() || !p.started {
		return
	}
	if p.dirty {
		p.draw(p.now())
	}
	fmt.Fprintln(p.w)
	p.started = false
}
