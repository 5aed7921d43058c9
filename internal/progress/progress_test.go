package progress

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// fakeClock returns a clock that starts at t0 and advances as told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestQuietWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := New(&buf, 0, 10)
	p.Update(1, 5, 10)
	p.Done()
	if p.Enabled() || buf.Len() != 0 {
		t.Errorf("wrote %q to a buffer", buf.String())
	}
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if New(f, 0, 10).Enabled() {
		t.Error("enabled on a regular file")
	}
	var nilP *Progress
	nilP.Update(1, 1, 1) // must not panic
	nilP.Done()
}

func TestLine(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		start     float64
		step      int64
		time, end float64
		wall      time.Duration
		want      []string
		notWant   string
	}{
		{"quarter", 0, 25, 30, 120, 10 * time.Second,
			[]string{"step 25", "t = 30.0 / 120.0 h", " 25.0%", "2.5 steps/s", "ETA 0:00:30"}, ""},
		{"offset start", 100, 10, 150, 200, 100 * time.Second,
			[]string{"step 10", " 50.0%", "0.1 steps/s", "ETA 0:01:40"}, ""},
		{"finished", 0, 12, 48, 48, 2 * time.Second,
			[]string{"100.0%", "6.0 steps/s"}, "ETA"},
		{"long", 0, 1, 1, 1000, time.Hour,
			[]string{"ETA 999:00:00"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &fakeClock{t0}
			var buf bytes.Buffer
			p := NewAlways(&buf, tc.start, tc.end)
			p.now = clk.now
			p.Update(1, tc.start, tc.end) // first update starts the clock
			clk.t = t0.Add(tc.wall)
			p.Update(tc.step, tc.time, tc.end)
			line := p.Line(clk.t)
			for _, w := range tc.want {
				if !strings.Contains(line, w) {
					t.Errorf("line %q lacks %q", line, w)
				}
			}
			if tc.notWant != "" && strings.Contains(line, tc.notWant) {
				t.Errorf("line %q has %q", line, tc.notWant)
			}
		})
	}
}

func TestRedrawAndDone(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := &fakeClock{t0}
	var buf bytes.Buffer
	p := NewAlways(&buf, 0, 100)
	p.now = clk.now
	p.Update(1, 1, 100)
	n := strings.Count(buf.String(), "\r")
	for i := int64(2); i < 10; i++ { // within the refresh interval: no redraw
		clk.t = clk.t.Add(time.Millisecond)
		p.Update(i, float64(i), 100)
	}
	if got := strings.Count(buf.String(), "\r"); got != n {
		t.Errorf("%d redraws within %v, want none", got-n, refresh)
	}
	clk.t = clk.t.Add(time.Second)
	p.Update(50, 50, 100)
	if !strings.Contains(buf.String(), "step 50") {
		t.Errorf("no redraw after a second: %q", buf.String())
	}
	p.Update(51, 51, 100) // pending, shown by Done
	p.Done()
	out := buf.String()
	if !strings.HasSuffix(out, "\n") || !strings.Contains(out, "step 51") {
		t.Errorf("Done should draw the last state and end the line: %q", out)
	}
	// A shorter line is padded to blank out the longer one before it.
	last := out[strings.LastIndex(out, "\r")+1:]
	prev := out[:strings.LastIndex(out, "\r")]
	prev = prev[strings.LastIndex(prev, "\r")+1:]
	if len(strings.TrimSuffix(last, "\n")) < len(prev) {
		t.Errorf("line %q shorter than the previous %q", last, prev)
	}
}

func TestWidthLimit(t *testing.T) {
	var buf bytes.Buffer
	p := NewAlways(&buf, 0, 100)
	p.width = 20
	p.Update(1, 1, 100)
	line := strings.TrimPrefix(buf.String(), "\r")
	if len(line) > 19 {
		t.Errorf("line %q longer than the 20-column terminal allows", line)
	}
}
