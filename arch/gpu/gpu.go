// Package gpu runs goft's field kernels on an NVIDIA GPU, from the same
// pure-Go binary (no cgo, no CUDA toolkit at build time).
//
// At run time it loads the CUDA driver library (libcuda.so.1) and NVRTC
// (libnvrtc.so) with purego, compiles the CUDA C kernels embedded in the
// binary (kernels/*.cu) for the compute capability of the device it finds
// (--fmad=false, so that every pointwise formula is rounded exactly as the
// Go code it mirrors), keeps the compiled image in a cache folder, and
// implements run.Backend with them: diffusion (FE, RKL2, RKG2, fixed and
// automatic PTL subcycling; the RKL2/RKG2 stages several per launch),
// advection (all four methods, pole rows, WENO3 alphas, the CFL
// reduction), flow attenuation, the source terms (run.SourceBackend: the
// file source's and the RFE's frames are kept on the device), data
// assimilation (run.AssimBackend: the host reads and prepares each map, the
// device applies it), the history reductions and the non-finite check.
// Fields stay on the device for the whole run; the driver downloads them
// only for map output and checkpoints.
//
// The architecture is a parameter of the numerics, not a copy of them:
// the advection integrators (Euler, SSPRK(3,3), SSPRK(4,3)) and the flow
// CFL limit exist once, in model/advection (advection.Integrate and
// advection.StableStep over advection.Kernels), and the diffusion steppers
// (the fixed and PTL subcycling with its cycle estimate and hook, Euler
// substeps, the RKL2/RKG2 super steps and their coefficients) once, in
// model/diffusion (diffusion.Stepper.AdvanceOn over diffusion.Kernels).
// This package supplies the device kernels those are written over
// (advKernels in advect.go, diffKernels in diffuse.go: apply the operator
// and combine stages, the CFL and PTL reductions, the super-step start,
// stages and end) and the device management; the CPU's kernels are the
// Advector's and the Stepper's own.
//
// Agreement with the CPU: the pointwise kernels and the ring sums at the
// poles (done serially, in the CPU's order) give the CPU's bits; the
// maxima and minima (PTL, CFL) are exact reductions. What differs in the
// last bits is the order of the history sums (a deterministic tree on the
// device) and tanh in the attenuation (CUDA's against Go's math.Tanh).
//
// A CUDA context is current per OS thread, so every driver call of a
// device runs on one goroutine locked to its thread; backend methods send
// their device work there. A time step allocates nothing (kernel
// arguments are built in place).
//
// Testing without a GPU: a fake device checks every launch (kernel,
// argument kinds, pointers inside allocations) and copy; a CPU emulator
// (testdata/emu.cpp, built by the host's C++ compiler with AddressSanitizer
// and UBSan) runs the kernels thread by thread (coroutines switched at the
// barriers), blocks and threads in a shuffled order so that races change
// the result, and the tests require the CPU's bits; a fake CUDA driver
// (testdata/fakecuda.cpp: the driver and NVRTC functions over host memory
// and the emulator) runs the Device tests through the real driver path;
// clang compiles the kernels as CUDA device code for several
// architectures. GOFT_GPU_EMU=0 skips the emulator,
// GOFT_GPU_EMU_ORDER sets its schedule (forward, reverse, shuffle:SEED),
// GOFT_GPU_EMU_SANITIZE=0 builds it without sanitizers and
// GOFT_GPU_EMU_LARGE=1 adds a run on the production mesh (minutes). On a
// machine with a GPU the Device tests compare it with the CPU, and
// bench/gpu-check.sh runs the checks and timings of issue #8.
//
// Environment: GOFT_CUDA_LIB and GOFT_NVRTC_LIB name the libraries,
// GOFT_GPU_DEVICE the device ordinal (goft run otherwise takes a
// launcher's node-local rank modulo the number of GPUs, Options.LocalRank),
// GOFT_GPU_CACHE the kernel cache folder ("off" disables it),
// GOFT_GPU_PROFILE turns on the per-kernel profile ("1" to stderr, else a
// file name), GOFT_GPU_STAGES sets the RKL2/RKG2 stages one launch
// advances (1 to the halo; default the halo) and GOFT_GPU_STS_SHAPE the
// blocked stages' shape (Options.STSShape).
package gpu

import (
	"fmt"
	"os"
	"strconv"
	"sync"

	"github.com/goft-sft/goft/hipft/run"
)

// Options select the device and the backend's extras.
type Options struct {
	// Device is the CUDA device ordinal.
	Device int
	// LocalRank, when LocalRankFrom is not "", chooses the device instead
	// of Device: ordinal LocalRank modulo the number of devices, so that
	// the processes of an ensemble on one node spread over its GPUs.
	// LocalRankFrom names where the rank came from (a launcher variable).
	LocalRank     int    // this process's rank on its node (0-based)
	LocalRankFrom string // the launcher variable that gave LocalRank
	// CacheDir holds compiled kernels ("" : $GOFT_GPU_CACHE or the user
	// cache folder; "off": no cache).
	CacheDir string
	// Profile, if not "", times every kernel and writes a per-kernel table
	// when the backend closes ("1" or "stderr", or a file name).
	Profile string
	// StagesPerLaunch is how many RKL2/RKG2 stages one kernel launch
	// advances (diff_sts_block): 0 is the shape's halo (4 by default); 1
	// launches every stage on its own (diff_pole_sums + diff_sts_stage),
	// for comparison. The results are the same bits either way.
	StagesPerLaunch int
	// STSShape compiles diff_sts_block for another shape, "H,JxK": halo
	// and most stages per launch H, tiles of J theta rows by K phi
	// columns including the halos ("" is "4,64x32"). For tuning; the
	// results are the same bits for every shape.
	STSShape string
}

// DefaultOptions reads the options from the environment: GOFT_GPU_DEVICE,
// GOFT_GPU_CACHE, GOFT_GPU_PROFILE and GOFT_GPU_STAGES (stages per launch).
func DefaultOptions() (Options, error) {
	o := Options{CacheDir: os.Getenv("GOFT_GPU_CACHE"), Profile: os.Getenv("GOFT_GPU_PROFILE")}
	if s := os.Getenv("GOFT_GPU_DEVICE"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return o, fmt.Errorf("GOFT_GPU_DEVICE=%q is not a device ordinal (0, 1, ...)", s)
		}
		o.Device = n
	}
	o.STSShape = os.Getenv("GOFT_GPU_STS_SHAPE")
	shape, err := parseSTSShape(o.STSShape)
	if err != nil {
		return o, fmt.Errorf("GOFT_GPU_STS_SHAPE: %w", err)
	}
	if s := os.Getenv("GOFT_GPU_STAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > shape.halo {
			return o, fmt.Errorf("GOFT_GPU_STAGES=%q is not a number of diffusion stages per launch: give 1 to %d (the halo of GOFT_GPU_STS_SHAPE %s)", s, shape.halo, shape)
		}
		o.StagesPerLaunch = n
	}
	return o, nil
}

// Factory returns a run.BackendFactory that opens the device when the run
// creates its backend; the backend releases it on Close.
func Factory(opts Options) run.BackendFactory {
	return func(s *run.BackendSetup) (run.Backend, error) {
		b, err := prepareBackend(s)
		if err != nil {
			return nil, gpuError(err)
		}
		d, err := openDevice(opts)
		if err != nil {
			return nil, err
		}
		return attachTo(b, d, opts)
	}
}

// Open starts opening the device and returns a factory whose first
// backend uses it (later ones open their own). The driver and NVRTC
// libraries are loaded at once, so that a run asked to use a GPU on a
// machine without the NVIDIA driver or NVRTC fails immediately with a
// message naming what is missing; the driver's initialisation, the
// context and the kernels (compiled, or loaded from the cache) are set up
// in the background while the run reads its inputs and the factory does the
// backend's host work (prepareBackend), and an error there (no device,
// say) is returned when the run creates its backend.
func Open(opts Options) (run.BackendFactory, error) {
	if _, _, err := loadLibs(); err != nil {
		return nil, err
	}
	type opened struct {
		d   *cudaDevice
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		d, err := openDevice(opts)
		ch <- opened{d, err}
	}()
	var mu sync.Mutex
	first := true
	return func(s *run.BackendSetup) (run.Backend, error) {
		mu.Lock()
		wasFirst := first
		first = false
		mu.Unlock()
		if !wasFirst {
			return Factory(opts)(s)
		}
		b, err := prepareBackend(s)
		if err != nil {
			go func() { // the device being opened is not needed
				if o := <-ch; o.d != nil {
					o.d.close()
				}
			}()
			return nil, gpuError(err)
		}
		o := <-ch
		if o.err != nil {
			return nil, o.err
		}
		return attachTo(b, o.d, opts)
	}, nil
}

// Probe reports the device that Open would use, or why there is none.
func Probe(opts Options) (*Info, error) {
	d, err := openDevice(opts)
	if err != nil {
		return nil, err
	}
	defer d.close()
	inf := *d.info()
	return &inf, nil
}

// attachTo sets the prepared backend b up on d, closing d on failure.
func attachTo(b *backend, d *cudaDevice, opts Options) (run.Backend, error) {
	if err := b.attach(d, opts); err != nil {
		d.close()
		return nil, gpuError(err)
	}
	return b, nil
}
