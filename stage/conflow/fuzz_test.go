package conflow

import (
	"bytes"
	"testing"
)

// FuzzParse checks that no conflow.dat makes the parameter reading panic,
// and that what it accepts passes Check with a usable number of maps.
func FuzzParse(f *testing.F) {
	f.Add([]byte(documented))
	f.Add([]byte("&conflow_input_parameters\n n_lat=16\n n_long=32\n tmax=1d4\n dtime=900.\n/\n"))
	f.Add([]byte("&conflow_input_parameters\n n_long=1000\n spectrum_mod_model=7\n random_seed_value=-2147483648\n/\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(bytes.NewReader(data), "fuzz.dat")
		if err != nil {
			return
		}
		if err := p.Check(); err != nil {
			t.Fatalf("Parse accepted parameters that Check refuses: %v", err)
		}
		if n := p.NumFiles(); n < 1 || n > MaxFiles {
			t.Fatalf("Parse accepted %d maps", n)
		}
		if p.NLong&(p.NLong-1) != 0 || p.NLong < 2*p.NLat-1 {
			t.Fatalf("Parse accepted n_long %d with n_lat %d", p.NLong, p.NLat)
		}
	})
}
