// Package validation holds HipFT's built-in analytic test problems:
// validation_run 1, the "soccer ball" (a degree-6 spherical harmonic decaying
// under diffusion), and validation_run 2, two Gaussian blobs carried by rigid
// flows (hipft-model.md sections 4.4, 4.5 and 12.2).
//
// Fields are returned in map layout (field.MapLayout, phi fastest): index
// iPhi + len(phi)*jTheta, on the map points phi (dim1, 0..2pi) and theta
// (dim2, 0..pi), in Gauss.
package validation

import (
	"math"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// Harmonic evaluates HipFT's 4pi-normalised real tesseral harmonic Y_l^m
// (divided by sqrt(4pi), with the (-1)^m phase and cos(m phi) for m >= 0)
// on the map points, using the same column recursion as HipFT so that the
// values agree to the last bit.
func Harmonic(m, l int, phi, theta []float64) []float64 {
	const pi = 3.141592653589793
	am := m
	if am < 0 {
		am = -am
	}
	nt := len(theta)
	pold := make([]float64, nt)
	poldold := make([]float64, nt)
	cost := make([]float64, nt)
	for i, t := range theta {
		cost[i] = math.Cos(t)
		pold[i] = 1
	}
	if am > 0 {
		for i := range pold {
			pold[i] = math.Sqrt(3)
		}
		for im := 2; im <= am; im++ {
			fim := float64(im)
			c := math.Sqrt((2*fim + 1) / (2 * fim))
			for i := range pold {
				pold[i] = c * pold[i]
			}
		}
	}
	for il := am + 1; il <= l; il++ {
		fl := float64(il)
		anm := math.Sqrt(((2*fl - 1) * (2*fl + 1)) / float64((il-am)*(il+am)))
		bnm := math.Sqrt(((2*fl + 1) * (float64(il+am) - 1) * (float64(il-am) - 1)) /
			(float64((il-am)*(il+am)) * (2*fl - 3)))
		for i := range pold {
			// HipFT's builds (gfortran -march=native, nvfortran) contract
			// this recurrence into a fused multiply-add; doing the same
			// reproduces the round-off of their fields (the step-0
			// validation error of the soccer ball is pure round-off).
			pl := math.FMA(anm*cost[i], pold[i], -(bnm * poldold[i]))
			poldold[i] = pold[i]
			pold[i] = pl
		}
	}
	inv := 1 / math.Sqrt(4*pi)
	sign := 1.0
	if am%2 == 1 {
		sign = -1
	}
	for i, t := range theta {
		pold[i] = sign * powi(math.Sin(t), am) * inv * pold[i]
	}
	ml := field.MapLayout{NPhi: len(phi), NTheta: nt, NReal: 1}
	y := make([]float64, ml.Len())
	for j := 0; j < nt; j++ {
		row := ml.Row(y, j, 0)
		for i, p := range phi {
			var c float64
			if m >= 0 {
				c = math.Cos(float64(m) * p)
			} else {
				c = math.Sin(float64(am) * p)
			}
			row[i] = pold[j] * c
		}
	}
	return y
}

// powi is x**n by binary exponentiation, as libgcc's __powidf2.
func powi(x float64, n int) float64 {
	y := 1.0
	if n%2 == 1 {
		y = x
	}
	for n >>= 1; n > 0; n >>= 1 {
		x = x * x
		if n%2 == 1 {
			y = y * x
		}
	}
	return y
}

// SoccerBall returns the unaveraged initial field of validation run 1,
// u0 = Y_6^0 + sqrt(14/11) Y_6^5 (Gauss).
func SoccerBall(phi, theta []float64) []float64 {
	y0 := Harmonic(0, 6, phi, theta)
	y5 := Harmonic(5, 6, phi, theta)
	c := math.Sqrt(14.0 / 11.0)
	for i := range y0 {
		y0[i] = y0[i] + c*y5[i]
	}
	return y0
}

// SoccerDecay is the analytic decay factor exp(-42 D factor t) of the
// soccer ball after t hours, for diffusion constant d (input units) and
// diffusion_coef_factor factor. 42 = l(l+1) for l = 6.
func SoccerDecay(d, factor, t float64) float64 {
	return math.Exp(-42.0 * d * factor * t)
}

// Gaussian blob parameters of validation run 2 (radians).
const (
	BlobTheta0   = 0.7853981633974483 // pi/4, initial blob colatitude
	BlobPhiMinus = 1.5707963267948966 // pi/2, negative blob longitude
	BlobPhiPlus  = 4.71238898038469   // 3pi/2, positive blob longitude
)

// Blobs returns validation run 2's field: a negative and a positive Gaussian
// of width parameter w centred at colatitude thetaC and longitudes pi/2 and
// 3pi/2, divided by sin(theta) (0 at the poles).
func Blobs(phi, theta []float64, thetaC, w float64) []float64 {
	nt := len(theta)
	l := field.MapLayout{NPhi: len(phi), NTheta: nt, NReal: 1}
	f := make([]float64, l.Len())
	for j, t := range theta {
		row := l.Row(f, j, 0)
		sti := 0.0
		if j > 0 && j < nt-1 {
			sti = 1 / math.Sin(t)
		}
		dt := t - thetaC
		for i, p := range phi {
			dm := p - BlobPhiMinus
			dp := p - BlobPhiPlus
			row[i] = -sti*math.Exp(-(dt*dt)/w-(dm*dm)/w) + sti*math.Exp(-(dt*dt)/w-(dp*dp)/w)
		}
	}
	return f
}

// Config describes a validation run as the run driver translates it from
// HipFT's parameters (validation_run, validation_run_width, the diffusion
// constants and the rigid flows).
type Config struct {
	// Run is HipFT's validation_run: 1 the soccer ball, 2 the two blobs;
	// any other value is no validation run.
	Run int
	// TimeStart and TimeEnd are the run's start and end times (hours).
	TimeStart, TimeEnd float64
	// DiffusionConstants are the diffusion constants of the realizations
	// run (input units, one per realization) and DiffusionFactor
	// diffusion_coef_factor (validation run 1).
	DiffusionConstants []float64
	DiffusionFactor    float64
	// Width is validation_run_width, the blobs' width parameter (radians
	// squared, validation run 2).
	Width float64
	// FlowVtConst and FlowVpRigidOmega are flow_vt_const and
	// flow_vp_rigid_omega as given (km/s); validation run 2 overrides
	// those that are not zero (see Problem.VtConst and Problem.VpOmega).
	FlowVtConst, FlowVpRigidOmega float64
}

// Problem is a validation run set up on the points of its initial map:
// its initial field, its analytic final fields and the rigid flows it
// runs with.
type Problem struct {
	cfg        Config
	phi, theta []float64
	u0         []float64 // the initial field, map layout
	thetaEnd   float64   // validation run 2: the blobs' final colatitude
	// VtConst and VpOmega are flow_vt_const and flow_vp_rigid_omega after
	// validation run 2's overrides (km/s): a nonzero vt becomes the speed
	// that carries the blobs from pi/4 to 3pi/4 over the run, a nonzero
	// omega one rotation over the run. Other runs keep the values given.
	VtConst, VpOmega float64
	// VtOverridden and VpOverridden report the overrides (HipFT warns).
	VtOverridden, VpOverridden bool
}

// NewProblem sets the validation run c up on the map points phi (dim1,
// 0..2pi) and theta (dim2, 0..pi). It returns nil when c.Run is neither 1
// nor 2.
func NewProblem(c Config, phi, theta []float64) *Problem {
	if c.Run != 1 && c.Run != 2 {
		return nil
	}
	p := &Problem{cfg: c, phi: phi, theta: theta, VtConst: c.FlowVtConst, VpOmega: c.FlowVpRigidOmega}
	switch c.Run {
	case 1:
		p.u0 = SoccerBall(phi, theta)
	case 2:
		span := c.TimeEnd - c.TimeStart
		p.thetaEnd = math.Pi / 4
		if math.Abs(c.FlowVtConst) > 0 {
			p.VtConst = (math.Pi / 2 / span) / mesh.KmPerSToRsPerHr
			p.thetaEnd = 3 * math.Pi / 4
			p.VtOverridden = true
		}
		if math.Abs(c.FlowVpRigidOmega) > 0 {
			p.VpOmega = (mesh.TwoPi / span) / mesh.KmPerSToRsPerHr
			p.VpOverridden = true
		}
		p.u0 = Blobs(phi, theta, BlobTheta0, c.Width)
	}
	return p
}

// Points returns the map points the problem was set up on: phi (dim1) and
// theta (dim2), radians.
func (p *Problem) Points() (phi, theta []float64) { return p.phi, p.theta }

// Initial returns the initial field in map layout (Gauss, before pole
// averaging), shared by every realization: read only.
func (p *Problem) Initial() []float64 { return p.u0 }

// FinalAnalytic returns the analytic field at TimeEnd in map layout: for
// the soccer ball one field per realization (each decays with its own
// constant; HipFT decays over TimeEnd hours, not TimeEnd - TimeStart), for
// the blobs one field for all. oneMap reports the latter.
func (p *Problem) FinalAnalytic() (fields [][]float64, oneMap bool) {
	c := p.cfg
	if c.Run == 2 {
		return [][]float64{Blobs(p.phi, p.theta, p.thetaEnd, c.Width)}, true
	}
	fields = make([][]float64, len(c.DiffusionConstants))
	for i := range fields {
		fields[i] = make([]float64, len(p.u0))
		decay := SoccerDecay(c.DiffusionConstants[i], c.DiffusionFactor, c.TimeEnd)
		for q, v := range p.u0 {
			fields[i][q] = v * decay
		}
	}
	return fields, false
}

// Reference gives the analytic field of a validation run at any time on
// the main mesh, against which the run's histories measure its error.
// It keeps its fields and scratch arrays, so that a step allocates
// nothing; the slices it returns are overwritten by the next call.
type Reference struct {
	p *Problem
	m *mesh.Mesh
	// Validation run 1: u0 on the main mesh (theta fastest, unique
	// columns) and one reference per realization, so that realizations
	// can be analysed in parallel.
	u0Mesh []float64
	refs   [][]float64
	// Validation run 2: one reference for all realizations, cached for
	// the time it was formed at, and its separable exponentials.
	ref                []float64
	valid              bool
	at                 float64
	expT, expP1, expP2 []float64
	// pool fills the blobs' columns from the exponentials (fillBody).
	pool     *parallel.Pool
	fillBody parallel.WorkerBody
}

// Reference returns the reference of p on mesh m (built on p's map
// points) for nReal realizations. pool (nil: serial) forms the blobs'
// field, which every realization shares.
func (p *Problem) Reference(m *mesh.Mesh, nReal int, pool *parallel.Pool) *Reference {
	r := &Reference{p: p, m: m, pool: pool}
	r.fillBody = parallel.Each(r.fillColumns)
	ntm := m.NThetaMain
	switch p.cfg.Run {
	case 1:
		r.refs = make([][]float64, nReal)
		for i := range r.refs {
			r.refs[i] = make([]float64, m.Size())
		}
		r.u0Mesh = make([]float64, ntm*(m.NPhiMain-1))
		for k := 0; k < m.NPhiMain-1; k++ {
			for j := 0; j < ntm; j++ {
				r.u0Mesh[j+ntm*k] = p.u0[k+m.NPhiFile*j]
			}
		}
	case 2:
		r.ref = make([]float64, m.Size())
		r.expT = make([]float64, ntm)
		r.expP1 = make([]float64, m.NPhiMain)
		r.expP2 = make([]float64, m.NPhiMain)
	}
	return r
}

// Field returns the reference of realization i at time t (hours) in
// main-mesh layout (Gauss). For the blobs every realization shares one
// field, formed once per time: call Field(0, t) before calling it from
// several goroutines.
func (r *Reference) Field(i int, t float64) []float64 {
	c := r.p.cfg
	m := r.m
	ntm := m.NThetaMain
	if c.Run == 1 {
		decay := SoccerDecay(c.DiffusionConstants[i], c.DiffusionFactor, t-c.TimeStart)
		ref := r.refs[i]
		for n, u := range r.u0Mesh {
			ref[n] = u * decay
		}
		return ref
	}
	if r.valid && r.at == t {
		return r.ref
	}
	w := c.Width
	vtt := r.p.VtConst * mesh.KmPerSToRsPerHr * (t - c.TimeStart)
	vpt := r.p.VpOmega * mesh.KmPerSToRsPerHr * (t - c.TimeStart)
	p1 := fortranModulo(BlobPhiMinus+vpt, mesh.TwoPi)
	p2 := fortranModulo(BlobPhiPlus+vpt, mesh.TwoPi)
	// exp(-dt^2/w - dp^2/w) is formed as exp(-dt^2/w)*exp(-dp^2/w):
	// ntm + 2*npm exponentials instead of 2*ntm*npm (HipFT evaluates
	// the sum's exponential; the two differ in the last bits only).
	for j := 0; j < ntm; j++ {
		dt := m.Theta[j] - BlobTheta0 - vtt
		r.expT[j] = m.SinThetaInv[j] * math.Exp(-(dt*dt)/w)
	}
	for k := 0; k < m.NPhiMain-1; k++ {
		d1 := m.Phi[k] - p1
		d2 := m.Phi[k] - p2
		r.expP1[k] = math.Exp(-(d1 * d1) / w)
		r.expP2[k] = math.Exp(-(d2 * d2) / w)
	}
	r.pool.Share(m.NPhiMain-1, r.fillBody)
	r.valid, r.at = true, t
	return r.ref
}

// fillColumns sets the blobs' field on the columns [lo, hi) from the
// separable exponentials.
func (r *Reference) fillColumns(lo, hi int) {
	ntm := r.m.NThetaMain
	for k := lo; k < hi; k++ {
		e1, e2 := r.expP1[k], r.expP2[k]
		col := r.ref[ntm*k : ntm*(k+1)]
		for j, et := range r.expT {
			col[j] = -et*e1 + et*e2
		}
	}
}

// fortranModulo is Fortran's MODULO for reals: the remainder of a/p with
// the sign of p.
func fortranModulo(a, p float64) float64 {
	m := math.Mod(a, p)
	if m != 0 && (m < 0) != (p < 0) {
		m += p
	}
	return m
}
