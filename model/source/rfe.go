package source

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/goft-sft/goft/internal/fortranrand"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// RFE model numbers (source_rfe_model).
const (
	RFEPerCell = 1 // the unsigned flux is spread evenly over the cells
	RFEPerArea = 2 // the unsigned flux is spread evenly over the area
)

// NoSeed is source_rfe_seed's "no seed" value: the generator is seeded from
// the system and runs are not reproducible.
const NoSeed = -9999

// InputFluxFactor converts the RFE flux input (1e21 Mx) to Mx.
const InputFluxFactor = 1e21

// RFEConfig are the random-flux-emergence parameters.
type RFEConfig struct {
	// Model is 1 (per cell) or 2 (per area).
	Model int
	// FluxPerHour is the total unsigned flux emerging per hour per
	// realization, in 1e21 Mx/hr (source_rfe_total_unsigned_flux_per_hours).
	FluxPerHour []float64
	// Lifetime is the time between frames (hours, > 0).
	Lifetime float64
	// Seed seeds the generator as HipFT's source_rfe_seed does (a 32-bit
	// integer); NoSeed (-9999) seeds from the system.
	Seed int
}

// RFE is HipFT's random flux emergence (section 9.3): two random frames R1
// and R2 of zero net flux, blended linearly over a lifetime L,
//
//	S += (1 - alpha) R1 + alpha R2,  alpha = (t - t_prev)/L,
//
// with a new R2 drawn (and the old R2 becoming R1) when t reaches t_next.
// Each frame point is sqrt(pi/2)*g with g a standard normal deviate from
// the Marsaglia polar method, so that E|n| = 1; the same deviates serve
// every realization, scaled by the realization's rate:
//
//   - model 1: R = ((n*u_r)*ia_j)*(1/dp_k), u_r = UF_r*1e21/(RsunCm2*ntm*(npm-2)),
//     ia_j the inverse theta area of row j (a flux per cell, in G/hr);
//   - model 2: R = n*u_r, u_r = UF_r*1e21/(RsunCm2*4pi) (a field rate, G/hr).
//
// Then the periodic columns are set, the pole rows replaced by their
// dp-weighted mean, and each realization's frame flux balanced.
//
// The uniform deviates are gfortran's RANDOM_NUMBER after HipFT's
// RANDOM_SEED(PUT=) of the seed (package fortranrand), so a run with a
// seed draws the numbers that HipFT built with gfortran draws; the draw
// order, the cached second deviate and the arithmetic follow HipFT too.
type RFE struct {
	m      *mesh.Mesh
	nReal  int
	model  int
	life   float64
	u      []float64 // u_r per realization
	ia     []float64 // inverse theta area per row (model 1)
	frames [2][]float64
	cur    int // index of R1 in frames; R2 is 1-cur
	n      []float64
	rng    *fortranrand.Generator
	// The Marsaglia method's cached second deviate.
	haveSecond bool
	second     float64

	tPrev, tNext float64
	// Swaps counts the frame swaps since the start.
	Swaps int
	// version[i] identifies the values of frames[i] (Term.Version); it
	// changes whenever they are redrawn or restored.
	version [2]uint64
	drawn   uint64 // the last version handed out
}

// NewRFE prepares the RFE for nReal realizations on m and draws the first
// two frames (R1, then R2), with the clock starting at timeStart (hours):
// t_prev = timeStart, t_next = timeStart + Lifetime.
func NewRFE(m *mesh.Mesh, nReal int, c RFEConfig, timeStart float64) (*RFE, error) {
	if c.Model != RFEPerCell && c.Model != RFEPerArea {
		return nil, fmt.Errorf("source_rfe_model = %d: valid models are 1 (flux per cell) and 2 (flux per area)", c.Model)
	}
	if !(c.Lifetime > 0) || math.IsInf(c.Lifetime, 0) {
		return nil, fmt.Errorf("source_rfe_lifetime = %g h: must be a positive number of hours", c.Lifetime)
	}
	if nReal < 1 || len(c.FluxPerHour) < nReal {
		return nil, fmt.Errorf("source_rfe_total_unsigned_flux_per_hours has %d values, need one per realization (%d)", len(c.FluxPerHour), nReal)
	}
	ntm, npm := m.NThetaMain, m.NPhiMain
	e := &RFE{m: m, nReal: nReal, model: c.Model, life: c.Lifetime, u: make([]float64, nReal),
		n: make([]float64, m.Size())}
	numCells := float64(ntm * (npm - 2))
	for r := 0; r < nReal; r++ {
		uf := c.FluxPerHour[r]
		if !(uf >= 0) || math.IsInf(uf, 0) {
			return nil, fmt.Errorf("source_rfe_total_unsigned_flux_per_hours(%d) = %g: must be a flux >= 0 (1e21 Mx/hr)", r+1, uf)
		}
		if c.Model == RFEPerCell {
			e.u[r] = uf * InputFluxFactor / (mesh.RsunCm2 * numCells)
		} else {
			e.u[r] = uf * InputFluxFactor / (mesh.RsunCm2 * 4 * math.Pi)
		}
	}
	e.ia = make([]float64, ntm)
	for j := 1; j < ntm-1; j++ {
		e.ia[j] = m.SinThetaInv[j] * m.DThetaInv[j]
	}
	e.ia[0] = 1 / m.AreaTheta[0]
	e.ia[ntm-1] = 1 / m.AreaTheta[ntm-1]
	switch {
	case c.Seed == NoSeed:
		// RANDOM_SEED() without arguments: a state from the system.
		e.rng = fortranrand.FromState([4]uint64{rand.Uint64(), rand.Uint64(), rand.Uint64(), rand.Uint64()})
	case c.Seed < math.MinInt32 || c.Seed > math.MaxInt32:
		return nil, fmt.Errorf("source_rfe_seed = %d: must be a default (32-bit) integer, %d to %d, or %d for a seed from the system", c.Seed, math.MinInt32, math.MaxInt32, NoSeed)
	default:
		e.rng = fortranrand.Fill(int32(c.Seed))
	}
	size := m.Layout(field.Center, nReal).Len()
	e.frames[0] = make([]float64, size)
	e.frames[1] = make([]float64, size)
	e.generate(e.frames[0])
	e.generate(e.frames[1])
	e.balance(e.frames[0])
	e.balance(e.frames[1])
	e.tPrev, e.tNext = timeStart, timeStart+c.Lifetime
	e.version = [2]uint64{e.newVersion(), e.newVersion()}
	return e, nil
}

// Name returns "rfe".
func (e *RFE) Name() string { return SourceRFE }

// NextSwapTime returns t_next (hours) and the longest step allowed when a
// step reaches it, half the lifetime (HipFT's "rfeswap" clip).
func (e *RFE) NextSwapTime() (next, maxDt float64) { return e.tNext, 0.5 * e.life }

// Frames returns the current frames R1 and R2 (G/hr, every realization,
// mesh layout; do not modify).
func (e *RFE) Frames() (r1, r2 []float64) { return e.frames[e.cur], e.frames[1-e.cur] }

// Add swaps frames if t >= t_next (once), then adds
// (1-alpha)*R1 + alpha*R2 with alpha = (t - t_prev)/L to s.
func (e *RFE) Add(s []float64, t float64) error {
	alpha := e.advance(t)
	r1, r2 := e.frames[e.cur], e.frames[1-e.cur]
	s = s[:len(r1)]
	for i := range s {
		s[i] = s[i] + float64((1-alpha)*r1[i]) + float64(alpha*r2[i]) // rounded products: no fused multiply-add
	}
	return nil
}

// AppendTerms implements Framed: R1 with weight 1-alpha and R2 with
// weight alpha, after the same swap as Add.
func (e *RFE) AppendTerms(dst []Term, t float64) ([]Term, error) {
	alpha := e.advance(t)
	c := e.cur
	return append(dst, Term{Data: e.frames[c], Weight: 1 - alpha, Version: e.version[c]},
		Term{Data: e.frames[1-c], Weight: alpha, Version: e.version[1-c]}), nil
}

// advance swaps the frames if t >= t_next (once) and returns alpha.
func (e *RFE) advance(t float64) float64 {
	if t >= e.tNext {
		e.tPrev = e.tNext
		e.tNext = e.tPrev + e.life
		e.cur = 1 - e.cur
		r2 := e.frames[1-e.cur]
		e.generate(r2)
		e.balance(r2)
		e.version[1-e.cur] = e.newVersion()
		e.Swaps++
	}
	return (t - e.tPrev) / e.life
}

func (e *RFE) newVersion() uint64 {
	e.drawn++
	return e.drawn
}

// gaussian returns a standard normal deviate by the Marsaglia polar method,
// keeping the pair's second deviate for the next call.
func (e *RFE) gaussian() float64 {
	if e.haveSecond {
		e.haveSecond = false
		return e.second
	}
	for {
		u := 2*e.rng.Float64() - 1
		v := 2*e.rng.Float64() - 1
		s := u*u + v*v
		if s < 1 && s > 0 {
			sln := math.Sqrt(-(2 * math.Log(s)) / s)
			e.second = v * sln
			e.haveSecond = true
			return u * sln
		}
	}
}

// generate draws one frame for every realization into fr (HipFT's
// generate_rfe), without flux balancing.
func (e *RFE) generate(fr []float64) {
	m := e.m
	ntm, npm := m.NThetaMain, m.NPhiMain
	l, one := m.Layout(field.Center, e.nReal), m.Layout(field.Center, 1)
	normfac := math.Pi / math.Sqrt(mesh.TwoPi)
	for k := 1; k < npm-1; k++ {
		col := one.Column(e.n, k, 0)
		for j := range col {
			col[j] = normfac * e.gaussian()
		}
	}
	for r := 0; r < e.nReal; r++ {
		fr := l.Realization(fr, r)
		u := e.u[r]
		for k := 1; k < npm-1; k++ {
			nc, fc := one.Column(e.n, k, 0), one.Column(fr, k, 0)
			for j := range fc {
				if e.model == RFEPerCell {
					fc[j] = nc[j] * u * e.ia[j] * m.DPhiInv[k]
				} else {
					fc[j] = nc[j] * u
				}
			}
		}
		mesh.SetPeriodic(fr, ntm, npm, 1)
		var fn, fs float64
		for k := 0; k < npm-2; k++ {
			fc := one.Column(fr, k, 0)
			fn += float64(fc[0] * m.DPhi[k])
			fs += float64(fc[ntm-1] * m.DPhi[k])
		}
		fn *= mesh.InvTwoPi
		fs *= mesh.InvTwoPi
		for k := 0; k < npm; k++ {
			fc := one.Column(fr, k, 0)
			fc[0] = fn
			fc[ntm-1] = fs
		}
	}
}

// balance flux-balances every realization of frame fr.
func (e *RFE) balance(fr []float64) {
	l := e.m.Layout(field.Center, e.nReal)
	for r := 0; r < e.nReal; r++ {
		diag.BalanceFlux(e.m, l.Realization(fr, r))
	}
}
