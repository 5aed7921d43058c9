package run

import (
	"strings"
	"testing"

	"github.com/goft-sft/goft/hipft/input"
)

// TestStepIsAllocationFree checks that a time step with flows, attenuation,
// WENO3 advection and automatic RKG2 diffusion allocates nothing once the
// run is set up (no output is due during the measured steps).
func TestStepIsAllocationFree(t *testing.T) {
	in := `&hipft_input_parameters
  res_nt = 31
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
	r, err := New(p, Options{Dir: t.TempDir(), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 0; i < 3; i++ { // warm up: first flow update, CFL, scratch arrays
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(20, func() {
		if err := r.Advance(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("a time step allocates %.1f times", allocs)
	}
}
