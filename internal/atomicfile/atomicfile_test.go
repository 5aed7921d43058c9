package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.out")
	if err := WriteBytes(p, []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	// A failed write (as on a full disk), after more than the buffer so
	// that some of it reached the temporary file, leaves the old file and
	// no temporary file, and its error wraps the cause.
	full := errors.New("no space left on device")
	err := Write(p, func(w io.Writer) error {
		w.Write(make([]byte, 1<<21))
		return full
	})
	if !errors.Is(err, full) || !strings.Contains(err.Error(), p) {
		t.Errorf("error %v, want one naming the file and wrapping the cause", err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "one\n" {
		t.Errorf("after a failed write the file holds %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("files left: %v", ents)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
	if err := WriteBytes(filepath.Join(dir, "missing", "b"), nil); err == nil || !strings.Contains(err.Error(), "cannot write") {
		t.Errorf("a missing folder: %v", err)
	}
}

// TestRemoveTemporaries checks that the temporary files of a path (as a
// killed Write leaves them: .NAME.tmp-*) are removed, and nothing else:
// not the file, not other files' temporaries, not a name that only starts
// alike.
func TestRemoveTemporaries(t *testing.T) {
	dir := t.TempDir()
	names := []string{"a.out", ".a.out.tmp-123", ".a.out.tmp-9", ".b.out.tmp-1", ".a.outx.tmp-2", "a.out.tmp-3"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := RemoveTemporaries(filepath.Join(dir, "a.out")); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var left []string
	for _, e := range ents {
		left = append(left, e.Name())
	}
	if got, want := strings.Join(left, " "), ".a.outx.tmp-2 .b.out.tmp-1 a.out a.out.tmp-3"; got != want {
		t.Errorf("left %q, want %q", got, want)
	}
	if err := RemoveTemporaries(filepath.Join(dir, "none", "a.out")); err == nil {
		t.Error("a missing folder: no error")
	}
}
