package gpu

import (
	"embed"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// The CUDA C sources of the kernels, compiled at run time by NVRTC for the
// device found.
//
//go:embed kernels/*.cuh kernels/*.cu
var kernelFS embed.FS

// kernelSource returns the program NVRTC compiles: common.cuh, then every
// .cu file in name order.
func kernelSource() string {
	var b strings.Builder
	common, err := kernelFS.ReadFile("kernels/common.cuh")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	b.Write(common)
	ents, _ := kernelFS.ReadDir("kernels")
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".cu") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		src, _ := kernelFS.ReadFile("kernels/" + n)
		fmt.Fprintf(&b, "\n// ---- %s ----\n", n)
		b.Write(src)
	}
	return b.String()
}

// Parameter kinds of a kernel, one letter per parameter: 'g' the Geo
// struct, 'p' a device pointer, 'd' a double, 'i' a 64-bit integer. Every
// kind occupies one 8-byte slot (Geo is passed by address).
var (
	kernelSigOnce sync.Once
	kernelSigs    map[string]string
	kernelSigErr  error
)

var kernelRE = regexp.MustCompile(`extern "C" __global__ void (\w+)\(([^)]*)\)`)

// kernelSignatures parses the parameter kinds of every kernel in the
// embedded source, so that each launch is checked against the kernel's
// declaration before it reaches the driver.
func kernelSignatures() (map[string]string, error) {
	kernelSigOnce.Do(func() {
		kernelSigs, kernelSigErr = parseSignatures(kernelSource())
	})
	return kernelSigs, kernelSigErr
}

func parseSignatures(src string) (map[string]string, error) {
	sigs := map[string]string{}
	for _, m := range kernelRE.FindAllStringSubmatch(src, -1) {
		var kinds []byte
		for _, p := range strings.Split(m[2], ",") {
			p = strings.Join(strings.Fields(p), " ")
			switch {
			case p == "":
				continue
			case strings.HasPrefix(p, "Geo "):
				kinds = append(kinds, 'g')
			case strings.Contains(p, "*"):
				kinds = append(kinds, 'p')
			case strings.HasPrefix(p, "double "):
				kinds = append(kinds, 'd')
			case strings.HasPrefix(p, "long long ") || strings.HasPrefix(p, "unsigned long long "):
				kinds = append(kinds, 'i')
			default:
				return nil, fmt.Errorf("kernel %s: parameter %q is not 8 bytes (use long long, double, a pointer or Geo)", m[1], p)
			}
		}
		if _, dup := sigs[m[1]]; dup {
			return nil, fmt.Errorf("kernel %s is defined twice", m[1])
		}
		sigs[m[1]] = string(kinds)
	}
	return sigs, nil
}

// geoFields are the fields of the kernels' Geo struct (common.cuh), in
// order; geoPack fills them.
var geoFields = []string{"ntm", "nt", "npm", "np", "nr",
	"dth_half_inv", "dth_inv", "dph_half_inv", "dph_inv", "dph", "st_inv", "sth"}

// geo is the packed Geo struct, passed to kernels by address; it must stay
// pinned while the backend lives.
type geo [12]uint64
