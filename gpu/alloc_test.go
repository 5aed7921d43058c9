package gpu

import (
	"strings"
	"testing"

	"goft/input"
	"goft/run"
)

// TestStepIsAllocationFree is run's test of the same name on the GPU
// backend (with the fake device, which allocates nothing per launch): a
// time step with attenuated AFT flows, WENO3 advection, automatic RKG2
// diffusion in blocked stages allocates nothing once the
// run is set up, so kernel arguments and device calls cost no garbage.
func TestStepIsAllocationFree(t *testing.T) {
	in := `&hipft_input_parameters
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
	p, err := input.ParseWith(strings.NewReader(in), "alloc.in", input.Options{SkipFileChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	var fd *fakeDevice
	factory := func(s *run.BackendSetup) (run.Backend, error) {
		if fd, err = newFakeDevice(); err != nil {
			return nil, err
		}
		return newBackend(fd, s, Options{})
	}
	r, err := run.New(p, run.Options{Dir: t.TempDir(), Workers: 2, Backend: factory})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 0; i < 3; i++ { // warm up: first flow update, CFL, coefficient tables
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	before := fd.launches["diff_sts_block"] + fd.launches["adv_update"]
	allocs := testing.AllocsPerRun(20, func() {
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	})
	if fd.launches["diff_sts_block"] == 0 || fd.launches["adv_update"]+fd.launches["diff_sts_block"] == before {
		t.Fatalf("the measured steps launched no blocked stages or advection (%v)", fd.launches)
	}
	if allocs != 0 {
		t.Fatalf("a time step allocates %.1f times", allocs)
	}
}
