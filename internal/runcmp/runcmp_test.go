package runcmp

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder is a testing.TB that records errors instead of failing.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, a ...any) {
	r.errs = append(r.errs, strings.TrimSpace(fmt.Sprintf(format, a...)))
}

func TestCompare(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	write := func(dir, name, text string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	for _, d := range []string{a, b} {
		write(d, "same.out", "x\n")
		write(d, "hipft_timing.out", d) // differs, never compared
		write(d, "goft_checkpoint.bin", d)
	}
	write(a, "maps/m.h5", "1")
	write(b, "maps/m.h5", "2")
	write(a, "gone.out", "g")
	write(b, "new.out", "n")
	want, got := Outputs(t, a, "*", "maps/*"), Outputs(t, b, "*", "maps/*")
	if len(want) != 3 {
		t.Fatalf("read %d files, want 3 (timing and checkpoint left out): %v", len(want), want)
	}
	r := &recorder{TB: t}
	Compare(r, want, got, "run B")
	wantErrs := []string{"gone.out: missing in run B", "maps/m.h5: run B's differs (1 bytes, want 1)", "new.out: written only by run B"}
	if strings.Join(r.errs, "|") != strings.Join(wantErrs, "|") {
		t.Errorf("errors %q, want %q", r.errs, wantErrs)
	}
}
