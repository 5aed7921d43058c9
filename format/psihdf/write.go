package psihdf

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// Write writes m to path as a PSI map: root data set "Data" (C shape
// [Dims[2]][Dims[1]][Dims[0]], or [Dims[1]][Dims[0]] for 2D) and scales
// "dim1", "dim2"[, "dim3"] attached to C dimensions 0, 1[, 2] as HipFT
// attaches them (reference section 13.3).
//
// With single set, data and scales are stored as little-endian float32
// (values rounded to the nearest float32, as HipFT does); otherwise as
// float64. m.Float32 is ignored.
//
// m must be 2D or 3D with len(Scales[i]) == Dims[i] and
// len(Data) == product(Dims); all values must be finite (and, with single,
// within float32 range). The write is atomic: the file is written to
// path+".tmp-XXXX" in the same directory, synced, and renamed onto path, so
// readers never see a partial file. The new file has mode 0644.
func Write(path string, m *Map, single bool) (err error) {
	if err := m.check(single); err != nil {
		return fmt.Errorf("psihdf: write %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("psihdf: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
			err = fmt.Errorf("psihdf: write %s: %w", path, err)
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err = encode(w, m, single); err != nil {
		return err
	}
	if err = w.Flush(); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes a rename in dir durable where the system allows it; errors
// are ignored because some file systems do not support syncing directories.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// check validates m for writing.
func (m *Map) check(single bool) error {
	if m == nil {
		return errors.New("nil map")
	}
	rank := len(m.Dims)
	if rank != 2 && rank != 3 {
		return fmt.Errorf("map has %d dims; PSI maps must be 2D or 3D", rank)
	}
	n := 1
	for i, d := range m.Dims {
		if d <= 0 {
			return fmt.Errorf("Dims[%d] = %d; all dimensions must be positive", i, d)
		}
		if n > math.MaxInt/d {
			return fmt.Errorf("dims %v are too large", m.Dims)
		}
		n *= d
	}
	if len(m.Data) != n {
		return fmt.Errorf("len(Data) = %d, want product of dims %v = %d", len(m.Data), m.Dims, n)
	}
	if len(m.Scales) != rank {
		return fmt.Errorf("map has %d scales, want %d (one per dimension)", len(m.Scales), rank)
	}
	for i, s := range m.Scales {
		if len(s) != m.Dims[i] {
			return fmt.Errorf("scale dim%d has %d values, want Dims[%d] = %d", i+1, len(s), i, m.Dims[i])
		}
		if j := firstUnwritable(s, single); j >= 0 {
			return fmt.Errorf("scale dim%d value %v at index %d is not finite%s", i+1, s[j], j, f32Note(single))
		}
	}
	seen := map[string]bool{}
	for _, a := range m.Attrs {
		if a.Name == "" || strings.IndexByte(a.Name, 0) >= 0 {
			return fmt.Errorf("attribute name %q is empty or holds a NUL byte", a.Name)
		}
		if seen[a.Name] {
			return fmt.Errorf("attribute %q is given twice", a.Name)
		}
		seen[a.Name] = true
		switch v := a.Value.(type) {
		case string:
			if strings.IndexByte(v, 0) >= 0 {
				return fmt.Errorf("attribute %q holds a NUL byte", a.Name)
			}
			if len(v) > math.MaxUint32/2 {
				return fmt.Errorf("attribute %q is too long (%d bytes)", a.Name, len(v))
			}
		case float64:
		default:
			return fmt.Errorf("attribute %q has a value of type %T (want string or float64)", a.Name, a.Value)
		}
	}
	if i := firstUnwritable(m.Data, single); i >= 0 {
		return fmt.Errorf("Data value %v at %s is not finite%s; maps must be finite", m.Data[i], m.indexString(i), f32Note(single))
	}
	return nil
}

// firstUnwritable returns the index of the first value of v that is not
// finite (after rounding to float32 if single), or -1.
func firstUnwritable(v []float64, single bool) int {
	for i, x := range v {
		if single {
			x = float64(float32(x))
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

func f32Note(single bool) string {
	if single {
		return " (or overflows float32)"
	}
	return ""
}

// encode writes the whole HDF5 file for m to w: metadata first, then the
// raw data of Data and of each scale.
func encode(w io.Writer, m *Map, single bool) error {
	elem := 8
	if single {
		elem = 4
	}
	meta, err := buildMetadata(m.Dims, elem, m.Attrs)
	if err != nil {
		return err
	}
	if _, err := w.Write(meta); err != nil {
		return err
	}
	if err := writeFloats(w, m.Data, single); err != nil {
		return err
	}
	for _, s := range m.Scales {
		if err := writeFloats(w, s, single); err != nil {
			return err
		}
	}
	return nil
}

// writeFloats writes v little-endian as float32 (rounded to nearest) or
// float64.
func writeFloats(w io.Writer, v []float64, single bool) error {
	const chunk = 8192
	buf := make([]byte, 0, chunk*8)
	for len(v) > 0 {
		n := min(len(v), chunk)
		buf = buf[:0]
		for _, x := range v[:n] {
			if single {
				buf = le.AppendUint32(buf, math.Float32bits(float32(x)))
			} else {
				buf = le.AppendUint64(buf, math.Float64bits(x))
			}
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		v = v[n:]
	}
	return nil
}
