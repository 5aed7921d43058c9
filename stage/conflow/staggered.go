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
	// ConFlow's v_ext(ii,jj) (1-based, ghost cells at ii = 1, n2l+2 and
	// jj = 1, n2t+2) is sample (ii-1, n2t+2-jj) of the uniform grid
	// (column, row; 1-based, row 1 next to one pole), with the periodic
	// column ii = 1 equal to ii = n2l+1 and the ghost row jj = 1
	// reflected about the mean of jj = 2. The picks below read the
	// samples they need straight from U and V.
	col := func(ii int) int { // 0-based column of the uniform grid at v_ext's ii
		if ii == 1 {
			return n2l - 1
		}
		return ii - 2
	}
	row := func(jj int) int { return n2t + 2 - jj - 1 } // 0-based row at v_ext's jj (2 <= jj <= n2t+1)

	// vt from V: v_ext(2i-1, 2(j-1)), j = 2 .. n_lat, all interior rows.
	V := g.V
	vt = make([]float64, nLong*(nLat+1))
	at := func(i, j int) *float64 { return &vt[(i-1)+(j-1)*nLong] } // vt_psi(i,j)
	for j := 2; j <= nLat; j++ {
		src := V[row(2*(j-1))*n2l:]
		for i := 1; i <= nLong; i++ {
			*at(i, j) = src[col(2*i-1)]
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

	// vp from U: v_ext(2(i-1), 2j-1), j = 1 .. n_lat; jj = 1 is the ghost
	// row, 2 mean(v_ext(:,2)) - v_ext(ii,2), the mean summed from ii = 2
	// as ConFlow sums it.
	U := g.U
	vp = make([]float64, (nLong+1)*nLat)
	ap := func(i, j int) *float64 { return &vp[(i-1)+(j-1)*(nLong+1)] } // vp_psi(i,j)
	edge := U[row(2)*n2l : (row(2)+1)*n2l]
	ghostMean := 0.0
	for _, x := range edge {
		ghostMean += x
	}
	ghostMean = ghostMean / float64(n2l)
	for i := 2; i <= nLong; i++ {
		*ap(i, 1) = 2*ghostMean - edge[col(2*(i-1))]
	}
	for j := 2; j <= nLat; j++ {
		src := U[row(2*j-1)*n2l:]
		for i := 2; i <= nLong; i++ {
			*ap(i, j) = src[col(2*(i-1))]
		}
	}
	for j := 1; j <= nLat; j++ {
		*ap(1, j) = *ap(nLong, j)
		*ap(nLong+1, j) = *ap(2, j)
	}
	return vt, vp
}
