package advection

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/goft-sft/goft/model/mesh"
)

// recordingKernels are Kernels on named fields that record their calls;
// failAt makes the call with that number (from 1) fail.
type recordingKernels struct {
	calls  []string
	failAt int
}

var errInjected = errors.New("injected")

func (k *recordingKernels) rec(s string) error {
	k.calls = append(k.calls, s)
	if len(k.calls) == k.failAt {
		return errInjected
	}
	return nil
}

func (k *recordingKernels) Euler(in, out, x string, c float64) error {
	if out == in {
		return fmt.Errorf("stage writes its input %s (the Kernels contract forbids it)", in)
	}
	return k.rec(fmt.Sprintf("%s=%s-%g*A(%s)", out, x, c, in))
}

func (k *recordingKernels) Combine(in, out, x, y string, ca, cb, c float64) error {
	if out == in {
		return fmt.Errorf("stage writes its input %s (the Kernels contract forbids it)", in)
	}
	return k.rec(fmt.Sprintf("%s=%g*%s+%g*%s-%g*A(%s)", out, ca, x, cb, y, c, in))
}

func (k *recordingKernels) Copy(dst, src string) error { return k.rec(dst + "=" + src) }

func (k *recordingKernels) CFLStep() (float64, error) { return 3, k.rec("cfl") }

// TestIntegrateStageTables checks the integrators' stages on recording
// kernels (HipFT's tables, section 7.5), the CFL step's factors, and that
// a kernel error or an unknown integrator is returned.
func TestIntegrateStageTables(t *testing.T) {
	for _, c := range []struct {
		method int
		want   string
	}{
		{FE, "s=f-8*A(f); f=s"},
		{SSPRK33, "s=f-8*A(f); t=0.75*f+0.25*s-2*A(s); f=0.3333333333333333*f+0.6666666666666666*t-5.333333333333333*A(t)"},
		{SSPRK43, "s=f-4*A(f); t=s-4*A(s); s=0.6666666666666666*f+0.3333333333333333*t-1.3333333333333333*A(t); f=s-4*A(s)"},
	} {
		k := &recordingKernels{}
		if err := Integrate[string](k, c.method, "f", "s", "t", 8); err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(k.calls, "; "); got != c.want {
			t.Errorf("method %d:\n got %s\nwant %s", c.method, got, c.want)
		}
		for fail := 1; fail <= len(k.calls); fail++ {
			k := &recordingKernels{failAt: fail}
			if err := Integrate[string](k, c.method, "f", "s", "t", 8); !errors.Is(err, errInjected) || len(k.calls) != fail {
				t.Errorf("method %d, failure at stage %d: err %v after %d stages", c.method, fail, err, len(k.calls))
			}
		}
	}
	if err := Integrate[string](&recordingKernels{}, 7, "f", "s", "t", 8); err == nil {
		t.Error("integrator 7 accepted")
	}
	cfl := 3.0 // recordingKernels.CFLStep (a variable: rounded as the code rounds)
	dt := mesh.Safety * cfl
	for _, c := range []struct {
		method int
		strang bool
		want   float64
	}{{FE, false, dt}, {SSPRK33, true, 2 * dt}, {SSPRK43, false, 2 * dt}, {SSPRK43, true, 4 * dt}} {
		if got, err := StableStep[string](&recordingKernels{}, c.method, c.strang); err != nil || got != c.want {
			t.Errorf("StableStep(method %d, strang %v) = %g, %v; want %g", c.method, c.strang, got, err, c.want)
		}
	}
	if _, err := StableStep[string](&recordingKernels{failAt: 1}, FE, false); !errors.Is(err, errInjected) {
		t.Errorf("StableStep with a failing reduction: err %v", err)
	}
}

// TestStageRejectsOutputAsInput checks that the CPU's kernels refuse a
// stage whose output is its input (the Kernels contract) and accept one
// whose output is x or y.
func TestStageRejectsOutputAsInput(t *testing.T) {
	m, err := mesh.Uniform(21, 41)
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(m, 2, 4, 1, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.SetVelocity(aftVelocity(t, m, 2))
	k := a.Kernels()
	f, g := randomField(m, 2, 1), randomField(m, 2, 2)
	if err := k.Euler(f, f, f, 0.1); err == nil {
		t.Error("Euler(f, f, f) accepted")
	}
	if err := k.Combine(f, f, g, g, 0.5, 0.5, 0.1); err == nil {
		t.Error("Combine(f, f, g, g) accepted")
	}
	if err := k.Euler(f, g, g, 0.1); err != nil {
		t.Errorf("Euler(f, g, g): %v", err)
	}
	if err := k.Combine(f, g, f, g, 0.5, 0.5, 0.1); err != nil {
		t.Errorf("Combine(f, g, f, g): %v", err)
	}
}
