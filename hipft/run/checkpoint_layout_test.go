package run

import (
	"bytes"
	"encoding/gob"
	"math"
	"strings"
	"testing"

	"github.com/goft-sft/goft/model/flow"
)

// TestCheckpointLayout writes checkpoints with and without flows in the
// version-3 layout and reads them back with every array bit for bit (NaN
// payloads, signed zeros and subnormals included); a file cut anywhere,
// or with bytes added, is refused; and an older, all-gob checkpoint is
// read far enough to report its version.
func TestCheckpointLayout(t *testing.T) {
	vals := func(n int, seed float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = math.Sin(seed*float64(i+1)) * math.Pow(10, float64(i%40-20))
		}
		if n > 3 {
			v[0], v[1], v[2] = math.Copysign(0, -1), math.Float64frombits(0x7ff8000000000123), 5e-324
		}
		return v
	}
	same := func(what string, got, want []float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
		}
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("%s[%d] = %#x, want %#x", what, i, math.Float64bits(got[i]), math.Float64bits(want[i]))
			}
		}
	}
	for _, withFlows := range []bool{false, true} {
		c := &checkpoint{Version: checkpointVersion, Digest: "d", NReal: 2, Time: 12.5, Step: 7,
			F: vals(300001, 1), FileSizes: map[string]int64{"a": 3}}
		if withFlows {
			c.Flows = &flow.State{Vt: vals(1234, 2), Vp: vals(1300, 3), Stale: true, Models: map[string][]byte{"m": {1, 2}}}
		}
		var buf bytes.Buffer
		if err := writeCheckpointTo(&buf, c); err != nil {
			t.Fatal(err)
		}
		b := buf.Bytes()
		if !strings.HasPrefix(string(b), checkpointMagic) {
			t.Fatalf("the file does not start with %q", checkpointMagic)
		}
		got, err := decodeCheckpoint(b)
		if err != nil {
			t.Fatalf("flows %v: %v", withFlows, err)
		}
		if got.Version != checkpointVersion || got.Time != c.Time || got.Step != c.Step || got.FileSizes["a"] != 3 {
			t.Fatalf("flows %v: header %+v", withFlows, got)
		}
		same("F", got.F, c.F)
		if withFlows {
			same("Vt", got.Flows.Vt, c.Flows.Vt)
			same("Vp", got.Flows.Vp, c.Flows.Vp)
			if !got.Flows.Stale || len(got.Flows.Models["m"]) != 2 {
				t.Fatalf("flow state %+v", got.Flows)
			}
		} else if got.Flows != nil {
			t.Fatal("flows appeared")
		}
		if c.F == nil || (withFlows && c.Flows.Vt == nil) {
			t.Fatal("writing changed the checkpoint it wrote")
		}
		for _, cut := range []int{0, 5, len(checkpointMagic) + 4, len(checkpointMagic) + 20, len(b) / 2, len(b) - 8, len(b) - 1} {
			if _, err := decodeCheckpoint(b[:cut]); err == nil {
				t.Errorf("flows %v: a file cut at %d of %d bytes was read", withFlows, cut, len(b))
			}
		}
		if _, err := decodeCheckpoint(append(append([]byte(nil), b...), 0, 0, 0, 0, 0, 0, 0, 0)); err == nil {
			t.Errorf("flows %v: a file with 8 bytes added was read", withFlows)
		}
	}
	// A version-2 checkpoint: gob from the first byte.
	var old bytes.Buffer
	if err := gob.NewEncoder(&old).Encode(&checkpoint{Version: 2, F: []float64{1, 2}}); err != nil {
		t.Fatal(err)
	}
	c, err := decodeCheckpoint(old.Bytes())
	if err != nil || c.Version != 2 {
		t.Fatalf("version-2 checkpoint: version %v, error %v", c, err)
	}
}
