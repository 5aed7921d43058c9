package gpu

import (
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/run"
)

// allocCase is the run of the allocation tests: attenuated AFT flows,
// WENO3 advection, automatic RKG2 diffusion in blocked stages.
const allocCase = `&hipft_input_parameters
  res_nt = 40
  res_np = 61
  n_realizations = 2
  validation_run = 1
  time_end = 100000.0
  dt_max = 1.0
  output_history_time_cadence = 100000.0
  advance_flow = .true.
  flow_dr_model = 1
  flow_mf_model = 1
  flow_attenuate = .true.
  advance_diffusion = .true.
  diffusion_coef_constants = 300.0, 900.0
/
`

// allocsPerStep sets allocCase up on the backend factory, takes three
// steps to warm up (first flow update, CFL, coefficient tables) and
// returns the allocations of a further step, and the run.
func allocsPerStep(t *testing.T, factory run.BackendFactory) float64 {
	t.Helper()
	p, err := input.ParseWith(strings.NewReader(allocCase), "alloc.in", input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := run.New(p, run.Options{Dir: t.TempDir(), Workers: 2, Backend: factory})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 0; i < 3; i++ {
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	return testing.AllocsPerRun(20, func() {
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	})
}

// TestStepIsAllocationFree is run's test of the same name on the GPU
// backend with the fake device (which allocates nothing per launch): a
// time step of allocCase allocates nothing once the run is set up, so
// kernel arguments and device calls cost no garbage.
func TestStepIsAllocationFree(t *testing.T) {
	var fd *fakeDevice
	factory := func(s *run.BackendSetup) (run.Backend, error) {
		var err error
		if fd, err = newFakeDevice(); err != nil {
			return nil, err
		}
		return newBackend(fd, s, Options{})
	}
	allocs := allocsPerStep(t, factory)
	if fd.launches["diff_sts_block"] == 0 || fd.launches["adv_update"] == 0 {
		t.Fatalf("the steps launched no blocked stages or advection (%v)", fd.launches)
	}
	if allocs != 0 {
		t.Fatalf("a time step allocates %.1f times", allocs)
	}
}

// TestDeviceStepIsAllocationFree is TestStepIsAllocationFree on the real
// driver path (a GPU, or TestFakeDriver's fake driver): the calls into the
// driver, with their arguments packed into the pinned slots, allocate
// nothing either. (With purego's registered functions, which box every
// argument, a step of this case allocated 324 times.)
func TestDeviceStepIsAllocationFree(t *testing.T) {
	o := needDevice(t)
	o.Profile = "" // the opt-in profile creates and times events at every launch
	if allocs := allocsPerStep(t, Factory(o)); allocs != 0 {
		t.Fatalf("a time step allocates %.1f times", allocs)
	}
}
