package run

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/internal/demo"
	"github.com/goft-sft/goft/sim"
)

// BenchmarkCheckpoint measures, at production size (1024x512, 8
// realizations, attenuated flows and diffusion, as bench/production), the
// cost of one checkpoint write (its own temporary folder's disk) and of
// one time step, for the checkpoint policy's cost and loss figures in
// bench/RESULTS.md.
func BenchmarkCheckpoint(b *testing.B) {
	dir := b.TempDir()
	if err := psihdf.Write(filepath.Join(dir, "br0.h5"), demo.Map(1024, 512), false); err != nil {
		b.Fatal(err)
	}
	in := `&hipft_input_parameters
  initial_map_filename = 'br0.h5'
  n_realizations = 8
  time_end = 100000.0
  dt_max = 1.0
  output_history_time_cadence = 1.0
  advance_flow = .true.
  flow_attenuate = .true.
  flow_attenuate_value = 500.0
  flow_dr_model = 1
  flow_mf_model = 1
  advance_diffusion = .true.
  diffusion_coef_constants = 100.0, 175.0, 250.0, 325.0, 400.0, 475.0, 550.0, 625.0
/
`
	p, err := input.ParseWith(strings.NewReader(in), filepath.Join(dir, "hipft.in"), input.Options{SkipFileChecks: true})
	if err != nil {
		b.Fatal(err)
	}
	r, err := New(p, Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if err := r.Start(); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		op   func() error
	}{
		{"write", r.WriteCheckpoint},
		{"keep-before-last-step", func() error { return r.beforeLastStep(nil, sim.Moment{}) }},
		{"step", func() error { return r.Advance() }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.op(); err != nil {
					b.Fatal(fmt.Errorf("%s: %w", c.name, err))
				}
			}
		})
	}
}
