package progress

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestCounter(t *testing.T) {
	var b bytes.Buffer
	c := NewCounterAlways(&b, "disk", 4)
	t0 := c.began
	clock := t0
	c.now = func() time.Time { return clock }
	clock = t0.Add(2 * time.Second)
	c.Update(1)
	if got, want := c.Line(clock), "disk 1/4   25.0%  0.50 disks/s  ETA 0:00:06"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	c.Update(2) // too soon: not drawn
	clock = clock.Add(time.Second)
	c.Update(4)
	c.Done()
	if out := b.String(); strings.Count(out, "\r") != 2 || !strings.Contains(out, "\rdisk 4/4  100.0%  1.33 disks/s ") || !strings.HasSuffix(out, "\n") {
		t.Errorf("output %q", out)
	}
	// Not a terminal: silent.
	var q bytes.Buffer
	s := NewCounter(&q, "disk", 2)
	s.Update(1)
	s.Done()
	var nilc *Counter
	nilc.Update(1)
	nilc.Done()
	if q.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal", q.String())
	}
}
