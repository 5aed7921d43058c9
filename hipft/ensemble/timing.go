package ensemble

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// timingRows are the rows of hipft_timing.out in file order: the label of
// the per-processor block (a20) and of the run time summary.
var timingRows = []struct{ detail, summary string }{
	{"Wall clock time:   ", "Wall clock time:        "},
	{"--> Setup:         ", "--> Setup:              "},
	{"--> Update:        ", "--> Update:             "},
	{"--> Data Assim:    ", "--> Data Assimilation:  "},
	{"--> Flux transport:", "--> Flux transport:     "},
	{"    --> Advecton:  ", "    --> Advecton:       "},
	{"    --> Diffusion  ", "    --> Diffusion       "},
	{"    --> Source:    ", "    --> Source:         "},
	{"--> Analysis:      ", "--> Analysis:           "},
	{"--> I/O:           ", "--> I/O:                "},
	{"--> MPI overhead:  ", "--> MPI overhead:       "},
}

// PartTiming is one process's hipft_timing.out: the seconds of each row of
// its per-processor block (as printed, 2 decimals) and of its run time
// summary average (3 decimals), in the order of HipFT's file.
type PartTiming struct {
	Detail, Summary [11]float64 // seconds
}

// ReadPartTiming parses a one-processor hipft_timing.out as goft run
// writes it (output.Timing.WriteFile).
func ReadPartTiming(path string) (*PartTiming, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &PartTiming{}
	var nd, ns int
	inSummary := false
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimPrefix(sc.Text(), " ")
		if strings.HasPrefix(s, "Run time summary:") {
			inSummary = true
			continue
		}
		rows := nd
		if inSummary {
			rows = ns
		}
		if rows >= len(timingRows) {
			continue
		}
		label := timingRows[rows].detail
		if inSummary {
			label = timingRows[rows].summary
		}
		if !strings.HasPrefix(s, label) {
			continue
		}
		fields := strings.Fields(s[len(label):])
		if len(fields) == 0 {
			return nil, fmt.Errorf("%s:%d: no time after %q", path, line, strings.TrimSpace(label))
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %q is not a time in seconds", path, line, fields[0])
		}
		if inSummary {
			t.Summary[ns] = v
			ns++
		} else {
			t.Detail[nd] = v
			nd++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if nd != len(timingRows) || ns != len(timingRows) {
		return nil, fmt.Errorf("%s is not a complete goft timing file (found %d of %d per-processor rows and %d of %d summary rows); rerun that process",
			path, nd, len(timingRows), ns, len(timingRows))
	}
	return t, nil
}

// WriteTiming writes HipFT's hipft_timing.out for a run of len(parts)
// processes: a block per processor ("Processor id = N", ranks 0-based) and
// the run time summary with the average, minimum, maximum and (population)
// standard deviation over processors, as HipFT's write_timing does.
func WriteTiming(w io.Writer, parts []*PartTiming) error {
	rule := strings.Repeat("-", 40)
	var b strings.Builder
	for id, p := range parts {
		fmt.Fprintf(&b, "%s\n \n Processor id = %12d\n \n%s\n", rule, id, rule)
		for i, r := range timingRows {
			fmt.Fprintf(&b, " %s%20.2f\n", r.detail, p.Detail[i])
			if i == 0 {
				fmt.Fprintf(&b, "%s\n", rule)
			}
		}
		fmt.Fprintf(&b, "%s\n \n", rule)
	}
	fmt.Fprintf(&b, " Run time summary:\n -----------------\n \n")
	fmt.Fprintf(&b, "%34s%s\n", "", "Avg         Min         Max      S. Dev")
	fmt.Fprintf(&b, "%34s%s\n", "", "---         ---         ---      ------")
	n := float64(len(parts))
	for i, r := range timingRows {
		sum, lo, hi := 0.0, math.Inf(1), math.Inf(-1)
		for _, p := range parts {
			v := p.Summary[i]
			sum += v
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		avg := sum / n
		sd := 0.0
		for _, p := range parts {
			sd += (p.Summary[i] - avg) * (p.Summary[i] - avg)
		}
		sd = math.Sqrt(sd / n)
		fmt.Fprintf(&b, " %s%12.3f%12.3f%12.3f%12.3f\n", r.summary, avg, lo, hi, sd)
	}
	fmt.Fprintf(&b, " \n%s\n \n", rule)
	_, err := io.WriteString(w, b.String())
	return err
}
