// Package mapprep is OFT's map processing: what predsci/OFT's
// bin/psi_map_prep.py does to a HipFT output map, and what oftswa.py's
// output_map_processing section does to a run's maps with it, in goft.
//
// psi_map_prep.py processes one 2D map in this order (each step optional):
//
//  1. multiply by -mfac (Options.Multiplier, default 1);
//  2. remap onto a uniform grid of -np x -nt points (default 361 x 181,
//     1 degree) or onto a template map's points (psi_remap_mm.py: an
//     overlap-length weighted average; see Remapper);
//  3. run HipFT for one hour of grid-scale diffusion with
//     diffusion_coef_factor = -smoothfac (default 0.5; Smoother) and write
//     the final map flux-balanced (output_map_flux_balance, unless
//     -noflux): positive values divided and negative ones multiplied by
//     sqrt(|positive flux / negative flux|), so that the net flux is zero
//     (model/diag BalanceFlux, HipFT's routine).
//
// oftswa.py extracts each realization of a 3D map, processes it alone and
// packs the results back into a cube, with the realization numbers as
// dim3 (Process does the same in memory); its defaults (rsrc/default.yaml)
// are map_resolution_delta_deg 1.0 (ResolutionPoints), smoothing_factor
// 1.0 and map_multiplier 1.0. With make_wsa_dataset it also remaps the
// processed maps, without smoothing or balance, onto the WSA model's
// inner-mesh grid of (np-1) x (nt-1) cell centres (WSAGrid; 360 x 180).
//
// # Precision
//
// The files keep the script's precisions: a map that went through HipFT
// is written in single precision (HipFT's default output), a map only
// remapped in double (numpy's result), a map only multiplied in its own
// precision (a float32 map is multiplied in float32, as numpy does).
// Result.Map.Float32 says which; write it with psihdf.Write(path, m,
// m.Float32).
package mapprep

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/internal/parallel"
)

// Options are psi_map_prep.py's options.
type Options struct {
	// Multiplier multiplies the map first (-mfac); 1 leaves it as it is.
	Multiplier float64
	// Remap remaps the map onto Target (the script's default; -noremap
	// turns it off).
	Remap bool
	// Target is the grid to remap onto: a uniform grid (-np, -nt;
	// UniformGrid) or a template map's scales (-template).
	Target Grid
	// SmoothingFactor is HipFT's diffusion_coef_factor for the smoothing
	// (-smoothfac, default 0.5); 0 does not smooth (-nosmooth).
	SmoothingFactor float64
	// FluxBalance balances the map's flux last (the default; -noflux
	// turns it off).
	FluxBalance bool
}

// DefaultOptions returns psi_map_prep.py's defaults: no multiplier, remap
// onto 361 x 181 points, smoothing factor 0.5, flux balance.
func DefaultOptions() Options {
	g, _ := UniformGrid(361, 181)
	return Options{Multiplier: 1, Remap: true, Target: g, SmoothingFactor: 0.5, FluxBalance: true}
}

// WSAOptions returns oftswa.py's options for its WSA data set made from
// processed maps of nPhi x nTheta points: remap only (-nosmooth -noflux),
// onto WSAGrid(nPhi-1, nTheta-1).
func WSAOptions(nPhi, nTheta int) (Options, error) {
	g, err := WSAGrid(nPhi-1, nTheta-1)
	if err != nil {
		return Options{}, err
	}
	return Options{Multiplier: 1, Remap: true, Target: g}, nil
}

// Check reports whether the options are usable, naming the script's
// option at fault.
func (o Options) Check() error {
	if math.IsNaN(o.Multiplier) || math.IsInf(o.Multiplier, 0) || o.Multiplier == 0 {
		return fmt.Errorf("map multiplier (-mfac) %g: want a finite value other than 0", o.Multiplier)
	}
	if math.IsNaN(o.SmoothingFactor) || math.IsInf(o.SmoothingFactor, 0) || o.SmoothingFactor < 0 {
		return fmt.Errorf("smoothing factor (-smoothfac) %g: want a finite value >= 0 (0: no smoothing)", o.SmoothingFactor)
	}
	if o.Remap {
		if err := o.Target.Check(); err != nil {
			return fmt.Errorf("target grid: %w", err)
		}
	}
	return nil
}

// Result is a processed map and the net flux of each realization before
// and after, in G Rs^2 (multiply by mesh.RsunCm2 for Mx), each integrated
// on its map's own grid: as HipFT does on a main-main mesh, over the
// cells that tile the sphere on another grid (the WSA grid).
type Result struct {
	Map                   *psihdf.Map
	FluxBefore, FluxAfter []float64
}

// Process applies the options to every realization of map m (a HipFT
// output map, 2D or 3D: dim1 phi, dim2 theta in radians, dim3 the
// realization numbers; Br in Gauss), one at a time as oftswa.py does,
// and packs the results into a map of the same dimensionality. pool may
// be nil (serial).
func Process(m *psihdf.Map, opt Options, pool *parallel.Pool) (*Result, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	if len(m.Dims) != 2 && len(m.Dims) != 3 {
		return nil, fmt.Errorf("the map has %d dimensions: a 2D (phi, theta) map or a 3D one with realizations is needed", len(m.Dims))
	}
	src := Grid{Phi: m.Scales[0], Theta: m.Scales[1], Float32: m.Float32}
	if err := src.Check(); err != nil {
		return nil, err
	}
	if src.Phi[len(src.Phi)-1] <= 3.5 {
		// psi_remap_mm.py's test for a theta-phi map.
		return nil, fmt.Errorf("dim1 ends at %g: the map looks theta-phi (dim1 = theta); goft processes phi-theta maps (dim1 = phi, as HipFT writes them)", src.Phi[len(src.Phi)-1])
	}
	nr := 1
	if len(m.Dims) == 3 {
		nr = m.Dims[2]
	}
	n := m.Dims[0] * m.Dims[1]
	single := m.Float32
	grid := src
	var rm *Remapper
	if opt.Remap {
		var err error
		if rm, err = NewRemapper(src, opt.Target); err != nil {
			return nil, err
		}
		grid = opt.Target
		single = false
	}
	var sm *Smoother
	if opt.SmoothingFactor > 0 || opt.FluxBalance {
		var err error
		if sm, err = NewSmoother(grid, opt.SmoothingFactor, pool); err != nil {
			return nil, err
		}
		single = true
	}
	before := netFluxFunc(src)
	after := netFluxFunc(grid)
	if sm != nil {
		after = sm.NetFlux
	}
	res := &Result{FluxBefore: make([]float64, nr), FluxAfter: make([]float64, nr)}
	nOut := len(grid.Phi) * len(grid.Theta)
	data := make([]float64, 0, nOut*nr)
	var err error
	for r := 0; r < nr; r++ {
		br := append([]float64(nil), m.Data[r*n:(r+1)*n]...)
		res.FluxBefore[r] = before(br)
		if opt.Multiplier != 1 {
			multiply(br, opt.Multiplier, m.Float32)
		}
		if rm != nil {
			if br, err = rm.Remap(br); err != nil {
				return nil, realizationErr(m, r, err)
			}
		}
		if sm != nil {
			if br, err = sm.Process(br, opt.FluxBalance); err != nil {
				return nil, realizationErr(m, r, err)
			}
		}
		if single {
			for i, v := range br {
				br[i] = float64(float32(v))
			}
		}
		res.FluxAfter[r] = after(br)
		data = append(data, br...)
	}
	out := &psihdf.Map{
		Dims:    []int{len(grid.Phi), len(grid.Theta)},
		Scales:  [][]float64{append([]float64(nil), grid.Phi...), append([]float64(nil), grid.Theta...)},
		Data:    data,
		Float32: single,
	}
	if len(m.Dims) == 3 {
		out.Dims = append(out.Dims, nr)
		out.Scales = append(out.Scales, append([]float64(nil), m.Scales[2]...))
	}
	res.Map = out
	return res, nil
}

// netFluxFunc returns the function that integrates the net flux of a map
// on grid g (file layout, Gauss; result in G Rs^2): HipFT's on a main-main
// mesh (Smoother.NetFlux), else the sum of the values times the areas of
// the cells that tile the sphere around the points (edges midway between
// points, the outer ones at 0 and 2pi, 0 and pi), the cells of the WSA
// grid.
func netFluxFunc(g Grid) func([]float64) float64 {
	if s, err := NewSmoother(g, 0, nil); err == nil {
		return s.NetFlux
	}
	pe := cellEdges(g.Phi, false)
	pe[0], pe[len(pe)-1] = 0, 2*math.Pi
	te := cellEdges(g.Theta, false)
	te[0], te[len(te)-1] = 0, math.Pi
	return func(br []float64) float64 {
		var sum float64
		np := len(g.Phi)
		for j := range g.Theta {
			dmu := math.Cos(te[j]) - math.Cos(te[j+1])
			for k := 0; k < np; k++ {
				sum += br[k+np*j] * dmu * (pe[k+1] - pe[k])
			}
		}
		return sum
	}
}

// multiply multiplies br by f as psi_map_prep.py does with numpy: in
// float32 for a float32 map (f rounded to float32, the product rounded),
// else in float64.
func multiply(br []float64, f float64, single bool) {
	if !single {
		for i := range br {
			br[i] *= f
		}
		return
	}
	f32 := float32(f)
	for i, v := range br {
		br[i] = float64(f32 * float32(v))
	}
}

// realizationErr names the realization of a 3D map an error is about.
func realizationErr(m *psihdf.Map, r int, err error) error {
	if len(m.Dims) == 3 {
		return fmt.Errorf("realization %g: %w", m.Scales[2][r], err)
	}
	return err
}
