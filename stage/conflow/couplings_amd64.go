//go:build !noasm

package conflow

// couplingLanes is how many modes the coupling kernel treats at once.
const couplingLanes = 8

// useCouplingKernel selects the AVX-512 kernel of couplings_amd64.s for
// the Runge-Kutta sums (with the synthesis kernels' no-fused-multiply-add
// condition).
var useCouplingKernel = useAVX2 && useAVX512

// couplingArgs are the coupling kernel's operands, each at the first
// block's first element (see couplings_amd64.s).
type couplingArgs struct {
	c      *float64 // o.c at mode i0 = lo-m, coupling q = 0
	stride int      // bytes from coupling q to q+1: 8 o.n
	x      [4]*float64
	e      [2]*float64 // real and imaginary parts at mode i0-6; nil: no rotation
	d      [4]*float64 // at degree lo
	blocks int
}

// couplingSums is couplingSum for l in [lo, hi) (hi-lo a multiple of
// couplingLanes, every l with all thirteen neighbours) in the vector
// kernel.
func (g *Generator) couplingSums(o *order, m, lo, hi int, e []float64, d [4][]float64, b *stepBuf) {
	nm := o.n
	i0 := lo - m
	_ = o.c[25*nm+hi-m-1]
	a := couplingArgs{c: &o.c[i0], stride: 8 * nm, blocks: (hi - lo) / couplingLanes}
	for p := range a.x {
		_ = b.x[p][hi+5]
		a.x[p] = &b.x[p][lo-6]
		_ = d[p][hi-1]
		a.d[p] = &d[p][lo]
	}
	if e != nil {
		_ = e[nm+hi-m+5]
		a.e = [2]*float64{&e[i0-6], &e[nm+i0-6]}
	}
	couplingSumsAVX512(&a)
}

// couplingSumsAVX512 runs couplingSum for a.blocks blocks of eight modes.
//
//go:noescape
func couplingSumsAVX512(a *couplingArgs)
