package conflow

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/goft-sft/goft/format/psihdf"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/internal/fortranrand"
	"github.com/goft-sft/goft/internal/parallel"
)

// ListName is the flow list ConFlow writes in its output directory.
const ListName = "flow_output_list.csv"

// ListHeader is the list's first line, as ConFlow writes it with
// format (A11,A1,A11,A1,A11).
const ListHeader = "   TIME(JD), VTFILENAME, VPFILENAME"

// ListLine is the list line of map number file (1-based) at time seconds
// after the start, as ConFlow writes it with format (F11.5,A1,A11,A1,A11):
// the time in days (ConFlow's header says JD, but the column counts days
// from the start of the run), then the vt and vp file names.
func ListLine(file int, seconds float64) string {
	return listLineDays(file, seconds/(3600*24))
}

// listLineDays is the list line of map number file at days.
func listLineDays(file int, days float64) string {
	return formatF(days, 11, 5) + "," + fmt.Sprintf("vt%06d.h5", file) + "," + fmt.Sprintf("vp%06d.h5", file)
}

// formatF formats x as gfortran's Fw.d edit descriptor does: rounded to
// d decimals, right-justified in w characters, w asterisks when it does
// not fit.
func formatF(x float64, w, d int) string {
	s := strconv.FormatFloat(x, 'f', d, 64)
	if len(s) > w {
		return strings.Repeat("*", w)
	}
	return strings.Repeat(" ", w-len(s)) + s
}

// Options controls Run.
type Options struct {
	// Dir is the folder a relative output_directory is taken from ("": the
	// working folder, as for ConFlow).
	Dir string
	// Workers is the number of cores used (0: all). The flows are the
	// same for any number.
	Workers int
	// Progress, if set, is called after each map with the maps done and
	// the total.
	Progress func(done, total int)
	// Entropy seeds the generator when set_random_seed is false (nil:
	// crypto/rand), as ConFlow's RANDOM_SEED() seeds from the operating
	// system.
	Entropy io.Reader
}

// Summary describes a finished Run.
type Summary struct {
	Dir      string   // the output folder
	Files    int      // maps written (pairs of vt and vp, or uniform pairs)
	Seeded   bool     // set_random_seed
	Written  []string // every file written, in order (the list last)
	MaxVT    float64  // the largest and smallest v_theta and v_phi on
	MinVT    float64  // ConFlow's uniform grid over all steps, m/s
	MaxVP    float64  // (ConFlow's "max(vt)" ... step lines)
	MinVP    float64
	LastTime float64 // the time of the last map, s after the start
}

// NewRandom returns the generator ConFlow draws from: gfortran's after
// RANDOM_SEED(PUT=) with every element random_seed_value when
// set_random_seed is true, else seeded from entropy (nil: crypto/rand).
func NewRandom(p *Params, entropy io.Reader) (*fortranrand.Generator, error) {
	if p.SetRandomSeed {
		return fortranrand.Fill(p.RandomSeedValue), nil
	}
	if entropy == nil {
		entropy = rand.Reader
	}
	var b [32]byte
	if _, err := io.ReadFull(entropy, b[:]); err != nil {
		return nil, fmt.Errorf("cannot seed the random numbers (set set_random_seed = .true. to give a seed): %w", err)
	}
	var s [4]uint64
	for i := range s {
		s[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return fortranrand.FromState(s), nil
}

// Run makes ConFlow's outputs for p: flow_output_list.csv, and per map
// vtNNNNNN.h5 and vpNNNNNN.h5 (output_flows_on_staggered_grid) and
// vtNNNNNN.data and vpNNNNNN.data (output_flows_on_uniform_grid), and
// spectrum.h5 (output_spectrum), with ConFlow's names, layouts and
// precision (float32 HDF5, float64 binary). Each file is written
// atomically; the list gains a line when its maps are complete.
func Run(p *Params, opt Options) (*Summary, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	dir := p.OutputDirectory
	if !filepath.IsAbs(dir) && opt.Dir != "" {
		dir = filepath.Join(opt.Dir, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("output_directory %q: %w", p.OutputDirectory, err)
	}
	rng, err := NewRandom(p, opt.Entropy)
	if err != nil {
		return nil, err
	}
	pool := parallel.New(opt.Workers)
	defer pool.Close()
	g := NewGenerator(*p, rng, pool)
	sum := &Summary{Dir: dir, Seeded: p.SetRandomSeed,
		MaxVT: math.Inf(-1), MinVT: math.Inf(1), MaxVP: math.Inf(-1), MinVP: math.Inf(1)}

	if p.OutputSpectrum {
		n := g.n
		scale := make([]float64, n)
		for i := range scale {
			scale[i] = float64(i + 1)
		}
		path := filepath.Join(dir, "spectrum.h5")
		if err := psihdf.Write(path, &psihdf.Map{Dims: []int{n, n}, Scales: [][]float64{scale, scale}, Data: g.Spectrum()}, true); err != nil {
			return nil, err
		}
		sum.Written = append(sum.Written, path)
	}

	listPath := filepath.Join(dir, ListName)
	list, err := output.CreateAppendFile(listPath, ListHeader)
	if err != nil {
		return nil, err
	}
	defer list.Close()
	w := &mapWriter{p: p, dir: dir, grid: NewGrid(p.NLong, p.NLat), list: list, sum: sum, nfiles: p.NumFiles(), progress: opt.Progress}

	// The files of map k are written while map k+1 is computed: the
	// writer takes the maps in order from a channel of one.
	jobs := make(chan mapJob, 1)
	done := make(chan error, 1)
	go func() {
		var err error
		for j := range jobs {
			if err == nil {
				err = w.write(j)
			}
		}
		done <- err
	}()
	currTime := 0.0
	for file := 1; file <= w.nfiles; file++ {
		g.Step()
		j := mapJob{file: file, time: currTime}
		for _, v := range g.V {
			sum.MaxVT = max(sum.MaxVT, v)
			sum.MinVT = min(sum.MinVT, v)
		}
		for _, v := range g.U {
			sum.MaxVP = max(sum.MaxVP, v)
			sum.MinVP = min(sum.MinVP, v)
		}
		if p.OutputUniform {
			j.u, j.v = float64Bytes(g.U), float64Bytes(g.V)
		}
		if p.OutputStaggered {
			j.vt, j.vp = g.Staggered()
		}
		jobs <- j
		if w.failed.Load() {
			break
		}
		currTime += p.DTime
	}
	close(jobs)
	if err := <-done; err != nil {
		return nil, err
	}
	if err := list.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", listPath, err)
	}
	sum.Written = append(sum.Written, listPath)
	return sum, nil
}

// mapJob is one map's outputs, to be written.
type mapJob struct {
	file   int       // map number, 1-based
	time   float64   // s after the start
	u, v   []byte    // the uniform-grid flows, little-endian float64 (or nil)
	vt, vp []float64 // the staggered maps (or nil)
}

// mapWriter writes the maps' files and list lines in order.
type mapWriter struct {
	p        *Params
	dir      string
	grid     Grid
	list     *output.AppendFile
	sum      *Summary
	nfiles   int
	progress func(done, total int)
	failed   atomic.Bool
}

func (w *mapWriter) write(j mapJob) (err error) {
	defer func() {
		if err != nil {
			w.failed.Store(true)
		}
	}()
	p := w.p
	if j.u != nil {
		for _, f := range []struct {
			name string
			b    []byte
		}{{fmt.Sprintf("vp%06d.data", j.file), j.u}, {fmt.Sprintf("vt%06d.data", j.file), j.v}} {
			path := filepath.Join(w.dir, f.name)
			err := output.WriteFileAtomic(path, func(wr io.Writer) error {
				_, err := wr.Write(f.b)
				return err
			})
			if err != nil {
				return err
			}
			w.sum.Written = append(w.sum.Written, path)
		}
	}
	if j.vt != nil {
		vtPath := filepath.Join(w.dir, fmt.Sprintf("vt%06d.h5", j.file))
		vpPath := filepath.Join(w.dir, fmt.Sprintf("vp%06d.h5", j.file))
		if err := psihdf.Write(vtPath, &psihdf.Map{Dims: []int{p.NLong, p.NLat + 1}, Scales: [][]float64{w.grid.PMain, w.grid.THalf}, Data: j.vt}, true); err != nil {
			return err
		}
		if err := psihdf.Write(vpPath, &psihdf.Map{Dims: []int{p.NLong + 1, p.NLat}, Scales: [][]float64{w.grid.PHalf, w.grid.TMain}, Data: j.vp}, true); err != nil {
			return err
		}
		if err := w.list.Line(ListLine(j.file, j.time)); err != nil {
			return err
		}
		w.sum.Written = append(w.sum.Written, vtPath, vpPath)
	}
	w.sum.Files = j.file
	w.sum.LastTime = j.time
	if w.progress != nil {
		w.progress(j.file, w.nfiles)
	}
	return nil
}

// float64Bytes returns v as little-endian float64 bytes (ConFlow's
// unformatted direct-access records on x86).
func float64Bytes(v []float64) []byte {
	b := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}
