package flow

import (
	"fmt"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// OutputMaps returns realization r's velocity as the two 2D maps HipFT
// writes with output_flows (section 13.6), in m/s (each value divided by
// m_s_to_rs_hr):
//
//   - vt: dims (NPhiFile, NThetaHalf), the main phi points 0..2pi and every
//     theta face including the ghosts; scales phi (main mesh, file points)
//     and ThetaHalf.
//   - vp: dims (NPhiHalf, NThetaMain), every phi face; scales the first
//     NPhiHalf main-mesh phi values (HipFT writes the main phi mesh, not the
//     half mesh vp lives on) and Theta.
//
// HipFT writes flow files only when there is one realization.
func OutputMaps(m *mesh.Mesh, v *Velocity, r int) (vt, vp *psihdf.Map, err error) {
	if !v.Matches(m, v.NReal) || r < 0 || r >= v.NReal {
		return nil, nil, fmt.Errorf("flow: OutputMaps: velocity does not match the mesh or realization %d is out of range", r)
	}
	lt, ft := v.VtLayout(), m.MapLayout(field.ThetaFace, 1)
	vt = &psihdf.Map{
		Dims:   []int{ft.NPhi, ft.NTheta},
		Scales: [][]float64{append([]float64(nil), m.Phi[:ft.NPhi]...), append([]float64(nil), m.ThetaHalf...)},
		Data:   make([]float64, ft.Len()),
	}
	for j := 0; j < ft.NTheta; j++ {
		row := ft.Row(vt.Data, j, 0)
		for k := range row {
			row[k] = v.Vt[lt.Index(j, k, r)] / mesh.MPerSToRsPerHr
		}
	}
	lp, fp := v.VpLayout(), m.MapLayout(field.PhiFace, 1)
	vp = &psihdf.Map{
		Dims:   []int{fp.NPhi, fp.NTheta},
		Scales: [][]float64{append([]float64(nil), m.Phi[:fp.NPhi]...), append([]float64(nil), m.Theta...)},
		Data:   make([]float64, fp.Len()),
	}
	for j := 0; j < fp.NTheta; j++ {
		row := fp.Row(vp.Data, j, 0)
		for k := range row {
			row[k] = v.Vp[lp.Index(j, k, r)] / mesh.MPerSToRsPerHr
		}
	}
	return vt, vp, nil
}
