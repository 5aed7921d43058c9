// Package runcmp compares the output files of two runs byte for byte, for
// the tests that check that an interrupted, continued, split or emulated
// run writes what an uninterrupted one does.
package runcmp

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Skipped are the files whose bytes depend on wall time and are never
// compared: the timing file and the checkpoint (which holds the timing).
var Skipped = map[string]bool{"hipft_timing.out": true, "goft_checkpoint.bin": true}

// Outputs reads the files of dir matching the glob patterns (relative to
// dir), by path relative to dir, leaving out Skipped.
func Outputs(t testing.TB, dir string, patterns ...string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, pat := range patterns {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			if Skipped[filepath.Base(p)] {
				continue
			}
			if st, err := os.Stat(p); err != nil || st.IsDir() {
				continue
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(dir, p)
			out[rel] = b
		}
	}
	return out
}

// Compare reports as errors of t every file of want that got lacks or
// holds with other bytes, and every file only got has; what names the
// run got comes from ("the resumed run").
func Compare(t testing.TB, want, got map[string][]byte, what string) {
	t.Helper()
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if g, ok := got[n]; !ok {
			t.Errorf("%s: missing in %s", n, what)
		} else if !bytes.Equal(g, want[n]) {
			t.Errorf("%s: %s's differs (%d bytes, want %d)", n, what, len(g), len(want[n]))
		}
	}
	extra := []string{}
	for n := range got {
		if _, ok := want[n]; !ok {
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	for _, n := range extra {
		t.Errorf("%s: written only by %s", n, what)
	}
}
