// Package testenv says which of goft's tests run. goft's default test
// command, go test ./..., runs every package and every integrator in well
// under a minute; the long checks (the HipFT testsuite cases that run for
// minutes, a whole-run kill-and-resume of a built binary, a production-size
// HipFT example, the GPU kernel emulator built with AddressSanitizer and
// UndefinedBehaviorSanitizer) run when GOFT_LONG_TESTS=1, which CI
// (.ci/run) sets:
//
//	GOFT_LONG_TESTS=1 go test ./...
//
// Every test skipped for length says so, and names the variable.
package testenv

import (
	"os"
	"testing"
)

// LongVar is the environment variable that turns the long tests on.
const LongVar = "GOFT_LONG_TESTS"

// Long reports whether the long tests run (GOFT_LONG_TESTS=1).
func Long() bool { return os.Getenv(LongVar) == "1" }

// SkipUnlessLong skips t, saying why and how to run it, unless the long
// tests run. what describes the test's length ("about 40 s").
func SkipUnlessLong(t testing.TB, what string) {
	t.Helper()
	if !Long() {
		t.Skipf("long test (%s): set %s=1 to run it", what, LongVar)
	}
}
