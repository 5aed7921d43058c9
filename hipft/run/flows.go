package run

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/model/advection"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/stage/conflow"
)

// loadFlows builds the flow models and the advection scheme (load_flows).
func (r *Run) loadFlows() error {
	p := r.P
	cfg := flowConfig(p, r.path, r.vtConst, r.vpOmega, r.opt.ExtraFlowModels)
	if err := r.inlineConflow(&cfg); err != nil {
		return err
	}
	reg := r.opt.FlowRegistry
	if reg == nil {
		reg = flow.DefaultRegistry()
	}
	var err error
	if r.flows, err = flow.FromConfig(&cfg, reg, r.Mesh, r.NReal, p.TimeStart, r.pool); err != nil {
		return err
	}
	if r.adv, err = advection.New(r.Mesh, r.NReal, p.FlowNumMethod, p.Upwind, p.WenoEps, r.pool); err != nil {
		return fmt.Errorf("%s: %w", p.Where("flow_num_method"), err)
	}
	return nil
}

// inlineConflow makes the convective flows in-line when flow_list_filename
// names a ConFlow input (a conflow.dat) instead of a flow list (a goft
// extension, docs/from-hipft.md): the pairs come from stage/conflow's
// generator, equal to the files goft conflow would write for it.
func (r *Run) inlineConflow(cfg *flow.Config) error {
	if !r.P.AdvanceFlow || !cfg.UseFiles {
		return nil
	}
	in, err := conflow.IsInput(cfg.ListFile)
	if err != nil || !in {
		return nil // NewFileFlow reports a file it cannot read
	}
	cp, err := conflow.ReadFile(cfg.ListFile)
	if err != nil {
		return fmt.Errorf("%s: flow_list_filename names a ConFlow input: %w", r.P.Where("flow_list_filename"), err)
	}
	src, err := conflow.NewFlowSource(cp, r.pool, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", r.P.Where("flow_list_filename"), err)
	}
	r.inline = src
	if cfg.PairList, err = src.List(); err != nil {
		return err
	}
	cfg.Pairs = src
	return nil
}

// updateFlows recomputes the velocity when needed, from the field at the
// start of the step (update_flow).
func (r *Run) updateFlows() error {
	changed, err := r.be.UpdateFlows(r.Time)
	if err != nil {
		return r.flowError(err)
	}
	if changed {
		r.tsu, r.fcu = true, true
	}
	return nil
}

// flowError puts the input file and line of the parameter behind a flow
// model in front of a *flow.NonFiniteError about it.
func (r *Run) flowError(err error) error {
	var nf *flow.NonFiniteError
	if errors.As(err, &nf) {
		if name := flow.ModelParam(nf.Model); name != "" {
			return fmt.Errorf("%s: %s: %w", r.P.Where(name), name, err)
		}
	}
	return err
}

// advect takes one advection call of dt hours.
func (r *Run) advect(dt float64) {
	t0 := time.Now()
	r.out.statsValid = false
	if err := r.be.Advect(dt); err != nil {
		r.stepErr = err
	}
	r.dtAdvUsed = dt
	r.timing.Advection += time.Since(t0)
}

// writeFlows writes the velocity of the current output index (write_flows);
// HipFT writes flow files only for a single realization.
func (r *Run) writeFlows() error {
	p := r.P
	base := fmt.Sprintf("%s_vX_idx%06d.h5", flowRoot, r.out.maps.idx)
	if p.NRealizations == 1 {
		v, err := r.be.Velocity()
		if err != nil {
			return err
		}
		vt, vp, err := flow.OutputMaps(r.Mesh, v, 0)
		if err != nil {
			return err
		}
		for _, x := range []struct {
			kind string
			m    *psihdf.Map
		}{{"vt", vt}, {"vp", vp}} {
			name := fmt.Sprintf("%s_%s_idx%06d.h5", flowRoot, x.kind, r.out.maps.idx)
			if err := psihdf.Write(r.path(filepath.Join(p.OutputFlowsDirectory, name)), x.m, p.OutputSinglePrecision); err != nil {
				return fmt.Errorf("writing flow map %s: %w", name, err)
			}
		}
	} else {
		r.logf(" SORRY!  Multiple realization flow output not yet implemented!\n")
	}
	if r.out.flowList == nil {
		return nil
	}
	return r.out.flowList.Line(output.MapListLine(r.out.maps.idx, r.Time, base))
}

// flowRoot is HipFT's output_flows_root_filename (not settable).
const flowRoot = "hipft_flow"
