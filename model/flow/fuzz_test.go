package flow

import (
	"bytes"
	"testing"
)

// FuzzParseList checks that no flow list file makes the reader panic.
func FuzzParseList(f *testing.F) {
	f.Add([]byte("time,vt,vp\n    0.00000,vt000001.h5,vp000001.h5\n    0.02083,vt000002.h5,vp000002.h5\n"))
	f.Add([]byte("header\n0.00000,vt000001.h5,vp000001.h5\n\n"))
	f.Add([]byte("h\n   -1.00000,vt000001.h5,vp000001.h5\n    nan    ,vt000002.h5,vp000002.h5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseList(bytes.NewReader(data), "fuzz.list")
	})
}
