package run

import (
	"testing"
	"time"

	"github.com/goft-sft/goft/sim"
)

// TestCheckpointDue checks the checkpoint policy's triggers: simulated
// hours, wall-clock time, and the wall-clock interval's growth to
// MaxCostRatio times the last checkpoint's write time.
func TestCheckpointDue(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		pol     CheckpointPolicy
		cost    time.Duration // the last checkpoint's write time
		time    float64       // hours since the last checkpoint
		wall    time.Duration // since the last checkpoint
		wantDue bool
	}{
		{"nothing set", CheckpointPolicy{}, 0, 1e6, 1e6 * time.Hour, false},
		{"sim hours not yet", CheckpointPolicy{SimHours: 3}, 0, 2.9, 0, false},
		{"sim hours reached", CheckpointPolicy{SimHours: 3}, 0, 3, 0, true},
		{"wall clock not yet", CheckpointPolicy{WallClock: 5 * time.Minute}, time.Second, 0, 299 * time.Second, false},
		{"wall clock reached", CheckpointPolicy{WallClock: 5 * time.Minute}, time.Second, 0, 300 * time.Second, true},
		{"slow disk: 10 s writes wait 500 s", CheckpointPolicy{WallClock: 5 * time.Minute}, 10 * time.Second, 0, 499 * time.Second, false},
		{"slow disk: due at 500 s", CheckpointPolicy{WallClock: 5 * time.Minute}, 10 * time.Second, 0, 500 * time.Second, true},
		{"slow disk does not hold back sim hours", CheckpointPolicy{SimHours: 1, WallClock: 5 * time.Minute}, time.Hour, 1, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &Run{}
			r.Time = 100 + c.time
			r.opt.Checkpoint = c.pol
			r.ckpt.lastTime, r.ckpt.lastWall, r.ckpt.lastCost = 100, t0, c.cost
			if got := r.checkpointDue(sim.Moment{Wall: t0.Add(c.wall)}); got != c.wantDue {
				t.Errorf("due = %v, want %v", got, c.wantDue)
			}
		})
	}
	if DefaultCheckpointInterval > 5*time.Minute || MaxCostRatio < 50 {
		t.Errorf("the default policy (%v, cost ratio %d) loses more than 5 minutes or costs more than 2%%", DefaultCheckpointInterval, MaxCostRatio)
	}
}
