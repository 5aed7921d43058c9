package analysis

import (
	"math"
	"strings"
	"testing"
)

func TestDiffHistories(t *testing.T) {
	names := []string{"STEP", "BR_MIN", "BR_MAX", "BR_ABS_MIN", "AX_DIPOLE"}
	base := func() *History {
		return &History{Path: "a", Names: names, Cols: [][]float64{
			{0, 1, 2}, {-100, -90, -80}, {200, 190, 180}, {1e-6, 2e-6, 3e-6}, {1e-15, 2e-15, 0}}}
	}
	for _, c := range []struct {
		name    string
		edit    func(h *History)
		rel     float64 // want, to 1e-3 (the edited values are rounded)
		line    int
		column  string
		wantErr string
	}{
		{"identical", func(*History) {}, 0, 0, "", ""},
		{"BR_MAX", func(h *History) { h.Cols[2][1] = 190 + 2e-10 }, 2e-10 / 200, 2, "BR_MAX", ""},
		// BR_ABS_MIN is held to the field's scale (200 G), not its own.
		{"BR_ABS_MIN", func(h *History) { h.Cols[3][2] = 3e-6 + 4e-12 }, 4e-12 / 200, 3, "BR_ABS_MIN", ""},
		// The dipole, too, is held to the field's scale.
		{"dipole", func(h *History) { h.Cols[4][0] = 3e-15 }, 2e-15 / 200, 1, "AX_DIPOLE", ""},
		{"largest of two", func(h *History) { h.Cols[1][0] = -100 + 1e-9; h.Cols[2][2] = 180 + 1e-8 }, 1e-8 / 200, 3, "BR_MAX", ""},
		{"NaN", func(h *History) { h.Cols[1][1] = math.NaN() }, math.Inf(1), 2, "BR_MIN", ""},
		{"lines", func(h *History) {
			for i := range h.Cols {
				h.Cols[i] = h.Cols[i][:2]
			}
		}, 0, 0, "", "has 3 lines and b 2"},
		{"columns", func(h *History) { h.Names = append([]string{}, names...); h.Names[4] = "EQ_DIPOLE" }, 0, 0, "", "different columns"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a, b := base(), base()
			b.Path = "b"
			c.edit(b)
			d, err := DiffHistories(a, b)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Line != c.line || d.Column != c.column || !(d.Rel == c.rel || math.Abs(d.Rel-c.rel) <= 1e-3*c.rel) {
				t.Errorf("got %+v, want rel %g at line %d %s", d, c.rel, c.line, c.column)
			}
		})
	}
}
