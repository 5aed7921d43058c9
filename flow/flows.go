package flow

import (
	"fmt"
	"math"

	"goft/mesh"
	"goft/parallel"
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
	a.apply(v, f, values)
}

// attenuator applies Attenuate over (realization, phi column) with a pool,
// without allocating.
type attenuator struct {
	m      *mesh.Mesh
	nReal  int
	pool   *parallel.Pool
	inv    []float64 // a_r
	v      *Velocity
	f      []float64
	vtBody parallel.Body
	vpBody parallel.Body
}

func newAttenuator(m *mesh.Mesh, nReal int, pool *parallel.Pool) *attenuator {
	a := &attenuator{m: m, nReal: nReal, pool: pool, inv: make([]float64, nReal)}
	a.vtBody = a.vtColumns
	a.vpBody = a.vpColumns
	return a
}

func (a *attenuator) apply(v *Velocity, f []float64, values []float64) {
	m := a.m
	for r := 0; r < a.nReal; r++ {
		if values[r] > 0 {
			a.inv[r] = 1 / values[r]
		} else {
			a.inv[r] = math.MaxFloat64
		}
	}
	a.v, a.f = v, f
	a.pool.For((m.NPhiMain-2)*a.nReal, a.vtBody)
	a.pool.For((m.NPhiHalf-2)*a.nReal, a.vpBody)
	a.v, a.f = nil, nil
	mesh.SetPeriodic(v.Vt, m.NThetaHalf, m.NPhiMain, a.nReal)
	mesh.SetPeriodic(v.Vp, m.NThetaMain, m.NPhiHalf, a.nReal)
}

// vtColumns attenuates vt on columns k = 1..NPhiMain-2 of the flattened
// (realization, k-1) range [lo, hi).
func (a *attenuator) vtColumns(lo, hi int) {
	m := a.m
	ntm, nt, npm := m.NThetaMain, m.NThetaHalf, m.NPhiMain
	nk := npm - 2
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		inv := a.inv[r]
		fc := a.f[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		vt := a.v.Vt[nt*(k+npm*r) : nt*(k+npm*r+1)]
		for j := 1; j < nt-1; j++ {
			br := max(math.Abs(fc[j-1]), math.Abs(fc[j]))
			vt[j] = vt[j] * (1 - math.Tanh(br*inv))
		}
	}
}

// vpColumns attenuates vp on faces k = 1..NPhiHalf-2 of the flattened
// (realization, k-1) range [lo, hi).
func (a *attenuator) vpColumns(lo, hi int) {
	m := a.m
	ntm, npm, np := m.NThetaMain, m.NPhiMain, m.NPhiHalf
	nk := np - 2
	for c := lo; c < hi; c++ {
		r, k := c/nk, c%nk+1
		inv := a.inv[r]
		fw := a.f[ntm*(k-1+npm*r) : ntm*(k+npm*r)]
		fc := a.f[ntm*(k+npm*r) : ntm*(k+npm*r+1)]
		vp := a.v.Vp[ntm*(k+np*r) : ntm*(k+np*r+1)]
		for j := range vp {
			br := max(math.Abs(fw[j]), math.Abs(fc[j]))
			vp[j] = vp[j] * (1 - math.Tanh(br*inv))
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
	Mesh   *mesh.Mesh
	NReal  int
	V      *Velocity // the current velocity (Rs/hr)
	Models []Model   // contributions, in the order they are added
	// AttenuateValues holds flow_attenuate_values (Gauss, one per
	// realization); nil turns attenuation off.
	AttenuateValues []float64

	stale     bool
	everyStep bool
	atten     *attenuator
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
	for _, md := range models {
		if td, ok := md.(TimeDependent); ok && td.TimeDependent() {
			fl.everyStep = true
		}
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
func (fl *Flows) Invalidate() { fl.stale = true }

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
	fl.V.Zero()
	for _, md := range fl.Models {
		if err := md.Add(fl.V, fl.Mesh, t); err != nil {
			return true, fmt.Errorf("flow: model %s at time %g h: %w", md.Name(), t, err)
		}
	}
	if fl.atten != nil {
		fl.atten.apply(fl.V, f, fl.AttenuateValues)
	}
	return true, nil
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
