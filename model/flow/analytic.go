package flow

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/model/field"
	"github.com/goft-sft/goft/model/mesh"
)

// Integer powers are written as the products gfortran's expansion of x**n
// uses (x3 = x2*x, x4 = x2*x2, x5 = x3*x2), so that the values match HipFT
// to the last bit on builds that do not fuse multiply-adds.

// MeridionalAFT is the AFT meridional flow (section 6.3):
//
//	vt += -m_s_to_rs_hr * sin|th| * (p1 cos th + p3 cos^3 th + p5 cos^5 th)
//
// at every theta face (ghosts included) and phi point. The coefficients are
// in m/s, one per realization.
type MeridionalAFT struct {
	P1, P3, P5 []float64 // m/s, one per realization

	val []float64 // one realization's speed at each theta face (Rs/hr), negated, reused
}

// Name implements Model.
func (*MeridionalAFT) Name() string { return ModelMeridional }

// Add implements Model.
func (f *MeridionalAFT) Add(v *Velocity, m *mesh.Mesh, _ float64) error {
	if len(f.P1) < v.NReal || len(f.P3) < v.NReal || len(f.P5) < v.NReal {
		return fmt.Errorf("flow: %s needs one coefficient per realization (%d)", ModelMeridional, v.NReal)
	}
	l := v.VtLayout()
	f.val = resize(f.val, m.NThetaHalf)
	for r := 0; r < v.NReal; r++ {
		p1, p3, p5 := f.P1[r], f.P3[r], f.P5[r]
		for j := range f.val {
			c := m.CosThetaHalf[j]
			c2 := c * c
			c3 := c2 * c
			c5 := c3 * c2
			// Added negated: x + (-y) is x - y exactly.
			f.val[j] = -(mesh.MPerSToRsPerHr * m.SinThetaHalf[j] * (p1*c + p3*c3 + p5*c5))
		}
		addColumns(v.Vt, l, r, f.val)
	}
	return nil
}

// resize returns s with length n, reusing its storage when it has.
func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// addColumns adds profile[j] to point j of every phi column of
// realization r of data (layout l), column by column along memory.
func addColumns(data []float64, l field.Layout, r int, profile []float64) {
	for k := 0; k < l.NPhi; k++ {
		col := l.Column(data, k, r)[:len(profile)]
		for j, x := range profile {
			col[j] = col[j] + x
		}
	}
}

// DiffRotationAFT is the AFT differential rotation (section 6.4):
//
//	vp += m_s_to_rs_hr * sin t * (p0 + p2 cos^2 t + p4 cos^4 t)
//
// at every theta main point and phi face, with HipFT's sin t = 0 and
// cos t = 1 at both poles. The coefficients are in m/s, one per
// realization.
type DiffRotationAFT struct {
	P0, P2, P4 []float64 // m/s, one per realization

	val []float64 // one realization's speed at each theta (Rs/hr), reused
}

// Name implements Model.
func (*DiffRotationAFT) Name() string { return ModelDiffRotation }

// Add implements Model.
func (f *DiffRotationAFT) Add(v *Velocity, m *mesh.Mesh, _ float64) error {
	if len(f.P0) < v.NReal || len(f.P2) < v.NReal || len(f.P4) < v.NReal {
		return fmt.Errorf("flow: %s needs one coefficient per realization (%d)", ModelDiffRotation, v.NReal)
	}
	l := v.VpLayout()
	f.val = resize(f.val, m.NThetaMain)
	for r := 0; r < v.NReal; r++ {
		p0, p2, p4 := f.P0[r], f.P2[r], f.P4[r]
		for j := range f.val {
			c := m.CosTheta[j]
			c2 := c * c
			c4 := c2 * c2
			f.val[j] = mesh.MPerSToRsPerHr * m.SinTheta[j] * (p0 + p2*c2 + p4*c4)
		}
		addColumns(v.Vp, l, r, f.val)
	}
	return nil
}

// RigidRotation is rigid rotation about the polar axis (section 6.5):
// vp += Omega * km_s_to_rs_hr * sin t, where Omega is the equatorial speed
// in km/s (flow_vp_rigid_omega).
type RigidRotation struct {
	Omega float64 // km/s
}

// Name implements Model.
func (*RigidRotation) Name() string { return ModelRigidRotation }

// Add implements Model.
func (f *RigidRotation) Add(v *Velocity, m *mesh.Mesh, _ float64) error {
	l := v.VpLayout()
	w := f.Omega * mesh.KmPerSToRsPerHr
	for r := 0; r < v.NReal; r++ {
		for k := 0; k < m.NPhiHalf; k++ {
			col := l.Column(v.Vp, k, r)
			for j := range col {
				col[j] = col[j] + w*m.SinTheta[j]
			}
		}
	}
	return nil
}

// ConstVt is a constant theta velocity on every theta face, ghosts and
// pole faces included (section 6.6): vt += V * km_s_to_rs_hr, V in km/s
// (flow_vt_const).
type ConstVt struct {
	V float64 // km/s
}

// Name implements Model.
func (*ConstVt) Name() string { return ModelConstVt }

// Add implements Model.
func (f *ConstVt) Add(v *Velocity, _ *mesh.Mesh, _ float64) error {
	w := f.V * mesh.KmPerSToRsPerHr
	for i, x := range v.Vt {
		v.Vt[i] = x + w
	}
	return nil
}

// RotatedRigidRotation is HipFT's experimental "rotated rigid rotation"
// (flow_rigid_omega, section 6.7), which HipFT documents as "highly likely
// not working". It is reproduced formula for formula, including the reset
// of any |v| > 1e5 to 0 and the NaNs produced where the square-root
// arguments are negative. Omega is in km/s.
type RotatedRigidRotation struct {
	Omega float64 // km/s
}

// Name implements Model.
func (*RotatedRigidRotation) Name() string { return ModelRotatedRigid }

// Add implements Model.
func (f *RotatedRigidRotation) Add(v *Velocity, m *mesh.Mesh, _ float64) error {
	V := f.Omega * mesh.KmPerSToRsPerHr
	lt, lp := v.VtLayout(), v.VpLayout()
	const limit = 1e5
	for r := 0; r < v.NReal; r++ {
		for k := 0; k < m.NPhiMain; k++ {
			vt := lt.Column(v.Vt, k, r)
			c := math.Cos(m.Phi[k])
			sp := math.Sin(m.Phi[k])
			ac := math.Abs(c)
			c2 := c * c
			c3 := c2 * c
			c4 := c2 * c2
			ac3 := ac * ac * ac
			sgc := math.Copysign(1, c)
			for j := range vt {
				C, S := m.CosThetaHalf[j], m.SinThetaHalf[j]
				C2 := C * C
				p1 := -2 * C * math.Abs(S*c)
				p2 := (c*C2 - c) * ac3
				p3 := (-3*c*C2 + 2*c) * ac
				p4 := sgc * C2
				p5 := 2 * ac3 * C * math.Abs(S)
				p6 := (-c4 + 3*c2 - 1) * C2
				p7 := (-2*c3*S + 2*S*c) * C
				p8 := c4 - 2*c2 + 1
				p9 := math.Abs(S*c) * sp * V
				p10 := (c4 - 3*c2 + 1) * C2
				p11 := (2*c3*S - 2*S*c) * C
				p12 := c4 + 2*c2
				x := vt[j] + (-((p1 + (p2+p3+p4)*math.Copysign(1, S) + p5 + p6 + p7 + p8) * p9) / math.Sqrt(p10+p11-p12))
				if math.Abs(x) > limit {
					x = 0
				}
				vt[j] = x
			}
		}
		for k := 0; k < m.NPhiHalf; k++ {
			vp := lp.Column(v.Vp, k, r)
			c := math.Cos(m.PhiHalf[k])
			c2 := c * c
			c3 := c2 * c
			c4 := c2 * c2
			sgc := math.Copysign(1, c)
			for j := range vp {
				ct, st := m.CosTheta[j], m.SinTheta[j]
				q1 := V * (c2*ct + st*c - ct) * sgc * math.Abs(st)
				q2 := (c4 - 3*c2 + 1) * (ct * ct)
				q3 := (2*c3*st - 2*st*c) * ct
				q4 := c4 + 2*c2
				x := vp[j] - q1/math.Sqrt(q2+q3-q4)
				if math.Abs(x) > limit {
					x = 0
				}
				vp[j] = x
			}
		}
	}
	return nil
}
