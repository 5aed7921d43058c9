package output

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/goft-sft/goft/format/fortranfmt"
)

// MapListEntry is one line of hipft_output_map_list.out.
type MapListEntry struct {
	Index int     // output index (IDX)
	Time  float64 // simulation time of the map (hours)
	Name  string  // file name, relative to output_map_directory
}

// ReadMapList reads an output map list written by HipFT or goft (lines
// "IDX TIME FILENAME" after a header, possibly followed by date columns as
// HipFT's date tools add). An empty list is an error.
func ReadMapList(path string) ([]MapListEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []MapListEntry
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if line == 1 || len(fields) == 0 {
			continue
		}
		bad := fmt.Errorf("%s:%d: want IDX TIME FILENAME, found %q", path, line, sc.Text())
		if len(fields) < 3 {
			return nil, bad
		}
		idx, err1 := strconv.Atoi(fields[0])
		t, err2 := fortranfmt.ParseReal(fields[1])
		if err1 != nil || err2 != nil {
			return nil, bad
		}
		out = append(out, MapListEntry{Index: idx, Time: t, Name: fields[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s lists no maps (set output_map_time_cadence or output_map_idx_cadence in hipft.in to write cadence maps)", path)
	}
	return out, nil
}
