package diffusion

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/goft-sft/goft/model/mesh"
)

// recordingKernels are Kernels that record their calls and do nothing to
// any field; failAt makes the call with that number (from 1) fail.
type recordingKernels struct {
	calls    []string
	per      int64
	runs     int
	failAt   int
	lmax     float64
	ratio    float64
	inRun    bool
	outOfRun int // kernel calls made outside Run
}

var errInjected = errors.New("injected")

func (k *recordingKernels) rec(format string, a ...any) error {
	if !k.inRun {
		k.outOfRun++
	}
	k.calls = append(k.calls, fmt.Sprintf(format, a...))
	if len(k.calls) == k.failAt {
		return errInjected
	}
	return nil
}

func (k *recordingKernels) Run(fn func() error) error {
	k.runs++
	k.inRun = true
	defer func() { k.inRun = false }()
	return fn()
}
func (k *recordingKernels) PTLReductions() (float64, float64, error) {
	return k.lmax, k.ratio, k.rec("ptl")
}
func (k *recordingKernels) EulerSubstep(h float64) error { return k.rec("fe %g", h) }
func (k *recordingKernels) StartSuperStep(st *SuperStep) error {
	return k.rec("start %d %g", st.N, st.Tau)
}
func (k *recordingKernels) Stages(first, count int64) error {
	return k.rec("stages %d+%d", first, count)
}
func (k *recordingKernels) EndSuperStep() error  { return k.rec("end") }
func (k *recordingKernels) StagesPerCall() int64 { return k.per }

// TestAdvanceOnCallsTheKernels checks the steppers' use of an
// architecture's kernels: one Run per subcycle with every kernel call
// inside it, the hook outside; the super step's stages 2..N in calls of at
// most StagesPerCall stages; Euler's substeps; the PTL's subcycles; and the
// first kernel error returned at once.
func TestAdvanceOnCallsTheKernels(t *testing.T) {
	m, err := mesh.Uniform(9, 17)
	if err != nil {
		t.Fatal(err)
	}
	coef := make([]float64, m.NThetaHalf*m.NPhiHalf)
	for i := range coef {
		coef[i] = 1e-3
	}
	op := NewOperator(m, 1, coef, nil)
	op.DtEuler = 1 // hours, for round numbers

	s, err := NewStepper(op, RKG2, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := &recordingKernels{per: 4}
	var hooks []float64
	if err := s.AdvanceOn(k, 20, func(elapsed float64, _ int64) {
		if k.inRun {
			t.Error("the hook ran inside Run")
		}
		hooks = append(hooks, elapsed)
	}); err != nil {
		t.Fatal(err)
	}
	n := s.Stages(10)
	var want []string
	for c := 0; c < 2; c++ {
		want = append(want, fmt.Sprintf("start %d 10", n))
		for s0 := int64(2); s0 <= n; s0 += 4 {
			want = append(want, fmt.Sprintf("stages %d+%d", s0, min(4, n+1-s0)))
		}
		want = append(want, "end")
	}
	if got := strings.Join(k.calls, ", "); got != strings.Join(want, ", ") {
		t.Errorf("RKG2, 2 subcycles:\n got %s\nwant %s", got, strings.Join(want, ", "))
	}
	if k.runs != 2 || k.outOfRun != 0 || len(hooks) != 2 || hooks[1] != 20 || s.StagesUsed != n || s.CyclesUsed != 2 {
		t.Errorf("runs %d, kernel calls outside Run %d, hooks %v, stages %d, cycles %d", k.runs, k.outOfRun, hooks, s.StagesUsed, s.CyclesUsed)
	}

	// Euler: ceil(tau/DtEuler) substeps of tau/n.
	s, _ = NewStepper(op, ForwardEuler, 1, nil)
	k = &recordingKernels{per: 1}
	if err := s.AdvanceOn(k, 2.5, nil); err != nil {
		t.Fatal(err)
	}
	h := 2.5 / 3
	if got, want := strings.Join(k.calls, ", "), fmt.Sprintf("fe %g, fe %g, fe %g", h, h, h); got != want || s.StagesUsed != 3 {
		t.Errorf("FE: got %s (%d stages), want %s", got, s.StagesUsed, want)
	}

	// PTL: subcycles of 0.95*ratio until dt is done, the last one short.
	s, _ = NewStepper(op, RKL2, 0, nil)
	k = &recordingKernels{per: 100, lmax: 1, ratio: 4 / 0.95}
	var est []int64
	if err := s.AdvanceOn(k, 10, func(_ float64, e int64) { est = append(est, e) }); err != nil {
		t.Fatal(err)
	}
	if k.runs != 3 || s.CyclesUsed != 3 || fmt.Sprint(est) != "[3 2 1]" {
		t.Errorf("PTL: %d runs, %d cycles, estimates %v; want 3, 3, [3 2 1]", k.runs, s.CyclesUsed, est)
	}
	// A vanishing L f: one subcycle of the whole step.
	k = &recordingKernels{per: 100, lmax: 0}
	if err := s.AdvanceOn(k, 10, nil); err != nil || k.runs != 1 || s.CyclesUsed != 1 {
		t.Errorf("PTL with L f = 0: err %v, %d runs, %d cycles; want one", err, k.runs, s.CyclesUsed)
	}

	// Errors stop the step.
	for fail := 1; fail <= 3; fail++ {
		s, _ = NewStepper(op, RKL2, 3, nil)
		k = &recordingKernels{per: 2, failAt: fail}
		if err := s.AdvanceOn(k, 30, nil); !errors.Is(err, errInjected) || len(k.calls) != fail {
			t.Errorf("failure at call %d: err %v after %d calls", fail, err, len(k.calls))
		}
	}
}
