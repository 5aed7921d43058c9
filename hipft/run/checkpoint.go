package run

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/model/assim"
	"github.com/goft-sft/goft/model/flow"
	"github.com/goft-sft/goft/model/source"
	"github.com/goft-sft/goft/sim"
)

// CheckpointName is the default checkpoint file of a run (in its folder).
const CheckpointName = "goft_checkpoint.bin"

// checkpointVersion changes whenever the checkpoint layout or meaning does
// (2: the digest leaves out time_end, so that a run can be extended, and
// a finished run's checkpoint holds the state before its last step; 3:
// the field and velocity are stored as raw arrays after the gob header,
// see writeCheckpointTo).
const checkpointVersion = 3

// checkpointMagic starts a checkpoint file of version 3 and later; an
// older checkpoint is a gob stream from its first byte.
const checkpointMagic = "GOFTCKPT"

// checkpoint is everything a run needs to continue bit for bit: the field
// of every realization, the clock and time-step bookkeeping, the flow
// state, the output indices and the length of every appended file.
type checkpoint struct {
	Version      int
	Digest       string // of the processed input parameters and the part
	Offset       int
	NReal        int
	Time         float64
	Step         int64
	Dt           float64
	Reason       string
	TSU, FCU     bool
	DtMaxFlow    float64
	DtAdvUsed    float64
	DtDiffStable float64
	DiffPerStep  int64
	DiffCycles   int64
	IdxHist      int64
	IdxOut       int64
	F            []float64
	Flows        *flow.State
	Assim        *assim.State
	Sources      *source.State
	FileSizes    map[string]int64
	Timing       output.Timing
	// Inputs holds the SHA-256 of the input files the run reads at its
	// start (inputFiles), by parameter name; nil in checkpoints of older
	// goft versions, which are then not checked.
	Inputs map[string]string
	// FinishedEnd is the time_end (hours) of the finished run that wrote
	// this checkpoint, 0 for a stopped or interrupted run. A finished run
	// keeps the state before its last step: the last step is the only one
	// that depends on time_end, so a resume with a later time_end
	// continues the run exactly as one run to the later end would.
	FinishedEnd float64
	// ArrayLens are the lengths of the raw arrays after the gob header
	// (version 3 on): F, then the flows' Vt and Vp when Flows is set.
	ArrayLens []int
}

// CheckpointPolicy says when a run writes its checkpoint (besides every
// clean stop): every SimHours of simulated time and/or every WallClock of
// elapsed time. Zero values turn that trigger off. The wall-clock trigger
// waits at least MaxCostRatio times the last checkpoint's write time, so
// that checkpoints never take more than 1/MaxCostRatio of the run (on a
// slow disk the interval grows instead).
type CheckpointPolicy struct {
	SimHours  float64       // simulated hours between checkpoints (0: off)
	WallClock time.Duration // wall-clock time between checkpoints (0: off)
	// Path is the checkpoint file ("" means CheckpointName in the run
	// folder, with the part suffix in multi-process runs).
	Path string
}

// MaxCostRatio bounds the cost of wall-clock checkpoints: the interval is
// at least MaxCostRatio times the last write's duration (a 2% cost).
const MaxCostRatio = 50

// DefaultCheckpointInterval is goft run's wall-clock checkpoint interval:
// a SIGKILL loses at most this much work (and a step), or MaxCostRatio
// times a checkpoint's write time where that is longer.
const DefaultCheckpointInterval = 5 * time.Minute

// checkpointState is what the run keeps for its checkpoints and stops: a
// stop asked by Stop, the lengths of the outputs to reopen when resuming,
// and the clock and wall time of the last checkpoint (the policy counts
// from there).
type checkpointState struct {
	stop      atomic.Value     // string: why the run was asked to stop
	fileSizes map[string]int64 // resuming: the outputs' lengths at the checkpoint
	lastTime  float64          // hours
	lastWall  time.Time
	lastCost  time.Duration     // how long the last checkpoint took to write
	inputs    map[string]string // SHA-256 of the input files (inputSums), once computed
	digest    string            // the run's digest (digest), once computed
	// beforeLast is the run's state before a step that may be its last
	// (captured by beforeLastStep), written as the checkpoint of a
	// finished run.
	beforeLast *checkpoint
}

// digest identifies the input a checkpoint belongs to: every processed
// parameter except time_end (a run can be continued to a later end) and
// the part of the ensemble. It is computed once per run.
func (r *Run) digest() (string, error) {
	if r.ckpt.digest != "" {
		return r.ckpt.digest, nil
	}
	h := sha256.New()
	p := *r.P
	p.TimeEnd = 0
	if err := p.WriteUsed(h); err != nil {
		return "", err
	}
	fmt.Fprintf(h, "part %d %d", r.Offset, r.NReal)
	r.ckpt.digest = hex.EncodeToString(h.Sum(nil))
	return r.ckpt.digest, nil
}

// inputFiles are the parameters naming files a run reads whole, whose
// contents a checkpoint records: a resumed run must read the same files.
// The flow and assimilation lists are hashed; the maps they list, read as
// the run goes, are not (there can be thousands): a list that names other
// files is caught, a map rewritten in place is not.
func (r *Run) inputFiles() [][2]string {
	var fs [][2]string
	for _, f := range [][2]string{
		{"initial_map_filename", r.P.InitialMapFilename},
		{"diffusion_coef_filename", r.P.DiffusionCoefFilename},
		{"source_filename", r.P.SourceFilename},
		{"assimilate_data_map_list_filename", r.P.AssimilateDataMapListFilename},
		{"flow_list_filename", r.flowListFile()},
	} {
		if f[1] != "" {
			fs = append(fs, f)
		}
	}
	return fs
}

// inputSums returns the SHA-256 of each of the run's input files
// (inputFiles), computed once per run.
func (r *Run) inputSums() (map[string]string, error) {
	if r.ckpt.inputs != nil {
		return r.ckpt.inputs, nil
	}
	sums := map[string]string{}
	for _, f := range r.inputFiles() {
		b, err := os.ReadFile(r.path(f[1]))
		switch {
		case errors.Is(err, os.ErrNotExist):
			// A file a run's options name but do not use may be absent.
			sums[f[0]] = "absent"
		case err != nil:
			return nil, fmt.Errorf("%s: %w", f[0], err)
		default:
			h := sha256.Sum256(b)
			sums[f[0]] = hex.EncodeToString(h[:])
		}
	}
	r.ckpt.inputs = sums
	return sums, nil
}

func (r *Run) checkpointPath() string {
	if r.opt.Checkpoint.Path != "" {
		return r.path(r.opt.Checkpoint.Path)
	}
	return r.path(r.partName(CheckpointName))
}

// WriteCheckpoint writes the run's state atomically to its checkpoint file.
func (r *Run) WriteCheckpoint() error {
	c, err := r.captureCheckpoint(false, nil)
	if err != nil {
		return err
	}
	return r.writeCheckpoint(c)
}

// writeCheckpoint makes the appended outputs durable (at least to the
// lengths c records) and writes c atomically to the checkpoint file.
func (r *Run) writeCheckpoint(c *checkpoint) error {
	if err := r.out.syncAppended(); err != nil {
		return err
	}
	t0 := time.Now()
	err := output.WriteFileAtomic(r.checkpointPath(), func(w io.Writer) error {
		return writeCheckpointTo(w, c)
	})
	r.ckpt.lastTime, r.ckpt.lastWall, r.ckpt.lastCost = r.Time, time.Now(), time.Since(t0)
	return err
}

// captureCheckpoint returns the run's state as a checkpoint. With
// copyField the field is copied, into reuse when it has room (the
// checkpoint is kept while the run goes on); otherwise it shares the run's
// field and must be written at once.
func (r *Run) captureCheckpoint(copyField bool, reuse []float64) (*checkpoint, error) {
	if err := r.Start(); err != nil {
		return nil, err
	}
	o := r.out
	if o.hist == nil {
		return nil, errors.New("no checkpoint: the run's outputs could not be opened")
	}
	d, err := r.digest()
	if err != nil {
		return nil, err
	}
	c := &checkpoint{Version: checkpointVersion, Digest: d, Offset: r.Offset, NReal: r.NReal,
		Time: r.Time, Step: r.Step, Dt: r.Dt, Reason: r.Reason, TSU: r.tsu, FCU: r.fcu,
		DtMaxFlow: r.dtMaxFlow, DtAdvUsed: r.dtAdvUsed, DtDiffStable: r.dtDiffStable,
		DiffPerStep: r.diffPerStep, DiffCycles: r.diffCycles, IdxHist: o.history.Actuations, IdxOut: o.maps.idx,
		F: r.F, FileSizes: map[string]int64{}, Timing: r.timing}
	if c.Inputs, err = r.inputSums(); err != nil {
		return nil, err
	}
	keeper, keep := r.be.(FieldKeeper)
	keep = keep && copyField
	if keep {
		// The field and velocity stay where they are; finalCheckpoint
		// fetches them (c.F nil until then).
		if err := keeper.KeepField(); err != nil {
			return nil, err
		}
		c.F = nil
	} else {
		if err := r.be.Download(r.F); err != nil {
			return nil, err
		}
		if copyField {
			c.F = append(reuse[:0], r.F...)
		}
	}
	if r.flows != nil {
		if !keep && !r.flows.NeedsUpdate() { // a stale velocity is not kept (flow.Flows.State)
			v, err := r.be.Velocity()
			if err != nil {
				return nil, err
			}
			if v != r.flows.V {
				copy(r.flows.V.Vt, v.Vt)
				copy(r.flows.V.Vp, v.Vp)
			}
		}
		s, err := r.flows.State() // with keep, Vt and Vp are replaced by the kept ones
		if err != nil {
			return nil, err
		}
		c.Flows = &s
	}
	if r.asm != nil {
		st := r.asm.State()
		c.Assim = &st
	}
	if r.src != nil {
		st, err := r.src.State()
		if err != nil {
			return nil, err
		}
		c.Sources = &st
	}
	o.hist.Lengths(c.FileSizes)
	for _, f := range []*output.AppendFile{o.mapList, o.flowList} {
		if f != nil {
			c.FileSizes[filepath.Base(f.Path)] = f.Len()
		}
	}
	return c, nil
}

// mayEndNextStep reports whether the next step may be the run's last: the
// step update_timestep will choose is at most time_end - time and dt_max
// when it recomputes the step (tsu), and the current step otherwise;
// every other limit only shortens it.
func (r *Run) mayEndNextStep(sim.Moment) bool {
	upper := r.Dt
	if r.tsu {
		upper = min(r.P.TimeEnd-r.Time, r.P.DtMax)
	}
	return r.Time+upper >= r.P.TimeEnd
}

// beforeLastStep keeps the run's state before a step that may be its
// last, for the finished run's checkpoint (finalCheckpoint).
func (r *Run) beforeLastStep(*sim.Simulation, sim.Moment) error {
	var reuse []float64 // the field buffer of the state kept before
	if r.ckpt.beforeLast != nil {
		reuse = r.ckpt.beforeLast.F
	}
	c, err := r.captureCheckpoint(true, reuse)
	if err != nil {
		return err
	}
	r.ckpt.beforeLast = c
	return nil
}

// readCheckpoint loads and checks the checkpoint at path against this run.
func (r *Run) readCheckpoint(path string) (*checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no checkpoint to resume from: %s does not exist (a run writes one at a clean stop, or periodically with -checkpoint-hours / -checkpoint-minutes)", path)
		}
		return nil, fmt.Errorf("cannot read checkpoint: %w", err)
	}
	c, err := decodeCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s is damaged or not a goft checkpoint: %v", path, err)
	}
	if c.Version != checkpointVersion {
		return nil, fmt.Errorf("checkpoint %s has format version %d; this goft reads version %d", path, c.Version, checkpointVersion)
	}
	d, err := r.digest()
	if err != nil {
		return nil, err
	}
	if c.Digest != d {
		return nil, fmt.Errorf("checkpoint %s was written for different input parameters (or another part of the ensemble) than %s; resume with the same hipft.in", path, r.P.File)
	}
	if c.Inputs != nil {
		sums, err := r.inputSums()
		if err != nil {
			return nil, err
		}
		for _, f := range r.inputFiles() {
			if c.Inputs[f[0]] != sums[f[0]] {
				return nil, fmt.Errorf("checkpoint %s was written with another %s: %s has changed since (its SHA-256 differs); restore the file, or start the run again without -resume", path, f[0], f[1])
			}
		}
	}
	if len(c.F) != len(r.F) {
		return nil, fmt.Errorf("checkpoint %s holds %d field values, the run needs %d", path, len(c.F), len(r.F))
	}
	if c.Time >= r.P.TimeEnd {
		return nil, fmt.Errorf("checkpoint %s is at time %g h, at or after this run's end (time_end = %g h): set time_end later than %g h to continue the run, or start it again without -resume", path, c.Time, r.P.TimeEnd, c.Time)
	}
	return c, nil
}

// restore puts the run in the checkpointed state.
func (r *Run) restore(c *checkpoint) error {
	copy(r.F, c.F)
	r.out.statsValid = false
	if err := r.be.Upload(r.F); err != nil {
		return err
	}
	r.Time, r.Step, r.Dt, r.Reason = c.Time, c.Step, c.Dt, c.Reason
	r.tsu, r.fcu = c.TSU, c.FCU
	r.dtMaxFlow, r.dtAdvUsed, r.dtDiffStable = c.DtMaxFlow, c.DtAdvUsed, c.DtDiffStable
	r.diffPerStep, r.diffCycles = c.DiffPerStep, c.DiffCycles
	r.out.history.Actuations, r.out.maps.idx = c.IdxHist, c.IdxOut
	r.timing = c.Timing
	if r.flows != nil {
		if c.Flows == nil {
			return fmt.Errorf("the checkpoint has no flow state")
		}
		if err := r.flows.Restore(*c.Flows); err != nil {
			return err
		}
		if err := r.be.RestoreVelocity(r.flows.V); err != nil {
			return err
		}
	}
	if r.asm != nil {
		if c.Assim == nil {
			return fmt.Errorf("the checkpoint has no data-assimilation state")
		}
		if err := r.asm.Restore(*c.Assim); err != nil {
			return err
		}
	}
	if r.src != nil {
		if c.Sources == nil {
			return fmt.Errorf("the checkpoint has no source state")
		}
		if err := r.src.Restore(*c.Sources); err != nil {
			return err
		}
	}
	return nil
}

// startCheckpointClock starts the policy's count at the start of the run
// (fresh or resumed).
func (r *Run) startCheckpointClock(_ *sim.Simulation, m sim.Moment) error {
	r.ckpt.lastTime, r.ckpt.lastWall = r.Time, m.Wall
	return nil
}

// checkpointDue reports whether the policy asks for a checkpoint at m:
// SimHours of simulated time or WallClock of wall time since the last
// checkpoint (of any kind) or the start; the wall-clock trigger at least
// MaxCostRatio times the last checkpoint's write time.
func (r *Run) checkpointDue(m sim.Moment) bool {
	pol := r.opt.Checkpoint
	if pol.SimHours > 0 && r.Time >= r.ckpt.lastTime+pol.SimHours {
		return true
	}
	return pol.WallClock > 0 && m.Wall.Sub(r.ckpt.lastWall) >= max(pol.WallClock, MaxCostRatio*r.ckpt.lastCost)
}

// flowListFile is the flow list a run reads ("" when it reads none): with
// use_flow_from_files, flow_list_filename (a list, or a conflow.dat for
// in-line flows).
func (r *Run) flowListFile() string {
	if !r.P.AdvanceFlow || !r.P.UseFlowFromFiles {
		return ""
	}
	return r.P.FlowListFilename
}

// writeCheckpointTo writes c as checkpointMagic, the length of the gob
// header (8 bytes, little-endian), the gob encoding of c without its
// large arrays (the field and the flows' velocity), and then those arrays
// as little-endian float64s, their lengths in the header's ArrayLens.
// gob encodes a float64 slice number by number into one buffer that it
// grows as it goes: at production size (113 MB) that took 1.7 s of one
// core at the end of every run; the raw arrays are written in 1 MB pieces.
func writeCheckpointTo(w io.Writer, c *checkpoint) error {
	hdr := *c
	arrays := [][]float64{c.F}
	hdr.F = nil
	if c.Flows != nil {
		fs := *c.Flows
		arrays = append(arrays, fs.Vt, fs.Vp)
		fs.Vt, fs.Vp = nil, nil
		hdr.Flows = &fs
	}
	hdr.ArrayLens = make([]int, len(arrays))
	for i, a := range arrays {
		hdr.ArrayLens[i] = len(a)
	}
	var gb bytes.Buffer
	if err := gob.NewEncoder(&gb).Encode(&hdr); err != nil {
		return err
	}
	head := make([]byte, len(checkpointMagic)+8)
	copy(head, checkpointMagic)
	binary.LittleEndian.PutUint64(head[len(checkpointMagic):], uint64(gb.Len()))
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := w.Write(gb.Bytes()); err != nil {
		return err
	}
	buf := make([]byte, 1<<20)
	for _, a := range arrays {
		for len(a) > 0 {
			n := min(len(a), len(buf)/8)
			for i, x := range a[:n] {
				binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
			}
			if _, err := w.Write(buf[:8*n]); err != nil {
				return err
			}
			a = a[n:]
		}
	}
	return nil
}

// decodeCheckpoint reads a checkpoint written by writeCheckpointTo, or the
// gob header of an older one (which then fails the version check).
func decodeCheckpoint(b []byte) (*checkpoint, error) {
	var c checkpoint
	if !bytes.HasPrefix(b, []byte(checkpointMagic)) {
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil {
			return nil, err
		}
		return &c, nil
	}
	b = b[len(checkpointMagic):]
	if len(b) < 8 {
		return nil, errors.New("truncated header")
	}
	n := binary.LittleEndian.Uint64(b)
	b = b[8:]
	if n > uint64(len(b)) {
		return nil, errors.New("truncated header")
	}
	if err := gob.NewDecoder(bytes.NewReader(b[:n])).Decode(&c); err != nil {
		return nil, err
	}
	b = b[n:]
	want := 1
	if c.Flows != nil {
		want = 3
	}
	if len(c.ArrayLens) != want {
		return nil, fmt.Errorf("%d arrays listed, want %d", len(c.ArrayLens), want)
	}
	total := 0
	for _, l := range c.ArrayLens {
		if l < 0 || l > len(b)/8 {
			return nil, errors.New("truncated arrays")
		}
		total += l
	}
	if 8*total != len(b) {
		return nil, fmt.Errorf("%d bytes of arrays, want %d", len(b), 8*total)
	}
	arrays := make([][]float64, len(c.ArrayLens))
	for i, l := range c.ArrayLens {
		a := make([]float64, l)
		for j := range a {
			a[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*j:]))
		}
		arrays[i] = a
		b = b[8*l:]
	}
	c.F = arrays[0]
	if c.Flows != nil {
		c.Flows.Vt, c.Flows.Vp = arrays[1], arrays[2]
	}
	return &c, nil
}
