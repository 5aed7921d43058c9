package suite

import "testing"

func TestCompareLinesRule(t *testing.T) {
	base := "       672  6.720000000000000E+002 -5.532894099311410E-001  9.960192839872065E-001  1.662636471006269E-005  1.069313097596278E+022 -1.069233687595559E+022  0 0 0 0 0 0 0 0  2.173716486056726E-005"
	cases := []struct {
		name string
		run  string
		want int
	}{
		{"identical", base, 0},
		{"7th digit of positive differs", "       672  6.720000000000000E+002 -5.532894099311410E-001  9.960193839872065E-001  1.662636471006269E-005  1.069313097596278E+022 -1.069233687595559E+022  0 0 0 0 0 0 0 0  2.173716486056726E-005", 1},
		{"8th digit differs (not compared)", "       672  6.720000000000000E+002 -5.532894099311410E-001  9.960192939872065E-001  1.662636471006269E-005  1.069313097596278E+022 -1.069233687595559E+022  0 0 0 0 0 0 0 0  2.173716486056726E-005", 0},
		{"exponent differs (not compared, HipFT quirk)", "       672  6.720000000000000E+002 -5.532894099311410E-001  9.960192839872065E-002  1.662636471006269E-005  1.069313097596278E+022 -1.069233687595559E+022  0 0 0 0 0 0 0 0  2.173716486056726E-005", 0},
		{"negative 6th digit differs", "       672  6.720000000000000E+002 -5.532884099311410E-001  9.960192839872065E-001  1.662636471006269E-005  1.069313097596278E+022 -1.069233687595559E+022  0 0 0 0 0 0 0 0  2.173716486056726E-005", 1},
	}
	for _, c := range cases {
		ms, err := CompareLines(base, c.run, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != c.want {
			t.Errorf("%s: %d mismatches %v, want %d", c.name, len(ms), ms, c.want)
		}
	}
}

func TestCompareLinesForgivesTinyReference(t *testing.T) {
	ref := "1 1 -1 1 1.320775901413687E-215 1 -1 0 0 0 0 0 0 0 0 0"
	run := "1 1 -1 1 3.000000000000000E-215 1 -1 0 0 0 0 0 0 0 0 0"
	ms, err := CompareLines(ref, run, 5)
	if err != nil || len(ms) != 0 {
		t.Fatalf("got %v %v, want the 1e-215 mismatch forgiven", ms, err)
	}
}
