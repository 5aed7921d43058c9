package runlock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestAcquireRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".goft-run.lock")
	if _, busy, err := Busy(path); err != nil || busy {
		t.Fatalf("missing lock file: busy %v, %v", busy, err)
	}
	l, err := Acquire(path)
	if err != nil {
		t.Fatal(err)
	}
	// A second open file description, in this process too, is refused.
	_, err = Acquire(path)
	if !errors.Is(err, ErrHeld) || !strings.Contains(err.Error(), path) {
		t.Fatalf("second Acquire: %v, want ErrHeld naming %s", err, path)
	}
	holder, busy, err := Busy(path)
	if err != nil || !busy || pidOf(holder) != os.Getpid() {
		t.Fatalf("Busy: %q %v %v, want held by pid %d", holder, busy, err, os.Getpid())
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	if _, busy, _ := Busy(path); busy {
		t.Fatal("busy after Release")
	}
	l2, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	l2.Release()
}

// TestHelperHoldsLock is run as a child process by TestKilledHolderReleases.
func TestHelperHoldsLock(t *testing.T) {
	path := os.Getenv("GOFT_RUNLOCK_HOLD")
	if path == "" {
		t.Skip("helper process for TestKilledHolderReleases")
	}
	if _, err := Acquire(path); err != nil {
		os.Exit(3)
	}
	os.WriteFile(path+".ready", nil, 0o644)
	time.Sleep(time.Minute)
	os.Exit(0)
}

// TestKilledHolderReleases kills a process that holds the lock with
// SIGKILL: the lock is free at once, without a stale-lock check.
func TestKilledHolderReleases(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".goft-run.lock")
	cmd := exec.Command(os.Args[0], "-test.run", "^TestHelperHoldsLock$")
	cmd.Env = append(os.Environ(), "GOFT_RUNLOCK_HOLD="+path)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(path + ".ready"); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the helper process did not take the lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	holder, busy, err := Busy(path)
	if err != nil || !busy || pidOf(holder) != cmd.Process.Pid {
		t.Fatalf("Busy while the helper runs: %q %v %v, want pid %d", holder, busy, err, cmd.Process.Pid)
	}
	if _, err := Acquire(path); !errors.Is(err, ErrHeld) || !strings.Contains(err.Error(), "pid ") {
		t.Fatalf("Acquire while held: %v", err)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	l, err := Acquire(path)
	if err != nil {
		t.Fatalf("Acquire after the holder was killed: %v", err)
	}
	l.Release()
}

func TestAcquireErrors(t *testing.T) {
	if _, err := Acquire(filepath.Join(t.TempDir(), "missing", "x.lock")); err == nil || !strings.Contains(err.Error(), "x.lock") {
		t.Errorf("lock in a missing folder: %v", err)
	}
}
