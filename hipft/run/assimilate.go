package run

import (
	"time"

	"github.com/goft-sft/goft/model/assim"
)

// AssimBackend is implemented by backends that assimilate a map into their
// own field (a device backend), so that the field stays there. The driver
// reads and prepares the map on the host (assim.Assimilator.Next: the
// scaled data and each realization's weights); Assimilate then applies it,
// with the bits of assim.Assimilator.ApplyBlend.
type AssimBackend interface {
	Assimilate(b *assim.Blend) error
}

// assimilate applies the map due now (HipFT's apply_data_assimilation).
func (r *Run) assimilate() error {
	t0 := time.Now()
	r.out.statsValid = false
	var err error
	if ab, ok := r.be.(AssimBackend); ok {
		var b *assim.Blend
		var due bool
		if b, due, err = r.asm.Next(r.Time); due && err == nil {
			err = ab.Assimilate(b)
		}
	} else {
		err = r.onHost(func() error { _, err := r.asm.Apply(r.F, r.Time); return err })
	}
	r.timing.DataAssim += time.Since(t0)
	return err
}
