package ensemble

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/hipft/input"
	"github.com/goft-sft/goft/hipft/output"
	"github.com/goft-sft/goft/hipft/run"
)

// Manifest records what one process of a multi-process run did. goft run
// writes it (ManifestName, in the run folder) when the process has finished
// its share; goft merge reads every rank's manifest to know that all parts
// are there and that they come from the same input.
type Manifest struct {
	// Rank and Ranks are the process's place in the job.
	Rank, Ranks int
	// Input is the input file as given to goft run, relative to the run
	// folder unless absolute.
	Input string
	// ParamsSHA256 is the SHA-256 of the input's processed parameters, as
	// written to hipft_run_parameters_used.out (see ParamsHash).
	ParamsSHA256 string
	// InitialMapSHA256 is the SHA-256 of the initial map file's bytes, or
	// "none" without initial_map_filename.
	InitialMapSHA256 string
	// NRealizations is the ensemble's n_realizations; First (1-based) and
	// Count are the realizations this process ran.
	NRealizations, First, Count int
}

// manifestBase is the name a manifest's part name is made from.
const manifestBase = "goft_part.out"

// ManifestName is the file name of rank's manifest in a job of ranks
// processes (run.PartName of "goft_part.out").
func ManifestName(rank, ranks int) string { return run.PartName(manifestBase, rank, ranks) }

// ParamsHash returns the hex SHA-256 of the processed parameters p, taken
// over their hipft_run_parameters_used.out text, so that two inputs that
// differ only in comments or layout hash alike.
func ParamsHash(p *input.Params) (string, error) {
	h := sha256.New()
	if err := p.WriteUsed(h); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// NewManifest describes the share of place's process in the run of p read
// from inputPath, run in folder dir ("" for the current folder, against
// which relative file names in p are resolved).
func NewManifest(p *input.Params, inputPath, dir string, place Place) (*Manifest, error) {
	off, n, err := run.Split(p.NRealizations, place.Ranks, place.Rank)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Rank: place.Rank, Ranks: place.Ranks, Input: inputPath, InitialMapSHA256: "none",
		NRealizations: p.NRealizations, First: off + 1, Count: n}
	if m.ParamsSHA256, err = ParamsHash(p); err != nil {
		return nil, err
	}
	if p.InitialMapFilename != "" {
		path := p.InitialMapFilename
		if !filepath.IsAbs(path) && dir != "" {
			path = filepath.Join(dir, path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("initial_map_filename: %w", err)
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("initial_map_filename: reading %s: %w", path, err)
		}
		m.InitialMapSHA256 = hex.EncodeToString(h.Sum(nil))
	}
	return m, nil
}

// manifestHeader is the first line of every manifest.
const manifestHeader = "# goft ensemble part: written by 'goft run' when this process finished; read by 'goft merge'"

// Write writes the manifest into folder dir ("" for the current folder),
// atomically.
func (m *Manifest) Write(dir string) error {
	return output.WriteFileAtomic(filepath.Join(dir, ManifestName(m.Rank, m.Ranks)), func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "%s\nrank = %d\nranks = %d\ninput = %s\nparams_sha256 = %s\ninitial_map_sha256 = %s\nn_realizations = %d\nfirst_realization = %d\nrealizations = %d\n",
			manifestHeader, m.Rank, m.Ranks, m.Input, m.ParamsSHA256, m.InitialMapSHA256, m.NRealizations, m.First, m.Count)
		return err
	})
}

// RemoveManifest deletes rank's manifest from folder dir if there is one,
// so that a process that starts again is not taken as finished until it
// has finished.
func RemoveManifest(dir string, rank, ranks int) error {
	err := os.Remove(filepath.Join(dir, ManifestName(rank, ranks)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// ReadManifest reads the manifest at path.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte(manifestHeader)) {
		return nil, fmt.Errorf("%s is not a goft part manifest (its first line is not %q)", path, manifestHeader)
	}
	m := &Manifest{}
	ints := map[string]*int{"rank": &m.Rank, "ranks": &m.Ranks, "n_realizations": &m.NRealizations,
		"first_realization": &m.First, "realizations": &m.Count}
	strs := map[string]*string{"input": &m.Input, "params_sha256": &m.ParamsSHA256, "initial_map_sha256": &m.InitialMapSHA256}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		k, v, ok := strings.Cut(s, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok {
			return nil, fmt.Errorf("%s:%d: expected key = value, got %q", path, line, s)
		}
		if p, ok := ints[k]; ok {
			if *p, err = strconv.Atoi(v); err != nil {
				return nil, fmt.Errorf("%s:%d: %s = %q is not an integer", path, line, k, v)
			}
		} else if p, ok := strs[k]; ok {
			*p = v
		} else {
			continue // a key from a newer goft
		}
		seen[k] = true
	}
	for k := range ints {
		if !seen[k] {
			return nil, fmt.Errorf("%s: %s is missing; the file is damaged (rerun that process)", path, k)
		}
	}
	for k := range strs {
		if !seen[k] {
			return nil, fmt.Errorf("%s: %s is missing; the file is damaged (rerun that process)", path, k)
		}
	}
	return m, nil
}
