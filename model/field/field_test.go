package field

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// layouts covers every location, single and several realizations, and the
// smallest shapes.
var layouts = []Layout{
	{NTheta: 5, NPhi: 7, NReal: 1, Location: Center},
	{NTheta: 5, NPhi: 7, NReal: 3, Location: Center},
	{NTheta: 6, NPhi: 7, NReal: 2, Location: ThetaFace},
	{NTheta: 5, NPhi: 7, NReal: 2, Location: PhiFace},
	{NTheta: 6, NPhi: 7, NReal: 4, Location: Corner},
	{NTheta: 1, NPhi: 1, NReal: 1, Location: Center},
	{NTheta: 3, NPhi: 1, NReal: 2, Location: ThetaFace},
	{NTheta: 1, NPhi: 4, NReal: 3, Location: PhiFace},
}

// checkLayout checks every documented property of l on a slice whose
// values are their own flat indices.
func checkLayout(t *testing.T, l Layout) {
	t.Helper()
	data := make([]float64, l.Len())
	for i := range data {
		data[i] = float64(i)
	}
	if l.Len() != l.NTheta*l.NPhi*l.NReal || l.RealizationLen() != l.NTheta*l.NPhi {
		t.Fatalf("%v: Len %d, RealizationLen %d", l, l.Len(), l.RealizationLen())
	}
	sj, sk, sr := l.Strides()
	if sj != 1 || sk != l.NTheta || sr != l.NTheta*l.NPhi {
		t.Errorf("%v: strides %d %d %d", l, sj, sk, sr)
	}
	next := 0 // theta fastest, then phi, then realization
	for r := 0; r < l.NReal; r++ {
		real := l.Realization(data, r)
		if len(real) != l.RealizationLen() || cap(real) != len(real) || real[0] != float64(l.Index(0, 0, r)) {
			t.Fatalf("%v: realization %d: len %d cap %d first %g", l, r, len(real), cap(real), real[0])
		}
		for k := 0; k < l.NPhi; k++ {
			col := l.Column(data, k, r)
			if len(col) != l.NTheta || cap(col) != l.NTheta || l.ColumnStart(k, r) != l.Index(0, k, r) {
				t.Fatalf("%v: column (%d,%d): len %d cap %d start %d", l, k, r, len(col), cap(col), l.ColumnStart(k, r))
			}
			one := l.One().Column(real, k, 0)
			for j := 0; j < l.NTheta; j++ {
				i := l.Index(j, k, r)
				if i != next {
					t.Fatalf("%v: Index(%d,%d,%d) = %d, want %d", l, j, k, r, i, next)
				}
				next++
				if jj, kk, rr := l.Coords(i); jj != j || kk != k || rr != r {
					t.Fatalf("%v: Coords(%d) = (%d,%d,%d), want (%d,%d,%d)", l, i, jj, kk, rr, j, k, r)
				}
				if i != j*sj+k*sk+r*sr {
					t.Fatalf("%v: Index(%d,%d,%d) = %d disagrees with the strides", l, j, k, r, i)
				}
				if col[j] != float64(i) || one[j] != float64(i) {
					t.Fatalf("%v: column (%d,%d) value %d is %g (realization's %g), want %d", l, k, r, j, col[j], one[j], i)
				}
				if real[l.One().Index(j, k, 0)] != float64(i) {
					t.Fatalf("%v: realization %d at (%d,%d) disagrees with Index", l, r, j, k)
				}
			}
		}
		for k0 := 0; k0 <= l.NPhi; k0++ {
			for k1 := k0; k1 <= l.NPhi; k1++ {
				cs := l.Columns(data, k0, k1, r)
				if len(cs) != l.NTheta*(k1-k0) || cap(cs) != len(cs) {
					t.Fatalf("%v: Columns(%d,%d,%d) len %d cap %d", l, k0, k1, r, len(cs), cap(cs))
				}
				if k1 > k0 && cs[0] != float64(l.Index(0, k0, r)) {
					t.Fatalf("%v: Columns(%d,%d,%d) starts at %g", l, k0, k1, r, cs[0])
				}
			}
		}
	}
	if next != l.Len() {
		t.Fatalf("%v: visited %d points, want %d", l, next, l.Len())
	}
}

func TestLayout(t *testing.T) {
	for _, l := range layouts {
		t.Run(l.String(), func(t *testing.T) { checkLayout(t, l) })
	}
}

// TestLayoutRandomShapes is a property test: every law of checkLayout
// holds on random shapes.
func TestLayoutRandomShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200; n++ {
		l := Layout{NTheta: 1 + rng.IntN(12), NPhi: 1 + rng.IntN(12), NReal: 1 + rng.IntN(4), Location: Location(rng.IntN(4))}
		checkLayout(t, l)
		m := MapLayout{NPhi: l.NPhi, NTheta: l.NTheta, NReal: l.NReal}
		checkMapLayout(t, m)
	}
}

// mustPanic checks that f panics with ErrPoint.
func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		v := recover()
		if err, ok := v.(error); !ok || !errors.Is(err, ErrPoint) {
			t.Errorf("%s: panic value %v, want ErrPoint", what, v)
		}
	}()
	f()
}

func TestLayoutOutOfRange(t *testing.T) {
	l := Layout{NTheta: 4, NPhi: 3, NReal: 2, Location: ThetaFace}
	data := make([]float64, l.Len())
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Index j=-1", func() { l.Index(-1, 0, 0) }},
		{"Index j=NTheta", func() { l.Index(4, 0, 0) }}, // flat index 4 exists: the check is per coordinate
		{"Index k=NPhi", func() { l.Index(0, 3, 0) }},
		{"Index k=-1", func() { l.Index(0, -1, 1) }},
		{"Index r=NReal", func() { l.Index(0, 0, 2) }},
		{"Index r=-1", func() { l.Index(0, 0, -1) }},
		{"Coords -1", func() { l.Coords(-1) }},
		{"Coords Len", func() { l.Coords(l.Len()) }},
		{"ColumnStart k", func() { l.ColumnStart(3, 0) }},
		{"Column r", func() { l.Column(data, 0, 2) }},
		{"Column k", func() { l.Column(data, -1, 0) }},
		{"Columns k0>k1", func() { l.Columns(data, 2, 1, 0) }},
		{"Columns k1>NPhi", func() { l.Columns(data, 0, 4, 0) }},
		{"Columns k0<0", func() { l.Columns(data, -1, 1, 0) }},
		{"Columns r", func() { l.Columns(data, 0, 1, 2) }},
		{"Realization r", func() { l.Realization(data, 2) }},
		{"Realization -1", func() { l.Realization(data, -1) }},
		{"Field.At", func() { New(l, data).At(0, 0, 2) }},
		{"Field.Set", func() { New(l, data).Set(4, 0, 0, 1) }},
		{"Field.Realization", func() { New(l, data).Realization(2) }},
	} {
		mustPanic(t, c.name, c.f)
	}
	// A slice whose capacity is shorter than the layout panics as slicing
	// does.
	defer func() {
		if recover() == nil {
			t.Error("Column of a short slice did not panic")
		}
	}()
	l.Column(data[:l.Len()-1:l.Len()-1], 2, 1)
}

func TestCheck(t *testing.T) {
	l := Layout{NTheta: 4, NPhi: 3, NReal: 2}
	if err := l.Check(make([]float64, 24), "br"); err != nil {
		t.Errorf("Check of a right-sized slice: %v", err)
	}
	for _, n := range []int{0, 12, 23, 25} {
		err := l.Check(make([]float64, n), "br")
		if err == nil || err.Error() != fmt.Sprintf("br has %d values, want 24 (2 realizations of 4 x 3)", n) {
			t.Errorf("Check of %d values: %v", n, err)
		}
	}
}

func TestField(t *testing.T) {
	l := Layout{NTheta: 3, NPhi: 4, NReal: 2, Location: PhiFace}
	f := New(l, nil)
	if len(f.Data) != l.Len() {
		t.Fatalf("New(nil) allocated %d values, want %d", len(f.Data), l.Len())
	}
	f.Set(2, 3, 1, 7)
	if f.Data[l.Index(2, 3, 1)] != 7 || f.At(2, 3, 1) != 7 {
		t.Error("Set/At do not agree with Index")
	}
	if f.Column(3, 1)[2] != 7 || f.Realization(1).At(2, 3, 0) != 7 {
		t.Error("Column/Realization do not share the data")
	}
	f.Realization(0).Set(0, 0, 0, 5)
	if f.Data[0] != 5 {
		t.Error("Realization does not share the data")
	}
	data := make([]float64, l.Len())
	if g := New(l, data); &g.Data[0] != &data[0] {
		t.Error("New copied the data")
	}
	defer func() {
		if recover() == nil {
			t.Error("New with a wrong-sized slice did not panic")
		}
	}()
	New(l, make([]float64, l.Len()+1))
}

func TestLocation(t *testing.T) {
	for _, c := range []struct {
		loc                Location
		name               string
		thetaHalf, phiHalf bool
	}{
		{Center, "Center", false, false},
		{ThetaFace, "ThetaFace", true, false},
		{PhiFace, "PhiFace", false, true},
		{Corner, "Corner", true, true},
		{Location(9), "Location(9)", false, false},
	} {
		if c.loc.String() != c.name || c.loc.ThetaHalf() != c.thetaHalf || c.loc.PhiHalf() != c.phiHalf {
			t.Errorf("%d: %q theta half %v phi half %v", int(c.loc), c.loc, c.loc.ThetaHalf(), c.loc.PhiHalf())
		}
	}
}

// checkMapLayout checks MapLayout on a slice whose values are their own
// flat indices: phi fastest, then theta, then realization.
func checkMapLayout(t *testing.T, l MapLayout) {
	t.Helper()
	data := make([]float64, l.Len())
	for i := range data {
		data[i] = float64(i)
	}
	if l.Len() != l.NPhi*l.NTheta*l.NReal || l.RealizationLen() != l.NPhi*l.NTheta {
		t.Fatalf("%+v: Len %d RealizationLen %d", l, l.Len(), l.RealizationLen())
	}
	next := 0
	for r := 0; r < l.NReal; r++ {
		real := l.Realization(data, r)
		if len(real) != l.RealizationLen() || cap(real) != len(real) {
			t.Fatalf("%+v: realization %d len %d cap %d", l, r, len(real), cap(real))
		}
		for j := 0; j < l.NTheta; j++ {
			row := l.Row(data, j, r)
			if len(row) != l.NPhi || cap(row) != l.NPhi {
				t.Fatalf("%+v: row (%d,%d) len %d cap %d", l, j, r, len(row), cap(row))
			}
			for k := 0; k < l.NPhi; k++ {
				i := l.Index(j, k, r)
				if i != next || row[k] != float64(i) || real[i-r*l.RealizationLen()] != float64(i) {
					t.Fatalf("%+v: Index(%d,%d,%d) = %d, want %d (row %g)", l, j, k, r, i, next, row[k])
				}
				next++
			}
		}
	}
	if next != l.Len() {
		t.Fatalf("%+v: visited %d points, want %d", l, next, l.Len())
	}
	for r := 0; r < l.NReal; r++ {
		for j0 := 0; j0 <= l.NTheta; j0++ {
			for j1 := j0; j1 <= l.NTheta; j1++ {
				rs := l.Rows(data, j0, j1, r)
				if len(rs) != l.NPhi*(j1-j0) || cap(rs) != len(rs) {
					t.Fatalf("%+v: Rows(%d,%d,%d) len %d cap %d", l, j0, j1, r, len(rs), cap(rs))
				}
				if j1 > j0 && (rs[0] != float64(l.Index(j0, 0, r)) || rs[len(rs)-1] != float64(l.Index(j1-1, l.NPhi-1, r))) {
					t.Fatalf("%+v: Rows(%d,%d,%d) runs %g..%g", l, j0, j1, r, rs[0], rs[len(rs)-1])
				}
			}
		}
	}
}

func TestMapLayout(t *testing.T) {
	for _, l := range []MapLayout{{4, 3, 1}, {4, 3, 2}, {1, 1, 1}, {7, 2, 3}} {
		checkMapLayout(t, l)
	}
	l := MapLayout{NPhi: 4, NTheta: 3, NReal: 2}
	data := make([]float64, l.Len())
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"Index j", func() { l.Index(3, 0, 0) }},
		{"Index k", func() { l.Index(0, 4, 0) }},
		{"Index r", func() { l.Index(0, 0, 2) }},
		{"Index -1", func() { l.Index(0, -1, 0) }},
		{"Row j", func() { l.Row(data, 3, 0) }},
		{"Row r", func() { l.Row(data, 0, -1) }},
		{"Realization", func() { l.Realization(data, 2) }},
		{"Rows j0>j1", func() { l.Rows(data, 2, 1, 0) }},
		{"Rows j1>NTheta", func() { l.Rows(data, 0, 4, 0) }},
		{"Rows j0<0", func() { l.Rows(data, -1, 0, 0) }},
		{"Rows r", func() { l.Rows(data, 0, 1, 2) }},
	} {
		mustPanic(t, c.name, c.f)
	}
}

// TestTranspose checks that the two layouts describe the same points:
// copying a map into a field by (j,k,r) and back gives the map.
func TestTranspose(t *testing.T) {
	l := Layout{NTheta: 3, NPhi: 5, NReal: 2}
	ml := MapLayout{NPhi: 5, NTheta: 3, NReal: 2}
	src := make([]float64, ml.Len())
	for i := range src {
		src[i] = float64(i)
	}
	f := New(l, nil)
	back := make([]float64, ml.Len())
	for r := 0; r < 2; r++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 5; k++ {
				f.Set(j, k, r, src[ml.Index(j, k, r)])
				back[ml.Index(j, k, r)] = f.At(j, k, r)
			}
		}
	}
	if !slices.Equal(src, back) {
		t.Errorf("round trip %v, want %v", back, src)
	}
	if f.At(1, 0, 0) != 5 || f.At(0, 1, 0) != 1 {
		t.Errorf("transpose: f(1,0,0) = %g (want 5), f(0,1,0) = %g (want 1)", f.At(1, 0, 0), f.At(0, 1, 0))
	}
}
