package gpu

import (
	"fmt"

	"github.com/goft-sft/goft/model/assim"
)

// Assimilate implements run.AssimBackend: the prepared map is copied to the
// device (the observations and each distinct weight array) and applied to
// the device field by asm_delta (per realization), asm_balance (with flux
// balancing) and asm_update, which writes the new field to a scratch array
// that then becomes the field.
func (b *backend) Assimilate(bl *assim.Blend) error {
	if b.pending != nil {
		return b.pending
	}
	m := b.m
	nl := m.NPhiFile * m.NThetaMain
	if len(bl.Obs) != nl || len(bl.Weights) != b.nr {
		return fmt.Errorf("gpu: assimilation map of %d points and %d weight arrays; the run needs %d and %d", len(bl.Obs), len(bl.Weights), nl, b.nr)
	}
	for r, w := range bl.Weights {
		if len(w) != nl {
			return fmt.Errorf("gpu: assimilation weights of realization %d have %d points, want %d", r+1, len(w), nl)
		}
	}
	size := b.br.RealizationLen()
	return b.d.run(func(b *backend) error {
		if b.asmObs == 0 {
			ps := []*devPtr{&b.asmObs, &b.asmDelta, &b.asmOut, &b.asmScale}
			if err := b.allocs(ps, []int{nl, b.n, b.n, 2 * b.nr}); err != nil {
				return err
			}
			if b.areaT == 0 {
				var err error
				if b.areaT, err = b.up(m.AreaTheta); err != nil {
					return err
				}
				if b.areaP, err = b.up(m.AreaPhi); err != nil {
					return err
				}
			}
		}
		if err := b.htod(b.asmObs, bl.Obs); err != nil {
			return err
		}
		dev := map[*float64]devPtr{} // this map's weight arrays on the device
		for r, w := range bl.Weights {
			p, ok := dev[&w[0]]
			if !ok {
				for len(b.asmWeights) <= len(dev) {
					q, err := b.d.alloc(8 * nl)
					if err != nil {
						return err
					}
					b.asmWeights = append(b.asmWeights, q)
				}
				p = b.asmWeights[len(dev)]
				if err := b.htod(p, w); err != nil {
					return err
				}
				dev[&w[0]] = p
			}
			if err := b.d.launch("asm_delta", blocks(size), 1, threads, 8*float64(3*size),
				b.args().geom(&b.g).ptr(b.f, b.asmObs, p).ints(r, boolInt(bl.Add)).ptr(b.asmDelta)); err != nil {
				return err
			}
		}
		if bl.BalanceFlux {
			if err := b.d.launch("asm_balance", b.nr, 1, poleThreads, 8*float64(b.n),
				b.args().geom(&b.g).ptr(b.asmDelta, b.areaT, b.areaP, b.asmScale)); err != nil {
				return err
			}
		}
		if err := b.d.launch("asm_update", blocks(b.n), 1, threads, 8*float64(3*b.n),
			b.args().geom(&b.g).ptr(b.f, b.asmDelta, b.asmScale).ints(boolInt(bl.BalanceFlux)).ptr(b.asmOut)); err != nil {
			return err
		}
		b.f, b.asmOut = b.asmOut, b.f
		return nil
	}, b)
}
