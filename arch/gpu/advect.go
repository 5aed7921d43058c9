package gpu

import (
	"math"
	"unsafe"
)

// advKernels are advection.Kernels on the device (F is a device address):
// the kernels of kernels/advection.cu, launched on the device thread. The
// integrators and the CFL step limit are advection's.
type advKernels backend

// Euler implements advection.Kernels: out = x - c*A(in).
func (k *advKernels) Euler(in, out, x devPtr, c float64) error {
	return (*backend)(k).advStage(in, out, x, 0, 0, 0, c)
}

// Combine implements advection.Kernels: out = ca*x + cb*y - c*A(in).
func (k *advKernels) Combine(in, out, x, y devPtr, ca, cb, c float64) error {
	return (*backend)(k).advStage(in, out, x, y, ca, cb, c)
}

// Copy implements advection.Kernels: a device-to-device copy of a field.
func (k *advKernels) Copy(dst, src devPtr) error {
	b := (*backend)(k)
	return b.d.dtod(dst, src, 8*b.n)
}

// CFLStep implements advection.Kernels: adv_cfl's minimum over the
// points, reduced on the device.
func (k *advKernels) CFLStep() (float64, error) {
	b := (*backend)(k)
	if err := b.d.launch("set_u64", 1, 1, 32, 0, b.args().ptr(b.accCFL).u64(maxBits, 0)); err != nil {
		return 0, err
	}
	if err := b.d.launch("adv_cfl", blocks(b.n), 1, threads, 8*float64(b.nvt+b.nvp), b.args().geom(&b.g).ptr(b.vt, b.vp, b.accCFL)); err != nil {
		return 0, err
	}
	if err := b.d.dtoh(unsafe.Pointer(&b.accHost[0]), b.accCFL, 8); err != nil {
		return 0, err
	}
	return math.Float64frombits(b.accHost[0]), nil
}

// advStage evaluates A(in) (adv_flux, adv_pole_sums) and sets out = x -
// c*A(in) when y is 0, else out = ca*x + cb*y - c*A(in) (adv_update).
func (b *backend) advStage(in, out, x, y devPtr, ca, cb, c float64) error {
	weno, kind2 := 0, 0
	if b.weno {
		weno = 1
	}
	if y != 0 {
		kind2 = 1
	} else {
		y = x
	}
	nflux := b.m.NThetaMain * (b.m.NPhiMain - 2) * b.nr
	fluxBytes := 8 * float64(b.n+2*b.nvt+2*b.nvp)
	if b.weno {
		fluxBytes += 8 * float64(2*b.n)
	}
	if err := b.d.launch("adv_flux", blocks(nflux), 1, threads, fluxBytes,
		b.args().geom(&b.g).ptr(in, b.vt, b.vp, b.at, b.ap, b.wT, b.wP).ints(weno).f64(b.adv.UpwindCoef).ptr(b.fluxT, b.fluxP)); err != nil {
		return err
	}
	if err := b.d.launch("adv_pole_sums", 2*b.nr, 1, poleThreads, 8*float64(2*b.nr*b.m.NPhiMain),
		b.args().geom(&b.g).ptr(b.fluxT).f64(b.poleN, b.poleS).ptr(b.apole)); err != nil {
		return err
	}
	return b.d.launch("adv_update", blocks(b.n), 1, threads, 8*float64(b.nvt+b.nvp+(2+kind2)*b.n),
		b.args().geom(&b.g).ptr(b.fluxT, b.fluxP, b.apole, x, y).f64(ca, cb, c).ints(kind2).ptr(out))
}
