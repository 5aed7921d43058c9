package flow

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// Attenuate applies HipFT's flow attenuation (section 6.8) to v using the
// field f (Gauss, main-mesh layout, all realizations): every interior vt
// face (theta faces 1..NThetaHalf-2, phi points 1..NPhiMain-2) and every vp
// face (all theta rows, phi faces 1..NPhiHalf-2) is multiplied by
// 1 - tanh(a_r * max|Br|) over the two Br points beside the face, with
// a_r = 1/values[r] (values in Gauss, flow_attenuate_values) or, for
// values[r] <= 0, the largest float64. Then the periodic phi overlap is set
// on vt and vp.
func Attenuate(v *Velocity, m *mesh.Mesh, f []float64, values []float64) {
	a := newAttenuator(m, v.NReal, nil)
	a.apply(v, v, f, values)
}

// attenuator applies Attenuate over (realization, phi column) with a pool,
// without allocating.
//
// The factor 1 - tanh(a_r*max(|Br|,|Br'|)) of a face is the factor of
// whichever of its two Br points has the larger |Br|, so the kernel
// evaluates tanh once per Br point (into tcol) rather than once per face
// on either side of it, with the same results: the maximum is one of the
// two values.
type attenuator struct {
	m      *mesh.Mesh
	nReal  int
	lf     field.Layout // Br: field.Center
	lt, lp field.Layout // vt and vp: field.ThetaFace and field.PhiFace
	pool   *parallel.Pool
	inv    []float64 // a_r
	v, src *Velocity // the attenuated velocity is written to v from src
	f      []float64
	tcol   []float64 // per worker, two columns of 1 - tanh(a_r*|Br|)
	body   parallel.WorkerBody
}

func newAttenuator(m *mesh.Mesh, nReal int, pool *parallel.Pool) *attenuator {
	a := &attenuator{m: m, nReal: nReal, pool: pool, inv: make([]float64, nReal),
		lf: m.Layout(field.Center, nReal), lt: m.Layout(field.ThetaFace, nReal), lp: m.Layout(field.PhiFace, nReal),
		tcol: make([]float64, 2*m.NThetaMain*pool.Workers())}
	a.body = a.columns
	return a
}

// apply sets v to the attenuation of src (which may be v itself).
func (a *attenuator) apply(v, src *Velocity, f []float64, values []float64) {
	m := a.m
	for r := 0; r < a.nReal; r++ {
		if values[r] > 0 {
			a.inv[r] = 1 / values[r]
		} else {
			a.inv[r] = math.MaxFloat64
		}
	}
	a.v, a.src, a.f = v, src, f
	a.pool.Share((m.NPhiMain-2)*a.nReal, a.body)
	a.v, a.src, a.f = nil, nil, nil
	mesh.SetPeriodic(v.Vt, m.NThetaHalf, m.NPhiMain, a.nReal)
	mesh.SetPeriodic(v.Vp, m.NThetaMain, m.NPhiHalf, a.nReal)
}

// absBits returns the bits of |x|, whose unsigned order is the order of
// the magnitudes (an |NaN| above +Inf).
func absBits(x float64) uint64 { return math.Float64bits(x) &^ (1 << 63) }

// larger returns 1 if |y| > |x| and 0 otherwise (absBits is below 2^63,
// so the difference of two has its sign in the top bit).
func larger(x, y float64) int { return int((absBits(x) - absBits(y)) >> 63) }

// attenuation sets t[j] = 1 - tanh(|f[j]|*inv) for every j.
func attenuation(t, f []float64, inv float64) {
	t = t[:len(f)]
	done := attenuationVector(t, f, inv) // the leading blocks of eight, same bits
	for j := done; j < len(f); j++ {
		x := f[j]
		t[j] = 1 - math.Tanh(math.Abs(x)*inv)
	}
}

// columns attenuates, as worker w (whose tcol buffers it uses), for the
// columns [lo, hi) of the flattened (realization, k-1) column range, k =
// 1..NPhiMain-2, vt at the interior faces of column k and vp at face k
// (between columns k-1 and k) on every row (NPhiHalf == NPhiMain, so the
// vp faces 1..NPhiHalf-2 are the same k). Each call evaluates one extra
// column of factors, for the first column's west neighbour.
func (a *attenuator) columns(w, lo, hi int) {
	m := a.m
	ntm, nt := m.NThetaMain, m.NThetaHalf
	nk := m.NPhiMain - 2
	// buf holds two columns of factors: the current one at cur, the
	// previous one (column k-1) at ntm-cur.
	buf := a.tcol[2*ntm*w:][:2*ntm]
	cur := ntm
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		inv := a.inv[r]
		fw := a.lf.Column(a.f, k-1, r)
		fc := a.lf.Column(a.f, k, r)
		cur = ntm - cur
		prev := ntm - cur
		if c == lo || k == 1 {
			attenuation(buf[prev:][:ntm], fw, inv)
		}
		attenuation(buf[cur:][:ntm], fc, inv)

		// The factor of the point with the larger |Br|, chosen without
		// branches: larger(x, y) is 1 if |y| > |x| and 0 otherwise.
		tc := buf[cur:][:ntm]
		vt := a.lt.Column(a.v.Vt, k, r)
		st := a.lt.Column(a.src.Vt, k, r)
		vt[0], vt[nt-1] = st[0], st[nt-1] // the pole faces are not attenuated
		// Faces 1..nt-2 (rows j-1 and j on either side), the leading
		// blocks of eight by the vector kernel, same bits.
		done := selectScaledVector(vt[1:nt-1], st[1:], fc[1:], fc[:ntm-1], tc[1:], tc[:ntm-1])
		for j := 1 + done; j < nt-1; j++ {
			vt[j] = st[j] * tc[j-1+larger(fc[j-1], fc[j])]
		}
		vp := a.lp.Column(a.v.Vp, k, r)
		sp := a.lp.Column(a.src.Vp, k, r)
		d := cur - prev
		done = selectScaledVector(vp, sp, fc, fw, buf[cur:][:ntm], buf[prev:][:ntm])
		for j := done; j < len(vp); j++ {
			vp[j] = sp[j] * buf[prev+j+(-larger(fw[j], fc[j])&d)]
		}
	}
}

// Flows is the configured velocity field of a run: the model list, the
// attenuation, and HipFT's "update flow" logic (section 6.1).
//
// Use per step, in the update phase before the time step is chosen:
//
//	changed, err := fl.Update(f, time)
//	if changed { adv.SetVelocity(fl.V); /* time step and flow CFL need updating */ }
//
// and after a step was clipped to NextFileTime, call Invalidate.
type Flows struct {
	Mesh   *mesh.Mesh // the mesh of the run
	NReal  int        // number of realizations
	V      *Velocity  // the current velocity (Rs/hr)
	Models []Model    // contributions, in the order they are added
	// AttenuateValues holds flow_attenuate_values (Gauss, one per
	// realization); nil turns attenuation off.
	AttenuateValues []float64

	stale     bool
	everyStep bool
	atten     *attenuator
	// base is the sum of the models before attenuation, kept when only the
	// attenuation changes from step to step (no TimeDependent model);
	// baseValid is cleared by Invalidate.
	base      *Velocity
	baseValid bool
}

// New returns Flows for nReal realizations on m with the given models
// (added in order) and attenuation values (nil: no attenuation). pool
// parallelises the attenuation and may be nil.
func New(m *mesh.Mesh, nReal int, models []Model, attenuateValues []float64, pool *parallel.Pool) (*Flows, error) {
	if attenuateValues != nil && len(attenuateValues) < nReal {
		return nil, fmt.Errorf("flow: flow_attenuate_values has %d values, need one per realization (%d)", len(attenuateValues), nReal)
	}
	fl := &Flows{Mesh: m, NReal: nReal, V: NewVelocity(m, nReal), Models: models,
		AttenuateValues: attenuateValues, stale: true}
	if attenuateValues != nil {
		fl.everyStep = true
		fl.atten = newAttenuator(m, nReal, pool)
	}
	timeDependent := false
	for _, md := range models {
		if td, ok := md.(TimeDependent); ok && td.TimeDependent() {
			timeDependent = true
		}
	}
	if timeDependent {
		fl.everyStep = true
	} else if fl.atten != nil {
		fl.base = NewVelocity(m, nReal)
	}
	return fl, nil
}

// FromConfig builds Flows from HipFT's flow parameters: the models named by
// cfg.ModelNames, created from reg, and the attenuation if cfg.Attenuate.
func FromConfig(cfg *Config, reg *Registry, m *mesh.Mesh, nReal int, timeStart float64, pool *parallel.Pool) (*Flows, error) {
	s := &Setup{Mesh: m, NReal: nReal, TimeStart: timeStart, Config: cfg}
	var models []Model
	for _, name := range cfg.ModelNames() {
		md, err := reg.New(name, s)
		if err != nil {
			return nil, err
		}
		models = append(models, md)
	}
	var atten []float64
	if cfg.Attenuate {
		atten = cfg.AttenuateValues
		if atten == nil {
			atten = []float64{}
		}
	}
	return New(m, nReal, models, atten, pool)
}

// EveryStep reports whether the velocity is recomputed at every step
// (flows from files, a TimeDependent model, or attenuation), in which case
// the flow CFL must be recomputed every step too.
func (fl *Flows) EveryStep() bool { return fl.everyStep }

// NeedsUpdate reports whether the next Update will recompute the velocity.
func (fl *Flows) NeedsUpdate() bool { return fl.stale }

// Invalidate forces the next Update to recompute the velocity (HipFT sets
// flow_needs_updating when a step is clipped to a flow-file time).
func (fl *Flows) Invalidate() { fl.stale, fl.baseValid = true, false }

// Update recomputes the velocity at time t (hours) from the field f (Gauss,
// main-mesh layout, the field at the start of the step) if it needs
// updating: zero, add every model in order, attenuate (f may be nil when
// attenuation is off). It reports whether
// the velocity was recomputed; the caller must then recompute the WENO
// alphas (advection.Advector.SetVelocity) and the flow CFL. It does not
// allocate unless a model does.
func (fl *Flows) Update(f []float64, t float64) (bool, error) {
	if !fl.stale {
		return false, nil
	}
	fl.stale = fl.everyStep
	sum := fl.V
	if fl.base != nil {
		sum = fl.base
	}
	if fl.base == nil || !fl.baseValid {
		sum.Zero()
		for _, md := range fl.Models {
			if err := md.Add(sum, fl.Mesh, t); err != nil {
				return true, fmt.Errorf("flow: model %s at time %g h: %w", md.Name(), t, err)
			}
		}
		if err := fl.checkFinite(sum, t); err != nil {
			return true, err
		}
		fl.baseValid = fl.base != nil
	}
	if fl.atten != nil {
		fl.atten.apply(fl.V, sum, f, fl.AttenuateValues)
	}
	return true, nil
}

// NonFiniteError is Update's error when the models' velocity sum is NaN
// or infinite somewhere (a field advected by it would turn to NaN at the
// first step).
type NonFiniteError struct {
	// Model is the name of the first model whose own velocity is not
	// finite, "" when only their sum is not.
	Model string
	Time  float64 // hours
	// Where describes the first non-finite value: component, point and
	// realization.
	Where string
}

// Error names the model, the point and, for flow_rigid_omega, the fix.
func (e *NonFiniteError) Error() string {
	who, hint := "the sum of the flow models", ""
	if e.Model != "" {
		who = "flow model " + e.Model
	}
	if e.Model == ModelRotatedRigid {
		hint = "; HipFT's rotated rigid rotation takes square roots of negative numbers on almost every mesh (HipFT documents flow_rigid_omega as highly likely not working, and its runs fill Br with NaN): set flow_rigid_omega = 0"
	}
	return fmt.Sprintf("flow: %s gives a velocity that is not finite at time %g h, first %s%s", who, e.Time, e.Where, hint)
}

// checkFinite returns a *NonFiniteError if the models' velocity sum is not
// finite.
func (fl *Flows) checkFinite(sum *Velocity, t float64) error {
	comp, i, bad := sum.firstNonFinite()
	if !bad {
		return nil
	}
	m := fl.Mesh
	e := &NonFiniteError{Time: t}
	if comp == "vt" {
		j, k, r := sum.VtLayout().Coords(i)
		theta, phi := m.Coords(field.ThetaFace)
		e.Where = fmt.Sprintf("vt = %g at theta face %d (colatitude %.4g rad), phi point %d (%.4g rad), realization %d", sum.Vt[i], j, theta[j], k, phi[k], r+1)
	} else {
		j, k, r := sum.VpLayout().Coords(i)
		theta, phi := m.Coords(field.PhiFace)
		e.Where = fmt.Sprintf("vp = %g at theta point %d (colatitude %.4g rad), phi face %d (%.4g rad), realization %d", sum.Vp[i], j, theta[j], k, phi[k], r+1)
	}
	// Find the model that gives it (this error path may recompute them).
	for _, md := range fl.Models {
		one := NewVelocity(m, fl.NReal)
		if md.Add(one, m, t) != nil {
			continue
		}
		if _, _, b := one.firstNonFinite(); b {
			e.Model = md.Name()
			break
		}
	}
	return e
}

// NextFileTime returns the time (hours) at which the next flow file pair
// takes over (HipFT's time_of_next_input_flow), the earliest NextTime of
// all Scheduled models; ok is false if no model is Scheduled. A step that
// would reach past it is clipped to end there (section 11.3 step 4), after
// which Invalidate must be called.
func (fl *Flows) NextFileTime() (t float64, ok bool) {
	for _, md := range fl.Models {
		if s, is := md.(Scheduled); is {
			nt := s.NextTime()
			if !ok || nt < t {
				t, ok = nt, true
			}
		}
	}
	return t, ok
}
