package diffusion

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/mesh"
)

// referenceSTS is the unblocked super step, stage after stage over the
// whole mesh: y = L(U_{k-1}) by Operator.Apply, then
// U_k = u*U_{k-1} + v*U_{k-2} + (1-u-v)*U_0 + (ub*tau)*y + g*tau*L(U_0).
func referenceSTS(op *Operator, method Method, f []float64, tau float64) {
	s := &Stepper{Op: op, Method: method}
	n := s.Stages(tau)
	uj, vj, ubj, gj := Coefficients(method, n)
	u0 := append([]float64(nil), f...)
	y0 := make([]float64, len(f))
	op.Apply(y0, f)
	for i := range y0 {
		y0[i] *= tau
	}
	prev := append([]float64(nil), f...)
	cur := make([]float64, len(f))
	for i := range cur {
		cur[i] = u0[i] + float64(ubj[1]*y0[i])
	}
	y := make([]float64, len(f))
	for k := int64(2); k <= n; k++ {
		op.Apply(y, cur)
		u, v := uj[k], vj[k]
		w, ubtau, g := 1-u-v, ubj[k]*tau, gj[k]
		for i := range prev {
			// Rounded products (no fused multiply-adds), as in the kernels.
			prev[i] = float64(u*cur[i]) + float64(v*prev[i]) + float64(w*u0[i]) + float64(ubtau*y[i]) + float64(g*y0[i])
		}
		prev, cur = cur, prev
	}
	copy(f, cur)
}

// TestBlockedStagesAreBitIdentical checks that the wavefront-blocked stages
// give exactly the bits of the unblocked stages, for both STS methods,
// constant and varying coefficients, meshes with one or many bands, a last
// band of two rows, teams of 1 to 3 workers and several block shapes.
func TestBlockedStagesAreBitIdentical(t *testing.T) {
	cases := []struct {
		nt, np, nr int
		uniform    bool
	}{
		{8, 16, 1, true},
		{40, 24, 2, true},
		{2*bandRows + 1, 20, 3, false}, // ntm = 2*bandRows+2: the last band is two rows
		{5*bandRows - 1, 30, 2, false},
		{90, 36, 4, true},
	}
	for _, c := range cases {
		for _, method := range []Method{RKL2, RKG2} {
			for _, workers := range []int{1, 2, 3} {
				name := fmt.Sprintf("%dx%dx%d/uniform=%v/%v/workers=%d", c.nt, c.np, c.nr, c.uniform, method, workers)
				t.Run(name, func(t *testing.T) {
					m, err := mesh.Uniform(c.nt, c.np)
					if err != nil {
						t.Fatal(err)
					}
					rng := rand.New(rand.NewPCG(uint64(c.nt), uint64(c.np)))
					var coef []float64
					if c.uniform {
						ds := make([]float64, c.nr)
						for r := range ds {
							ds[r] = 100 + 700*rng.Float64()
						}
						coef = constantCoef(m, ds...)
					} else {
						coef = make([]float64, m.NThetaHalf*m.NPhiHalf*c.nr)
						for i := range coef {
							coef[i] = (100 + 700*rng.Float64()) * mesh.DiffKm2PerSToRs2PerHr
						}
					}
					pool := parallel.New(workers)
					defer pool.Close()
					op := NewOperator(m, c.nr, coef, pool)
					if (op.uniform != nil) != c.uniform {
						t.Fatalf("uniform weights = %v, want %v", op.uniform != nil, c.uniform)
					}
					f := make([]float64, m.Size()*c.nr)
					for i := range f {
						f[i] = 2*rng.Float64() - 1
					}
					// The ghost columns are left random: the field need not
					// be periodic in phi (the file source leaves column
					// NPhiMain-1 without source, HipFT's quirk).
					m.PoleAverage(f, c.nr)
					want := append([]float64(nil), f...)
					s, err := NewStepper(op, method, 1, pool)
					if err != nil {
						t.Fatal(err)
					}
					tau := 300 * op.DtEuler // a few tens of stages: several blocks
					if n := s.Stages(tau); n <= 2*blockStages {
						t.Fatalf("only %d stages", n)
					}
					referenceSTS(op, method, want, tau)
					f0 := append([]float64(nil), f...)
					for _, shape := range [][2]int{{bandRows, blockStages}, {2, 1}, {3, 5}, {7, 3}, {1000, 4}} {
						for _, moved := range []bool{false, true} {
							copy(f, f0)
							s.wave = newWavefront(m.NThetaMain, m.NPhiMain, c.nr, workers, shape[0], shape[1])
							if moved {
								// The team's columns split anew at random
								// after every block.
								s.wave.resplit = func(split []int, _ []int64) { randomSplit(rng, split) }
							}
							s.Advance(f, tau, nil)
							for i := range f {
								if math.Float64bits(f[i]) != math.Float64bits(want[i]) {
									t.Fatalf("bands of %d rows, blocks of %d stages, split moved %v: point %d: blocked %v, unblocked %v",
										shape[0], shape[1], moved, i, f[i], want[i])
								}
							}
						}
					}
				})
			}
		}
	}
}

// TestAutoSubcyclesAreBitIdentical checks the automatic (PTL) subcycling,
// where the super step reuses the L(f) that PTL computed, against the same
// cycles taken with the unblocked reference step.
func TestAutoSubcyclesAreBitIdentical(t *testing.T) {
	m, err := mesh.Uniform(45, 30)
	if err != nil {
		t.Fatal(err)
	}
	const nr = 3
	pool := parallel.New(2)
	defer pool.Close()
	op := NewOperator(m, nr, constantCoef(m, 300, 500, 900), pool)
	f := soccerField(m, nr)
	for i := range f {
		f[i] += math.Sin(float64(i)) // not an eigenfunction: PTL has work to do
	}
	mesh.SetPeriodic(f, m.NThetaMain, m.NPhiMain, nr)
	m.PoleAverage(f, nr)
	want := append([]float64(nil), f...)
	s, err := NewStepper(op, RKG2, 0, pool)
	if err != nil {
		t.Fatal(err)
	}
	const dt = 50.0
	s.Advance(f, dt, nil)
	if s.CyclesUsed < 2 {
		t.Fatalf("only %d cycles: the test needs several", s.CyclesUsed)
	}
	// The reference: Advance's automatic cycles, each an unblocked step.
	ref, _ := NewStepper(op, RKG2, 0, pool)
	elapsed, tau := 0.0, 0.0
	for i := 1; ; i++ {
		tau = ref.PTL(want, tau)
		done := elapsed+tau >= dt || i == MaxAutoCycles-1
		if done {
			tau = dt - elapsed
		}
		referenceSTS(op, RKG2, want, tau)
		elapsed += tau
		if done {
			break
		}
	}
	for i := range f {
		if math.Float64bits(f[i]) != math.Float64bits(want[i]) {
			t.Fatalf("point %d: %v, reference %v", i, f[i], want[i])
		}
	}
}

// ptlTestStepper returns a uniform mesh of nt x np points and an RKG2
// stepper for two realizations on it, on a pool of two workers (closed
// when the test ends), for the PTL tests.
func ptlTestStepper(t *testing.T, nt, np int) (*mesh.Mesh, *Stepper) {
	t.Helper()
	m, err := mesh.Uniform(nt, np)
	if err != nil {
		t.Fatal(err)
	}
	pool := parallel.New(2)
	t.Cleanup(pool.Close)
	op := NewOperator(m, 2, constantCoef(m, 300, 500), pool)
	s, err := NewStepper(op, RKG2, 0, pool)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}

// TestPTLCandidatesMatchScan checks that the PTL minimum taken at the
// points ptlMax recorded (ptlMinAt) is the one of ptlMin's scan of the
// whole mesh: with one point of largest |L f|, with ties among interior,
// pole-row and periodic-column points, with the largest |L f| where |f| is
// too small to count, and with more ties than ptlMax records (then
// ptlMinAt must decline).
func TestPTLCandidatesMatchScan(t *testing.T) {
	m, s := ptlTestStepper(t, 21, 40)
	ntm := m.NThetaMain
	n := m.Size() * s.Op.NReal
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range []struct {
		name   string
		ties   []int // points given the largest |L f|
		small  int   // a point given |f| = 0 and a larger |L f| (-1: none)
		scanOK bool  // whether ptlMinAt must answer
		near   int   // an interior tie whose neighbours give the smallest ratio (-1: none)
	}{
		{"one", []int{m.Index(5, 7, 1)}, -1, true, -1},
		{"ties", []int{m.Index(3, 4, 0), m.Index(0, 9, 0), m.Index(7, 0, 1), m.Index(ntm-1, 3, 1), m.Index(9, m.NPhiMain-1, 0), m.Index(12, 30, 1)}, -1, true, -1},
		{"small f", []int{m.Index(4, 4, 0), m.Index(8, 20, 1)}, m.Index(6, 6, 0), true, -1},
		{"eight", []int{1 + ntm, 2 + ntm, 3 + ntm, 4 + ntm, 5 + ntm, 6 + ntm, 7 + ntm, 8 + ntm}, -1, true, -1},
		{"nine", []int{1 + ntm, 2 + ntm, 3 + ntm, 4 + ntm, 5 + ntm, 6 + ntm, 7 + ntm, 8 + ntm, 9 + ntm}, -1, false, -1},
		// The last interior row and the first, each deciding the minimum.
		{"last row", []int{m.Index(5, 7, 1), m.Index(ntm-2, 11, 0)}, -1, true, m.Index(ntm-2, 11, 0)},
		{"first row", []int{m.Index(5, 7, 1), m.Index(1, 11, 0)}, -1, true, m.Index(1, 11, 0)},
	} {
		f, af := make([]float64, n), make([]float64, n)
		for i := range f {
			f[i], af[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		for q, i := range c.ties {
			// ±10: |L f| ties; f of the other sign, so that the
			// neighbours count (du*dA < 0).
			sign := float64(1 - 2*(q%2))
			af[i], f[i] = 10*sign, -5*sign
			if j, k := i%ntm, i/ntm%m.NPhiMain; i == c.near || j == 0 || j == ntm-1 || k == 0 || k == m.NPhiMain-1 {
				// Outside the interior, which PTL leaves out, and the
				// near point, which must then decide the minimum:
				// neighbours that would give the smallest ratio by far.
				for _, nb := range [4]int{i - 1, i + 1, i - ntm, i + ntm} {
					f[nb] = f[i] + 1e-3*sign
				}
			}
		}
		if c.small >= 0 {
			f[c.small], af[c.small] = 0, 20
		}
		s.ptlF, s.lbuf = f, af
		s.pool.For(s.wave.team, s.bodyPTLMax)
		s.ptlAmax = -1
		for _, v := range s.ptlPart {
			s.ptlAmax = max(s.ptlAmax, v)
		}
		if s.ptlAmax != 10 {
			t.Fatalf("%s: largest |L f| %v, want 10", c.name, s.ptlAmax)
		}
		got, ok := s.ptlMinAt()
		s.pool.For(s.wave.team, s.bodyPTLMin)
		want := math.MaxFloat64
		for _, v := range s.ptlPart {
			want = math.Min(v, want)
		}
		if ok != c.scanOK {
			t.Fatalf("%s: ptlMinAt answered %v, want %v", c.name, ok, c.scanOK)
		}
		if ok && math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("%s: ptlMinAt %v, scan %v", c.name, got, want)
		}
		if want == math.MaxFloat64 {
			t.Fatalf("%s: no neighbour counted: the case tests nothing", c.name)
		}
	}
	s.ptlF = nil
}

// randomSplit sets the inner boundaries of split (split[0] and the last
// stay) at random, every part at least one column.
func randomSplit(rng *rand.Rand, split []int) {
	n := len(split) - 1
	for w := 1; w < n; w++ {
		lo, hi := split[w-1]+1, split[n]-(n-w)
		split[w] = lo + rng.IntN(hi-lo+1)
	}
}

// TestBalanceSplit checks the team's column split after a block: halfway
// toward shares proportional to the members' speeds, at least one column
// each, unchanged when the speeds are equal or a time is missing.
func TestBalanceSplit(t *testing.T) {
	for _, c := range []struct {
		name  string
		split []int
		busy  []int64
		want  []int
	}{
		{"equal speeds", []int{0, 50, 100}, []int64{1000, 1000}, []int{0, 50, 100}},
		{"first member half as fast", []int{0, 50, 100}, []int64{2000, 1000}, []int{0, 42, 100}},
		{"second member half as fast", []int{0, 50, 100}, []int64{1000, 2000}, []int{0, 58, 100}},
		{"three members", []int{0, 30, 60, 90}, []int64{1000, 1000, 3000}, []int{0, 34, 69, 90}},
		{"a very slow member keeps one column", []int{0, 2, 4}, []int64{1e9, 1}, []int{0, 1, 4}},
		{"a very fast member leaves one column", []int{0, 2, 4}, []int64{1, 1e9}, []int{0, 3, 4}},
		{"time not measured", []int{0, 50, 100}, []int64{0, 1000}, []int{0, 50, 100}},
	} {
		split := append([]int(nil), c.split...)
		balanceSplit(split, c.busy)
		if fmt.Sprint(split) != fmt.Sprint(c.want) {
			t.Errorf("%s: split %v, busy %v: got %v, want %v", c.name, c.split, c.busy, split, c.want)
		}
	}
}

// TestModeTuner checks the choice between sweeping realizations alone and
// together: trials of trialGroup blocks alone then trialGroup together,
// each group's first block not counted, then the mode whose counted blocks
// took less time per stage, for runs of runBlocks that double while the
// trials confirm the mode (up to maxRunBlocks), and back to runBlocks
// when a trial changes it.
func TestModeTuner(t *testing.T) {
	var tu modeTuner
	// A trial: the first block of each group is much slower in the other
	// mode, which must not count.
	trial := func(alone, shared time.Duration) {
		t.Helper()
		for b := 0; b < 2*trialGroup; b++ {
			mode := tu.next()
			if mode != (b >= trialGroup) {
				t.Fatalf("trial block %d together = %v", b, mode)
			}
			d, stages := alone, int64(16-b%3) // blocks of unequal lengths
			if mode {
				d = shared
			}
			if b%trialGroup == 0 {
				d *= 10
			}
			tu.record(mode, stages, d*time.Duration(stages))
		}
	}
	// A run: every block in mode want; it returns the run's length.
	run := func(want bool) int {
		t.Helper()
		n := 0
		for {
			if tu.block == 0 {
				return n
			}
			if got := tu.next(); got != want {
				t.Fatalf("run block %d together = %v, want %v", n, got, want)
			}
			tu.record(want, 16, 16*100)
			n++
		}
	}
	for i, c := range []struct {
		alone, shared time.Duration
		want          bool
		run           int
	}{
		{10, 8, true, runBlocks},
		{10, 8, true, 2 * runBlocks},
		{10, 8, true, 4 * runBlocks},
		{8, 10, false, runBlocks},
		{9, 9, false, 2 * runBlocks},
		{9, 9, false, 4 * runBlocks},
		{9, 9, false, 8 * runBlocks},
		{9, 9, false, maxRunBlocks},
		{9, 9, false, maxRunBlocks},
		{9, 8, true, runBlocks},
	} {
		trial(c.alone, c.shared)
		if n := run(c.want); n != c.run {
			t.Errorf("trial %d (alone %v, together %v): run of %d blocks, want %d", i, c.alone, c.shared, n, c.run)
		}
	}
}
