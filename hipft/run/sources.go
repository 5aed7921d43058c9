package run

import (
	"time"

	"github.com/goft-sft/goft/model/source"
)

// SourceBackend is implemented by backends that add the source term to
// their own field (a device backend), so that the field does not travel to
// the host and back every step.
//
// At the start of every step the driver calls SetSourceTerms with the rate
// as a weighted sum of frames (source.Sources.Terms; when some source is
// not source.Framed, the rate S formed on the host comes as one term of
// weight 1 whose Version changes every step). ApplySource then adds h
// hours of it at every point, ghost columns included:
//
//	f += h*(((0 + w1*D1) + w2*D2) + ...),  Dq at index i mod len(Dq),
//
// which has the bits of source.Sources.Apply after Update. A backend may
// keep device copies of the frames and reload one only when its Version
// (for the same Data slice) changes.
type SourceBackend interface {
	SetSourceTerms(terms []source.Term) error
	ApplySource(h float64) error
}

// updateSource brings the sources to the start of the step (HipFT's
// update_source): S on the host, or the terms for a SourceBackend.
func (r *Run) updateSource() error {
	sb, ok := r.be.(SourceBackend)
	if !ok {
		return r.src.Update(r.Time)
	}
	terms, framed, err := r.src.Terms(r.Time)
	if err != nil {
		return err
	}
	if !framed {
		if err := r.src.Update(r.Time); err != nil {
			return err
		}
		r.srcVersion++
		r.srcTerm[0] = source.Term{Data: r.src.S, Weight: 1, Version: r.srcVersion}
		terms = r.srcTerm[:]
	}
	return sb.SetSourceTerms(terms)
}

// applySource adds h hours of the source terms (source_step).
func (r *Run) applySource(h float64) error {
	if r.src == nil {
		return nil
	}
	t0 := time.Now()
	r.out.statsValid = false
	var err error
	if sb, ok := r.be.(SourceBackend); ok {
		err = sb.ApplySource(h)
	} else {
		err = r.onHost(func() error { r.src.Apply(r.F, h); return nil })
	}
	r.timing.Source += time.Since(t0)
	return err
}
