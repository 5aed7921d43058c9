// Package psihdf reads and writes PSI-style HDF5 maps, the file format HipFT
// uses for its initial, assimilation, flow and output maps.
//
// A PSI map file holds, in its root group, one data set (normally "Data")
// and one 1-D dimension-scale data set per dimension ("dim1", "dim2" and,
// for 3D maps, "dim3"). In Fortran order the data has dims
// (N_phi, N_theta[, N3]); in C order its shape is [N3][N_theta][N_phi], so
// dim1 (phi) is the fastest-varying axis. Coordinates are stored as given
// (HipFT uses radians for phi and theta and realization numbers 1, 2, ...
// for dim3); this package does not interpret or convert units.
//
// Reading uses github.com/scigolib/hdf5 (pure Go). Writing uses a small
// HDF5 writer in this package (h5write.go) that produces exactly the PSI
// layout with the dimension scales attached as libhdf5's H5DSattach_scale
// does, so that h5py, h5dump, PSI's psihdf.py and HipFT itself read it.
package psihdf

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/scigolib/hdf5"

	"github.com/goft-sft/goft/internal/finite"
)

// Map is a PSI map held in memory.
//
// Data is in C order with Dims[0] (dim1, phi) fastest: the value at Fortran
// indices (i1, i2, i3), all 0-based, is Data[i1 + Dims[0]*(i2 + Dims[1]*i3)].
// Units are whatever the file holds (HipFT: Gauss for Br, radians for
// phi and theta scales).
type Map struct {
	// Dims are the Fortran-order lengths: Dims[0] = len(dim1) = N_phi,
	// Dims[1] = N_theta, Dims[2] = N3 (3D maps only, e.g. realizations).
	Dims []int
	// Scales[i] holds the coordinates of dim(i+1) (len(Scales[i]) == Dims[i]).
	// float32 scales are widened exactly to float64.
	Scales [][]float64
	// Data holds the product(Dims) values, index i1 + Dims[0]*(i2 + Dims[1]*i3).
	// float32 data are widened exactly to float64.
	Data []float64
	// Float32 reports whether Data was stored as float32 in the file it was
	// read from. It is information only: Write takes the precision as an
	// argument.
	Float32 bool
	// Attrs are attributes of the file's root group, written in order by
	// Write (MagMAP's maps carry JSON metadata there). Read leaves it empty.
	Attrs []Attr
}

// Attr is one scalar attribute of the root group. Value is a string
// (written as a variable-length UTF-8 string, as h5py writes a Python str)
// or a float64 (written as a little-endian IEEE double).
type Attr struct {
	Name  string
	Value any
}

// Read reads the PSI map in the HDF5 file at path. The map may be 2D or 3D.
//
// Following HipFT (reference section 13.4), the data set is the root member
// that sorts first by name (ASCII: "Data" < "dim1"); it must not be a
// dimension scale. The remaining root members, in name order, are the
// scales of Fortran dimensions 1..rank; their count must equal the rank and
// each must be 1-D with the length of its dimension (unlike HipFT, their
// CLASS = "DIMENSION_SCALE" attribute is not required). The data and each scale
// must be 32- or 64-bit IEEE floats, and all values must be finite.
// Attachments (DIMENSION_LIST) are ignored, as HipFT ignores them.
//
// Every error names the file. Read never panics: a panic in the underlying
// HDF5 reader on a malformed file is turned into an error.
func Read(path string) (m *Map, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named below
		}
		return nil, fmt.Errorf("psihdf: read %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("psihdf: read %s: not a regular file", path)
	}
	m, err = readFile(path, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("psihdf: read %s: %w", path, err)
	}
	return m, nil
}

// readFile does the work of Read; its errors do not yet name the file.
func readFile(path string, fileSize int64) (m *Map, err error) {
	defer func() {
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("malformed or truncated HDF5 file (reader panicked: %v)", r)
		}
	}()
	osf, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	err = precheck(osf, fileSize)
	osf.Close()
	if err != nil {
		return nil, err
	}
	f, err := hdf5.Open(path)
	if err != nil {
		return nil, fmt.Errorf("not a readable HDF5 file: %w", err)
	}
	defer f.Close()

	members := append([]hdf5.Object(nil), f.Root().Children()...)
	sort.Slice(members, func(a, b int) bool { return members[a].Name() < members[b].Name() })
	switch {
	case len(members) == 0:
		return nil, errors.New("the root group holds no data set")
	case len(members) > 4:
		return nil, fmt.Errorf("the root group holds %d members; a PSI map has a data set and 2 or 3 dimension scales", len(members))
	}

	data, ok := members[0].(*hdf5.Dataset)
	if !ok {
		return nil, fmt.Errorf("root member %q (first in name order) is not a data set", members[0].Name())
	}
	if isDimensionScale(data) {
		return nil, fmt.Errorf("root member %q (first in name order) is a dimension scale, not the data; the data set must sort first by name", data.Name())
	}
	info, err := datasetInfo(data, fileSize)
	if err != nil {
		return nil, err
	}
	rank := len(info.dims)
	if rank != 2 && rank != 3 {
		return nil, fmt.Errorf("data set %q has rank %d; PSI maps must be 2D or 3D", data.Name(), rank)
	}
	m = &Map{Dims: make([]int, rank), Float32: info.elemSize == 4}
	for i := range rank {
		m.Dims[i] = int(info.dims[rank-1-i]) // Fortran order: reverse of C order
	}
	if len(members)-1 != rank {
		return nil, fmt.Errorf("data set %q is %dD but the root group holds %d dimension scale(s); want %d", data.Name(), rank, len(members)-1, rank)
	}
	if m.Data, err = data.Read(); err != nil {
		return nil, fmt.Errorf("reading data set %q: %w", data.Name(), err)
	}
	if len(m.Data) != product(m.Dims) {
		return nil, fmt.Errorf("data set %q: read %d values, want %d", data.Name(), len(m.Data), product(m.Dims))
	}
	if i := finite.First(m.Data); i >= 0 {
		return nil, fmt.Errorf("data set %q: value %v at %s is not finite; maps must be finite", data.Name(), m.Data[i], m.indexString(i))
	}

	m.Scales = make([][]float64, rank)
	for i := range rank {
		if m.Scales[i], err = readScale(members[1+i], i, m.Dims[i], fileSize); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// readScale reads the scale of Fortran dimension i (0-based) and checks its
// shape, type and values.
func readScale(obj hdf5.Object, i, want int, fileSize int64) ([]float64, error) {
	ds, ok := obj.(*hdf5.Dataset)
	if !ok {
		return nil, fmt.Errorf("root member %q (scale of dimension %d) is not a data set", obj.Name(), i+1)
	}
	info, err := datasetInfo(ds, fileSize)
	if err != nil {
		return nil, err
	}
	if len(info.dims) != 1 {
		return nil, fmt.Errorf("scale %q of dimension %d has rank %d; want 1", ds.Name(), i+1, len(info.dims))
	}
	if int(info.dims[0]) != want {
		return nil, fmt.Errorf("scale %q of dimension %d has length %d but the data has %d points along that dimension", ds.Name(), i+1, info.dims[0], want)
	}
	s, err := ds.Read()
	if err != nil {
		return nil, fmt.Errorf("reading scale %q: %w", ds.Name(), err)
	}
	if len(s) != want {
		return nil, fmt.Errorf("scale %q: read %d values, want %d", ds.Name(), len(s), want)
	}
	if j := finite.First(s); j >= 0 {
		return nil, fmt.Errorf("scale %q: value %v at index %d is not finite", ds.Name(), s[j], j)
	}
	return s, nil
}

// isDimensionScale reports whether ds carries CLASS = "DIMENSION_SCALE",
// the test libhdf5's H5DSis_scale applies.
func isDimensionScale(ds *hdf5.Dataset) bool {
	names, err := ds.ListAttributes()
	if err != nil {
		return false
	}
	for _, n := range names {
		if n != "CLASS" {
			continue
		}
		v, err := ds.ReadAttribute("CLASS")
		if err != nil {
			return false
		}
		s, ok := v.(string)
		return ok && strings.TrimRight(s, "\x00 ") == "DIMENSION_SCALE"
	}
	return false
}

// dsInfo is what Read needs to know of a data set before reading it.
type dsInfo struct {
	dims     []uint64 // C order
	elemSize int      // 4 or 8 (IEEE float)
}

// The scigolib reader exposes a data set's type, shape and layout only as
// the text of Dataset.Info, for example
// "Dataset: float (size=4 bytes), 2D array [512 x 1024], contiguous (address=0x860, size=2097152)".
// These patterns parse that text (scigolib v0.14.1; see TestInfoFormat).
var (
	infoTypeRE   = regexp.MustCompile(`^Dataset: (\S+) \(size=(\d+) bytes\), `)
	infoSpaceRE  = regexp.MustCompile(`, (\d+)D array \[([0-9 x]*)\], `)
	infoScalarRE = regexp.MustCompile(`, (scalar|null), `)
	infoContigRE = regexp.MustCompile(`contiguous \(address=0x([0-9A-Fa-f]+), size=(\d+)\)$`)
)

// maxExpansion bounds the ratio of uncompressed to stored bytes for data
// that is not stored contiguously (gzip cannot exceed about 1032:1). Reading
// a corrupt header that claims more than this is refused instead of trying
// to allocate the memory.
const maxExpansion = 1100

// datasetInfo returns the shape and element size of ds, checking that it is
// a 32- or 64-bit float and that its claimed size is plausible for a file of
// fileSize bytes.
func datasetInfo(ds *hdf5.Dataset, fileSize int64) (dsInfo, error) {
	text, err := ds.Info()
	if err != nil {
		return dsInfo{}, fmt.Errorf("data set %q: cannot read its header: %w", ds.Name(), err)
	}
	t := infoTypeRE.FindStringSubmatch(text)
	if t == nil {
		return dsInfo{}, fmt.Errorf("data set %q: cannot parse its description %q", ds.Name(), text)
	}
	size, _ := strconv.Atoi(t[2])
	if t[1] != "float" || (size != 4 && size != 8) {
		return dsInfo{}, fmt.Errorf("data set %q has element type %s of %d bytes; want a 32- or 64-bit IEEE float", ds.Name(), t[1], size)
	}
	info := dsInfo{elemSize: size}
	if infoScalarRE.MatchString(text) {
		return dsInfo{}, fmt.Errorf("data set %q is a scalar, not an array", ds.Name())
	}
	s := infoSpaceRE.FindStringSubmatch(text)
	if s == nil {
		return dsInfo{}, fmt.Errorf("data set %q: cannot parse its shape from %q", ds.Name(), text)
	}
	for _, f := range strings.Fields(strings.ReplaceAll(s[2], "x", " ")) {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return dsInfo{}, fmt.Errorf("data set %q: bad dimension %q in %q", ds.Name(), f, text)
		}
		info.dims = append(info.dims, n)
	}
	if rank, _ := strconv.Atoi(s[1]); rank != len(info.dims) {
		return dsInfo{}, fmt.Errorf("data set %q: cannot parse its shape from %q", ds.Name(), text)
	}
	// Guard against absurd sizes from corrupt headers before anything is allocated.
	bytes := uint64(size)
	for _, n := range info.dims {
		if n == 0 {
			return dsInfo{}, fmt.Errorf("data set %q has an empty dimension (shape %v)", ds.Name(), info.dims)
		}
		if bytes > math.MaxInt64/n {
			return dsInfo{}, fmt.Errorf("data set %q: shape %v is too large", ds.Name(), info.dims)
		}
		bytes *= n
	}
	if c := infoContigRE.FindStringSubmatch(text); c != nil {
		addr, err1 := strconv.ParseUint(c[1], 16, 64)
		stored, err2 := strconv.ParseUint(c[2], 10, 64)
		if err1 != nil || err2 != nil || stored != bytes || addr > uint64(fileSize) || bytes > uint64(fileSize)-addr {
			return dsInfo{}, fmt.Errorf("data set %q: its contiguous storage (%d bytes for shape %v) does not lie within the %d-byte file; the file is truncated or corrupt", ds.Name(), bytes, info.dims, fileSize)
		}
	} else if bytes/maxExpansion > uint64(fileSize) {
		return dsInfo{}, fmt.Errorf("data set %q: shape %v (%d bytes) is implausibly large for a %d-byte file", ds.Name(), info.dims, bytes, fileSize)
	}
	return info, nil
}

// indexString describes the flat Data index i as 0-based Fortran-order
// indices, e.g. "(phi i=3, theta j=7, slice k=0) (0-based)".
func (m *Map) indexString(i int) string {
	i1 := i % m.Dims[0]
	i2 := (i / m.Dims[0]) % m.Dims[1]
	if len(m.Dims) == 2 {
		return fmt.Sprintf("(phi i=%d, theta j=%d) (0-based)", i1, i2)
	}
	i3 := i / (m.Dims[0] * m.Dims[1])
	return fmt.Sprintf("(phi i=%d, theta j=%d, slice k=%d) (0-based)", i1, i2, i3)
}

// product returns the product of dims (1 for none).
func product(dims []int) int {
	p := 1
	for _, d := range dims {
		p *= d
	}
	return p
}
