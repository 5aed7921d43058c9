package gpu

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/ebitengine/purego"
)

// devPtr is a device address (CUdeviceptr).
type devPtr uint64

// device is what the backend needs from a GPU: memory, copies and kernel
// launches, all in one stream, in order. Every method must be called
// through run (on the device's own OS thread). The CUDA implementation is
// *cudaDevice; tests use a fake that checks the launches.
type device interface {
	// run executes call(b) on the device's thread and returns its error.
	// Backend methods pass a method expression, e.g.
	// d.run((*backend).advect, b), with their arguments in b.call,
	// so that the time loop allocates nothing.
	run(call func(*backend) error, b *backend) error
	alloc(bytes int) (devPtr, error) // zero-filled
	free(p devPtr)
	htod(dst devPtr, src unsafe.Pointer, bytes int) error
	dtoh(dst unsafe.Pointer, src devPtr, bytes int) error
	dtod(dst, src devPtr, bytes int) error
	// launch runs kernel name on a (gx, gy) grid of blocks of threads
	// threads with arguments a (checked against the kernel's declared
	// kinds); bytes is the memory traffic the kernel must at least move
	// (for the profile).
	launch(name string, gx, gy, threads int, bytes float64, a *kernelArgs) error
	info() *Info
	close()
}

// Info describes the device a backend runs on.
type Info struct {
	Name          string  // e.g. "NVIDIA H200"
	Ordinal       int     // CUDA device ordinal
	Chosen        string  // how the ordinal was chosen when not asked for (a local rank)
	Major, Minor  int     // compute capability
	MemBytes      uint64  // global memory
	SMs           int     // multiprocessors
	Driver        int     // CUDA driver version (e.g. 13000)
	NVRTC         string  // NVRTC version (e.g. "13.0")
	Target        string  // what the kernels were compiled for (sm_90 or compute_XY)
	CUDALib       string  // the driver library loaded
	NVRTCLib      string  // the NVRTC library loaded
	CompileTime   float64 // seconds spent compiling (0 when the cache had it)
	CacheFile     string  // the compiled image in the cache, if any
	LoadedFromDir bool    // the image came from the cache

	shape stsShape // the blocked diffusion stages' compiled shape
}

// String is the one-line description goft logs.
func (i *Info) String() string {
	src := fmt.Sprintf("NVRTC %s, %s", i.NVRTC, i.Target)
	if i.LoadedFromDir {
		src += " (cached)"
	}
	if i.Chosen != "" {
		src += "; chosen by " + i.Chosen
	}
	return fmt.Sprintf("GPU %d: %s (compute capability %d.%d, %d SMs, %.1f GiB; CUDA driver %d.%d; %s)",
		i.Ordinal, i.Name, i.Major, i.Minor, i.SMs, float64(i.MemBytes)/(1<<30), i.Driver/1000, (i.Driver%1000)/10, src)
}

// worker runs jobs on one locked OS thread: a CUDA context is current
// per thread, so every driver call of a device goes through its worker.
type worker struct {
	mu   sync.Mutex
	req  chan job
	done chan error
}

// job is one call on the worker's thread: call(b), or fn when call is nil.
// A backend method passes a method expression and its backend (no
// closure, so the time loop allocates nothing); set-up passes closures.
type job struct {
	call func(*backend) error
	b    *backend
	fn   func() error
}

// run runs j and turns a panic into an error.
func (j job) run() (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("gpu: panic on the device thread: %v", p)
		}
	}()
	if j.call != nil {
		return j.call(j.b)
	}
	return j.fn()
}

func newWorker() *worker {
	w := &worker{req: make(chan job), done: make(chan error)}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		for j := range w.req {
			w.done <- j.run()
		}
	}()
	return w
}

// do runs j on the worker's thread and returns its error.
func (w *worker) do(j job) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.req <- j
	return <-w.done
}

func (w *worker) stop() { close(w.req) }

// Process-wide library state: the libraries are loaded, and cuInit
// called, once.
var (
	libOnce  sync.Once
	libCUDA  *cudaAPI
	libNVRTC *nvrtcAPI
	libErr   error
	initOnce sync.Once
	initErr  error
)

// loadLibs loads and binds the driver library and NVRTC (fast: no driver
// initialisation).
func loadLibs() (*cudaAPI, *nvrtcAPI, error) {
	libOnce.Do(func() {
		cu, err := loadCUDA(os.Getenv)
		if err != nil {
			libErr = err
			return
		}
		nv, err := loadNVRTC(os.Getenv)
		if err != nil {
			libErr = err
			return
		}
		libCUDA, libNVRTC = cu, nv
	})
	return libCUDA, libNVRTC, libErr
}

// initDriver loads the libraries and initialises the driver.
func initDriver() (*cudaAPI, *nvrtcAPI, error) {
	cu, nv, err := loadLibs()
	if err != nil {
		return nil, nil, err
	}
	initOnce.Do(func() {
		if err := cu.check("cuInit", cu.cuInit(0)); err != nil {
			initErr = fmt.Errorf("%w (is the NVIDIA kernel driver loaded and a GPU visible? see nvidia-smi)", err)
		}
	})
	return cu, nv, initErr
}

// cudaDevice is a device through the CUDA driver API.
type cudaDevice struct {
	cu  *cudaAPI
	w   *worker
	dev int32
	ctx uintptr
	mod uintptr
	fns map[string]uintptr
	sig map[string]string
	inf Info

	pin  runtime.Pinner
	args *[maxKernelArgs]uint64         // argument values, one 8-byte slot each (pinned)
	ptrs *[maxKernelArgs]unsafe.Pointer // the parameter pointers cuLaunchKernel reads (pinned)
	geo  *geo                           // the Geo argument's copy (pinned)

	allocs map[devPtr]int
	prof   *profile
	// sys holds the arguments of a raw driver call (syscall).
	sys []uintptr
}

// CUDA device attributes (CUdevice_attribute).
const (
	attrMultiprocessors = 16
	attrCCMajor         = 75
	attrCCMinor         = 76
)

// openDevice initialises device ordinal, makes its primary context
// current on a new worker thread, and compiles (or loads from the cache)
// and loads the kernels.
func openDevice(opts Options) (*cudaDevice, error) {
	cu, nv, err := initDriver()
	if err != nil {
		return nil, err
	}
	d := &cudaDevice{cu: cu, w: newWorker(), allocs: map[devPtr]int{}, sys: make([]uintptr, 11),
		args: new([maxKernelArgs]uint64), ptrs: new([maxKernelArgs]unsafe.Pointer), geo: new(geo)}
	d.pin.Pin(d.args)
	d.pin.Pin(d.ptrs)
	d.pin.Pin(d.geo)
	if d.sig, err = kernelSignatures(); err != nil {
		return nil, err
	}
	err = d.w.do(job{fn: func() error {
		var n int32
		if err := cu.check("cuDeviceGetCount", cu.cuDeviceGetCount(&n)); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("the CUDA driver (%s) found no GPU", cu.path)
		}
		ordinal, chosen, err := pickOrdinal(opts, int(n))
		if err != nil {
			return err
		}
		if err := cu.check("cuDeviceGet", cu.cuDeviceGet(&d.dev, int32(ordinal))); err != nil {
			return err
		}
		inf := &d.inf
		inf.Ordinal, inf.Chosen, inf.CUDALib, inf.NVRTCLib = ordinal, chosen, cu.path, nv.path
		name := make([]byte, 256)
		if err := cu.check("cuDeviceGetName", cu.cuDeviceGetName(&name[0], int32(len(name)), d.dev)); err != nil {
			return err
		}
		inf.Name = cString(&name[0])
		var v int32
		for _, a := range []struct {
			attr int32
			dst  *int
		}{{attrCCMajor, &inf.Major}, {attrCCMinor, &inf.Minor}, {attrMultiprocessors, &inf.SMs}} {
			if err := cu.check("cuDeviceGetAttribute", cu.cuDeviceGetAttribute(&v, a.attr, d.dev)); err != nil {
				return err
			}
			*a.dst = int(v)
		}
		if err := cu.check("cuDeviceTotalMem", cu.cuDeviceTotalMem(&inf.MemBytes, d.dev)); err != nil {
			return err
		}
		if err := cu.check("cuDriverGetVersion", cu.cuDriverGetVersion(&v)); err != nil {
			return err
		}
		inf.Driver = int(v)
		if err := cu.check("cuDevicePrimaryCtxRetain", cu.cuDevicePrimaryCtxRetain(&d.ctx, d.dev)); err != nil {
			return err
		}
		if err := cu.check("cuCtxSetCurrent", cu.cuCtxSetCurrent(d.ctx)); err != nil {
			cu.cuDevicePrimaryCtxRelease(d.dev)
			d.ctx = 0
			return err
		}
		if inf.shape, err = parseSTSShape(opts.STSShape); err != nil {
			return err
		}
		image, err := compileKernels(nv, inf, opts.CacheDir)
		if err != nil {
			return err
		}
		if err := cu.check("cuModuleLoadData ("+inf.Target+")", cu.cuModuleLoadData(&d.mod, unsafe.Pointer(&image[0]))); err != nil {
			if inf.CacheFile != "" {
				os.Remove(inf.CacheFile) // a stale or damaged cache entry: compile afresh next time
			}
			return err
		}
		d.fns = map[string]uintptr{}
		for name := range d.sig {
			var fn uintptr
			if err := cu.check("cuModuleGetFunction("+name+")", cu.cuModuleGetFunction(&fn, d.mod, name)); err != nil {
				return err
			}
			d.fns[name] = fn
		}
		// A first allocation finishes the context's lazy set-up now (Open
		// runs this while the run reads its inputs).
		p, err := d.alloc(1 << 20)
		if err != nil {
			return err
		}
		d.free(p)
		return nil
	}})
	if err != nil {
		d.close()
		return nil, gpuError(err)
	}
	if opts.Profile != "" {
		d.prof = newProfile(opts.Profile)
	}
	return d, nil
}

// pickOrdinal returns the device ordinal opts asks for among n devices,
// and, when it follows from a local rank, how it was chosen.
func pickOrdinal(opts Options, n int) (int, string, error) {
	if opts.LocalRankFrom != "" {
		if opts.LocalRank < 0 {
			return 0, "", fmt.Errorf("local rank %d (%s) is negative", opts.LocalRank, opts.LocalRankFrom)
		}
		o := opts.LocalRank % n
		return o, fmt.Sprintf("local rank %d (%s) of %d GPUs", opts.LocalRank, opts.LocalRankFrom, n), nil
	}
	if opts.Device < 0 || opts.Device >= n {
		return 0, "", fmt.Errorf("GPU %d asked for, but the CUDA driver found %d (ordinals 0..%d)", opts.Device, n, n-1)
	}
	return opts.Device, "", nil
}

// compileKernels returns the kernels compiled for the device: from the
// cache (cacheDir; "" is the user cache folder, "off" disables it) or by
// NVRTC, for the device's own architecture (a cubin) when NVRTC knows it,
// else as PTX for the newest architecture NVRTC supports below it.
func compileKernels(nv *nvrtcAPI, inf *Info, cacheDir string) ([]byte, error) {
	var major, minor int32
	if err := nv.check("nvrtcVersion", nv.nvrtcVersion(&major, &minor)); err != nil {
		return nil, err
	}
	inf.NVRTC = fmt.Sprintf("%d.%d", major, minor)
	want := inf.Major*10 + inf.Minor
	arch, cubin := want, nv.hasCUBIN
	if nv.hasSupportedArchs {
		var n int32
		if err := nv.check("nvrtcGetNumSupportedArchs", nv.nvrtcGetNumSupportedArchs(&n)); err != nil {
			return nil, err
		}
		archs := make([]int32, n)
		if n > 0 {
			if err := nv.check("nvrtcGetSupportedArchs", nv.nvrtcGetSupportedArchs(&archs[0])); err != nil {
				return nil, err
			}
		}
		best := -1
		for _, a := range archs {
			if int(a) <= want && int(a) > best {
				best = int(a)
			}
		}
		if best < 0 {
			return nil, fmt.Errorf("NVRTC %s (%s) supports no architecture at or below the device's compute capability %d.%d", inf.NVRTC, nv.path, inf.Major, inf.Minor)
		}
		if best != want {
			arch, cubin = best, false // PTX, which the driver compiles for the device
		}
	}
	target := fmt.Sprintf("sm_%d", arch)
	if !cubin {
		target = fmt.Sprintf("compute_%d", arch)
	}
	inf.Target = target
	opts := append([]string{"--gpu-architecture=" + target, "--fmad=false"}, inf.shape.defines()...)
	src := kernelSource()

	var cacheFile string
	if dir := resolveCacheDir(cacheDir); dir != "" {
		h := sha256.Sum256([]byte(src + "\x00" + strings.Join(opts, "\x00") + "\x00" + inf.NVRTC + "\x00" + nv.path))
		cacheFile = filepath.Join(dir, "kernels-"+target+"-"+hex.EncodeToString(h[:12])+".bin")
		if b, err := os.ReadFile(cacheFile); err == nil && len(b) > 0 {
			inf.CacheFile, inf.LoadedFromDir = cacheFile, true
			return b, nil
		}
	}

	t0 := time.Now()
	var prog uintptr
	if err := nv.check("nvrtcCreateProgram", nv.nvrtcCreateProgram(&prog, src+"\x00", "goft_kernels.cu\x00", 0, nil, nil)); err != nil {
		return nil, err
	}
	defer nv.nvrtcDestroyProgram(&prog)
	cOpts := make([][]byte, len(opts))
	ptrs := make([]*byte, len(opts))
	var pin runtime.Pinner
	defer pin.Unpin()
	for i, o := range opts {
		cOpts[i] = append([]byte(o), 0)
		pin.Pin(&cOpts[i][0])
		ptrs[i] = &cOpts[i][0]
	}
	res := nv.nvrtcCompileProgram(prog, int32(len(opts)), unsafe.Pointer(&ptrs[0]))
	runtime.KeepAlive(cOpts)
	log := programLog(nv, prog)
	if err := nv.check("nvrtcCompileProgram("+strings.Join(opts, " ")+")", res); err != nil {
		return nil, fmt.Errorf("%w; compiler log:\n%s", err, log)
	}
	var size uint64
	var image []byte
	if cubin {
		if err := nv.check("nvrtcGetCUBINSize", nv.nvrtcGetCUBINSize(prog, &size)); err != nil {
			return nil, err
		}
		image = make([]byte, size)
		if err := nv.check("nvrtcGetCUBIN", nv.nvrtcGetCUBIN(prog, &image[0])); err != nil {
			return nil, err
		}
	} else {
		if err := nv.check("nvrtcGetPTXSize", nv.nvrtcGetPTXSize(prog, &size)); err != nil {
			return nil, err
		}
		image = make([]byte, size+1) // NUL-terminated for cuModuleLoadData
		if err := nv.check("nvrtcGetPTX", nv.nvrtcGetPTX(prog, &image[0])); err != nil {
			return nil, err
		}
	}
	inf.CompileTime = time.Since(t0).Seconds()
	if cacheFile != "" {
		if err := os.MkdirAll(filepath.Dir(cacheFile), 0o755); err == nil {
			tmp := fmt.Sprintf("%s.%d.tmp", cacheFile, os.Getpid())
			if os.WriteFile(tmp, image, 0o644) == nil && os.Rename(tmp, cacheFile) == nil {
				inf.CacheFile = cacheFile
			} else {
				os.Remove(tmp)
			}
		}
	}
	return image, nil
}

func programLog(nv *nvrtcAPI, prog uintptr) string {
	var n uint64
	if nv.nvrtcGetProgramLogSize(prog, &n) != 0 || n <= 1 {
		return ""
	}
	b := make([]byte, n)
	if nv.nvrtcGetProgramLog(prog, &b[0]) != 0 {
		return ""
	}
	return strings.TrimRight(string(b), "\x00\n")
}

// resolveCacheDir returns the kernel cache folder: dir, $GOFT_GPU_CACHE,
// or the user cache folder; "" when caching is off.
func resolveCacheDir(dir string) string {
	if dir == "" {
		dir = os.Getenv("GOFT_GPU_CACHE")
	}
	if dir == "off" {
		return ""
	}
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(c, "goft", "gpu")
	}
	return dir
}

// run runs call(b) on the device thread. Its errors, such as a failed
// copy, say that they come from the GPU.
func (d *cudaDevice) run(call func(*backend) error, b *backend) error {
	return gpuError(d.w.do(job{call: call, b: b}))
}

// gpuError prefixes err with "gpu: ", once however many layers pass it on;
// nil stays nil.
func gpuError(err error) error {
	if err == nil || strings.HasPrefix(err.Error(), "gpu: ") {
		return err
	}
	return fmt.Errorf("gpu: %w", err)
}
func (d *cudaDevice) info() *Info { return &d.inf }

func (d *cudaDevice) alloc(bytes int) (devPtr, error) {
	if bytes <= 0 {
		bytes = 8
	}
	var p uint64
	if err := d.cu.check(fmt.Sprintf("cuMemAlloc(%d bytes)", bytes), d.cu.cuMemAlloc(&p, uint64(bytes))); err != nil {
		return 0, err
	}
	if err := d.cu.check("cuMemsetD8", d.cu.cuMemsetD8(p, 0, uint64(bytes))); err != nil {
		d.cu.cuMemFree(p)
		return 0, err
	}
	d.allocs[devPtr(p)] = bytes
	return devPtr(p), nil
}

func (d *cudaDevice) free(p devPtr) {
	if _, ok := d.allocs[p]; ok {
		d.cu.cuMemFree(uint64(p))
		delete(d.allocs, p)
	}
}

// syscall calls the driver function at fn with the arguments d.sys[:n]
// (on the device thread). Unlike the registered functions it allocates
// nothing; the caller keeps any Go memory an argument points to alive.
func (d *cudaDevice) syscall(fn uintptr, n int) cuResult {
	r, _, _ := purego.SyscallN(fn, d.sys[:n]...)
	return cuResult(int32(r))
}

func (d *cudaDevice) htod(dst devPtr, src unsafe.Pointer, bytes int) error {
	if bytes == 0 {
		return nil
	}
	d.sys[0], d.sys[1], d.sys[2] = uintptr(dst), uintptr(src), uintptr(bytes)
	r := d.syscall(d.cu.symHtoD, 3)
	runtime.KeepAlive(src)
	return d.cu.check("cuMemcpyHtoD", r)
}

func (d *cudaDevice) dtoh(dst unsafe.Pointer, src devPtr, bytes int) error {
	if bytes == 0 {
		return nil
	}
	d.sys[0], d.sys[1], d.sys[2] = uintptr(dst), uintptr(src), uintptr(bytes)
	r := d.syscall(d.cu.symDtoH, 3)
	runtime.KeepAlive(dst)
	return d.cu.check("cuMemcpyDtoH", r)
}

func (d *cudaDevice) dtod(dst, src devPtr, bytes int) error {
	if bytes == 0 {
		return nil
	}
	d.sys[0], d.sys[1], d.sys[2] = uintptr(dst), uintptr(src), uintptr(bytes)
	return d.cu.check("cuMemcpyDtoD", d.syscall(d.cu.symDtoD, 3))
}

// packArgs copies a's values into slots (the Geo struct into g) and
// points ptrs, the parameter pointers CUDA reads, at them.
func packArgs(a *kernelArgs, slots *[maxKernelArgs]uint64, ptrs *[maxKernelArgs]unsafe.Pointer, g *geo) {
	for i := 0; i < a.n; i++ {
		if a.kinds[i] == 'g' {
			*g = *a.geo
			ptrs[i] = unsafe.Pointer(g)
			continue
		}
		slots[i] = a.slots[i]
		ptrs[i] = unsafe.Pointer(&slots[i])
	}
}

func (d *cudaDevice) launch(name string, gx, gy, threads int, bytes float64, a *kernelArgs) error {
	fn, ok := d.fns[name]
	if !ok {
		return fmt.Errorf("gpu: no kernel %s", name)
	}
	if err := a.check(name, d.sig[name]); err != nil {
		return gpuError(err)
	}
	packArgs(a, d.args, d.ptrs, d.geo)
	if gx <= 0 || gy <= 0 {
		return nil // nothing to do
	}
	var ev [2]uintptr
	if d.prof != nil {
		ev = d.prof.start(d.cu)
	}
	// cuLaunchKernel(fn, grid gx x gy x 1, block threads x 1 x 1, no dynamic
	// shared memory, the default stream, the parameter pointers, no extra).
	s := d.sys
	s[0], s[1], s[2], s[3], s[4], s[5], s[6] = fn, uintptr(uint32(gx)), uintptr(uint32(gy)), 1, uintptr(uint32(threads)), 1, 1
	s[7], s[8], s[9], s[10] = 0, 0, uintptr(unsafe.Pointer(&d.ptrs[0])), 0
	if r := d.syscall(d.cu.symLaunch, 11); r != 0 {
		return gpuError(d.cu.check("cuLaunchKernel("+name+")", r))
	}
	if d.prof != nil {
		if err := d.prof.stop(d.cu, ev, name, bytes); err != nil {
			return fmt.Errorf("gpu: kernel %s: %w", name, err)
		}
	}
	return nil
}

// close frees everything the device holds and stops its thread.
func (d *cudaDevice) close() {
	if d.w == nil {
		return
	}
	d.w.do(job{fn: func() error {
		if d.prof != nil {
			d.prof.report(d)
		}
		ps := make([]devPtr, 0, len(d.allocs))
		for p := range d.allocs {
			ps = append(ps, p)
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		for _, p := range ps {
			d.free(p)
		}
		if d.mod != 0 {
			d.cu.cuModuleUnload(d.mod)
			d.mod = 0
		}
		if d.ctx != 0 {
			d.cu.cuDevicePrimaryCtxRelease(d.dev)
			d.ctx = 0
		}
		return nil
	}})
	d.w.stop()
	d.w = nil
	d.pin.Unpin()
}
