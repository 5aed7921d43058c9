package magmap

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/goft-sft/goft/format/psihdf"

	"github.com/goft-sft/goft/internal/atomicfile"
)

// Index file names and folder of MagMAP.
const (
	IndexDir          = "index_files"
	DefaultDiskIndex  = "magmap_disks_all.csv"
	DefaultMapIndex   = "magmap_maps_all.csv"
	indexDateLayout   = "2006-01-02T15:04:05"
	fileNameDateRegex = `\d{8}T\d{6}`
)

var fileDate = regexp.MustCompile(fileNameDateRegex)

// Entry is one file of a MagMAP data set: its date (from the index or its
// name) and its path relative to the data set folder.
type Entry struct {
	Date    time.Time
	RelPath string
}

// ListFolder lists the files under dir as MagMAP's io_helpers.read_db_dir
// does: every file except those in folders named index_files, .DS_Store
// and README, dated by the first YYYYMMDDTHHMMSS in its name, sorted by
// date (then path). A file without such a date is an error naming it.
func ListFolder(dir string) ([]Entry, error) {
	var out []Entry
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == dir {
				return fs.SkipAll
			}
			return err
		}
		if d.IsDir() || filepath.Base(filepath.Dir(path)) == IndexDir {
			return nil
		}
		name := d.Name()
		if name == ".DS_Store" || name == "README" || strings.Contains(name, ".tmp-") || strings.HasPrefix(name, ".") {
			return nil
		}
		m := fileDate.FindString(name)
		if m == "" {
			return fmt.Errorf("%s: no date YYYYMMDDTHHMMSS in the file name (MagMAP dates files by their names; move the file out of the folder)", path)
		}
		t, err := time.Parse("20060102T150405", m)
		if err != nil {
			return fmt.Errorf("%s: %q in the file name is not a date: %v", path, m, err)
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		out = append(out, Entry{Date: t, RelPath: filepath.ToSlash(rel)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return out[i].RelPath < out[j].RelPath
	})
	return out, nil
}

// ReadDiskIndex reads a disk index CSV as magmap_get_data.py writes it
// (columns date, rel_path; dates YYYY-MM-DDTHH:MM:SS, UTC).
func ReadDiskIndex(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: no header line: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	di, ok1 := col["date"]
	pi, ok2 := col["rel_path"]
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%s: header %q lacks the columns date and rel_path of MagMAP's disk index", path, strings.Join(head, ","))
	}
	var out []Entry
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if di >= len(rec) || pi >= len(rec) {
			return nil, fmt.Errorf("%s:%d: %d fields, want at least %d", path, line, len(rec), max(di, pi)+1)
		}
		t, err := time.Parse(indexDateLayout, strings.TrimSpace(rec[di]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: date %q is not YYYY-MM-DDTHH:MM:SS", path, line, rec[di])
		}
		out = append(out, Entry{Date: t, RelPath: rec[pi]})
	}
	return out, nil
}

// WriteDiskIndex writes entries as magmap_get_data.py's index CSV,
// atomically.
func WriteDiskIndex(path string, entries []Entry) error {
	var b strings.Builder
	b.WriteString("date,rel_path\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "%s,%s\n", e.Date.Format(indexDateLayout), csvField(e.RelPath))
	}
	return writeFileAtomic(path, []byte(b.String()))
}

// roundHour rounds t to the nearest hour, halves to even hours, as pandas'
// Series.dt.round('H') does.
func roundHour(t time.Time) time.Time {
	floor := t.Truncate(time.Hour)
	rem := t.Sub(floor)
	switch {
	case rem > 30*time.Minute:
		return floor.Add(time.Hour)
	case rem < 30*time.Minute:
		return floor
	}
	if floor.Unix()/3600%2 == 0 {
		return floor
	}
	return floor.Add(time.Hour)
}

// julianDate returns the Julian date of the UTC time t as astropy's
// Time(t).jd gives it (days since 4713 BC noon, no leap-second smearing).
func julianDate(t time.Time) float64 {
	return 2440587.5 + float64(t.Unix())/86400 + float64(t.Nanosecond())/86400e9
}

// WriteMapIndex writes the index of the maps under mapDir as MagMAP's
// io_helpers.gen_hipft_index does, to mapDir/index_files/name (atomically):
// columns target_datetime_utc (the date rounded to the hour),
// obs_datetime_utc, obs_jd (%.5f) and map_path, in date order.
func WriteMapIndex(mapDir, name string) (string, error) {
	entries, err := ListFolder(mapDir)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("target_datetime_utc,obs_datetime_utc,obs_jd,map_path\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "%s,%s,%.5f,%s\n", roundHour(e.Date).Format(indexDateLayout), e.Date.Format(indexDateLayout),
			julianDate(e.Date), csvField(e.RelPath))
	}
	dir := filepath.Join(mapDir, IndexDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	return path, writeFileAtomic(path, []byte(b.String()))
}

// csvField quotes s as pandas' to_csv does when it holds a comma or quote.
func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// writeFileAtomic writes data to path through a temporary file in the same
// folder and a rename.
func writeFileAtomic(path string, data []byte) error { return atomicfile.WriteBytes(path, data) }

// MapRelPath returns the map path MagMAP derives from a disk's relative
// path: the same folder, "_m_" replaced by "_map_" and ".fits" by ".h5".
func MapRelPath(diskRel string) string {
	dir, name := filepath.Split(diskRel)
	name = strings.Replace(name, "_m_", "_map_", -1)
	name = strings.Replace(name, ".fits", ".h5", -1)
	if !strings.HasSuffix(name, ".h5") {
		name += ".h5"
	}
	return filepath.ToSlash(filepath.Join(dir, name))
}

// Selection chooses the disks to map.
type Selection struct {
	// Start and End select disks dated in [Start, End] (both set), or, both
	// zero, MagMAP's update mode: the disks after the newest map in the
	// output's map index (or, without one, after the dates in the output's
	// file names; all disks when there are no maps).
	Start, End time.Time
	// DiskIndex and MapIndex are the index file names in index_files
	// (-index_filename_disks, -index_filename_maps).
	DiskIndex, MapIndex string
}

// SelectDisks returns the disks of diskDir to map into mapDir. It reads
// diskDir/index_files/DiskIndex if it exists, else lists the folder.
func SelectDisks(diskDir, mapDir string, sel Selection) ([]Entry, error) {
	if sel.Start.IsZero() != sel.End.IsZero() {
		return nil, errors.New("give both -startdate and -enddate, or neither (update mode)")
	}
	if !sel.Start.IsZero() && sel.End.Before(sel.Start) {
		return nil, fmt.Errorf("-enddate %s is before -startdate %s", sel.End.Format(indexDateLayout), sel.Start.Format(indexDateLayout))
	}
	var all []Entry
	idx := filepath.Join(diskDir, IndexDir, sel.DiskIndex)
	if _, err := os.Stat(idx); err == nil {
		if all, err = ReadDiskIndex(idx); err != nil {
			return nil, err
		}
	} else {
		if fi, err := os.Stat(diskDir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("disk folder %s does not exist or is not a folder", diskDir)
		}
		if all, err = ListFolder(diskDir); err != nil {
			return nil, err
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("could not find any files in %s", diskDir)
	}
	var keep []Entry
	if sel.Start.IsZero() {
		// Update mode.
		var thresh time.Time
		mapIdx := filepath.Join(mapDir, IndexDir, sel.MapIndex)
		var maps []Entry
		if _, err := os.Stat(mapIdx); err == nil {
			if maps, err = ReadMapIndex(mapIdx, "target_datetime_utc"); err != nil {
				return nil, err
			}
		} else {
			var err error
			if maps, err = ListFolder(mapDir); err != nil {
				return nil, err
			}
		}
		if len(maps) > 0 {
			thresh = maps[len(maps)-1].Date
		} else {
			thresh = all[0].Date.Add(-10 * time.Minute)
		}
		for _, e := range all {
			if e.Date.After(thresh) {
				keep = append(keep, e)
			}
		}
		return keep, nil
	}
	for _, e := range all {
		if !e.Date.Before(sel.Start) && !e.Date.After(sel.End) {
			keep = append(keep, e)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("no disk in %s is dated between -startdate %s and -enddate %s (the disks run from %s to %s)",
			diskDir, sel.Start.Format(indexDateLayout), sel.End.Format(indexDateLayout),
			all[0].Date.Format(indexDateLayout), all[len(all)-1].Date.Format(indexDateLayout))
	}
	return keep, nil
}

// ReadMapIndex reads a map index (magmap_maps_all.csv): each map's path
// and its date from column dateColumn (target_datetime_utc, as MagMAP's
// update mode reads it, or obs_datetime_utc, as OFT's driver does).
func ReadMapIndex(path, dateColumn string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: no header line: %v", path, err)
	}
	ti, pi := -1, -1
	for i, h := range head {
		switch strings.TrimSpace(h) {
		case dateColumn:
			ti = i
		case "map_path":
			pi = i
		}
	}
	if ti < 0 || pi < 0 {
		return nil, fmt.Errorf("%s: header %q lacks %s and map_path", path, strings.Join(head, ","), dateColumn)
	}
	var out []Entry
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		t, err := time.Parse(indexDateLayout, strings.TrimSpace(rec[ti]))
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s %q is not YYYY-MM-DDTHH:MM:SS", path, line, dateColumn, rec[ti])
		}
		out = append(out, Entry{Date: t, RelPath: rec[pi]})
	}
}

// Report is what Run did.
type Report struct {
	Mapped, Skipped []string // map paths written, and those that existed already
	Index           string   // the map index written
}

// Run maps the selected disks of diskDir into mapDir (the folder layout of
// MagMAP: each map at the disk's relative path with _m_ -> _map_ and
// .fits -> .h5; existing maps are kept, not redone) and rewrites the map
// index. progress, if not nil, is called after each disk with the count
// done and the total.
func Run(diskDir, mapDir string, sel Selection, opt Options, progress func(done, total int)) (*Report, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	disks, err := SelectDisks(diskDir, mapDir, sel)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	for i, e := range disks {
		rel := MapRelPath(e.RelPath)
		out := filepath.Join(mapDir, filepath.FromSlash(rel))
		if _, err := os.Stat(out); err == nil {
			rep.Skipped = append(rep.Skipped, rel)
			if progress != nil {
				progress(i+1, len(disks))
			}
			continue
		}
		disk, err := ReadDisk(filepath.Join(diskDir, filepath.FromSlash(e.RelPath)))
		if err != nil {
			return rep, err
		}
		m, err := Remap(disk, opt)
		if err != nil {
			return rep, err
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return rep, err
		}
		if err := psihdf.Write(out, m.PSIMap(disk.Header), true); err != nil {
			return rep, err
		}
		rep.Mapped = append(rep.Mapped, rel)
		if progress != nil {
			progress(i+1, len(disks))
		}
	}
	if err := os.MkdirAll(mapDir, 0o755); err != nil {
		return rep, err
	}
	rep.Index, err = WriteMapIndex(mapDir, sel.MapIndex)
	return rep, err
}
