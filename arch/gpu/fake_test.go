package gpu

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/run"
)

// fakeDevice stands in for a GPU on machines without one: it keeps
// "device" arrays in host memory and checks every copy and launch (kernel
// declared, arguments of the declared kinds, every pointer inside an
// allocation) but runs no kernel except set_u64, so the field does not
// evolve. It exercises the backend's orchestration end to end.
type fakeDevice struct {
	next     devPtr
	mem      map[devPtr][]byte
	sig      map[string]string
	launches map[string]int
	inf      Info
}

func newFakeDevice() (*fakeDevice, error) {
	sig, err := kernelSignatures()
	if err != nil {
		return nil, err
	}
	return &fakeDevice{next: 1 << 20, mem: map[devPtr][]byte{}, sig: sig, launches: map[string]int{},
		inf: Info{Name: "fake"}}, nil
}

func (f *fakeDevice) run(call func(*backend) error, b *backend) error { return call(b) }
func (f *fakeDevice) info() *Info                                     { return &f.inf }
func (f *fakeDevice) close()                                          {}
func (f *fakeDevice) free(p devPtr)                                   { delete(f.mem, p) }

func (f *fakeDevice) alloc(n int) (devPtr, error) {
	if n <= 0 {
		n = 8
	}
	p := f.next
	f.next += devPtr((n+255)/256*256 + 256) // a gap catches overruns
	f.mem[p] = make([]byte, n)
	return p, nil
}

// span returns the bytes [p, p+n) of the allocation holding them.
func (f *fakeDevice) span(p devPtr, n int) ([]byte, error) {
	for base, b := range f.mem {
		if p >= base && p+devPtr(n) <= base+devPtr(len(b)) {
			return b[p-base : int(p-base)+n], nil
		}
	}
	return nil, fmt.Errorf("device range [%#x, +%d) is not inside an allocation", p, n)
}

func (f *fakeDevice) htod(dst devPtr, src unsafe.Pointer, n int) error {
	b, err := f.span(dst, n)
	if err != nil {
		return err
	}
	copy(b, unsafe.Slice((*byte)(src), n))
	return nil
}

func (f *fakeDevice) dtoh(dst unsafe.Pointer, src devPtr, n int) error {
	b, err := f.span(src, n)
	if err != nil {
		return err
	}
	copy(unsafe.Slice((*byte)(dst), n), b)
	return nil
}

func (f *fakeDevice) dtod(dst, src devPtr, n int) error {
	a, err := f.span(src, n)
	if err != nil {
		return err
	}
	b, err := f.span(dst, n)
	if err != nil {
		return err
	}
	copy(b, a)
	return nil
}

func (f *fakeDevice) launch(name string, gx, gy, threads int, bytes float64, a *kernelArgs) error {
	kinds, ok := f.sig[name]
	if !ok {
		return fmt.Errorf("no kernel %s", name)
	}
	if err := a.check(name, kinds); err != nil {
		return err
	}
	for i := 0; i < a.n; i++ {
		switch a.kinds[i] {
		case 'p':
			if a.slots[i] == 0 { // unused (upwind's alphas and weights)
				continue
			}
			if _, err := f.span(devPtr(a.slots[i]), 8); err != nil {
				return fmt.Errorf("kernel %s argument %d: %w", name, i, err)
			}
		case 'g':
			for q := 5; q < len(geoFields); q++ {
				if _, err := f.span(devPtr(a.geo[q]), 8); err != nil {
					return fmt.Errorf("kernel %s Geo.%s: %w", name, geoFields[q], err)
				}
			}
		}
	}
	if gx <= 0 || gy <= 0 || threads <= 0 || threads > 1024 {
		return fmt.Errorf("kernel %s: bad launch shape %d x %d blocks of %d", name, gx, gy, threads)
	}
	f.launches[name]++
	if name == "set_u64" {
		b, err := f.span(devPtr(a.slots[0]), 16)
		if err != nil {
			return err
		}
		binary.LittleEndian.PutUint64(b, a.slots[1])
		binary.LittleEndian.PutUint64(b[8:], a.slots[2])
	}
	return nil
}

// Namelists of small runs that together use every kernel and code path of
// the backend.
var testCases = map[string]string{
	"diffuse_rkg2_auto_verbose": `res_nt = 21
 res_np = 41
 n_realizations = 2
 validation_run = 1
 verbose = 2
 time_end = 12.0
 dt_max = 4.0
 advance_diffusion = .true.
 diffusion_coef_constants = 200.0, 800.0`,
	"diffuse_rkl2_fixed": `res_nt = 21
 res_np = 41
 validation_run = 1
 time_end = 8.0
 dt_max = 4.0
 advance_diffusion = .true.
 diffusion_num_method = 2
 diffusion_subcycles = 3
 diffusion_coef_constant = 500.0`,
	"diffuse_fe_fixed": `res_nt = 21
 res_np = 41
 validation_run = 1
 time_end = 1.0
 dt_max = 0.5
 advance_diffusion = .true.
 diffusion_num_method = 1
 diffusion_subcycles = 2
 diffusion_coef_constant = 500.0`,
	"advect_weno_ssprk43": `res_nt = 21
 res_np = 41
 validation_run = 2
 time_end = 24.0
 dt_max = 1.0
 advance_flow = .true.
 flow_vp_rigid_omega = -9999.0
 flow_vt_const = -9999.0
 flow_num_method = 4`,
	"advect_weno_ssprk33": `res_nt = 21
 res_np = 41
 validation_run = 2
 time_end = 24.0
 dt_max = 1.0
 advance_flow = .true.
 flow_vp_rigid_omega = -9999.0
 flow_vt_const = -9999.0
 flow_num_method = 3`,
	"advect_upwind_ssprk33": `res_nt = 21
 res_np = 41
 validation_run = 2
 time_end = 24.0
 dt_max = 1.0
 advance_flow = .true.
 flow_vp_rigid_omega = -9999.0
 flow_vt_const = -9999.0
 flow_num_method = 2
 upwind = 0.8`,
	"advect_upwind_fe": `res_nt = 21
 res_np = 41
 validation_run = 2
 time_end = 24.0
 dt_max = 1.0
 advance_flow = .true.
 flow_vp_rigid_omega = -9999.0
 flow_num_method = 1`,
	"diffuse_rkg2_grid_coef": `res_nt = 21
 res_np = 41
 n_realizations = 2
 validation_run = 1
 time_end = 12.0
 dt_max = 4.0
 advance_diffusion = .true.
 diffusion_coef_grid = .true.
 diffusion_coef_constants = 200.0, 800.0`,
	"atten_aft_strang": `res_nt = 21
 res_np = 41
 n_realizations = 3
 validation_run = 1
 time_end = 48.0
 dt_max = 6.0
 strang_splitting = .true.
 advance_flow = .true.
 flow_attenuate = .true.
 flow_attenuate_values = 0.5, 2.0, 0.0
 flow_dr_model = 1
 flow_mf_model = 1
 flow_dr_coef_p0_values = 41.4, 46.0, 50.6
 flow_mf_coef_p1_values = 2200.0, 2200.0, 1780.0
 advance_diffusion = .true.
 diffusion_coef_constants = 100.0, 300.0, 600.0`,
}

// runCaseWith runs namelist body in a new folder of t's temporary
// directory with backend factory be (nil: the CPU) and returns the folder
// and the final field. Each prepare function runs first, with the folder
// (to write input files) and the run options (to set more of them).
func runCaseWith(t *testing.T, name, body string, be run.BackendFactory, prepare ...func(dir string, o *run.Options)) (string, []float64, *input.Params) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	o := run.Options{Dir: dir, Backend: be}
	for _, f := range prepare {
		f(dir, &o)
	}
	nl := "&hipft_input_parameters\n " + body + "\n/\n"
	path := filepath.Join(dir, "hipft.in")
	if err := os.WriteFile(path, []byte(nl), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := input.ParseWith(strings.NewReader(nl), path, input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	r, err := run.New(p, o)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer r.Close()
	if err := r.Execute(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return dir, append([]float64(nil), r.F...), p
}

// TestFakeDeviceRuns drives the backend through whole runs on the fake
// device: every launch is checked against the kernels' declarations and
// every pointer against the allocations. Each case (deviceCases) runs with
// the blocked STS stages (the default) and with one launch per stage, and
// together they must launch every kernel.
func TestFakeDeviceRuns(t *testing.T) {
	all := map[string]int{}
	for _, opts := range []Options{{}, {StagesPerLaunch: 1}} {
		for _, c := range deviceCases(t) {
			var fd *fakeDevice
			be := func(s *run.BackendSetup) (run.Backend, error) {
				var err error
				if fd, err = newFakeDevice(); err != nil {
					return nil, err
				}
				return newBackend(fd, s, opts)
			}
			runCaseWith(t, c.name, c.body, be, c.prepare...)
			for k, n := range fd.launches {
				all[k] += n
			}
			if strings.Contains(c.body, "advance_diffusion = .true.") && !strings.Contains(c.body, "diffusion_num_method = 1") {
				if blocked := fd.launches["diff_sts_block"] > 0; blocked != (opts.StagesPerLaunch != 1) {
					t.Errorf("%s with %d stages per launch: diff_sts_block launched %d times", c.name, opts.StagesPerLaunch, fd.launches["diff_sts_block"])
				}
			}
		}
	}
	sigs, _ := kernelSignatures()
	for k := range sigs {
		if all[k] == 0 {
			t.Errorf("kernel %s was never launched by the test runs", k)
		}
	}
}
