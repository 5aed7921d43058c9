package input

import (
	"bufio"
	"github.com/goft-sft/goft/internal/datadir"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goft-sft/goft/format/fortranfmt"
	"github.com/goft-sft/goft/format/namelist"
)

// testsuiteDir returns HipFT's testsuite folder (datadir.Testsuite) and
// skips the test when it is absent.
func testsuiteDir(t *testing.T) string {
	t.Helper()
	dir, ok := datadir.Testsuite()
	if !ok {
		t.Skip("HipFT testsuite not found (set GOFT_HIPFT_TESTSUITE or provide ../shared/hipft-testsuite)")
	}
	return dir
}

func testCases(t *testing.T) []string {
	dir := testsuiteDir(t)
	cases, _ := filepath.Glob(filepath.Join(dir, "*", "input", "hipft.in"))
	if len(cases) != 7 {
		t.Fatalf("found %d testsuite inputs, want 7", len(cases))
	}
	for i := range cases {
		cases[i] = filepath.Dir(filepath.Dir(cases[i]))
	}
	return cases
}

// same16 compares two reals to the 16 significant digits of the old
// gfortran dumps (which print some values with only 16).
func same16(a, b float64) bool {
	return strconv.FormatFloat(a, 'e', 15, 64) == strconv.FormatFloat(b, 'e', 15, 64)
}

// TestTestsuiteInputs parses the seven HipFT testsuite inputs and compares
// every parameter with HipFT's own dump, hipft_run_parameters_used.out.
// The reference dumps come from HipFT 1.14.0, which wrote the namelist
// before processing: scalars are compared directly; arrays are compared
// raw (all 2000 elements) and, after applying HipFT's realization-default
// rule to the dump, with our processed values.
func TestTestsuiteInputs(t *testing.T) {
	for _, dir := range testCases(t) {
		name := filepath.Base(dir)
		t.Run(name, func(t *testing.T) {
			t.Chdir(filepath.Join(dir, "input"))
			p, err := ReadFile("hipft.in")
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Warnings) > 0 {
				t.Errorf("warnings: %q", p.Warnings)
			}
			f, err := os.Open("hipft.in")
			if err != nil {
				t.Fatal(err)
			}
			raw, err := parseRaw(f, "hipft.in")
			f.Close()
			if err != nil {
				t.Fatal(err)
			}

			df, err := os.Open(filepath.Join(dir, "reference", "hipft_run_parameters_used.out"))
			if err != nil {
				t.Fatal(err)
			}
			defer df.Close()
			group, entries, err := namelist.Parse(df, "hipft_run_parameters_used.out")
			if err != nil {
				t.Fatal(err)
			}
			if group != GroupName {
				t.Errorf("dump group %q", group)
			}
			dumpScalar := map[string]float64{}
			for _, e := range entries {
				if len(e.Values) == 1 {
					if v, err := e.Values[0].Float(); err == nil {
						dumpScalar[e.Name] = v
					}
				}
			}
			seen := map[string]bool{}
			for _, e := range entries {
				seen[e.Name] = true
				rp, ok := raw.lookup(e.Name)
				if !ok {
					t.Errorf("dump parameter %q unknown to goft", e.Name)
					continue
				}
				pp, _ := p.lookup(e.Name)
				if _, isArr := rp.ptr.(*[]float64); !isArr && len(e.Values) > 1 {
					t.Errorf("%s: %d values in the dump", e.Name, len(e.Values))
					continue
				}
				var tok namelist.Token
				if len(e.Values) > 0 {
					tok = e.Values[0]
				}
				switch v := rp.ptr.(type) {
				case *int:
					d, err := tok.Int()
					if err != nil || int(d) != *v || *pp.ptr.(*int) != *v {
						t.Errorf("%s: dump %v (%v), goft raw %d processed %d", e.Name, d, err, *v, *pp.ptr.(*int))
					}
				case *int64:
					d, err := tok.Int()
					if err != nil || d != *v || *pp.ptr.(*int64) != *v {
						t.Errorf("%s: dump %v (%v), goft %d", e.Name, d, err, *v)
					}
				case *float64:
					d, err := tok.Float()
					if err != nil || !same16(d, *v) || *pp.ptr.(*float64) != *v {
						t.Errorf("%s: dump %v (%v), goft raw %v processed %v", e.Name, d, err, *v, *pp.ptr.(*float64))
					}
				case *bool:
					d, err := tok.Bool()
					if err != nil || d != *v || *pp.ptr.(*bool) != *v {
						t.Errorf("%s: dump %v (%v), goft %v", e.Name, d, err, *v)
					}
				case *string:
					d := ""
					if len(e.Values) > 0 {
						d = strings.TrimRight(tok.Text, " ")
					}
					if d != *v || *pp.ptr.(*string) != *v {
						t.Errorf("%s: dump %q, goft %q", e.Name, d, *v)
					}
				case *[]float64:
					if len(e.Values) != MaxRealizations || len(*v) != MaxRealizations {
						t.Errorf("%s: dump has %d values, raw goft %d", e.Name, len(e.Values), len(*v))
						continue
					}
					proc := *pp.ptr.(*[]float64)
					if len(proc) != p.NRealizations {
						t.Errorf("%s: processed length %d, n_realizations %d", e.Name, len(proc), p.NRealizations)
					}
					for i, tk := range e.Values {
						d, err := tk.Float()
						if err != nil || !same16(d, (*v)[i]) {
							t.Errorf("%s(%d): dump %v (%v), goft raw %v", e.Name, i+1, d, err, (*v)[i])
							break
						}
						if i < len(proc) {
							if d < rp.arr.threshold {
								d = dumpScalar[rp.arr.scalar]
							}
							if !same16(d, proc[i]) {
								t.Errorf("%s(%d): dump after defaults %v, goft processed %v", e.Name, i+1, d, proc[i])
							}
						}
					}
				}
			}
			// Every goft parameter is in the dump, except the two added
			// after HipFT 1.14.0.
			for _, n := range Names() {
				if !seen[n] && n != "initial_map_mult_fac" && n != "assimilate_data_mult_fac" {
					t.Errorf("goft parameter %q not in HipFT's dump", n)
				}
			}
			if p.InitialMapMultFac != 1 || p.AssimilateDataMultFac != 1 {
				t.Errorf("mult_fac defaults: %v %v", p.InitialMapMultFac, p.AssimilateDataMultFac)
			}
			checkOldRealizationTable(t, p, filepath.Join(dir, "reference", "hipft_realization_parameters.out"))
		})
	}
}

// checkOldRealizationTable compares the processed per-realization values
// with the reference table, written by HipFT 1.14.0 in an older format
// (1pe17.8e3 columns, no rfe column): each value printed the same way
// must give the same text.
func checkOldRealizationTable(t *testing.T, p *Params, path string) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		if p.NRealizations > 1 {
			t.Errorf("no reference realization table for %d realizations", p.NRealizations)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	header := strings.Fields(sc.Text())
	rows := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != len(header) {
			t.Fatalf("row %q has %d fields, header %d", sc.Text(), len(fields), len(header))
		}
		i, _ := strconv.Atoi(fields[0])
		for c := 1; c < len(header); c++ {
			par, ok := p.lookup(header[c])
			if !ok {
				t.Fatalf("unknown column %q", header[c])
			}
			got := strings.TrimSpace(fortranfmt.FormatE((*par.ptr.(*[]float64))[i-1], 8, 3, 17))
			if got != fields[c] {
				t.Errorf("realization %d %s: goft %s, reference %s", i, header[c], got, fields[c])
			}
		}
		rows++
	}
	if rows != p.NRealizations {
		t.Errorf("reference table has %d rows, n_realizations = %d", rows, p.NRealizations)
	}
}
