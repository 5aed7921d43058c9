package advection

import "golang.org/x/sys/unix"

// threadCPU returns the CPU time (ns) the calling OS thread has used; the
// benchmarks lock their goroutine to its thread and report it, which is
// steadier than wall time on a shared machine.
func threadCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}
