package diffusion

import (
	"fmt"
	"math"

	"github.com/goft-sft/goft/internal/parallel"
)

// Method is a diffusion time integrator (HipFT's diffusion_num_method).
type Method int

// The diffusion time integrators.
const (
	ForwardEuler Method = 1 // first-order explicit Euler at the stable step
	RKL2         Method = 2 // 2nd-order Runge-Kutta-Legendre super time stepping
	RKG2         Method = 3 // 2nd-order Runge-Kutta-Gegenbauer super time stepping
)

// String names the method as HipFT's documentation does.
func (m Method) String() string {
	switch m {
	case ForwardEuler:
		return "FE"
	case RKL2:
		return "RKL2"
	case RKG2:
		return "RKG2"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// MaxAutoCycles is HipFT's cap on automatic subcycles: the cycle numbered
// MaxAutoCycles-1 takes whatever time is left.
const MaxAutoCycles = 60

// Stepper advances fields under diffusion for a given time, subcycling as
// HipFT does. It owns its scratch arrays; Advance does not allocate.
type Stepper struct {
	Op     *Operator // the operator it advances
	Method Method    // the time stepper (diffusion_num_method)
	// Subcycles is the fixed number of subcycles; 0 selects automatic PTL
	// subcycling.
	Subcycles int

	// StagesUsed is the number of STS stages (or Euler substeps for FE) of
	// the last (sub)step: HipFT's N_DIFF_PER_STEP.
	StagesUsed int64
	// CyclesUsed is HipFT's N_DIFF_CYCLES: the subcycles of the last
	// Advance under automatic subcycling, else the fixed number.
	CyclesUsed int64

	// lbuf holds L of the field (PTL, FE, the start of a super step); the
	// super-step stages live in the wavefront's banded arrays.
	lbuf []float64
	// lbufOf is the field whose L lbuf holds, until that field changes:
	// PTL leaves L(f) there for the super step that follows.
	lbufOf             *float64
	uj, vj, ubj, gj, b []float64

	pool *parallel.Pool
	// The field and substep (hours) of the forward Euler update.
	feF      []float64
	feH      float64
	bodyInit parallel.WorkerBody
	bodyFE   parallel.WorkerBody
	wave     *wavefront // blocked stages (wavefront.go)
	bodyWave parallel.Body
	bodyOut  parallel.WorkerBody

	// PTL scans: the field, the largest |L f|, one partial result per
	// worker, and per worker the points where its largest |L f| was
	// found (ptlAt[w][:min(ptlAtN[w], ptlCandidates)]).
	ptlF                   []float64
	ptlAmax                float64
	ptlPart                []float64
	ptlAt                  [][ptlCandidates]int
	ptlAtN                 []int
	bodyPTLMax, bodyPTLMin parallel.Body

	// The architecture-independent steppers (integrator.go): the state of
	// the current AdvanceOn, its subcycle as a Kernels.Run body, and the
	// super step handed to the kernels.
	cycle        cycleState
	subcycleBody func() error
	super        SuperStep
	// cpu are the CPU's kernels (cpu.go) and cpuK the same as a Kernels.
	cpu  cpuKernels
	cpuK Kernels
}

// stageArgs are the coefficients of one STS stage: the new stage is
// u*U1 + v*U2 + w*u0 + ubtau*L(U1) + g*tau*L(u0).
type stageArgs struct {
	u, v, w, ubtau, g float64
}

// NewStepper creates a stepper for operator op. subcycles = 0 selects the
// automatic PTL subcycling.
func NewStepper(op *Operator, method Method, subcycles int, pool *parallel.Pool) (*Stepper, error) {
	if method < ForwardEuler || method > RKG2 {
		return nil, fmt.Errorf("diffusion: unknown diffusion_num_method %d (valid: 1 FE, 2 RKL2, 3 RKG2)", int(method))
	}
	if subcycles < 0 {
		return nil, fmt.Errorf("diffusion: diffusion_subcycles must be >= 0 (got %d)", subcycles)
	}
	n := op.center.Len()
	s := &Stepper{Op: op, Method: method, Subcycles: subcycles, pool: pool,
		lbuf:       make([]float64, n),
		CyclesUsed: int64(subcycles)}
	if method == ForwardEuler {
		s.StagesUsed = 1
	}
	s.bodyInit = parallel.Each(s.stsInit)
	s.bodyFE = parallel.Each(s.feUpdate)
	team := min(pool.Workers(), op.Mesh.NPhiMain)
	rows, stages := bandRows, blockStages
	if op.uniform == nil {
		// Stored weights (a coefficient that varies in space) double the
		// data of a stage: a blocked sweep of a production mesh then no
		// longer fits the cache, and the unblocked stages, which stream,
		// are about twice as fast (BenchmarkBlockShape, "grid").
		rows, stages = op.Mesh.NThetaMain, 1
	}
	s.wave = newWavefront(op.Mesh.NThetaMain, op.Mesh.NPhiMain, op.NReal, team, rows, stages)
	s.bodyWave = s.waveWorkers
	s.bodyOut = parallel.Each(s.stsOut)
	s.ptlPart = make([]float64, team)
	s.ptlAt, s.ptlAtN = make([][ptlCandidates]int, team), make([]int, team)
	s.bodyPTLMax, s.bodyPTLMin = s.ptlMax, s.ptlMin
	s.subcycleBody = s.subcycle
	s.cpu.s = s
	s.cpuK = &s.cpu
	return s, nil
}

// CycleHook is called after every diffusion subcycle with the time stepped
// so far within the current Advance (hours) and HipFT's diagnostic cycle
// estimate ceil(remaining/tau) (automatic subcycling only; otherwise the
// fixed count). HipFT writes its verbose in-loop history lines here.
type CycleHook func(elapsed float64, cycleEstimate int64)

// Advance diffuses f (all realizations) over dt hours on the CPU, exactly
// as HipFT's diffusion_step: fixed or automatic subcycles, each one FE,
// RKL2 or RKG2 step (AdvanceOn with the CPU's kernels). hook may be nil.
func (s *Stepper) Advance(f []float64, dt float64, hook CycleHook) {
	s.cpu.f = f
	defer func() { s.cpu.f = nil }()
	if err := s.AdvanceOn(s.cpuK, dt, hook); err != nil {
		panic(err) // the CPU's kernels do not fail
	}
}

// PTL returns HipFT's practical time-step limit for the field f: from the
// point(s) where |L f| is largest (over all realizations), the smallest
// -du/dA over the four neighbours, times 0.95, and never below tauIn. When
// L f vanishes wherever |f| > 1e-14 it returns math.MaxFloat64. The scans
// run on the whole team; maxima and minima do not depend on the order.
func (s *Stepper) PTL(f []float64, tauIn float64) float64 {
	s.cpu.f = f
	defer func() { s.cpu.f = nil }()
	ptl, err := s.ptl(s.cpuK, tauIn)
	if err != nil {
		panic(err) // the CPU's kernels do not fail
	}
	return ptl
}

// ptlFmin is the smallest |f| PTL looks at.
const ptlFmin = 1e-14

// ptlCandidates is how many points of largest |L f| a worker's ptlMax
// records; past that, ptlMin scans the whole mesh.
const ptlCandidates = 8

// ptlMax stores in ptlPart[w] the largest |L f| over worker w's share of
// the points where |f| > ptlFmin (-1 if none), and where it was found in
// ptlAt[w] and ptlAtN[w], for workers [lo, hi).
func (s *Stepper) ptlMax(lo, hi int) {
	f, af, team := s.ptlF, s.lbuf, s.wave.team
	for w := lo; w < hi; w++ {
		a, b := w*len(f)/team, (w+1)*len(f)/team
		fs, as := f[a:b], af[a:b]
		as = as[:len(fs)]
		at := &s.ptlAt[w]
		amax, n := -1.0, 0
		// The leading blocks of eight by the vector kernel, lane by lane;
		// its lanes' results merged as the loop below would find them
		// (the maximum and the set of its points do not depend on the
		// order; a lane that found its maximum twice counts as too many).
		done, lanes, lat, ties := ptlMaxVector(fs, as)
		for l, x := range lanes {
			if done == 0 || x < 0 {
				continue
			}
			c := 1
			if ties&(1<<l) != 0 {
				c = ptlCandidates + 1
			}
			if x > amax {
				amax, n = x, 0
			}
			if x == amax {
				if n < ptlCandidates {
					at[n] = a + int(lat[l])
				}
				n += c
			}
		}
		for i := done; i < len(fs); i++ {
			v := fs[i]
			if math.Abs(v) > ptlFmin {
				if x := math.Abs(as[i]); x > amax {
					amax, n = x, 1
					at[0] = a + i
				} else if x == amax {
					if n < ptlCandidates {
						at[n] = a + i
					}
					n++
				}
			}
		}
		s.ptlPart[w], s.ptlAtN[w] = amax, n
	}
}

// ptlMinAt returns what ptlMin's scan gives from the points ptlMax
// recorded, and false if a worker whose largest |L f| is ptlAmax found it
// at more than ptlCandidates points (the scan is then needed). The
// points where |L f| = ptlAmax and |f| > ptlFmin are exactly those
// recorded by the workers whose maximum is ptlAmax; of them ptlMin looks
// at the interior ones, and minima do not depend on the order.
func (s *Stepper) ptlMinAt() (float64, bool) {
	m := s.Op.Mesh
	f, af, amax := s.ptlF, s.lbuf, s.ptlAmax
	ntm, npm := m.NThetaMain, m.NPhiMain
	ptl := math.MaxFloat64
	for w, x := range s.ptlPart {
		if x != amax {
			continue
		}
		if s.ptlAtN[w] > ptlCandidates {
			return 0, false
		}
		for _, i := range s.ptlAt[w][:s.ptlAtN[w]] {
			j, k := i%ntm, i/ntm%npm
			if j < 1 || j > ntm-2 || k < 1 || k > npm-2 {
				continue
			}
			ptl = ptlNeighbours(f, af, i, ntm, ptl)
		}
	}
	return ptl, true
}

// ptlNeighbours returns min(ptl, -du/dA) over the four neighbours of the
// interior point i where du*dA < -ptlFmin (du = f[i]-f[nb], dA the same of
// L f), in ptlMin's order.
func ptlNeighbours(f, af []float64, i, ntm int, ptl float64) float64 {
	for _, nb := range [4]int{i - 1, i + 1, i - ntm, i + ntm} {
		du := f[i] - f[nb]
		da := af[i] - af[nb]
		if du*da < -ptlFmin {
			ptl = math.Min(-du/da, ptl)
		}
	}
	return ptl
}

// ptlMin stores in ptlPart[w] the smallest -du/dA over the neighbours of
// the interior points of worker w's columns where |L f| = ptlAmax
// (math.MaxFloat64 if none), for workers [lo, hi).
func (s *Stepper) ptlMin(lo, hi int) {
	op := s.Op
	m := op.Mesh
	f, af, amax, team := s.ptlF, s.lbuf, s.ptlAmax, s.wave.team
	ntm, npm := m.NThetaMain, m.NPhiMain
	ncol := op.NReal * (npm - 2)
	for w := lo; w < hi; w++ {
		ptl := math.MaxFloat64
		for c := w * ncol / team; c < (w+1)*ncol/team; c++ {
			r, k := c/(npm-2), c%(npm-2)+1
			// The column's interior rows as one slice: the test of |L f|
			// against the maximum, which almost every point fails, is
			// then a tight loop.
			i0 := m.Index(1, k, r)
			for j, x := range af[i0 : i0+ntm-2] {
				if math.Abs(x) != amax || !(math.Abs(f[i0+j]) > ptlFmin) {
					continue
				}
				ptl = ptlNeighbours(f, af, i0+j, ntm, ptl)
			}
		}
		s.ptlPart[w] = ptl
	}
}

// feUpdate takes the Euler substep f += h*L(f) on points [lo, hi).
func (s *Stepper) feUpdate(lo, hi int) {
	f, l, h := s.feF[lo:hi], s.lbuf[lo:hi], s.feH
	for i := range f {
		f[i] = f[i] + float64(h*l[i]) // rounded product: no fused multiply-add (arm64 fuses by default)
	}
}

// Stages returns the STS stage count HipFT uses for a step of tau hours.
func (s *Stepper) Stages(tau float64) int64 {
	ratio := tau / s.Op.DtEuler
	var sr float64
	if s.Method == RKL2 {
		sr = 0.5 * (math.Sqrt(9+16*ratio) - 1)
	} else {
		sr = 0.5 * (math.Sqrt(25+24*ratio) - 3)
	}
	n := int64(math.Ceil(sr))
	if n < 3 {
		n = 3
	}
	if n%2 == 0 {
		n++
	}
	return n
}

// loadCoefficients fills the STS recurrence coefficients (1-based slices)
// with HipFT's arithmetic order.
func (s *Stepper) loadCoefficients(n int64) {
	if int64(cap(s.uj)) < n+1 {
		c := 2*n + 1
		s.uj, s.vj, s.ubj, s.gj, s.b = make([]float64, c), make([]float64, c), make([]float64, c), make([]float64, c), make([]float64, c)
	}
	fillCoefficients(s.Method, n, s.uj[:n+1], s.vj[:n+1], s.ubj[:n+1], s.gj[:n+1], s.b[:n+1])
}

// Coefficients returns the RKL2 or RKG2 recurrence coefficients u_j, v_j,
// ub_j and g_j (1-based: index 0 unused, len n+1) of an n-stage super step,
// with HipFT's arithmetic order (for other backends).
func Coefficients(method Method, n int64) (uj, vj, ubj, gj []float64) {
	uj, vj, ubj, gj = make([]float64, n+1), make([]float64, n+1), make([]float64, n+1), make([]float64, n+1)
	fillCoefficients(method, n, uj, vj, ubj, gj, make([]float64, n+1))
	return uj, vj, ubj, gj
}

func fillCoefficients(method Method, n int64, uj, vj, ubj, gj, b []float64) {
	if method == RKL2 {
		w := 4 / float64(n*n+n-2)
		b[1], b[2] = 1.0/3, 1.0/3
		ubj[1] = 4 / (3 * float64(n*n+n-2))
		uj[2], vj[2] = 1.5, -0.5
		ubj[2] = uj[2] * w
		gj[2] = -w
		for j := int64(3); j <= n; j++ {
			fj := float64(j)
			b[j] = (float64(j*j+j) - 2) / (2 * fj * float64(j+1))
			bj1 := b[j] / b[j-1]
			bj2 := b[j] / b[j-2]
			uj[j] = bj1 * (2 - 1/fj)
			vj[j] = bj2 * (1/fj - 1)
			ubj[j] = uj[j] * w
			gj[j] = (b[j-1] - 1) * ubj[j]
		}
		return
	}
	w := 6 / float64((n+4)*(n-1))
	b[1], b[2] = 1.0/3, 1.0/15
	ubj[1] = w
	uj[2], vj[2] = 0.5, -1.0/10
	ubj[2] = uj[2] * w
	gj[2] = 0
	for j := int64(3); j <= n; j++ {
		fj := float64(j)
		b[j] = (4 * float64(j-1) * float64(j+4)) / (3 * fj * float64(j+1) * float64(j+2) * float64(j+3))
		bj1 := b[j] / b[j-1]
		bj2 := b[j] / b[j-2]
		uj[j] = bj1 * (2 + 1/fj)
		vj[j] = -bj2 * (1/fj + 1)
		ubj[j] = uj[j] * w
		gj[j] = (0.5*fj*(fj+1)*b[j-1] - 1) * ubj[j]
	}
}
