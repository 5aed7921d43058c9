package namelist

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/goft-sft/goft/internal/datadir"
)

// FuzzParse checks that no input makes the namelist reader panic or hang.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"&hipft_input_parameters\n res_nt = 180\n res_np = 360\n/\n",
		"&g a='x''y', b=.true., c=3*1.5d0, d(2)=4 /",
		"&g ! comment\n x = 1,2,,3\n/ trailing",
		"&g s=\"unterminated\n/",
		"&g x=1e400 /",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if suite, ok := datadir.Testsuite(); ok {
		ents, _ := filepath.Glob(filepath.Join(suite, "*", "input", "hipft.in"))
		for _, e := range ents {
			if b, err := os.ReadFile(e); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, entries, err := Parse(bytes.NewReader(data), "fuzz.in")
		if err != nil {
			return
		}
		for _, e := range entries {
			for _, v := range e.Values {
				v.Int()
				v.Float()
				v.Bool()
				v.Str()
			}
		}
	})
}
