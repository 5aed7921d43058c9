package gpu

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"
)

// Environment variables that name the libraries explicitly.
const (
	EnvCUDALib  = "GOFT_CUDA_LIB"  // path of libcuda.so.1 (the driver API)
	EnvNVRTCLib = "GOFT_NVRTC_LIB" // path of libnvrtc.so (run-time compilation)
)

// cudaCandidates lists where the CUDA driver library is looked for, in
// order: $GOFT_CUDA_LIB alone when it is set, else the dynamic loader's
// search path and the usual driver folders.
func cudaCandidates(getenv func(string) string) []string {
	if p := getenv(EnvCUDALib); p != "" {
		return []string{p}
	}
	return []string{
		"libcuda.so.1", // the loader's path (ld.so.cache, LD_LIBRARY_PATH)
		"/usr/lib/x86_64-linux-gnu/libcuda.so.1",
		"/usr/local/nvidia/lib64/libcuda.so.1",
		"/usr/lib64/libcuda.so.1",
		"/usr/lib/wsl/lib/libcuda.so.1",
		"libcuda.so",
	}
}

// nvrtcCandidates lists where NVRTC is looked for: $GOFT_NVRTC_LIB alone
// when it is set, else the loader's path, then every libnvrtc.so* in
// $CUDA_HOME/lib64, $CUDA_PATH/lib64, /usr/local/cuda/lib64,
// /usr/local/cuda-*/lib64 and the system library folders, newest version
// first. glob is filepath.Glob (a parameter for tests).
func nvrtcCandidates(getenv func(string) string, glob func(string) ([]string, error)) []string {
	if p := getenv(EnvNVRTCLib); p != "" {
		return []string{p}
	}
	out := []string{"libnvrtc.so"}
	var dirs []string
	for _, v := range []string{"CUDA_HOME", "CUDA_PATH"} {
		if d := getenv(v); d != "" {
			dirs = append(dirs, filepath.Join(d, "lib64"))
		}
	}
	dirs = append(dirs, "/usr/local/cuda/lib64", "/usr/local/cuda-*/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
		"/usr/lib/x86_64-linux-gnu", "/usr/lib64")
	seen := map[string]bool{"libnvrtc.so": true}
	for _, d := range dirs {
		m, _ := glob(filepath.Join(d, "libnvrtc.so*"))
		sort.Slice(m, func(i, j int) bool { return versionLess(m[j], m[i]) })
		for _, p := range m {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	return out
}

// versionLess orders library paths by the version numbers after ".so"
// (libnvrtc.so.12 < libnvrtc.so.13.0.48), then by name.
func versionLess(a, b string) bool {
	va, vb := soVersion(a), soVersion(b)
	for i := 0; i < len(va) && i < len(vb); i++ {
		if va[i] != vb[i] {
			return va[i] < vb[i]
		}
	}
	if len(va) != len(vb) {
		return len(va) < len(vb)
	}
	return a < b
}

func soVersion(p string) []int {
	i := strings.LastIndex(p, ".so")
	if i < 0 {
		return nil
	}
	var v []int
	for _, f := range strings.Split(strings.TrimPrefix(p[i+3:], "."), ".") {
		n, err := strconv.Atoi(f)
		if err != nil {
			break
		}
		v = append(v, n)
	}
	return v
}

// dlopenFirst opens the first library of candidates that loads; the error
// names every candidate tried and why it failed.
func dlopenFirst(what, env string, candidates []string) (uintptr, string, error) {
	var why []string
	for _, c := range candidates {
		h, err := dlopen(c)
		if err == nil {
			return h, c, nil
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, c+":") { // dlerror usually names the file itself
			msg = c + ": " + msg
		}
		why = append(why, msg)
	}
	return 0, "", fmt.Errorf("cannot load %s; set %s to its path if it is elsewhere. Tried:\n  %s", what, env, strings.Join(why, "\n  "))
}

// bind resolves the C functions named in syms into the Go function
// pointers beside them. A missing symbol is an error naming it.
func bind(h uintptr, lib string, syms map[string]any) error {
	names := make([]string, 0, len(syms))
	for n := range syms {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, err := dlsym(h, n)
		if err != nil || p == 0 {
			return fmt.Errorf("%s has no function %s (too old a version?)", lib, n)
		}
		purego.RegisterFunc(syms[n], p)
	}
	return nil
}

// cuResult is a CUDA driver API status (CUresult); 0 is success.
type cuResult int32

// cudaAPI holds the driver API functions goft calls.
type cudaAPI struct {
	path string

	cuInit                    func(flags uint32) cuResult
	cuDriverGetVersion        func(v *int32) cuResult
	cuDeviceGetCount          func(n *int32) cuResult
	cuDeviceGet               func(dev *int32, ordinal int32) cuResult
	cuDeviceGetName           func(name *byte, n int32, dev int32) cuResult
	cuDeviceGetAttribute      func(v *int32, attr int32, dev int32) cuResult
	cuDeviceTotalMem          func(bytes *uint64, dev int32) cuResult
	cuDevicePrimaryCtxRetain  func(ctx *uintptr, dev int32) cuResult
	cuDevicePrimaryCtxRelease func(dev int32) cuResult
	cuCtxSetCurrent           func(ctx uintptr) cuResult
	cuCtxSynchronize          func() cuResult
	cuMemAlloc                func(p *uint64, bytes uint64) cuResult
	cuMemFree                 func(p uint64) cuResult
	cuMemsetD8                func(dst uint64, v uint8, n uint64) cuResult
	cuModuleLoadData          func(mod *uintptr, image unsafe.Pointer) cuResult
	cuModuleUnload            func(mod uintptr) cuResult
	cuModuleGetFunction       func(fn *uintptr, mod uintptr, name string) cuResult
	cuEventCreate             func(ev *uintptr, flags uint32) cuResult
	cuEventDestroy            func(ev uintptr) cuResult
	cuEventRecord             func(ev uintptr, stream uintptr) cuResult
	cuEventSynchronize        func(ev uintptr) cuResult
	cuEventElapsedTime        func(ms *float32, start, end uintptr) cuResult
	cuGetErrorString          func(res cuResult, s **byte) cuResult
	cuGetErrorName            func(res cuResult, s **byte) cuResult

	// The time loop's calls (cuLaunchKernel, cuMemcpyHtoD_v2,
	// cuMemcpyDtoH_v2, cuMemcpyDtoD_v2) as raw symbols, for
	// purego.SyscallN with a reused argument slice (cudaDevice.syscall):
	// a function registered with purego.RegisterFunc boxes every
	// argument, an allocation per argument and call.
	symLaunch, symHtoD, symDtoH, symDtoD uintptr
}

// loadCUDA opens the driver library and binds its functions.
func loadCUDA(getenv func(string) string) (*cudaAPI, error) {
	h, path, err := dlopenFirst("the CUDA driver library libcuda.so.1 (no NVIDIA driver installed?)", EnvCUDALib, cudaCandidates(getenv))
	if err != nil {
		return nil, err
	}
	a := &cudaAPI{path: path}
	err = bind(h, path, map[string]any{
		"cuInit":                       &a.cuInit,
		"cuDriverGetVersion":           &a.cuDriverGetVersion,
		"cuDeviceGetCount":             &a.cuDeviceGetCount,
		"cuDeviceGet":                  &a.cuDeviceGet,
		"cuDeviceGetName":              &a.cuDeviceGetName,
		"cuDeviceGetAttribute":         &a.cuDeviceGetAttribute,
		"cuDeviceTotalMem_v2":          &a.cuDeviceTotalMem,
		"cuDevicePrimaryCtxRetain":     &a.cuDevicePrimaryCtxRetain,
		"cuDevicePrimaryCtxRelease_v2": &a.cuDevicePrimaryCtxRelease,
		"cuCtxSetCurrent":              &a.cuCtxSetCurrent,
		"cuCtxSynchronize":             &a.cuCtxSynchronize,
		"cuMemAlloc_v2":                &a.cuMemAlloc,
		"cuMemFree_v2":                 &a.cuMemFree,
		"cuMemsetD8_v2":                &a.cuMemsetD8,
		"cuModuleLoadData":             &a.cuModuleLoadData,
		"cuModuleUnload":               &a.cuModuleUnload,
		"cuModuleGetFunction":          &a.cuModuleGetFunction,
		"cuEventCreate":                &a.cuEventCreate,
		"cuEventDestroy_v2":            &a.cuEventDestroy,
		"cuEventRecord":                &a.cuEventRecord,
		"cuEventSynchronize":           &a.cuEventSynchronize,
		"cuEventElapsedTime":           &a.cuEventElapsedTime,
		"cuGetErrorString":             &a.cuGetErrorString,
		"cuGetErrorName":               &a.cuGetErrorName,
	})
	if err != nil {
		return nil, err
	}
	for _, s := range []struct {
		name string
		p    *uintptr
	}{{"cuLaunchKernel", &a.symLaunch}, {"cuMemcpyHtoD_v2", &a.symHtoD}, {"cuMemcpyDtoH_v2", &a.symDtoH}, {"cuMemcpyDtoD_v2", &a.symDtoD}} {
		if *s.p, err = dlsym(h, s.name); err != nil || *s.p == 0 {
			return nil, fmt.Errorf("%s has no function %s (too old a version?)", path, s.name)
		}
	}
	return a, nil
}

// check turns a driver status into an error naming the call, the status
// and the driver's description of it, with a hint for a kernel fault.
func (a *cudaAPI) check(call string, r cuResult) error {
	if r == 0 {
		return nil
	}
	name, desc := "CUDA_ERROR_"+strconv.Itoa(int(r)), "unknown error"
	var s *byte
	if a.cuGetErrorName(r, &s) == 0 && s != nil {
		name = cString(s)
	}
	s = nil
	if a.cuGetErrorString(r, &s) == 0 && s != nil {
		desc = cString(s)
	}
	hint := ""
	switch r {
	case 700, 702, 714, 715, 716, 717, 718, 719: // a kernel faulted: the context is lost
		hint = "; a kernel failed on the GPU, possibly one launched before this call (kernels run asynchronously): " +
			"GOFT_GPU_PROFILE=1 waits for every kernel and so names the one that fails. This is a bug in goft's GPU code; please report it with that output"
	}
	return fmt.Errorf("%s failed: %s (%d): %s%s", call, name, int(r), desc, hint)
}

// nvrtcAPI holds the NVRTC functions goft calls.
type nvrtcAPI struct {
	path string

	nvrtcVersion                func(major, minor *int32) int32
	nvrtcGetErrorString         func(res int32) string
	nvrtcCreateProgram          func(prog *uintptr, src string, name string, nHeaders int32, headers, names unsafe.Pointer) int32
	nvrtcDestroyProgram         func(prog *uintptr) int32
	nvrtcCompileProgram         func(prog uintptr, nOpts int32, opts unsafe.Pointer) int32
	nvrtcGetProgramLogSize      func(prog uintptr, n *uint64) int32
	nvrtcGetProgramLog          func(prog uintptr, log *byte) int32
	nvrtcGetPTXSize             func(prog uintptr, n *uint64) int32
	nvrtcGetPTX                 func(prog uintptr, ptx *byte) int32
	nvrtcGetCUBINSize           func(prog uintptr, n *uint64) int32
	nvrtcGetCUBIN               func(prog uintptr, cubin *byte) int32
	nvrtcGetNumSupportedArchs   func(n *int32) int32
	nvrtcGetSupportedArchs      func(archs *int32) int32
	hasCUBIN, hasSupportedArchs bool
}

// loadNVRTC opens NVRTC and binds its functions.
func loadNVRTC(getenv func(string) string) (*nvrtcAPI, error) {
	h, path, err := dlopenFirst("NVRTC, the CUDA run-time compiler libnvrtc.so (part of the CUDA toolkit; usually in /usr/local/cuda/lib64)",
		EnvNVRTCLib, nvrtcCandidates(getenv, filepath.Glob))
	if err != nil {
		return nil, err
	}
	a := &nvrtcAPI{path: path}
	// NVRTC loads its builtins library by soname when it compiles; loading
	// the one beside it now makes that work when its folder is not on the
	// loader's path (errors are left to NVRTC to report).
	if filepath.IsAbs(path) {
		bs, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "libnvrtc-builtins.so*"))
		sort.Slice(bs, func(i, j int) bool { return versionLess(bs[j], bs[i]) })
		for _, b := range bs {
			if _, err := dlopen(b); err == nil {
				break
			}
		}
	}
	err = bind(h, path, map[string]any{
		"nvrtcVersion":           &a.nvrtcVersion,
		"nvrtcGetErrorString":    &a.nvrtcGetErrorString,
		"nvrtcCreateProgram":     &a.nvrtcCreateProgram,
		"nvrtcDestroyProgram":    &a.nvrtcDestroyProgram,
		"nvrtcCompileProgram":    &a.nvrtcCompileProgram,
		"nvrtcGetProgramLogSize": &a.nvrtcGetProgramLogSize,
		"nvrtcGetProgramLog":     &a.nvrtcGetProgramLog,
		"nvrtcGetPTXSize":        &a.nvrtcGetPTXSize,
		"nvrtcGetPTX":            &a.nvrtcGetPTX,
	})
	if err != nil {
		return nil, err
	}
	// Optional functions (CUDA 11.1 and 11.2 on).
	if bind(h, path, map[string]any{"nvrtcGetCUBINSize": &a.nvrtcGetCUBINSize, "nvrtcGetCUBIN": &a.nvrtcGetCUBIN}) == nil {
		a.hasCUBIN = true
	}
	if bind(h, path, map[string]any{"nvrtcGetNumSupportedArchs": &a.nvrtcGetNumSupportedArchs, "nvrtcGetSupportedArchs": &a.nvrtcGetSupportedArchs}) == nil {
		a.hasSupportedArchs = true
	}
	return a, nil
}

// check turns an NVRTC status into an error naming the call.
func (a *nvrtcAPI) check(call string, r int32) error {
	if r == 0 {
		return nil
	}
	return fmt.Errorf("%s failed: %s (%d)", call, a.nvrtcGetErrorString(r), r)
}

// cString copies a NUL-terminated C string.
func cString(p *byte) string {
	if p == nil {
		return ""
	}
	var b []byte
	for q := unsafe.Pointer(p); *(*byte)(q) != 0; q = unsafe.Add(q, 1) {
		b = append(b, *(*byte)(q))
	}
	return string(b)
}
