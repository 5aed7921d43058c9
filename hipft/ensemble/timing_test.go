package ensemble

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goft-sft/goft/hipft/output"
)

func writeTiming(t *testing.T, dir, name string, tm output.Timing) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := output.WriteFileAtomic(path, tm.WriteFile); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTimingOneProcess checks that the multi-process format of one process
// is exactly the file goft run writes (as in HipFT, where both come from
// the same write_timing).
func TestTimingOneProcess(t *testing.T) {
	dir := t.TempDir()
	tm := output.Timing{Total: 12500 * time.Millisecond, Setup: 250 * time.Millisecond, FluxTransport: 9 * time.Second,
		Advection: 4 * time.Second, Diffusion: 5 * time.Second, Analysis: 125 * time.Millisecond, IO: 3 * time.Second}
	path := writeTiming(t, dir, "t.out", tm)
	pt, err := ReadPartTiming(path)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteTiming(&b, []*PartTiming{pt}); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(path)
	if b.String() != string(want) {
		t.Errorf("one-process timing differs from goft run's:\n%s\nwant\n%s", b.String(), want)
	}
}

func TestTimingStatistics(t *testing.T) {
	dir := t.TempDir()
	var parts []*PartTiming
	for i, total := range []time.Duration{1 * time.Second, 2 * time.Second, 6 * time.Second} {
		pt, err := ReadPartTiming(writeTiming(t, dir, run3(i), output.Timing{Total: total, IO: time.Duration(i) * time.Second}))
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, pt)
	}
	var b strings.Builder
	if err := WriteTiming(&b, parts); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, w := range []string{
		" Processor id =            0\n", " Processor id =            1\n", " Processor id =            2\n",
		" Wall clock time:                   6.00\n",
		// avg 3, min 1, max 6, population standard deviation sqrt(14/3).
		" Wall clock time:               3.000       1.000       6.000       2.160\n",
		" --> I/O:                       1.000       0.000       2.000       0.816\n",
		" --> MPI overhead:              0.000       0.000       0.000       0.000\n",
	} {
		if !strings.Contains(s, w) {
			t.Errorf("merged timing lacks %q:\n%s", w, s)
		}
	}
	if n := strings.Count(s, "Run time summary:"); n != 1 {
		t.Errorf("%d run time summaries, want 1", n)
	}
}

func run3(i int) string { return []string{"a", "b", "c"}[i] }

func TestReadPartTimingErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, text, want string }{
		{"empty.out", "", "not a complete goft timing file"},
		{"cut.out", "----\n Processor id =            0\n Wall clock time:                   6.00\n", "found 1 of 11"},
		{"bad.out", " Wall clock time:   x\n", `"x" is not a time`},
	} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadPartTiming(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: error %v, want one naming the file and saying %q", c.name, err, c.want)
		}
	}
}
