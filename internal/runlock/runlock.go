// Package runlock keeps two goft processes from writing one run's files at
// once: a run (or one part of a multi-process run) holds an exclusive lock
// on a lock file in its run folder for as long as it runs, and goft merge
// checks that no part still holds one.
//
// The lock is flock(2) on the lock file (on systems without flock it is a
// no-op, see lock_other.go): the kernel releases it when the process ends
// in any way, SIGKILL and out-of-memory kills included, so a killed run
// never leaves a stale lock behind and no PID check (which PID reuse would
// fool) is needed. The file itself stays; it holds a line naming the last
// holder (PID, command line, start time) for the message a second process
// gets.
package runlock

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// ErrHeld is returned (wrapped, with the holder) when another process holds
// the lock.
var ErrHeld = errors.New("another goft process is working in this folder")

// Lock is a held lock. Release it when the run ends (the process's end
// releases it too).
type Lock struct {
	// Path is the lock file.
	Path string
	f    *os.File
}

// Acquire takes the lock file at path without waiting, creating the file
// if needed, and records this process as its holder. When another process
// holds it, the error wraps ErrHeld and names the holder and the file.
func Acquire(path string) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open the run lock %s: %w", path, err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	if held {
		holder := describe(f)
		f.Close()
		return nil, fmt.Errorf("%w (%s; lock file %s): wait for it to end, or use another folder", ErrHeld, holder, path)
	}
	// Record the holder for others' messages (best effort: a full disk must
	// not stop the run here; the lock itself is what protects the folder).
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "pid %d, %q, since %s\n", os.Getpid(), strings.Join(os.Args, " "), time.Now().UTC().Format(time.RFC3339))
	}
	return &Lock{Path: path, f: f}, nil
}

// Release gives the lock up. It is safe to call more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := unlock(l.f)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// Busy reports whether another process holds the lock file at path, and
// names the holder. A missing file is not busy.
func Busy(path string) (holder string, busy bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("cannot open the run lock %s: %w", path, err)
	}
	defer f.Close()
	held, err := tryLock(f)
	if err != nil {
		return "", false, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	if held {
		return describe(f), true, nil
	}
	unlock(f)
	return "", false, nil
}

// describe reads the holder line of a lock file.
func describe(f *os.File) string {
	b := make([]byte, 512)
	n, _ := f.ReadAt(b, 0)
	s := strings.TrimSpace(string(b[:n]))
	if s == "" {
		return "holder unknown"
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// pidOf returns the PID recorded in a holder line, for tests.
func pidOf(holder string) int {
	f := strings.Fields(strings.TrimPrefix(holder, "pid "))
	if len(f) == 0 {
		return 0
	}
	p, _ := strconv.Atoi(strings.TrimSuffix(f[0], ","))
	return p
}
