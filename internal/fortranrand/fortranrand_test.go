package fortranrand

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestMatchesGfortran replays testdata/gfortran.txt: gfortran 12.2's
// RANDOM_SEED and RANDOM_NUMBER, bit for bit.
func TestMatchesGfortran(t *testing.T) {
	f, err := os.Open("testdata/gfortran.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var g *Generator
	drawn, checked := 0, 0
	bitsOf := func(s string) uint64 {
		t.Helper()
		v, err := strconv.ParseUint(s, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ints := func(s string) (out [SeedSize]int32) {
		t.Helper()
		parts := strings.Split(s, ",")
		if len(parts) != SeedSize {
			t.Fatalf("seed %q: want %d integers", s, SeedSize)
		}
		for i, p := range parts {
			v, err := strconv.ParseInt(p, 10, 32)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = int32(v)
		}
		return out
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		var values []string
		switch fields[0] {
		case "fill":
			s, err := strconv.ParseInt(fields[1], 10, 32)
			if err != nil {
				t.Fatal(err)
			}
			g, drawn, values = Fill(int32(s)), 0, fields[2:]
		case "put":
			g, drawn, values = Put(ints(fields[1])), 0, fields[2:]
		case "get":
			if got, want := g.Get(), ints(fields[1]); got != want {
				t.Errorf("RANDOM_SEED(GET=) after %d draws: %v, gfortran %v", drawn, got, want)
			}
			checked++
			continue
		case "draw":
			n, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatal(err)
			}
			var u float64
			for ; drawn < n; drawn++ {
				u = g.Float64()
			}
			if got, want := math.Float64bits(u), bitsOf(fields[2]); got != want {
				t.Errorf("draw %d: %016X, gfortran %016X", n, got, want)
			}
			checked++
			continue
		default:
			t.Fatalf("unknown line %q", sc.Text())
		}
		for i, v := range values {
			u := g.Float64()
			drawn++
			if got, want := math.Float64bits(u), bitsOf(v); got != want {
				t.Errorf("%s %s, number %d: %016X (%v), gfortran %016X (%v)", fields[0], fields[1], i+1, got, u, want, math.Float64frombits(want))
			}
			checked++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if checked < 40 {
		t.Fatalf("checked only %d values", checked)
	}
}

func TestFloat64Range(t *testing.T) {
	g := Fill(12345)
	for i := 0; i < 100000; i++ {
		u := g.Float64()
		if !(u >= 0 && u < 1) || u != math.Ldexp(math.Floor(math.Ldexp(u, 53)), -53) {
			t.Fatalf("draw %d: %v is not in [0, 1) on the 2^-53 grid", i, u)
		}
	}
}

func TestStateRoundTrip(t *testing.T) {
	g := Fill(-9)
	for i := 0; i < 17; i++ {
		g.Float64()
	}
	b, err := g.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var h Generator
	if err := h.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	p := Put(g.Get())
	for i := 0; i < 100; i++ {
		want := g.Uint64()
		if got := h.Uint64(); got != want {
			t.Fatalf("restored state, output %d: %x, want %x", i, got, want)
		}
		if got := p.Uint64(); got != want {
			t.Fatalf("Put(Get()), output %d: %x, want %x", i, got, want)
		}
	}
	for _, bad := range [][]byte{nil, make([]byte, 31), make([]byte, 32)} {
		if err := h.UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary(%d bytes %v) accepted", len(bad), bad)
		}
	}
	z := FromState([4]uint64{})
	if a, b := z.Uint64(), z.Uint64(); a == 0 && b == 0 {
		t.Error("FromState of zeros gives a stuck generator")
	}
}
