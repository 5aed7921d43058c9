package oft

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestOFTDefaultYAML loads OFT's own rsrc/default.yaml (from a checkout of
// predsci/OFT named by GOFT_OFT_DIR; skipped without one) as a user file:
// every key is known and the values are goft's defaults (its lists paired
// with themselves, as oftswa.py's sweep1d merge pairs them).
func TestOFTDefaultYAML(t *testing.T) {
	dir := os.Getenv("GOFT_OFT_DIR")
	if dir == "" {
		t.Skip("set GOFT_OFT_DIR to a checkout of predsci/OFT to load its rsrc/default.yaml")
	}
	c, err := Load(filepath.Join(dir, "rsrc", "default.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	for k, v := range d.HipFT.RealizationParameters {
		want := Values{Default: v.List, List: v.List, Pair: true}
		if got := c.HipFT.RealizationParameters[k]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v, want %+v", k, got, want)
		}
	}
	c.HipFT.RealizationParameters = d.HipFT.RealizationParameters
	if !reflect.DeepEqual(*c, d) {
		t.Errorf("OFT's default.yaml reads as\n%+v\nwant goft's defaults\n%+v", *c, d)
	}
}
