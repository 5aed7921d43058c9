package assim

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// Layers of an assimilation map file (the third Fortran dimension, 0-based).
const (
	LayerData   = 0 // observed Br (Gauss)
	LayerWeight = 1 // default weights, 0..1
	LayerMu     = 2 // cosine of the angle from disk centre (< 0 on the far side)
	NumLayers   = 3 // the minimum number of layers
)

// Config holds HipFT's assimilation parameters (namelist names in the
// comments), already processed: the per-realization slices hold at least
// one value per realization.
type Config struct {
	// ListFile is the list's path (assimilate_data_map_list_filename),
	// already resolved against the run directory.
	ListFile string
	// RootDir is prepended to the list's map paths
	// (assimilate_data_map_root_dir, resolved against the run directory).
	RootDir string
	// TimeStart is the run's start time (time_start, hours).
	TimeStart float64
	// BalanceFlux flux-balances each realization's increment
	// (assimilate_data_balance_flux).
	BalanceFlux bool
	// MultFac multiplies the observed data (assimilate_data_mult_fac).
	MultFac float64
	// Add adds w*data instead of blending w*(data - f) (assimilate_data_add).
	Add bool
	// CustomFromMu replaces the file's weights by mu^MuPowers[r] where
	// mu > MuLimits[r], else 0 (assimilate_data_custom_from_mu).
	CustomFromMu bool
	// MuPowers (assimilate_data_mu_powers, dimensionless) and MuLimits
	// (assimilate_data_mu_limits, cosine) are used with CustomFromMu.
	MuPowers, MuLimits []float64
	// LatLimits (assimilate_data_lat_limits, degrees of colatitude): where
	// > 0, the weights are zeroed from each pole up to and including the
	// first row at or beyond the limit.
	LatLimits []float64
}

// Assimilator applies the maps of a list at their times. It is HipFT's
// load_data_assimilation (New) and apply_data_assimilation (Apply).
type Assimilator struct {
	m     *mesh.Mesh
	nReal int
	cfg   Config

	entries []Entry
	times   []float64 // TM_i, hours
	idx     int       // 0-based index of the next map
	next    float64   // its time, hours
	active  bool

	// Lat-limit rows per realization (0-based, inclusive), -1 if none.
	latRow0, latRow1 []int

	delta []float64 // increment of one realization, mesh layout

	// Applied counts the maps applied so far.
	Applied int
}

// New reads the list, sets the schedule for a run starting at
// cfg.TimeStart and checks that every listed map file exists. nReal is the
// number of realizations held in the field passed to Apply. The maps
// themselves are read when they are applied, and must be on m's grid.
func New(m *mesh.Mesh, nReal int, cfg Config) (*Assimilator, error) {
	if m == nil || nReal < 1 {
		return nil, fmt.Errorf("assim: need a mesh and at least one realization")
	}
	for _, s := range []struct {
		name string
		v    []float64
		need bool
	}{
		{"assimilate_data_mu_powers", cfg.MuPowers, cfg.CustomFromMu},
		{"assimilate_data_mu_limits", cfg.MuLimits, cfg.CustomFromMu},
		{"assimilate_data_lat_limits", cfg.LatLimits, cfg.LatLimits != nil},
	} {
		if s.need && len(s.v) < nReal {
			return nil, fmt.Errorf("assim: %s has %d values, need one per realization (%d)", s.name, len(s.v), nReal)
		}
		for i, v := range s.v {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("assim: %s(%d) = %v is not finite", s.name, i+1, v)
			}
		}
	}
	if math.IsNaN(cfg.MultFac) || math.IsInf(cfg.MultFac, 0) {
		return nil, fmt.Errorf("assim: assimilate_data_mult_fac = %v is not finite", cfg.MultFac)
	}
	entries, err := ReadList(cfg.ListFile)
	if err != nil {
		return nil, err
	}
	a := &Assimilator{m: m, nReal: nReal, cfg: cfg, entries: entries, times: MapTimes(entries),
		delta: make([]float64, m.Layout(field.Center, 1).Len())}
	for _, e := range entries {
		p := a.mapPath(e)
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("%s:%d: assimilation map %s does not exist (map paths are relative to assimilate_data_map_root_dir = %q)", cfg.ListFile, e.Line, p, cfg.RootDir)
			}
			return nil, fmt.Errorf("%s:%d: assimilation map: %w", cfg.ListFile, e.Line, err)
		}
	}
	a.schedule(cfg.TimeStart)
	a.latRows()
	return a, nil
}

// schedule sets the first map to assimilate for a run starting at ts
// (HipFT's rules, section 10.2): with ts <= 0 the first map, due at time 0
// (a run starting before 0 runs up to 0 first); with ts after the last
// map, none; otherwise the map nearest to ts (the first one on a tie), or
// the one after it when that is earlier than ts.
func (a *Assimilator) schedule(ts float64) {
	n := len(a.times)
	switch {
	case ts <= 0:
		a.idx, a.next, a.active = 0, 0, true
	case ts > a.times[n-1]:
		a.active = false
	default:
		// First index minimising |TM_i - ts|.
		i := 0
		best := math.Abs(a.times[0] - ts)
		for q := 1; q < n; q++ {
			if d := math.Abs(a.times[q] - ts); d < best {
				i, best = q, d
			}
		}
		if ts > a.times[i] {
			i++
		}
		// goft: skip maps before ts. HipFT does not, and with a repeated
		// date just before ts it would schedule a map in the past and take
		// a negative step.
		for i < n && a.times[i] < ts {
			i++
		}
		if i >= n {
			a.active = false
			return
		}
		a.idx, a.next, a.active = i, a.times[i], true
	}
}

// latRows finds, per realization, the last theta row zeroed from each pole
// by the latitude limit (HipFT's tidx0/tidx1).
func (a *Assimilator) latRows() {
	m := a.m
	ntm := m.NThetaMain
	a.latRow0 = make([]int, a.nReal)
	a.latRow1 = make([]int, a.nReal)
	for r := 0; r < a.nReal; r++ {
		a.latRow0[r], a.latRow1[r] = -1, -1
		if a.cfg.LatLimits == nil || !(a.cfg.LatLimits[r] > 0) {
			continue
		}
		lim := a.cfg.LatLimits[r] * mesh.Deg2Rad
		for j := 0; j < ntm; j++ {
			if m.Theta[j] >= lim {
				a.latRow0[r] = j
				break
			}
		}
		for j := ntm - 1; j >= 0; j-- {
			if m.Theta[j] <= math.Pi-lim {
				a.latRow1[r] = j
				break
			}
		}
	}
}

func (a *Assimilator) mapPath(e Entry) string {
	if a.cfg.RootDir == "" {
		return e.Path
	}
	return filepath.Join(a.cfg.RootDir, e.Path)
}

// Entries returns the list's entries (do not modify).
func (a *Assimilator) Entries() []Entry { return a.entries }

// Times returns the map times TM_i in hours (do not modify).
func (a *Assimilator) Times() []float64 { return a.times }

// Active reports whether maps remain to be assimilated.
func (a *Assimilator) Active() bool { return a.active }

// NextTime returns the model time (hours) of the next map and true, or
// false once every map has been assimilated (or the run starts after the
// last one). The driver ends a step exactly there (HipFT's "dataassim"
// clip); see ClipDt.
func (a *Assimilator) NextTime() (float64, bool) {
	if !a.active {
		return 0, false
	}
	return a.next, true
}

// ClipDt applies HipFT's "dataassim" time-step clip: if a map is due
// within the step, that is time+dt >= next, it returns next-time and true
// (the driver then sets reason "dataassim" and marks the time step and the
// flow CFL for recomputation); otherwise dt and false. Times are in hours.
func (a *Assimilator) ClipDt(time, dt float64) (float64, bool) {
	if next, ok := a.NextTime(); ok && time+dt >= next {
		return next - time, true
	}
	return dt, false
}

// Apply assimilates the next map into f (Gauss, every realization, mesh
// layout) if it is due at time (hours), that is time >= NextTime, and
// advances the schedule; it reports whether a map was applied. At most one
// map is applied per call, as in HipFT. The driver calls it once per step,
// after the clock has advanced.
func (a *Assimilator) Apply(f []float64, time float64) (bool, error) {
	b, due, err := a.Next(time)
	if !due || err != nil {
		return due, err
	}
	if err := a.m.Layout(field.Center, a.nReal).Check(f, "assim: field"); err != nil {
		return true, err
	}
	a.ApplyBlend(f, b)
	return true, nil
}

// Next is Apply for a backend that updates its own field (a device): if a
// map is due at time, it reads it, advances the schedule and returns the
// map's Blend for the caller to apply (ApplyBlend gives the arithmetic);
// due is false when no map is due.
func (a *Assimilator) Next(time float64) (b *Blend, due bool, err error) {
	if !a.active || time < a.next {
		return nil, false, nil
	}
	e := a.entries[a.idx]
	path := a.mapPath(e)
	mp, err := psihdf.Read(path)
	if err != nil {
		return nil, true, fmt.Errorf("assimilation map (%s line %d): %w", a.cfg.ListFile, e.Line, err)
	}
	if b, err = a.Prepare(mp, path); err != nil {
		return nil, true, fmt.Errorf("%w (%s line %d)", err, a.cfg.ListFile, e.Line)
	}
	a.Applied++
	a.idx++
	if a.idx >= len(a.entries) {
		a.active = false
	} else {
		a.next = a.times[a.idx]
	}
	return b, true, nil
}

// CheckMap reports whether mp is a valid assimilation map on m's grid: 3D
// with dims (NPhiFile, NThetaMain, >= 3) and phi and theta scales equal to
// the mesh's within 1e-5 rad. name is used in the error.
func CheckMap(m *mesh.Mesh, mp *psihdf.Map, name string) error {
	if len(mp.Dims) != 3 {
		return fmt.Errorf("assimilation map %s is %dD with dims %v; it must be 3D with dims (N_phi, N_theta, 3): layers data, weight, mu", name, len(mp.Dims), mp.Dims)
	}
	if len(mp.Scales) < 2 || len(mp.Scales[0]) != mp.Dims[0] || len(mp.Scales[1]) != mp.Dims[1] || mp.Dims[2] < 0 ||
		len(mp.Data) != mp.Dims[0]*mp.Dims[1]*mp.Dims[2] {
		return fmt.Errorf("assimilation map %s is inconsistent: dims %v, %d scales, %d values", name, mp.Dims, len(mp.Scales), len(mp.Data))
	}
	if mp.Dims[0] != m.NPhiFile || mp.Dims[1] != m.NThetaMain || mp.Dims[2] < NumLayers {
		return fmt.Errorf("assimilation map %s has dims (%d, %d, %d); the run's grid needs (%d, %d, >=3) (N_phi, N_theta, layers data/weight/mu); goft does not interpolate assimilation maps",
			name, mp.Dims[0], mp.Dims[1], mp.Dims[2], m.NPhiFile, m.NThetaMain)
	}
	const tol = 1e-5
	for k := 0; k < m.NPhiFile; k++ {
		if math.Abs(mp.Scales[0][k]-m.Phi[k]) > tol {
			return fmt.Errorf("assimilation map %s: phi scale point %d is %.9g, the run's grid has %.9g (the grids must match)", name, k+1, mp.Scales[0][k], m.Phi[k])
		}
	}
	for j := 0; j < m.NThetaMain; j++ {
		if math.Abs(mp.Scales[1][j]-m.Theta[j]) > tol {
			return fmt.Errorf("assimilation map %s: theta scale point %d is %.9g, the run's grid has %.9g (the grids must match)", name, j+1, mp.Scales[1][j], m.Theta[j])
		}
	}
	return nil
}

// A Blend is one map's assimilation, prepared on the host and ready to be
// applied to the field by any backend: the scaled observations and each
// realization's weights, both in map layout (phi fastest, NPhiFile x
// NThetaMain: mesh.Mesh.MapLayout(field.Center, 1)).
type Blend struct {
	// Obs is MultFac times the map's data layer (Gauss).
	Obs []float64
	// Weights holds realization r's weights; realizations with the same
	// weights share one slice.
	Weights [][]float64
	// Add adds w*Obs instead of blending w*(Obs - f).
	Add bool
	// BalanceFlux flux-balances each realization's increment.
	BalanceFlux bool
}

// Prepare checks mp (CheckMap) and forms its Blend (steps 1-3 of
// ApplyMap). name is used in errors.
func (a *Assimilator) Prepare(mp *psihdf.Map, name string) (*Blend, error) {
	m := a.m
	if err := CheckMap(m, mp, name); err != nil {
		return nil, err
	}
	// The layers are the map's third dimension.
	layers, one := m.MapLayout(field.Center, mp.Dims[2]), m.MapLayout(field.Center, 1)
	data := layers.Realization(mp.Data, LayerData)
	wFile := layers.Realization(mp.Data, LayerWeight)
	mu := layers.Realization(mp.Data, LayerMu)
	cfg := &a.cfg
	b := &Blend{Obs: make([]float64, one.Len()), Weights: make([][]float64, a.nReal), Add: cfg.Add, BalanceFlux: cfg.BalanceFlux}
	for q, v := range data {
		b.Obs[q] = cfg.MultFac * v
	}
	// The weights depend on the realization only through these.
	type key struct {
		power, limit float64
		row0, row1   int
	}
	made := map[key][]float64{}
	for r := 0; r < a.nReal; r++ {
		k := key{row0: a.latRow0[r], row1: a.latRow1[r]}
		if cfg.CustomFromMu {
			k.power, k.limit = cfg.MuPowers[r], cfg.MuLimits[r]
		}
		if w, ok := made[k]; ok {
			b.Weights[r] = w
			continue
		}
		w := make([]float64, one.Len())
		if cfg.CustomFromMu {
			for i, u := range mu {
				if u > k.limit {
					w[i] = math.Pow(u, k.power)
				}
			}
		} else {
			copy(w, wFile)
		}
		if k.row0 >= 0 {
			clear(one.Rows(w, 0, k.row0+1, 0))
		}
		if k.row1 >= 0 {
			clear(one.Rows(w, k.row1, one.NTheta, 0))
		}
		made[k] = w
		b.Weights[r] = w
	}
	return b, nil
}

// ApplyMap assimilates one 3-layer map into f without touching the
// schedule (HipFT's weight preparation and assimilate_new_data), for every
// realization r:
//
//  1. w = the weight layer, or mu^MuPowers[r] where mu > MuLimits[r]
//     (else 0) with CustomFromMu;
//  2. with LatLimits[r] > 0, w = 0 on the rows from each pole up to and
//     including the first row at or beyond the limit;
//  3. d = MultFac * data;
//  4. delta = w*(d - f) (blend) or w*d (Add) on the map's columns
//     (phi = 0 and 2pi both), then delta's phi=0 column is set from the
//     2pi column and its ghost column from column 1;
//  5. with BalanceFlux, delta is flux balanced (diag.BalanceFlux);
//  6. f += delta at every point, then f's periodic columns are reset.
//
// The pole rows are not re-averaged (HipFT's quirk). Steps 1-3 are
// Prepare, steps 4-6 ApplyBlend. name is used in errors.
func (a *Assimilator) ApplyMap(f []float64, mp *psihdf.Map, name string) error {
	m := a.m
	if err := CheckMap(m, mp, name); err != nil {
		return err
	}
	if err := m.Layout(field.Center, a.nReal).Check(f, "assim: field"); err != nil {
		return err
	}
	b, err := a.Prepare(mp, name)
	if err != nil {
		return err
	}
	a.ApplyBlend(f, b)
	return nil
}

// ApplyBlend applies a prepared map to f (steps 4-6 of ApplyMap), every
// realization, on the host. f must hold the Assimilator's realizations.
func (a *Assimilator) ApplyBlend(f []float64, b *Blend) {
	m := a.m
	ntm, npm := m.NThetaMain, m.NPhiMain
	l, one, file := m.Layout(field.Center, a.nReal), m.Layout(field.Center, 1), m.MapLayout(field.Center, 1)
	for r := 0; r < a.nReal; r++ {
		w := b.Weights[r]
		fr := l.Realization(f, r)
		d := a.delta
		for k := 0; k < file.NPhi; k++ {
			col := one.Column(d, k, 0)
			fc := one.Column(fr, k, 0)
			for j := range col {
				q := file.Index(j, k, 0)
				if b.Add {
					col[j] = w[q] * b.Obs[q]
				} else {
					col[j] = w[q] * (b.Obs[q] - fc[j])
				}
			}
		}
		mesh.SetPeriodic(d, ntm, npm, 1)
		if b.BalanceFlux {
			diag.BalanceFlux(m, d)
		}
		for i, v := range d {
			fr[i] += v
		}
		mesh.SetPeriodic(fr, ntm, npm, 1)
	}
}
