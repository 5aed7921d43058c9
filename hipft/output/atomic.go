// Package output writes HipFT's run outputs: the per-realization history
// files, the output map list, the timing summary, and any file atomically
// (temporary file in the same folder, fsync, rename), so that a killed run
// never leaves a partial file under a final name.
package output

import (
	"fmt"
	"io"
	"os"

	"github.com/goft-sft/goft/internal/atomicfile"
)

// WriteFileAtomic writes path through write: the data goes to a temporary
// file in the same directory, which is synced and renamed over path only
// when write succeeded. On any error the temporary file is removed and path
// is untouched (package atomicfile).
func WriteFileAtomic(path string, write func(w io.Writer) error) error {
	return atomicfile.Write(path, write)
}

// AppendFile is a text file that receives whole lines: each Line call is a
// single write of the complete line, so a crash never leaves half a line,
// and a write that fails part way (a full disk) is cut back off, so the
// file never ends mid-line.
type AppendFile struct {
	Path string // the file's path
	f    appendTarget
	size int64 // the length of the whole lines written
	buf  []byte
}

// appendTarget is what an AppendFile writes to: an *os.File, or a test's
// failing writer.
type appendTarget interface {
	Write(b []byte) (int, error)
	Truncate(size int64) error
	Sync() error
	Close() error
}

// CreateAppendFile creates (truncating) path and writes header as its first
// line.
func CreateAppendFile(path, header string) (*AppendFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", path, err)
	}
	a := &AppendFile{Path: path, f: f}
	if err := a.Line(header); err != nil {
		f.Close()
		return nil, err
	}
	return a, nil
}

// ResumeAppendFile opens an existing file for appending after cutting it
// to size bytes: the length it had when a checkpoint was written, so that
// lines written after the checkpoint are dropped on resume.
func ResumeAppendFile(path string, size int64) (*AppendFile, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot resume %s: %w", path, err)
	}
	if st.Size() < size {
		return nil, fmt.Errorf("cannot resume %s: it has %d bytes, fewer than the %d the checkpoint recorded (was it replaced?)", path, st.Size(), size)
	}
	if err := os.Truncate(path, size); err != nil {
		return nil, fmt.Errorf("cannot resume %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot resume %s: %w", path, err)
	}
	return &AppendFile{Path: path, f: f, size: size}, nil
}

// Len returns the length in bytes of the whole lines written (the file's
// length once they reach it; no system call).
func (a *AppendFile) Len() int64 { return a.size }

// Sync flushes the file to stable storage.
func (a *AppendFile) Sync() error { return a.f.Sync() }

// Line appends s and a newline in one write. When the write fails part
// way (a full disk, a quota), the part written is cut off again, so that
// the file ends with its last whole line, and the error names the file.
func (a *AppendFile) Line(s string) error {
	a.buf = append(append(a.buf[:0], s...), '\n')
	n, err := a.f.Write(a.buf)
	if err == nil {
		a.size += int64(n)
		return nil
	}
	if n > 0 {
		if terr := a.f.Truncate(a.size); terr != nil {
			return fmt.Errorf("writing %s: %w (and cutting off the partial line failed: %v)", a.Path, err, terr)
		}
	}
	return fmt.Errorf("writing %s: %w (the file ends with its last whole line)", a.Path, err)
}

// Close closes the file.
func (a *AppendFile) Close() error {
	if a == nil || a.f == nil {
		return nil
	}
	err := a.f.Close()
	a.f = nil
	return err
}
