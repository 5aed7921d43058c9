package output

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Timing accumulates wall-clock time per phase of a run, as HipFT's
// hipft_timing.out reports it.
type Timing struct {
	// Total is the whole run; Setup, Update (flows, source updates and the time step),
	// DataAssim, FluxTransport (advection, diffusion and sources together),
	// Analysis (history statistics) and IO are its phases, as HipFT names
	// them; Advection, Diffusion and Source split FluxTransport.
	Total, Setup, Update, DataAssim, FluxTransport time.Duration
	Advection, Diffusion, Source, Analysis, IO     time.Duration
}

func (t *Timing) rows() []struct {
	detail, summary string
	d               time.Duration
} {
	return []struct {
		detail, summary string
		d               time.Duration
	}{
		{"Wall clock time:   ", "Wall clock time:        ", t.Total},
		{"--> Setup:         ", "--> Setup:              ", t.Setup},
		{"--> Update:        ", "--> Update:             ", t.Update},
		{"--> Data Assim:    ", "--> Data Assimilation:  ", t.DataAssim},
		{"--> Flux transport:", "--> Flux transport:     ", t.FluxTransport},
		{"    --> Advecton:  ", "    --> Advecton:       ", t.Advection},
		{"    --> Diffusion  ", "    --> Diffusion       ", t.Diffusion},
		{"    --> Source:    ", "    --> Source:         ", t.Source},
		{"--> Analysis:      ", "--> Analysis:           ", t.Analysis},
		{"--> I/O:           ", "--> I/O:                ", t.IO},
		{"--> MPI overhead:  ", "--> MPI overhead:       ", 0},
	}
}

var rule = strings.Repeat("-", 40)

// WriteSummary writes HipFT's "Run time summary" block (one process: the
// average, minimum and maximum are equal and the deviation is 0).
func (t *Timing) WriteSummary(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, " Run time summary:\n -----------------\n \n")
	fmt.Fprintf(&b, "%34s%s\n", "", "Avg         Min         Max      S. Dev")
	fmt.Fprintf(&b, "%34s%s\n", "", "---         ---         ---      ------")
	for _, r := range t.rows() {
		s := r.d.Seconds()
		fmt.Fprintf(&b, " %s%12.3f%12.3f%12.3f%12.3f\n", r.summary, s, s, s, 0.0)
	}
	fmt.Fprintf(&b, " \n%s\n \n", rule)
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteFile writes the contents of hipft_timing.out.
func (t *Timing) WriteFile(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n \n Processor id = %12d\n \n%s\n", rule, 0, rule)
	for i, r := range t.rows() {
		fmt.Fprintf(&b, " %s%20.2f\n", r.detail, r.d.Seconds())
		if i == 0 {
			fmt.Fprintf(&b, "%s\n", rule)
		}
	}
	fmt.Fprintf(&b, "%s\n \n", rule)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return t.WriteSummary(w)
}
