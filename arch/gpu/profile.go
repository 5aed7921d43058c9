package gpu

import (
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"
)

// profile times every kernel launch with CUDA events (each launch is then
// waited for, so a profiled run is slower) and, when the backend closes,
// writes per-kernel time and achieved bandwidth against the device's
// device-to-device copy bandwidth. Enabled by Options.Profile
// ($GOFT_GPU_PROFILE): "1" or "stderr" writes to stderr, anything else
// names a file.
type profile struct {
	dest  string
	stats map[string]*kernelStat
}

type kernelStat struct {
	calls   int
	seconds float64
	bytes   float64
}

func newProfile(dest string) *profile { return &profile{dest: dest, stats: map[string]*kernelStat{}} }

func (p *profile) start(cu *cudaAPI) [2]uintptr {
	var ev [2]uintptr
	for i := range ev {
		if cu.cuEventCreate(&ev[i], 0) != 0 {
			return [2]uintptr{}
		}
	}
	cu.cuEventRecord(ev[0], 0)
	return ev
}

func (p *profile) stop(cu *cudaAPI, ev [2]uintptr, name string, bytes float64) error {
	if ev[0] == 0 {
		return nil
	}
	defer cu.cuEventDestroy(ev[0])
	defer cu.cuEventDestroy(ev[1])
	if err := cu.check("cuEventRecord", cu.cuEventRecord(ev[1], 0)); err != nil {
		return err
	}
	if err := cu.check("cuEventSynchronize", cu.cuEventSynchronize(ev[1])); err != nil {
		return err
	}
	var ms float32
	if err := cu.check("cuEventElapsedTime", cu.cuEventElapsedTime(&ms, ev[0], ev[1])); err != nil {
		return err
	}
	s := p.stats[name]
	if s == nil {
		s = &kernelStat{}
		p.stats[name] = s
	}
	s.calls++
	s.seconds += float64(ms) / 1e3
	s.bytes += bytes
	return nil
}

// copyBandwidth times device-to-device copies of a 1 GiB buffer (or a
// quarter of the device's memory if smaller) and returns bytes read plus
// written per second.
func copyBandwidth(d *cudaDevice) (float64, error) {
	size := 1 << 30
	if q := int(d.inf.MemBytes / 4); q < size {
		size = q
	}
	a, err := d.alloc(size)
	if err != nil {
		return 0, err
	}
	defer d.free(a)
	b, err := d.alloc(size)
	if err != nil {
		return 0, err
	}
	defer d.free(b)
	cu := d.cu
	if err := d.dtod(b, a, size); err != nil { // warm-up
		return 0, err
	}
	var ev [2]uintptr
	for i := range ev {
		if err := cu.check("cuEventCreate", cu.cuEventCreate(&ev[i], 0)); err != nil {
			return 0, err
		}
		defer cu.cuEventDestroy(ev[i])
	}
	const reps = 10
	cu.cuEventRecord(ev[0], 0)
	for i := 0; i < reps; i++ {
		if err := d.dtod(b, a, size); err != nil {
			return 0, err
		}
	}
	cu.cuEventRecord(ev[1], 0)
	if err := cu.check("cuEventSynchronize", cu.cuEventSynchronize(ev[1])); err != nil {
		return 0, err
	}
	var ms float32
	if err := cu.check("cuEventElapsedTime", cu.cuEventElapsedTime(&ms, ev[0], ev[1])); err != nil {
		return 0, err
	}
	return 2 * float64(size) * reps / (float64(ms) / 1e3), nil
}

// report writes the per-kernel table (called on the device thread).
func (p *profile) report(d *cudaDevice) {
	var w io.Writer = os.Stderr
	if p.dest != "1" && p.dest != "stderr" {
		f, err := os.Create(p.dest)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gpu: profile: %v\n", err)
			return
		}
		defer f.Close()
		w = f
	}
	bw, err := copyBandwidth(d)
	fmt.Fprintf(w, "# goft GPU kernel profile: %s\n", d.inf.String())
	if err != nil {
		fmt.Fprintf(w, "# copy bandwidth: %v\n", err)
	} else {
		fmt.Fprintf(w, "# device-to-device copy bandwidth (read+write): %.0f GB/s\n", bw/1e9)
	}
	names := make([]string, 0, len(p.stats))
	total := 0.0
	for n, s := range p.stats {
		names = append(names, n)
		total += s.seconds
	}
	sort.Slice(names, func(i, j int) bool { return p.stats[names[i]].seconds > p.stats[names[j]].seconds })
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kernel\tcalls\ttotal ms\tus/call\tshare\tGB/s\tof copy\t")
	for _, n := range names {
		s := p.stats[n]
		gbs := s.bytes / s.seconds / 1e9
		frac := "-"
		if err == nil && s.bytes > 0 {
			frac = fmt.Sprintf("%.0f%%", 100*s.bytes/s.seconds/bw)
		}
		g := "-"
		if s.bytes > 0 {
			g = fmt.Sprintf("%.0f", gbs)
		}
		fmt.Fprintf(tw, "%s\t%d\t%.2f\t%.1f\t%.1f%%\t%s\t%s\t\n", n, s.calls, s.seconds*1e3, s.seconds/float64(s.calls)*1e6, 100*s.seconds/total, g, frac)
	}
	fmt.Fprintf(tw, "total\t\t%.2f\t\t\t\t\t\n", total*1e3)
	tw.Flush()
}
