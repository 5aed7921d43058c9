package input

import (
	"bytes"
	"testing"
)

// FuzzParse checks that no hipft.in makes parameter processing panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte("&hipft_input_parameters\n res_nt=21\n res_np=41\n n_realizations=2\n diffusion_coef_constants=1.,2.\n/\n"))
	f.Add([]byte("&hipft_input_parameters\n n_realizations=-5\n flow_num_method=9\n/\n"))
	f.Add([]byte("&hipft_input_parameters\n time_end=1d308\n dt_max=-0.\n output_map_idx_cadence=3\n output_map_time_cadence=2.\n/\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseWith(bytes.NewReader(data), "fuzz.in", Options{SkipFileChecks: true})
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := p.WriteUsed(&b); err != nil {
			t.Fatalf("WriteUsed: %v", err)
		}
		if err := p.WriteRealizationTable(&b); err != nil {
			t.Fatalf("WriteRealizationTable: %v", err)
		}
	})
}
