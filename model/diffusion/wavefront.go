package diffusion

import (
	"time"

	"github.com/goft-sft/goft/internal/memalign"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/field"
)

// This file holds the wavefront-blocked super-time-step stages.
//
// A stage of RKL2 or RKG2 reads the previous stage at the point and its four
// neighbours, the stage before that, the start field u0 and tau*L(u0) at the
// point, and writes the new stage. Run one after the other, the hundreds of
// stages of a super step each stream five arrays through memory, which on
// production grids is far larger than the caches. Instead, a block of up to
// blockStages stages sweeps the rows of a realization from pole to pole
// together, in bands of bandRows theta rows: at wavefront time t, stage i of
// the block advances band t-2i over the worker's columns, then the team
// meets at a barrier (a worker alone on a realization uses band t-i, see
// sweep). A band of stage i then finds the bands of stage i-1 it needs (its
// own, and one row of each neighbouring band) already done, and no stage
// overwrites data that a later stage of the block still needs, so the two
// stage buffers are updated in place. The data of a block stay in cache
// for all its stages.
//
// With several workers, a block either gives each worker whole
// realizations to sweep alone (no barriers) or sweeps every realization
// with the whole team, its columns split between the members by their
// measured speeds (realizations left over when they do not divide evenly
// are always swept by the team). Which of the two a block uses is
// measured as the run goes (modeTuner).
//
// So that a band is one contiguous stretch of memory, the stepper keeps its
// stages in a banded layout: realization, then band, then column, then the
// band's rows, each column's rows framed by one halo row above and below
// that copy the neighbouring bands' edge rows (see bandLayout).
//
// The pole rows need L at the poles, a sum over a whole ring of the previous
// stage: the north value is formed when a stage reaches band 0 (rows 0 and
// 1 of the previous stage are then done), the south value when it reaches
// the last band, which always holds at least two rows. A worker alone forms
// the sums itself, in the same serial order as Operator.Apply; a team adds
// up per-column terms its members formed in the stage before, in the same
// order (wavefront.poleTerms). So each stage is bit for bit what the
// unblocked stage gives.

// Default wavefront block shape: the theta rows per band and the stages
// per block (see bench_test.go: BenchmarkBlockShape).
const (
	bandRows    = 64
	blockStages = 16
)

// bandLayout maps main-mesh points to the banded layout. Band b holds rows
// [bands[b], bands[b+1]); each (realization, band, column) segment has
// stride slots: slot 0 is the halo row bands[b]-1, slots 1..rows the band's
// rows, slot rows+1 the halo row bands[b+1], and the slots after it up to
// a multiple of eight are padding. With the banded arrays allocated by
// memalign.Float64s(size, 1), slot 1 of every segment starts a 64-byte cache
// line, so the band kernels' loads of a point's column and of its east and
// west neighbours, and their stores, are whole lines (an unaligned 512-bit
// load costs this CPU two; BenchmarkKernelBandAligned).
type bandLayout struct {
	ntm, npm, nreal int
	bands           []int
	stride          int
	// center is the mesh-order layout of all realizations (field.Center),
	// the one fromBands writes and stsInit reads.
	center field.Layout
}

// newBandLayout splits ntm theta rows into bands of rows rows (at least 2;
// the last band keeps at least two rows).
func newBandLayout(ntm, npm, nreal, rows int) bandLayout {
	l := bandLayout{ntm: ntm, npm: npm, nreal: nreal,
		center: field.Layout{NTheta: ntm, NPhi: npm, NReal: nreal, Location: field.Center}}
	rows = max(rows, 2)
	for j := 0; j < ntm; j += rows {
		l.bands = append(l.bands, j)
	}
	if last := len(l.bands) - 1; last > 0 && ntm-l.bands[last] < 2 {
		l.bands = l.bands[:last]
	}
	l.bands = append(l.bands, ntm)
	for b := 0; b+1 < len(l.bands); b++ {
		l.stride = max(l.stride, l.bands[b+1]-l.bands[b]+2)
	}
	l.stride = (l.stride + 7) &^ 7
	return l
}

// nbands is the number of bands.
func (l *bandLayout) nbands() int { return len(l.bands) - 1 }

// size is the length of a banded array of all realizations.
func (l *bandLayout) size() int { return l.nreal * l.nbands() * l.npm * l.stride }

// segment returns the offset of the segment of band b, column k,
// realization r; slot 1 holds row bands[b].
func (l *bandLayout) segment(r, b, k int) int { return ((r*l.nbands()+b)*l.npm + k) * l.stride }

// fromBands copies columns [lo, hi) from banded src to mesh-order dst.
func (l *bandLayout) fromBands(dst, src []float64, lo, hi int) {
	nb := l.nbands()
	for c := lo; c < hi; c++ {
		r, k := c/l.npm, c%l.npm
		col := l.center.Column(dst, k, r)
		for b := 0; b < nb; b++ {
			j0, j1 := l.bands[b], l.bands[b+1]
			off := l.segment(r, b, k)
			copy(col[j0:j1], src[off+1:off+1+j1-j0])
		}
	}
}

// wavefront is the state of the blocked super steps shared by the team.
type wavefront struct {
	bandLayout
	u0, y0  []float64    // start field and tau*L(u0), banded
	bufs    [2][]float64 // banded stages: stage s is written into bufs[s%2] over stage s-2
	args    []stageArgs  // recurrence coefficients of the block's stages (a window of SuperStep.args)
	stages  int64        // stages per block
	s0      int64        // first stage of the current block
	team    int          // number of workers
	barrier *parallel.Barrier
	// Input of the set-up and copy-out passes: the field, its L, the step
	// (hours), the first stage's coefficient and the buffer of the last
	// stage.
	f, lf, last []float64
	tau, ub1    float64
	// poleTerms[p][q] holds, at r*npm+k, the terms of the north (p = 0)
	// and south (p = 1) pole sums (poleNorthBanded, poleSouthBanded) of
	// column k of realization r in the last stage s done there with s%2 =
	// q, for a team sharing a realization: each member forms its columns'
	// terms while their pole rows are in its cache, and the next stage
	// adds them up in order, instead of every member reading every
	// column's pole rows. (Two sets: a member may form stage s's terms
	// while another still adds up those of stage s-1.)
	poleTerms [2][2][]float64
	// split holds, for a team sharing a realization, member w's columns
	// [split[w], split[w+1]) of it, and busy[w] the nanoseconds member w
	// spent on them in the last block, its barrier waits left out. After
	// each block, resplit moves the split toward the members' measured
	// speeds (balanceSplit): the vCPUs of a shared machine do not run at
	// one speed, and the faster member would otherwise wait at every
	// barrier. Any split gives the same bits: each column's update is its
	// own, and the pole sums add per-column terms in column order.
	split   []int
	busy    []int64
	resplit func(split []int, busy []int64)
	// shared: the current block sweeps every realization with the whole
	// team (wavefront.split), not whole realizations each worker alone;
	// chosen by mode (see modeTuner).
	shared, sharedBefore bool // this block's mode and the block before's
	mode                 modeTuner
}

// modeTuner chooses, for a team of several workers and at least one
// realization per worker, between sweeping whole realizations each worker
// alone and sweeping each realization with the whole team, by timing
// blocks of both. Alone, the workers need no barriers, but each keeps its
// own realization's wavefront in the shared caches, and when the workers'
// speeds differ (a virtual machine's vCPUs) nothing evens them out;
// together, the team keeps one realization's wavefront and its split
// follows the members' speeds.
// Which is faster depends on the mesh and the machine's caches (on the
// development machine: alone at 361 x 721, together at 513 x 1025), so it
// is measured: a trial of trialGroup blocks alone, then trialGroup blocks
// together (the first of each group, where the caches still hold the
// other mode's data, not counted), then the faster mode for a run of
// blocks, and a new trial. A run is runBlocks long, and twice the last
// one (up to maxRunBlocks) when the trial confirms the mode. Both modes
// give the same bits.
type modeTuner struct {
	block int        // blocks since the trial began
	run   int        // length of the run after the trial
	cost  [2]float64 // trial time per stage (ns), alone and together
	best  bool       // the chosen mode: together
	tried bool       // a trial has chosen best
}

// The tuner's trial group and run lengths, in blocks.
const (
	trialGroup   = 3
	runBlocks    = 60
	maxRunBlocks = 960
)

// next returns the mode of the next block (together or not).
func (t *modeTuner) next() bool {
	if t.block < 2*trialGroup {
		return t.block >= trialGroup
	}
	return t.best
}

// record notes that the block just run (in mode shared) took d for its
// stages stages.
func (t *modeTuner) record(shared bool, stages int64, d time.Duration) {
	if t.block < 2*trialGroup && t.block%trialGroup != 0 {
		i := 0
		if shared {
			i = 1
		}
		t.cost[i] += float64(d) / float64(stages)
	}
	t.block++
	if t.block == 2*trialGroup {
		best := t.cost[1] < t.cost[0]
		if t.tried && best == t.best {
			t.run = min(2*t.run, maxRunBlocks)
		} else {
			t.run = runBlocks
		}
		t.best, t.tried, t.cost = best, true, [2]float64{}
	}
	if t.block == 2*trialGroup+t.run {
		t.block = 0
	}
}

// newWavefront sets up blocks of stages stages over bands of rows theta
// rows for nreal realizations on a mesh with ntm x npm main points, for a
// team of n workers.
func newWavefront(ntm, npm, nreal, n, rows, stages int) *wavefront {
	wf := &wavefront{bandLayout: newBandLayout(ntm, npm, nreal, rows), team: n,
		barrier: parallel.NewBarrier(n), stages: int64(stages),
		split: make([]int, n+1), busy: make([]int64, n), resplit: balanceSplit}
	for w := range wf.split {
		wf.split[w] = w * npm / n
	}
	// Eight slots of slack after the last segment: the AVX-512 band
	// kernel loads whole eight-row blocks of a column (see
	// stageBandVector).
	size := wf.size() + 8
	wf.u0, wf.y0 = memalign.Float64s(size, 1), memalign.Float64s(size, 1)
	wf.bufs = [2][]float64{memalign.Float64s(size, 1), memalign.Float64s(size, 1)}
	for p := range wf.poleTerms {
		for q := range wf.poleTerms[p] {
			wf.poleTerms[p][q] = make([]float64, nreal*npm)
		}
	}
	return wf
}

// stsInit sets, on columns [lo, hi) of the flattened (realization, column)
// index, u0 = f, y0 = tau*L(f) (L(f) given in wf.lf), the first stage
// U1 = f + ub1*y0, and the stage before it U0 = f, all banded with their
// halos, in one pass.
func (s *Stepper) stsInit(lo, hi int) {
	wf := s.wave
	tau, ub1 := wf.tau, wf.ub1
	nb := wf.nbands()
	for c := lo; c < hi; c++ {
		r, k := c/wf.npm, c%wf.npm
		col := wf.center.Column(wf.f, k, r)
		lcol := wf.center.Column(wf.lf, k, r)
		lcol = lcol[:len(col)]
		for b := 0; b < nb; b++ {
			j0, j1 := wf.bands[b], wf.bands[b+1]
			// Slot i is row j0-1+i; the halo slots exist inside the mesh.
			i0, i1 := 0, j1-j0+2
			if b == 0 {
				i0 = 1
			}
			if b == nb-1 {
				i1--
			}
			// Slots [i0, i1) of the segment at off, rows j0-1+i0.., all
			// sliced to one length so that the loop has no bounds checks.
			off := wf.segment(r, b, k) + i0
			n := i1 - i0
			fs := col[j0-1+i0:][:n]
			ls := lcol[j0-1+i0:][:n]
			u0, y0 := wf.u0[off:][:n], wf.y0[off:][:n]
			b0, b1 := wf.bufs[0][off:][:n], wf.bufs[1][off:][:n]
			// The halo slot 0 here, then from slot 1 (a cache line's
			// start) the vector kernel's whole blocks of eight, then
			// the rest here.
			head := min(1-i0, n)
			stsInitPoints(fs, ls, u0, b0, y0, b1, 0, head, tau, ub1)
			done := head + stsInitVector(fs[head:], ls[head:], u0[head:], b0[head:], y0[head:], b1[head:], tau, ub1)
			stsInitPoints(fs, ls, u0, b0, y0, b1, done, n, tau, ub1)
		}
	}
}

// stsInitPoints does stsInit's update at the points [lo, hi) of a
// segment: u0 = b0 = f, y0 = tau*L(f), b1 = f + ub1*y0.
func stsInitPoints(fs, ls, u0, b0, y0, b1 []float64, lo, hi int, tau, ub1 float64) {
	fs, ls, u0, b0, y0, b1 = fs[lo:hi], ls[lo:hi], u0[lo:hi], b0[lo:hi], y0[lo:hi], b1[lo:hi]
	for i, v := range fs {
		y := tau * ls[i]
		u0[i], b0[i], y0[i] = v, v, y
		b1[i] = v + float64(ub1*y) // rounded product: no fused multiply-add
	}
}

// stsOut copies the last stage back to the field on columns [lo, hi).
func (s *Stepper) stsOut(lo, hi int) {
	wf := s.wave
	wf.fromBands(wf.f, wf.last, lo, hi)
}

// waveWorkers runs workers [lo, hi) of the team (one each when the pool has
// a goroutine per worker).
func (s *Stepper) waveWorkers(lo, hi int) {
	for w := lo; w < hi; w++ {
		s.waveWorker(w)
	}
}

// waveWorker sweeps the current block over worker w's share of the mesh:
// whole realizations, each worker on its own (no barriers), as long as
// every worker gets one; then a share of the columns of each realization
// left over, in step with the team. In a shared block (wavefront.shared)
// every realization is swept by the team.
func (s *Stepper) waveWorker(w int) {
	wf := s.wave
	solo := wf.nreal - wf.nreal%wf.team
	if wf.shared {
		solo = 0
	}
	for r := w; r < solo; r += wf.team {
		s.sweep(r, 0, wf.npm, nil)
	}
	if solo == wf.nreal {
		return
	}
	kLo, kHi := wf.split[w], wf.split[w+1]
	start := time.Now()
	var waited time.Duration
	for r := solo; r < wf.nreal; r++ {
		waited += s.sweep(r, kLo, kHi, wf.barrier)
	}
	wf.busy[w] = int64(time.Since(start) - waited)
}

// teamBefore reports whether the block before the current one swept
// realization r with the team (and so formed its pole terms).
func (wf *wavefront) teamBefore(r int) bool {
	return wf.sharedBefore || r >= wf.nreal-wf.nreal%wf.team
}

// tuned reports whether the blocks' mode is chosen (modeTuner): with
// several workers and at least one realization each.
func (wf *wavefront) tuned() bool { return wf.team > 1 && wf.nreal >= wf.team }

// rebalance moves the team's column split after a block in which the team
// shared a realization (see wavefront.split).
func (wf *wavefront) rebalance() {
	if wf.team > 1 && (wf.nreal%wf.team != 0 || wf.shared) {
		wf.resplit(wf.split, wf.busy)
	}
}

// balanceSplit moves the split of a realization's columns between the
// members of a team halfway toward shares proportional to their speeds in
// the last block (columns per busy nanosecond), keeping every member at
// least one column. It leaves the split as it is when a member's time was
// not measured.
func balanceSplit(split []int, busy []int64) {
	n := len(busy)
	var total float64
	for w, b := range busy {
		if b <= 0 {
			return
		}
		total += float64(split[w+1]-split[w]) / float64(b)
	}
	npm := split[n]
	var want float64 // the new split's cumulative columns, unrounded
	lo := split[0]   // member w's first column before the move
	for w := 0; w < n-1; w++ {
		cols := float64(split[w+1] - lo)
		target := float64(npm) * cols / float64(busy[w]) / total
		want += cols + 0.5*(target-cols)
		lo = split[w+1]
		split[w+1] = min(max(int(want+0.5), split[w]+1), npm-(n-1-w))
	}
}

// sweep advances the current block of stages on columns [kLo, kHi) of
// realization r, band by band; with several workers on the realization,
// barrier keeps them in step.
//
// A worker alone on the realization lets stage i trail stage i-1 by one
// band: it does stage i-1's band b+1 before stage i's band b at the same
// time t. A team needs a lag of two bands, so that everything a band reads
// was done before the last barrier. It returns the time spent waiting at
// the barrier.
func (s *Stepper) sweep(r, kLo, kHi int, barrier *parallel.Barrier) (waited time.Duration) {
	wf := s.wave
	nb, nk := wf.nbands(), len(wf.args)
	lag := 1
	if barrier != nil {
		lag = 2
	}
	for t := 0; t < nb+lag*(nk-1); t++ {
		for i := 0; i < nk; i++ {
			b := t - lag*i
			if b < 0 {
				break
			}
			if b >= nb {
				continue
			}
			st := wf.s0 + int64(i)
			x, out := wf.bufs[(st-1)%2], wf.bufs[st%2]
			// The pole values of L(x): in a team, from the terms its
			// members formed in stage st-1 (stage 1, from stsInit, has
			// none; the block's first stage finds them only where the
			// block before swept r as a team too), all of whose pole rows
			// were done before the last barrier.
			terms := barrier != nil && st-1 >= 2 && (i > 0 || wf.teamBefore(r))
			var pn, ps float64
			if b == 0 {
				if terms {
					pn = s.poleSumTerms(0, r, st-1) * s.Op.PoleNorth
				} else {
					pn = s.poleNorthBanded(x, r)
				}
			}
			if b == nb-1 {
				if terms {
					ps = -s.poleSumTerms(1, r, st-1) * s.Op.PoleSouth
				} else {
					ps = s.poleSouthBanded(x, r)
				}
			}
			s.stageBand(r, b, kLo, kHi, x, out, &wf.args[i], pn, ps, barrier != nil, st)
		}
		if barrier != nil {
			t0 := time.Now()
			barrier.Wait()
			waited += time.Since(t0)
		}
	}
	return waited
}

// poleNorthBanded is Operator.poleNorth on a banded field.
func (s *Stepper) poleNorthBanded(x []float64, r int) float64 {
	op, wf := s.Op, s.wave
	m := op.Mesh
	var fn float64
	for k := 1; k < wf.npm-1; k++ {
		off := wf.segment(r, 0, k)
		d := op.corner.Column(op.Coef, k, r)
		fn += float64((d[0] + d[1]) * (x[off+2] - x[off+1]) * m.DPhi[k])
	}
	return fn * op.PoleNorth
}

// poleSumTerms adds up the pole terms p (0 north, 1 south) of stage st of
// realization r over columns 1..NPhiMain-2 in order: the sum of
// poleNorthBanded or poleSouthBanded, before its pole factor.
func (s *Stepper) poleSumTerms(p, r int, st int64) float64 {
	npm := s.wave.npm
	t := s.wave.poleTerms[p][st%2][r*npm:][:npm]
	var sum float64
	for k := 1; k < npm-1; k++ {
		sum += t[k]
	}
	return sum
}

// poleTermsBand sets, for columns [kLo, kHi) of band b of realization r
// (out, stage st, done), the terms of poleNorthBanded (b = 0) and
// poleSouthBanded (b the last band) of out in wavefront.poleTerms, with
// their operations.
func (s *Stepper) poleTermsBand(out []float64, r, b, kLo, kHi int, st int64) {
	op, wf := s.Op, s.wave
	m := op.Mesh
	nt := m.NThetaHalf
	kLo, kHi = max(kLo, 1), min(kHi, wf.npm-1)
	if b == 0 {
		t := wf.poleTerms[0][st%2][r*wf.npm:][:wf.npm]
		for k := kLo; k < kHi; k++ {
			off := wf.segment(r, 0, k)
			d := op.corner.Column(op.Coef, k, r)
			t[k] = float64((d[0] + d[1]) * (out[off+2] - out[off+1]) * m.DPhi[k])
		}
	}
	if b == wf.nbands()-1 {
		t := wf.poleTerms[1][st%2][r*wf.npm:][:wf.npm]
		last := wf.ntm - wf.bands[b] // slot of row ntm-1
		for k := kLo; k < kHi; k++ {
			off := wf.segment(r, b, k)
			d := op.corner.Column(op.Coef, k, r)
			t[k] = float64((d[nt-2] + d[nt-1]) * (out[off+last] - out[off+last-1]) * m.DPhi[k])
		}
	}
}

// poleSouthBanded is Operator.poleSouth on a banded field.
func (s *Stepper) poleSouthBanded(x []float64, r int) float64 {
	op, wf := s.Op, s.wave
	m := op.Mesh
	nt := m.NThetaHalf
	b := wf.nbands() - 1
	last := wf.ntm - wf.bands[b] // slot of row ntm-1
	var fs float64
	for k := 1; k < wf.npm-1; k++ {
		off := wf.segment(r, b, k)
		d := op.corner.Column(op.Coef, k, r)
		fs += float64((d[nt-2] + d[nt-1]) * (x[off+last] - x[off+last-1]) * m.DPhi[k])
	}
	return -fs * op.PoleSouth
}

// stageBand computes one STS stage on band b of columns [kLo, kHi) of
// realization r (banded arrays): y = L(x) at the point (for the ghost
// columns 0 and NPhiMain-1 that of their periodic image; at the pole rows
// the pole values pn and ps) and, point by point,
//
//	out = u*x + v*out + (1-u-v)*u0 + (ub*tau)*y + g*y0,
//
// written over out (which holds the stage before x); then it copies the
// band's edge rows of out into the halos of the neighbouring bands.
//
// With terms set (a team), it then forms its columns' pole terms of out,
// stage st, where the band holds a pole row (poleTermsBand).
func (s *Stepper) stageBand(r, b, kLo, kHi int, x, out []float64, a *stageArgs, pn, ps float64, terms bool, st int64) {
	op, wf := s.Op, s.wave
	m := op.Mesh
	ntm, npm, S := wf.ntm, wf.npm, wf.stride
	j0, j1 := wf.bands[b], wf.bands[b+1]
	rows := j1 - j0
	nb := wf.nbands()
	// Slots [lo, hi) of a segment hold the interior rows of the band; slot
	// i is row j0-1+i.
	lo, hi := 1, rows+1
	if j0 == 0 {
		lo = 2
	}
	if j1 == ntm {
		hi = rows
	}
	w := op.uniform
	sti := m.SinThetaInv[j0-1+lo : j0-1+hi] // element i-lo is slot i's row
	if w != nil {
		sti = w.sti[j0-1+lo : j0-1+hi] // the same values, aligned
	}
	var a1s, a5s, c2, c4 []float64
	// Interior columns with factored weights, as many rows as the vector
	// kernel does in one call.
	done := 0
	kA, kB := max(kLo, 1), min(kHi, npm-1)
	// The element offsets from a column's first row (slot 1) to the halo
	// slot of the band before that copies it, and from its last row (slot
	// rows) to the halo slot of the band after; 0 where there is no such
	// band (the pole rows of bands 0 and nb-1 are no kernel rows).
	up, down := 0, 0
	if b > 0 {
		up = wf.segment(r, b-1, 0) + j0 - wf.bands[b-1] - wf.segment(r, b, 0)
	}
	if b < nb-1 {
		down = wf.segment(r, b+1, 0) - wf.segment(r, b, 0) - rows
	}
	haloDone := false // whether the kernel copied the halos of [kA, kB)
	if w != nil {
		a1s, a5s = w.a1[r], w.a5[r]
		c2, c4 = w.c2[r][j0-1+lo:j0-1+hi], w.c4[r][j0-1+lo:j0-1+hi]
		if kA < kB && !op.GoKernels {
			done = stageBandVector(kB-kA, hi-lo, S, a1s[kA:kB], a5s[kA:kB], sti, c2, c4,
				x, wf.u0, wf.y0, out, wf.segment(r, b, kA)+lo, a, up, down)
			haloDone = done > 0
		}
	} else if kA < kB && !op.GoKernels {
		done = stageBandStoredVector(kB-kA, hi-lo, S, ntm, op.C1, op.C2, op.C4, op.C5, op.center.Index(j0-1+lo, kA, r),
			x, wf.u0, wf.y0, out, wf.segment(r, b, kA)+lo, a)
	}
	// The pole rows, in every column.
	if j0 == 0 {
		s.poleRow(out, x, wf.segment(r, b, kLo)+1, kHi-kLo, a, pn)
	}
	if j1 == ntm {
		s.poleRow(out, x, wf.segment(r, b, kLo)+rows, kHi-kLo, a, ps)
	}
	// Only the ghost columns need the per-column loop unless the vector
	// kernel left rows.
	allColumns := lo+done < hi
	for k := kLo; k < kHi; k++ {
		if !allColumns && k != 0 && k != npm-1 {
			if k < npm-1 {
				k = min(kHi, npm-1) - 1 // on to column npm-1
			}
			continue
		}
		kk := k // column whose L the ghost columns copy
		first := lo + done
		if k == 0 {
			kk, first = npm-2, lo
		} else if k == npm-1 {
			kk, first = 1, lo
		}
		src := wf.segment(r, b, kk)
		xw, xc, xe := x[src-S:src], x[src:src+S], x[src+S:src+2*S]
		off := wf.segment(r, b, k)
		u0, y0, u1, u2 := wf.u0[off:off+S], wf.y0[off:off+S], x[off:off+S], out[off:off+S]
		y0, u1, u2 = y0[:len(u0)], u1[:len(u0)], u2[:len(u0)]
		if w != nil {
			a1, a5 := a1s[kk], a5s[kk]
			// The products are rounded explicitly (float64), so that no
			// compiler fuses them into multiply-adds (Go does on some
			// targets, such as GOAMD64=v3): the ghost columns done here
			// then have the bits of their periodic images, done by the
			// vector kernel.
			for i := first; i < hi; i++ {
				sj := sti[i-lo]
				w1 := float64(a1 * sj * sj)
				w5 := float64(a5 * sj * sj)
				w2, w4 := c2[i-lo], c4[i-lo]
				w3 := -(w1 + w2 + w4 + w5)
				yj := float64(w1*xw[i]) + float64(w2*xc[i-1]) + float64(w3*xc[i]) + float64(w4*xc[i+1]) + float64(w5*xe[i])
				u2[i] = float64(a.u*u1[i]) + float64(a.v*u2[i]) + float64(a.w*u0[i]) + float64(a.ubtau*yj) + float64(a.g*y0[i])
			}
		} else {
			ctr := op.center
			c1, c2, c4, c5 := ctr.Column(op.C1, kk, r), ctr.Column(op.C2, kk, r), ctr.Column(op.C4, kk, r), ctr.Column(op.C5, kk, r)
			for i := first; i < hi; i++ {
				j := j0 - 1 + i
				w1, w2, w4, w5 := c1[j], c2[j], c4[j], c5[j]
				w3 := -(w1 + w2 + w4 + w5)
				yj := float64(w1*xw[i]) + float64(w2*xc[i-1]) + float64(w3*xc[i]) + float64(w4*xc[i+1]) + float64(w5*xe[i])
				u2[i] = float64(a.u*u1[i]) + float64(a.v*u2[i]) + float64(a.w*u0[i]) + float64(a.ubtau*yj) + float64(a.g*y0[i])
			}
		}
	}
	if terms && (j0 == 0 || j1 == ntm) {
		s.poleTermsBand(out, r, b, kLo, kHi, st)
	}
	// Edge rows into the neighbours' halos, in the columns the vector
	// kernel did not copy.
	if haloDone {
		s.copyHalos(out, r, b, kLo, kA, up, down)
		s.copyHalos(out, r, b, kB, kHi, up, down)
		return
	}
	s.copyHalos(out, r, b, kLo, kHi, up, down)
}

// copyHalos copies, in columns [kLo, kHi) of band b of realization r, the
// band's first row up elements further and its last row (slot rows) down
// elements further (stageBand's halo offsets; 0: no copy).
func (s *Stepper) copyHalos(out []float64, r, b, kLo, kHi, up, down int) {
	wf := s.wave
	S := wf.stride
	if kLo >= kHi {
		return
	}
	if up != 0 {
		src := wf.segment(r, b, kLo) + 1
		for k := kLo; k < kHi; k++ {
			out[src+up] = out[src]
			src += S
		}
	}
	if down != 0 {
		src := wf.segment(r, b, kLo) + wf.bands[b+1] - wf.bands[b]
		for k := kLo; k < kHi; k++ {
			out[src+down] = out[src]
			src += S
		}
	}
}

// poleRow computes the stage at a pole row of n consecutive columns, the
// first at offset off of the banded arrays, from the pole value yp of L:
//
//	out = u*x + v*out + (1-u-v)*u0 + (ub*tau)*yp + g*y0.
func (s *Stepper) poleRow(out, x []float64, off, n int, a *stageArgs, yp float64) {
	wf := s.wave
	S := wf.stride
	u0, y0 := wf.u0, wf.y0
	for i := off; i < off+n*S; i += S {
		out[i] = float64(a.u*x[i]) + float64(a.v*out[i]) + float64(a.w*u0[i]) + float64(a.ubtau*yp) + float64(a.g*y0[i])
	}
}
