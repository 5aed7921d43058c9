package main

import (
	"fmt"
	"path/filepath"

	"github.com/goft-sft/goft/hipft/run"
	"github.com/goft-sft/goft/internal/runlock"
)

// runLockName is the lock file a single-process run (and goft merge) holds
// in its run folder; a part of a multi-process run holds its own,
// .goft-run.partRRRofNNN.lock, so that the parts of one run share the
// folder.
const runLockName = ".goft-run.lock"

// partLockName is the lock file of one part of a multi-process run.
func partLockName(p *run.Part) string { return run.PartName(".goft-run", p.Rank, p.Ranks) + ".lock" }

// lockRunFolder takes the run folder dir for a run (part nil) or for one
// part of a multi-process run, or for goft merge (merge true): it refuses
// when a process that would write the same files holds a lock there: any
// process for a single run or a merge, the same part or a single run or a
// merge for a part.
func lockRunFolder(dir string, part *run.Part, merge bool) (*runlock.Lock, error) {
	own := runLockName
	if part != nil {
		own = partLockName(part)
	}
	l, err := runlock.Acquire(filepath.Join(dir, own))
	if err != nil {
		return nil, err
	}
	others := []string{filepath.Join(dir, runLockName)}
	if part == nil {
		parts, err := filepath.Glob(filepath.Join(dir, ".goft-run.part*.lock"))
		if err != nil {
			l.Release()
			return nil, err
		}
		others = parts
	}
	for _, o := range others {
		if filepath.Base(o) == own {
			continue
		}
		holder, busy, err := runlock.Busy(o)
		if err != nil {
			l.Release()
			return nil, err
		}
		if busy {
			l.Release()
			what := "a run"
			if merge {
				what = "goft merge"
			}
			return nil, fmt.Errorf("%w (%s; lock file %s): %s cannot start until it ends", runlock.ErrHeld, holder, o, what)
		}
	}
	return l, nil
}
