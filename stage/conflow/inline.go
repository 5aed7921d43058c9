package conflow

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/goft-sft/goft/internal/fortranrand"
	"github.com/goft-sft/goft/internal/parallel"
	"github.com/goft-sft/goft/model/flow"
)

// FlowSource makes a conflow.dat's flows in-line for a run (a goft
// extension, see docs/from-hipft.md): pair i is, value for value, the
// pair goft conflow writes as vtNNNNNN.h5 and vpNNNNNN.h5 with NNNNNN =
// i+1 (rounded to float32 as the files are), and List is the list it
// writes, so a run on a FlowSource equals the run reading those files.
// It implements flow.PairSource.
//
// After each pair it makes the next one in the background, on one core,
// while the run advances; Pair then only waits for it to finish.
type FlowSource struct {
	p     Params
	pool  *parallel.Pool
	seed  []byte // the generator's state before the spectrum was drawn
	g     *Generator
	next  int // the pair the generator's next Step makes
	files int // the number of pairs, int(tmax/dtime)

	// ahead, if not nil, delivers the pair being made in the background;
	// the generator is not touched until it has.
	ahead chan madePair
}

// madePair is a pair made in the background.
type madePair struct {
	i      int
	vt, vp []float64
	err    error
}

// NewFlowSource prepares the flows of p (which must pass Check; its
// output options are ignored). Without set_random_seed the seed is drawn
// once from entropy (nil: the operating system) and kept, so pairs made
// again (a run longer than the list wraps around to its start, a resumed
// run starts in the middle) are the same. pool spreads the work (nil: one
// core); it is used only inside Pair.
func NewFlowSource(p *Params, pool *parallel.Pool, entropy io.Reader) (*FlowSource, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if p.NumFiles() < 2 {
		return nil, &Error{File: p.File, Param: "tmax", Msg: fmt.Sprintf("tmax/dtime gives %d map; a run's flow list needs at least two (raise tmax)", p.NumFiles())}
	}
	rng, err := NewRandom(p, entropy)
	if err != nil {
		return nil, err
	}
	seed, err := rng.MarshalBinary()
	if err != nil {
		return nil, err
	}
	return &FlowSource{p: *p, pool: pool, seed: seed, files: p.NumFiles()}, nil
}

// List returns the flow list entries of goft conflow's
// flow_output_list.csv for these parameters, read back as HipFT reads
// the file (times rounded to 1e-5 day by the list's format).
func (s *FlowSource) List() ([]flow.ListEntry, error) {
	var b strings.Builder
	b.WriteString(ListHeader + "\n")
	t := 0.0
	for i := 1; i <= s.files; i++ {
		b.WriteString(ListLine(i, t) + "\n")
		t += s.p.DTime
	}
	return flow.ParseList(strings.NewReader(b.String()), "the in-line flow list of "+s.p.File)
}

// Pair implements flow.PairSource: pair i (0-based) in m/s, vt with dims
// (n_long, n_lat+1) and vp with dims (n_long+1, n_lat), phi fastest.
// Pairs are made in order; asking for an earlier one starts the
// generator again from its seed.
func (s *FlowSource) Pair(i int) (vt, vp []float64, err error) {
	if i < 0 || i >= s.files {
		return nil, nil, fmt.Errorf("conflow: flow pair %d asked for; %s makes pairs 0 to %d", i, s.p.File, s.files-1)
	}
	if s.ahead != nil {
		r := <-s.ahead
		s.ahead = nil
		if r.i == i {
			vt, vp, err = r.vt, r.vp, r.err
		}
	}
	if vt == nil && err == nil {
		vt, vp, err = s.make(i, s.pool)
	}
	if err != nil {
		return nil, nil, err
	}
	// The run asks for the pairs in order, wrapping to the first.
	nextI := (i + 1) % s.files
	ch := make(chan madePair, 1)
	s.ahead = ch
	go func() {
		vt, vp, err := s.make(nextI, nil)
		ch <- madePair{nextI, vt, vp, err}
	}()
	return vt, vp, nil
}

// Close waits for the pair being made in the background, if any, and
// drops it.
func (s *FlowSource) Close() {
	if s.ahead != nil {
		<-s.ahead
		s.ahead = nil
	}
}

// make makes pair i with the generator, on pool's workers (nil: the
// calling goroutine alone).
func (s *FlowSource) make(i int, pool *parallel.Pool) (vt, vp []float64, err error) {
	if s.g == nil || i < s.next {
		var rng fortranrand.Generator
		if err := rng.UnmarshalBinary(s.seed); err != nil {
			return nil, nil, err
		}
		s.g = NewGenerator(s.p, &rng, pool)
		s.next = 0
	}
	s.g.pool = pool
	for s.next <= i {
		s.g.Step()
		s.next++
	}
	vt, vp = s.g.Staggered()
	for k, x := range vt {
		vt[k] = float64(float32(x))
	}
	for k, x := range vp {
		vp[k] = float64(float32(x))
	}
	return vt, vp, nil
}

// IsInput reports whether the file at path is a ConFlow input (its first
// text, after blank and comment lines, starts a namelist group with '&'),
// rather than a flow list.
func IsInput(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "!") {
			continue
		}
		return strings.HasPrefix(line, "&"), nil
	}
	return false, sc.Err()
}
