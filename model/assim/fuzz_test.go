package assim

import (
	"bytes"
	"testing"
)

// FuzzParseList checks that no assimilation list makes the reader panic.
func FuzzParseList(f *testing.F) {
	f.Add([]byte("obs_datetime_utc,obs_datetime_utc,obs_jd,path\n2024-03-01T00:00:00,2024-03-01T00:00:00,2460370.50000,maps/a.h5\n2024-03-01T06:00:00,2024-03-01T06:00:00,2460370.75000,maps/b.h5\n"))
	f.Add([]byte("h\n2024-03-01T00:00:00,2024-03-01T00:00:00,    nan      ,x\n\n"))
	f.Add([]byte("h\nshort\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseList(bytes.NewReader(data), "fuzz.csv")
	})
}
