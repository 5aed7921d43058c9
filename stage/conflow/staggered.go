package conflow

import "math"

// Grid holds HipFT's staggered-grid coordinates of ConFlow's output maps,
// in radians: vt maps have dims (n_long, n_lat+1) with scales (PMain,
// THalf), vp maps dims (n_long+1, n_lat) with scales (PHalf, TMain).
//
// ConFlow spaces them as PSI main meshes with n_long and n_lat points
// (dphi = 2 pi/(n_long-1), dtheta = pi/(n_lat-1)), while the values are
// its own samples at spacing pi/n_long and pi/(2 n_lat); goft keeps both
// as ConFlow writes them.
type Grid struct {
	PMain, PHalf, TMain, THalf []float64
}

// NewGrid returns ConFlow's output scales for n_long x n_lat.
func NewGrid(nLong, nLat int) Grid {
	dp := 2 * math.Pi / float64(nLong-1)
	dt := math.Pi / float64(nLat-1)
	g := Grid{
		PMain: make([]float64, nLong),
		PHalf: make([]float64, nLong+1),
		TMain: make([]float64, nLat),
		THalf: make([]float64, nLat+1),
	}
	for i := range g.PMain {
		g.PMain[i] = float64(i) * dp
	}
	for i := range g.PHalf {
		g.PHalf[i] = -0.5*dp + float64(i)*dp
	}
	for i := range g.TMain {
		g.TMain[i] = float64(i) * dt
	}
	for i := range g.THalf {
		g.THalf[i] = -0.5*dt + float64(i)*dt
	}
	return g
}

// Staggered returns the flows of the latest step on HipFT's staggered
// grid, as ConFlow writes them: vt (n_long x n_lat+1) from V and vp
// (n_long+1 x n_lat) from U, m/s, each with phi fastest. ConFlow's samples are flipped to run from north to
// south, extended past the poles and periodically, every other sample
// is picked, and the pole rows of vt are set so that their means are
// the means of the first and last rows (ConFlow's "Interpolate ConFlow
// flows into PSI grid flow arrays").
func (g *Generator) Staggered() (vt, vp []float64) {
	nLong, nLat := g.p.NLong, g.p.NLat
	n2l, n2t := g.nlong2, g.n
	ext := newExtended(n2l, n2t)

	// vt from V.
	ext.fill(g.V)
	vt = make([]float64, nLong*(nLat+1))
	at := func(i, j int) *float64 { return &vt[(i-1)+(j-1)*nLong] } // vt_psi(i,j)
	for j := 2; j <= nLat; j++ {
		for i := 1; i <= nLong; i++ {
			*at(i, j) = ext.at(2*i-1, 2*(j-1))
		}
	}
	for j := 1; j <= nLat+1; j++ {
		*at(1, j) = *at(nLong, j)
	}
	pole := 0.0
	for i := 1; i <= nLong-1; i++ {
		pole += *at(i, 2)
	}
	pole = pole / float64(nLong-1)
	for i := 1; i <= nLong; i++ {
		*at(i, 1) = 2*pole - *at(i, 2)
	}
	pole = 0
	for i := 1; i <= nLong-1; i++ {
		pole += *at(i, nLat)
	}
	pole = pole / float64(nLong-1)
	for i := 1; i <= nLong; i++ {
		*at(i, nLat+1) = 2*pole - *at(i, nLat)
	}

	// vp from U.
	ext.fill(g.U)
	vp = make([]float64, (nLong+1)*nLat)
	ap := func(i, j int) *float64 { return &vp[(i-1)+(j-1)*(nLong+1)] } // vp_psi(i,j)
	for j := 1; j <= nLat; j++ {
		for i := 2; i <= nLong; i++ {
			*ap(i, j) = ext.at(2*(i-1), 2*j-1)
		}
		*ap(1, j) = *ap(nLong, j)
		*ap(nLong+1, j) = *ap(2, j)
	}
	return vt, vp
}

// extended is ConFlow's v_ext: a uniform-grid field flipped to colatitude
// order with one ghost cell on every side (1-based, (n2l+2) x (n2t+2)).
type extended struct {
	n2l, n2t int
	v        []float64
}

func newExtended(n2l, n2t int) *extended {
	return &extended{n2l: n2l, n2t: n2t, v: make([]float64, (n2l+2)*(n2t+2))}
}

func (e *extended) at(i, j int) float64 { return e.v[(i-1)+(j-1)*(e.n2l+2)] }

func (e *extended) set(i, j int, x float64) { e.v[(i-1)+(j-1)*(e.n2l+2)] = x }

// fill sets the extension of f (index (i-1)+(j-1)*n2l): the theta axis
// flipped, the rows past the poles reflected about the row means, and
// the periodic columns.
func (e *extended) fill(f []float64) {
	n2l, n2t := e.n2l, e.n2t
	for jj := 2; jj <= n2t+1; jj++ {
		src := n2t + 1 - (jj - 1) // 1-based row of f
		for ii := 2; ii <= n2l+1; ii++ {
			e.set(ii, jj, f[(ii-2)+(src-1)*n2l])
		}
	}
	ghost := func(dst, from int) {
		pole := 0.0
		for ii := 2; ii <= n2l+1; ii++ {
			pole += e.at(ii, from)
		}
		pole = pole / float64(n2l)
		// ConFlow sets the whole ghost row, the corner ghosts included;
		// the periodic copy below then overwrites the corners.
		for ii := 1; ii <= n2l+2; ii++ {
			e.set(ii, dst, 2*pole-e.at(ii, from))
		}
	}
	ghost(1, 2)
	ghost(n2t+2, n2t+1)
	for jj := 1; jj <= n2t+2; jj++ {
		e.set(1, jj, e.at(n2l+1, jj))
		e.set(n2l+2, jj, e.at(2, jj))
	}
}
