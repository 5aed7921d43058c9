//go:build windows

package gpu

import "syscall"

// dlopen loads the DLL at path (a file name alone is looked up on the
// DLL search path): on Windows the CUDA driver is nvcuda.dll and NVRTC
// nvrtc64_*.dll, which $GOFT_CUDA_LIB and $GOFT_NVRTC_LIB name (the
// default candidates are Linux's).
func dlopen(path string) (uintptr, error) {
	h, err := syscall.LoadLibrary(path)
	return uintptr(h), err
}

// dlsym returns the address of the function name in the DLL h.
func dlsym(h uintptr, name string) (uintptr, error) {
	return syscall.GetProcAddress(syscall.Handle(h), name)
}
