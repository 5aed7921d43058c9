package psihdf

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead checks that no file content makes the map reader panic or hang:
// every input ends in a map or an error.
func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	for i, m := range []*Map{
		{Dims: []int{5, 3}, Scales: [][]float64{{0, 1, 2, 3, 4}, {0, 1, 2}}, Data: make([]float64, 15)},
		{Dims: []int{3, 2, 2}, Scales: [][]float64{{0, 1, 2}, {0, 1}, {1, 2}}, Data: make([]float64, 12)},
	} {
		for _, single := range []bool{false, true} {
			p := filepath.Join(dir, "seed.h5")
			if err := Write(p, m, single); err != nil {
				f.Fatal(err)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
			_ = i
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "f.h5")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Read(p)
		if err == nil && (m == nil || len(m.Data) == 0) {
			t.Fatalf("Read returned no error and no data")
		}
	})
}
