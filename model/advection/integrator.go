package advection

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/model/mesh"
)

// This file holds the advection integrators and the flow CFL limit, once
// for every architecture: they are written over Kernels, the few field
// operations an architecture supplies. The CPU's kernels are the
// Advector's (cpuKernels, below, over the worker pool with the Go and AVX2
// flux kernels); a GPU supplies device kernels (arch/gpu).

// Kernels are the field operations an architecture supplies to the
// advection integrators (Integrate) and the flow CFL limit (StableStep).
// F is the architecture's handle of a field of all realizations in mesh
// order (Gauss): a []float64 on the CPU, a device address on a GPU. A
// kernel works on every realization and every point, the pole rows and
// periodic columns included, with the velocity the architecture holds,
// and evaluates its expressions in HipFT's order (kernels.go), so that
// every architecture gives the same bits. Errors are the architecture's
// (a failed launch); the CPU's kernels never fail.
type Kernels[F any] interface {
	// Euler sets out = x - c*A(in), where A(in) = div(v in) is the
	// advection operator (Gauss/hr, sections 7.1-7.4) and c is in hours.
	// out may be the same field as x but not in: the CPU evaluates A and
	// writes out column by column in one pass, while the stencils of the
	// columns near it still read in.
	Euler(in, out, x F, c float64) error
	// Combine sets out = ca*x + cb*y - c*A(in) (ca and cb dimensionless,
	// c in hours). out may be the same field as x or y but not in.
	Combine(in, out, x, y F, ca, cb, c float64) error
	// Copy sets dst = src (every point of every realization).
	Copy(dst, src F) error
	// CFLStep returns the velocity's largest stable Euler step (hours)
	// before the safety factor: the smallest 0.5/max(k, mesh.SmallValue),
	// k = max(|vt| on the cell's theta faces)*dt_i +
	// max(|vp| on its phi faces)*st_i*dp_i, over the interior points of
	// every realization (section 7.6).
	CFLStep() (float64, error)
}

// Integrate advances the field f by one advection call of dt hours with
// the time integrator method (FE, SSPRK33 or SSPRK43; section 7.5) on the
// kernels k. s and t are fields the integrator may overwrite (its stages);
// they must be distinct from f and from each other. HipFT updates its
// stages in place; here every stage writes a field other than the one
// whose operator it evaluates (the Kernels contract), alternating between
// s and t, with the same arithmetic: the same bits.
func Integrate[F any](k Kernels[F], method int, f, s, t F, dt float64) error {
	switch method {
	case FE:
		if err := k.Euler(f, s, f, dt); err != nil {
			return err
		}
		return k.Copy(f, s)
	case SSPRK33:
		if err := k.Euler(f, s, f, dt); err != nil {
			return err
		}
		if err := k.Combine(s, t, f, s, 0.75, 0.25, 0.25*dt); err != nil {
			return err
		}
		return k.Combine(t, f, f, t, third, twoThird, twoThird*dt)
	case SSPRK43:
		if err := k.Euler(f, s, f, 0.5*dt); err != nil {
			return err
		}
		if err := k.Euler(s, t, s, 0.5*dt); err != nil {
			return err
		}
		if err := k.Combine(t, s, f, t, twoThird, third, sixth*dt); err != nil {
			return err
		}
		return k.Euler(s, f, s, 0.5*dt)
	}
	return fmt.Errorf("advection: unknown time integrator %d (valid: %d FE, %d SSPRK(3,3), %d SSPRK(4,3))", method, FE, SSPRK33, SSPRK43)
}

// StableStep returns HipFT's flow CFL step DTIME_ADV_STB (hours, section
// 7.6) from the kernels' CFL step: times the safety factor 0.95, doubled
// when strang is set (each advection call is then half a step) and
// doubled again for SSPRK(4,3) (method).
func StableStep[F any](k Kernels[F], method int, strang bool) (float64, error) {
	dtmax, err := k.CFLStep()
	if err != nil {
		return 0, err
	}
	dt := mesh.Safety * dtmax
	if strang {
		dt = 2 * dt
	}
	if method == SSPRK43 {
		dt = 2 * dt
	}
	return dt, nil
}

// cpuKernels are the CPU's Kernels: the Advector's column and pole passes
// over its worker pool, on host slices.
type cpuKernels Advector

// Euler implements Kernels.
func (c *cpuKernels) Euler(in, out, x []float64, cc float64) error {
	return (*Advector)(c).stage(in, out, x, nil, 0, 0, cc)
}

// Combine implements Kernels.
func (c *cpuKernels) Combine(in, out, x, y []float64, ca, cb, cc float64) error {
	return (*Advector)(c).stage(in, out, x, y, ca, cb, cc)
}

// Copy implements Kernels.
func (c *cpuKernels) Copy(dst, src []float64) error {
	(*Advector)(c).copier.Copy(dst, src)
	return nil
}

// CFLStep implements Kernels.
func (c *cpuKernels) CFLStep() (float64, error) {
	a := (*Advector)(c)
	a.pool.Share(len(a.colMin), a.cflBody)
	dtmax := math.MaxFloat64
	for _, x := range a.colMin {
		dtmax = min(dtmax, x)
	}
	return dtmax, nil
}

// Kernels returns the Advector's CPU kernels (for Integrate and
// StableStep); they use the velocity set by SetVelocity.
func (a *Advector) Kernels() Kernels[[]float64] { return (*cpuKernels)(a) }

// HasAVX2Kernels reports whether the AVX2 WENO3 flux kernels are built and
// usable on this CPU: Advector.GoKernels then chooses between them and the
// Go kernels.
func HasAVX2Kernels() bool { return useAVX2 }
