//go:build !linux

package advection

// threadCPU returns 0: the thread CPU time is read on Linux only.
func threadCPU() int64 { return 0 }
