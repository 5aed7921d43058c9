package flow

import (
	"bytes"
	"encoding/gob"
	"fmt"
)

// Stateful is implemented by models whose output depends on more than the
// time, so that a checkpointed run can resume bit for bit.
type Stateful interface {
	SaveState() ([]byte, error)
	RestoreState([]byte) error
}

// State is what a checkpoint keeps of the flows: the current velocity
// (none when it is stale), whether it must be recomputed, and every
// stateful model's state.
type State struct {
	Vt, Vp []float64         // Velocity.Vt and Vp (Rs/hr); nil when Stale
	Stale  bool              // the velocity must be recomputed before use
	Models map[string][]byte // each stateful model's state, by model name
}

// State captures the flows for a checkpoint. A stale velocity (one that
// Update recomputes before it is used, as with attenuation, which makes it
// stale at every step) is not kept: copying it cost a production-size
// run 0.25 s at each capture, and twice the field's bytes in every
// checkpoint.
func (fl *Flows) State() (State, error) {
	s := State{Stale: fl.stale, Models: map[string][]byte{}}
	if !fl.stale {
		s.Vt, s.Vp = append([]float64(nil), fl.V.Vt...), append([]float64(nil), fl.V.Vp...)
	}
	for _, md := range fl.Models {
		if st, ok := md.(Stateful); ok {
			b, err := st.SaveState()
			if err != nil {
				return s, fmt.Errorf("flow model %s: %w", md.Name(), err)
			}
			s.Models[md.Name()] = b
		}
	}
	return s, nil
}

// Restore puts the flows back in a checkpointed state. A stale state may
// come without a velocity (see State): the velocity is then left as it
// is, to be recomputed by the next Update.
func (fl *Flows) Restore(s State) error {
	kept := !s.Stale || len(s.Vt)+len(s.Vp) > 0
	if kept && (len(s.Vt) != len(fl.V.Vt) || len(s.Vp) != len(fl.V.Vp)) {
		return fmt.Errorf("the checkpoint's velocity has %d/%d values, the run needs %d/%d", len(s.Vt), len(s.Vp), len(fl.V.Vt), len(fl.V.Vp))
	}
	if kept {
		copy(fl.V.Vt, s.Vt)
		copy(fl.V.Vp, s.Vp)
	}
	fl.stale = s.Stale
	for _, md := range fl.Models {
		if st, ok := md.(Stateful); ok {
			b, found := s.Models[md.Name()]
			if !found {
				return fmt.Errorf("the checkpoint has no state for flow model %s", md.Name())
			}
			if err := st.RestoreState(b); err != nil {
				return fmt.Errorf("flow model %s: %w", md.Name(), err)
			}
		}
	}
	return nil
}

type fileFlowState struct {
	Idx       int
	Cur, Next float64
	Vt, Vp    []float64
}

// SaveState implements Stateful: the pair in use and the file schedule.
func (ff *FileFlow) SaveState() ([]byte, error) {
	var b bytes.Buffer
	err := gob.NewEncoder(&b).Encode(fileFlowState{ff.idx, ff.cur, ff.next, ff.vt, ff.vp})
	return b.Bytes(), err
}

// RestoreState implements Stateful.
func (ff *FileFlow) RestoreState(data []byte) error {
	var s fileFlowState
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return err
	}
	if len(s.Vt) != len(ff.vt) || len(s.Vp) != len(ff.vp) || s.Idx < 0 || s.Idx >= len(ff.list) {
		return fmt.Errorf("flow-file state does not match this run's mesh or flow list")
	}
	ff.idx, ff.cur, ff.next = s.Idx, s.Cur, s.Next
	copy(ff.vt, s.Vt)
	copy(ff.vp, s.Vp)
	return nil
}
