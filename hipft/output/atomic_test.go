package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// shortDisk is an appendTarget over a real file that accepts only room more
// bytes, then fails as a full disk does: the write that crosses the limit
// writes what fits and returns ENOSPC.
type shortDisk struct {
	*os.File
	room int
}

func (d *shortDisk) Write(b []byte) (int, error) {
	if len(b) <= d.room {
		d.room -= len(b)
		return d.File.Write(b)
	}
	n, _ := d.File.Write(b[:d.room])
	d.room = 0
	return n, syscall.ENOSPC
}

// TestAppendFileFullDisk fills the disk at every byte of a line: the file
// always ends with its last whole line, the error names the file, and
// lines written once space is freed follow on.
func TestAppendFileFullDisk(t *testing.T) {
	lines := []string{"STEP TIME", "1 0.5", "2 1.0", "3 1.5"}
	whole := strings.Join(lines, "\n") + "\n"
	for room := 0; room < len(whole); room++ {
		path := filepath.Join(t.TempDir(), "hist.out")
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		disk := &shortDisk{File: f, room: room}
		a := &AppendFile{Path: path, f: disk}
		var failed error
		for _, l := range lines {
			if failed = a.Line(l); failed != nil {
				break
			}
		}
		if failed == nil || !strings.Contains(failed.Error(), path) || !errors.Is(failed, syscall.ENOSPC) {
			t.Fatalf("room %d: error %v, want ENOSPC naming %s", room, failed, path)
		}
		b, _ := os.ReadFile(path)
		if len(b) > 0 && b[len(b)-1] != '\n' || !strings.HasPrefix(whole, string(b)) {
			t.Fatalf("room %d: the file holds %q, not whole lines of %q", room, b, whole)
		}
		disk.room = 1 << 20 // space freed
		if err := a.Line("4 2.0"); err != nil {
			t.Fatal(err)
		}
		b, _ = os.ReadFile(path)
		if !strings.HasSuffix(string(b), "\n4 2.0\n") && string(b) != "4 2.0\n" {
			t.Fatalf("room %d: after freeing space the file holds %q", room, b)
		}
		a.Close()
	}
}
