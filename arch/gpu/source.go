package gpu

import (
	"fmt"

	"github.com/goft-sft/goft/model/source"
)

// srcTermsPerLaunch is how many source terms one src_apply launch adds.
const srcTermsPerLaunch = 4

// srcFrame is the device copy of a source frame.
type srcFrame struct {
	p       devPtr
	n       int
	version uint64
}

// SetSourceTerms implements run.SourceBackend: it keeps the terms and
// copies to the device every frame it has not seen with this Version.
func (b *backend) SetSourceTerms(terms []source.Term) error {
	if b.pending != nil {
		return b.pending
	}
	size := b.br.RealizationLen()
	for q, t := range terms {
		if len(t.Data) != b.n && len(t.Data) != size {
			return fmt.Errorf("gpu: source term %d has %d values; a frame holds one realization (%d) or all %d (%d)",
				q+1, len(t.Data), size, b.nr, b.n)
		}
	}
	b.srcTerms = append(b.srcTerms[:0], terms...)
	return b.d.run((*backend).uploadSourceFrames, b)
}

// uploadSourceFrames (on the device thread) copies the frames of srcTerms
// that the device does not hold at their Version.
func (b *backend) uploadSourceFrames() error {
	if b.srcFrames == nil {
		b.srcFrames = map[*float64]*srcFrame{}
	}
	for _, t := range b.srcTerms {
		key := &t.Data[0]
		fr := b.srcFrames[key]
		if fr != nil && fr.version == t.Version && fr.n == len(t.Data) {
			continue
		}
		if fr == nil || fr.n != len(t.Data) {
			p, err := b.d.alloc(8 * len(t.Data))
			if err != nil {
				return err
			}
			fr = &srcFrame{p: p, n: len(t.Data)}
			b.srcFrames[key] = fr
		}
		if err := b.htod(fr.p, t.Data); err != nil {
			return err
		}
		fr.version = t.Version
	}
	return nil
}

// ApplySource implements run.SourceBackend: f += h*(sum of the terms), in
// launches of srcTermsPerLaunch terms (with more, the partial sums go
// through a scratch array).
func (b *backend) ApplySource(h float64) error {
	if b.pending != nil {
		return b.pending
	}
	b.call.h = h
	return b.d.run((*backend).applySource, b)
}

// applySource (on the device thread) adds call.h times the sum of the
// terms to the field.
func (b *backend) applySource() error {
	terms, h := b.srcTerms, b.call.h
	if len(terms) == 0 {
		return nil
	}
	if len(terms) > srcTermsPerLaunch && b.srcAcc == 0 {
		var err error
		if b.srcAcc, err = b.d.alloc(8 * b.n); err != nil {
			return err
		}
	}
	for lo := 0; lo < len(terms); lo += srcTermsPerLaunch {
		hi := min(lo+srcTermsPerLaunch, len(terms))
		var p [srcTermsPerLaunch]devPtr
		var w [srcTermsPerLaunch]float64
		var n [srcTermsPerLaunch]int
		for q := range p {
			n[q] = 1
		}
		for q, t := range terms[lo:hi] {
			p[q], w[q], n[q] = b.srcFrames[&t.Data[0]].p, t.Weight, len(t.Data)
		}
		first, last := boolInt(lo == 0), boolInt(hi == len(terms))
		bytes := 8 * float64((hi-lo+2)*b.n)
		if err := b.d.launch("src_apply", blocks(b.n), 1, threads, bytes, b.args().ptr(b.f, b.srcAcc).ptr(p[:]...).f64(w[:]...).ints(n[:]...).ints(hi-lo, first, last).f64(h).ints(b.n)); err != nil {
			return err
		}
	}
	return nil
}

func boolInt(v bool) int {
	if v {
		return 1
	}
	return 0
}
