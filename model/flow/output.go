package flow

import (
	"fmt"

	"github.com/goft-sft/goft/format/psihdf"
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
	nPhi, nt, npm := m.NPhiFile, m.NThetaHalf, m.NPhiMain
	vt = &psihdf.Map{
		Dims:   []int{nPhi, nt},
		Scales: [][]float64{append([]float64(nil), m.Phi[:nPhi]...), append([]float64(nil), m.ThetaHalf...)},
		Data:   make([]float64, nPhi*nt),
	}
	for j := 0; j < nt; j++ {
		for k := 0; k < nPhi; k++ {
			vt.Data[k+nPhi*j] = v.Vt[j+nt*(k+npm*r)] / mesh.MPerSToRsPerHr
		}
	}
	ntm, np := m.NThetaMain, m.NPhiHalf
	vp = &psihdf.Map{
		Dims:   []int{np, ntm},
		Scales: [][]float64{append([]float64(nil), m.Phi[:np]...), append([]float64(nil), m.Theta...)},
		Data:   make([]float64, np*ntm),
	}
	for j := 0; j < ntm; j++ {
		for k := 0; k < np; k++ {
			vp.Data[k+np*j] = v.Vp[j+ntm*(k+np*r)] / mesh.MPerSToRsPerHr
		}
	}
	return vt, vp, nil
}
