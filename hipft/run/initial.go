package run

import (
	"fmt"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/diag"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
	"github.com/goft-sft/goft/model/validation"
	"github.com/goft-sft/goft/sim"
)

// loadInitialCondition builds the mesh and the initial field of every
// realization (HipFT's load_initial_condition, section 4).
func (r *Run) loadInitialCondition() error {
	p := r.P
	nr := r.NReal
	var phi, theta []float64
	var maps [][]float64 // per realization, map layout (phi fastest)
	if p.InitialMapFilename == "" {
		um, err := mesh.Uniform(p.ResNt, p.ResNp)
		if err != nil {
			return fmt.Errorf("res_nt/res_np: %w", err)
		}
		phi, theta = um.Phi[:um.NPhiFile], um.Theta
		maps = make([][]float64, nr)
		zero := make([]float64, len(phi)*len(theta))
		for i := range maps {
			maps[i] = zero
		}
	} else {
		mp, err := psihdf.Read(r.path(p.InitialMapFilename))
		if err != nil {
			return fmt.Errorf("initial_map_filename: %w", err)
		}
		phi, theta = mp.Scales[0], mp.Scales[1]
		maps = make([][]float64, nr)
		switch len(mp.Dims) {
		case 2:
			for i := range maps {
				maps[i] = mp.Data // read only: shared
			}
		case 3:
			if mp.Dims[2] != p.NRealizations {
				return fmt.Errorf("initial_map_filename %q holds %d realizations but n_realizations = %d; give a 2D map (copied to every realization) or a 3D map with n_realizations slices",
					p.InitialMapFilename, mp.Dims[2], p.NRealizations)
			}
			file := field.MapLayout{NPhi: len(phi), NTheta: len(theta), NReal: mp.Dims[2]}
			for i := range maps {
				maps[i] = file.Realization(mp.Data, r.Offset+i)
			}
		default:
			return fmt.Errorf("initial_map_filename %q: a %dD dataset; the initial map must be 2D or 3D", p.InitialMapFilename, len(mp.Dims))
		}
	}
	if p.ValidationRun == 1 && !p.AdvanceDiffusion {
		return fmt.Errorf("%s: validation_run = 1 (soccer ball) needs advance_diffusion = .true.", p.File)
	}
	r.val = validation.NewProblem(validationConfig(p), phi, theta)
	r.vtConst, r.vpOmega = p.FlowVtConst, p.FlowVpRigidOmega
	if v := r.val; v != nil {
		r.vtConst, r.vpOmega = v.VtConst, v.VpOmega
		if v.VtOverridden {
			r.logf("\n   WARNING:  Overriding FLOW_VT_CONST from %g to %g\n", p.FlowVtConst, r.vtConst)
		}
		if v.VpOverridden {
			r.logf("\n   WARNING:  Overriding FLOW_VP_RIGID_OMEGA from %g to %g\n", p.FlowVpRigidOmega, r.vpOmega)
		}
		for i := range maps {
			maps[i] = v.Initial()
		}
	}

	m, err := mesh.New(phi, theta)
	if err != nil {
		if p.InitialMapFilename != "" {
			return fmt.Errorf("initial_map_filename %q: %w", p.InitialMapFilename, err)
		}
		return err
	}
	r.Mesh = m
	br := m.Layout(field.Center, nr)
	r.F = make([]float64, br.Len())
	for i, mp := range maps {
		if i > 0 && len(mp) > 0 && &mp[0] == &maps[0][0] { // the same map: the same values
			copy(br.Realization(r.F, i), br.Realization(r.F, 0))
			continue
		}
		m.FromMapLayout(br.Realization(r.F, i), mp)
	}
	m.PoleAverage(r.F, nr)
	if p.InitialMapFluxBalance {
		for i := 0; i < nr; i++ {
			diag.BalanceFlux(m, br.Realization(r.F, i))
		}
	}
	for i := range r.F {
		r.F[i] = p.InitialMapMultFac * r.F[i]
	}
	return nil
}

// writeInitialMaps writes the initial map and, in a validation run, the
// analytic initial and final maps. A resumed run writes only the analytic
// final map (at its time_end, which a continued run may have moved); the
// run being resumed wrote the others. The field is still the initial one:
// the callback runs before the first step.
func (r *Run) writeInitialMaps(_ *sim.Simulation, m sim.Moment) error {
	p := r.P
	if m.Phase != sim.Start && r.val == nil {
		return nil
	}
	if v := r.val; v != nil {
		phi, theta := v.Points()
		if p.ValidationRun == 1 && m.Phase == sim.Start {
			maps := make([][]float64, r.NReal)
			for i := range maps {
				maps[i] = v.Initial()
			}
			if err := r.writeMapLayout(p.OutputMapRootFilename+"_initial_0.h5", maps, phi, theta, p.OutputMap2D && p.NRealizations == 1); err != nil {
				return err
			}
		}
		final, oneMap := v.FinalAnalytic()
		if err := r.writeMapLayout(p.OutputMapRootFilename+"_final_analytic.h5", final, phi, theta, oneMap || (p.OutputMap2D && p.NRealizations == 1)); err != nil {
			return err
		}
	}
	if m.Phase != sim.Start {
		return nil
	}
	return r.writeMap(r.path(p.OutputMapRootFilename+"_initial.h5"), r.F)
}

// writeMapLayout writes per-realization fields given in map layout on the
// file scales phi and theta (used for the validation extras).
func (r *Run) writeMapLayout(name string, maps [][]float64, phi, theta []float64, twoD bool) error {
	n := len(phi) * len(theta)
	out := &psihdf.Map{Scales: [][]float64{phi, theta}}
	if twoD {
		out.Dims = []int{len(phi), len(theta)}
		out.Data = maps[0]
	} else {
		out.Dims = []int{len(phi), len(theta), len(maps)}
		out.Data = make([]float64, 0, n*len(maps))
		for _, mp := range maps {
			out.Data = append(out.Data, mp...)
		}
		out.Scales = append(out.Scales, nil)
	}
	if twoD {
		if !r.rank0() {
			return nil
		}
	} else {
		out.Scales[2] = r.realizationScale(len(maps))
		name = r.partName(name)
	}
	return psihdf.Write(r.path(name), out, r.P.OutputSinglePrecision)
}

// realizationScale is the dim3 scale of a 3D map: the global realization
// numbers (1-based) of the n realizations this process holds.
func (r *Run) realizationScale(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = float64(r.Offset + i + 1)
	}
	return s
}

// writeMap writes field f of every realization as HipFT's write_map: both
// the phi = 0 and 2pi columns, optionally flux balanced (a copy), 2D when
// output_map_2d and one realization, else 3D with realizations slowest.
func (r *Run) writeMap(path string, f []float64) error {
	m := r.Mesh
	p := r.P
	ntm, nPhi := m.NThetaMain, m.NPhiFile
	br, file := m.Layout(field.Center, r.NReal), m.MapLayout(field.Center, r.NReal)
	out := &psihdf.Map{Scales: [][]float64{m.Phi[:nPhi], m.Theta}}
	// One buffer for every map the run writes (a fresh one costs its
	// page faults at each write: 33 MB at production size).
	if cap(r.mapBuf) < file.Len() {
		r.mapBuf = make([]float64, file.Len())
	}
	out.Data = r.mapBuf[:file.Len()]
	if p.OutputMapFluxBalance {
		var tmp []float64
		for i := 0; i < r.NReal; i++ {
			tmp = append(tmp[:0], br.Realization(f, i)...)
			diag.BalanceFlux(m, tmp)
			transpose(file.Realization(out.Data, i), tmp, ntm, nPhi)
		}
	} else {
		// The realizations' tiles of transposeTile columns, on the pool.
		tiles := (nPhi + transposeTile - 1) / transposeTile
		r.pool.Share(r.NReal*tiles, func(_, lo, hi int) {
			for c := lo; c < hi; c++ {
				i, k0 := c/tiles, c%tiles*transposeTile
				transposeColumns(file.Realization(out.Data, i), br.Realization(f, i), ntm, nPhi, k0, min(k0+transposeTile, nPhi))
			}
		})
	}
	if p.OutputMap2D && p.NRealizations == 1 {
		out.Dims = []int{nPhi, ntm}
	} else {
		out.Dims = []int{nPhi, ntm, r.NReal}
		out.Scales = append(out.Scales, r.realizationScale(r.NReal))
		path = r.partName(path)
	}
	if err := psihdf.Write(path, out, p.OutputSinglePrecision); err != nil {
		return fmt.Errorf("writing map %s: %w", path, err)
	}
	return nil
}

// transposeTile is the side of transpose's square tiles.
const transposeTile = 32

// transpose writes the first nPhi columns of src (theta fastest, ntm rows
// a column) into dst in map layout (phi fastest), dst[k+nPhi*j] =
// src[j+ntm*k], by tiles that stay in cache.
func transpose(dst, src []float64, ntm, nPhi int) {
	for k0 := 0; k0 < nPhi; k0 += transposeTile {
		transposeColumns(dst, src, ntm, nPhi, k0, min(k0+transposeTile, nPhi))
	}
}

// transposeColumns is transpose on the columns [k0, k1) (at most
// transposeTile of them).
func transposeColumns(dst, src []float64, ntm, nPhi, k0, k1 int) {
	for j0 := 0; j0 < ntm; j0 += transposeTile {
		j1 := min(j0+transposeTile, ntm)
		for j := j0; j < j1; j++ {
			row := dst[nPhi*j : nPhi*j+k1]
			for k := k0; k < k1; k++ {
				row[k] = src[j+ntm*k]
			}
		}
	}
}
