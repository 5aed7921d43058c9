package source

import (
	"bytes"
	"encoding/gob"
	"fmt"

	"github.com/goft-sft/goft/internal/fortranrand"
)

// Stateful is implemented by sources whose output depends on more than the
// time (the RFE frames and random generator), so that a checkpointed run
// can resume bit for bit.
type Stateful interface {
	SaveState() ([]byte, error)
	RestoreState([]byte) error
}

// State is what a checkpoint keeps of the sources: every stateful
// source's state by name (S itself is rebuilt by the next Update).
type State struct {
	Models map[string][]byte // each stateful source's state, by name
}

// State captures the sources for a checkpoint.
func (s *Sources) State() (State, error) {
	st := State{Models: map[string][]byte{}}
	for _, md := range s.models {
		if sf, ok := md.(Stateful); ok {
			b, err := sf.SaveState()
			if err != nil {
				return st, fmt.Errorf("source %s: %w", md.Name(), err)
			}
			st.Models[md.Name()] = b
		}
	}
	return st, nil
}

// Restore puts the sources back in a checkpointed state.
func (s *Sources) Restore(st State) error {
	for _, md := range s.models {
		if sf, ok := md.(Stateful); ok {
			b, found := st.Models[md.Name()]
			if !found {
				return fmt.Errorf("the checkpoint has no state for source %s", md.Name())
			}
			if err := sf.RestoreState(b); err != nil {
				return fmt.Errorf("source %s: %w", md.Name(), err)
			}
		}
	}
	return nil
}

type rfeState struct {
	Frames       [2][]float64
	Cur          int
	TPrev, TNext float64
	HaveSecond   bool
	Second       float64
	Swaps        int
	RNG          []byte // fortranrand.Generator state
}

// SaveState implements Stateful: the frames, the clock and the generator.
func (e *RFE) SaveState() ([]byte, error) {
	g, err := e.rng.MarshalBinary()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = gob.NewEncoder(&b).Encode(rfeState{e.frames, e.cur, e.tPrev, e.tNext, e.haveSecond, e.second, e.Swaps, g})
	return b.Bytes(), err
}

// RestoreState implements Stateful.
func (e *RFE) RestoreState(data []byte) error {
	var s rfeState
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&s); err != nil {
		return err
	}
	if len(s.Frames[0]) != len(e.frames[0]) || len(s.Frames[1]) != len(e.frames[1]) || (s.Cur != 0 && s.Cur != 1) {
		return fmt.Errorf("RFE state does not match this run's mesh and realizations")
	}
	rng := &fortranrand.Generator{}
	if err := rng.UnmarshalBinary(s.RNG); err != nil {
		return fmt.Errorf("RFE random generator state (a checkpoint from an older goft cannot be resumed with RFE): %w", err)
	}
	copy(e.frames[0], s.Frames[0])
	copy(e.frames[1], s.Frames[1])
	e.version = [2]uint64{e.newVersion(), e.newVersion()}
	e.cur, e.tPrev, e.tNext = s.Cur, s.TPrev, s.TNext
	e.haveSecond, e.second, e.Swaps = s.HaveSecond, s.Second, s.Swaps
	e.rng = rng
	return nil
}
