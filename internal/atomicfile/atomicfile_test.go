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
