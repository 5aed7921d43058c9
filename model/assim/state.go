package assim

import "fmt"

// State is the assimilation schedule, for checkpoints.
type State struct {
	Next    int     // 0-based index of the next map
	NextT   float64 // its time (hours)
	Active  bool    // assimilation is on (it stops after the last map)
	Applied int     // maps assimilated so far
}

// State captures the schedule for a checkpoint.
func (a *Assimilator) State() State {
	return State{Next: a.idx, NextT: a.next, Active: a.active, Applied: a.Applied}
}

// Restore puts the schedule back in a checkpointed state.
func (a *Assimilator) Restore(s State) error {
	if s.Next < 0 || (s.Active && s.Next >= len(a.entries)) {
		return fmt.Errorf("assimilation checkpoint points at map %d, but %s lists %d maps", s.Next+1, a.cfg.ListFile, len(a.entries))
	}
	a.idx, a.next, a.active, a.Applied = s.Next, s.NextT, s.Active, s.Applied
	return nil
}
