package input

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/goft-sft/goft/format/fortranfmt"
)

// WriteUsed writes hipft_run_parameters_used.out: the parameters as a
// namelist in the style of gfortran's namelist output (HipFT 1.19.3 writes
// it after processing, before the validation-run flow overrides):
// "&HIPFT_INPUT_PARAMETERS", then one " NAME=value," line per parameter
// in namelist order with uppercase names, then " /". Integers are I11
// (I20 for integer(8)), logicals T/F, strings double-quoted (not padded
// to 512 characters, unlike gfortran), reals in gfortran's list format
// (17 significant digits, see fortranfmt.FormatListReal). Per-realization
// arrays are written for their current length (NRealizations after
// Process), with runs of equal values as "n*value". The output is itself
// valid input and reads back to the same values.
func (p *Params) WriteUsed(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "&"+strings.ToUpper(GroupName))
	for _, par := range append(p.table(), p.usedExtensions()...) {
		name := " " + strings.ToUpper(par.name) + "="
		switch v := par.ptr.(type) {
		case *int:
			fmt.Fprintf(bw, "%s%s,\n", name, fortranfmt.FormatI(int64(*v), 11))
		case *int64:
			fmt.Fprintf(bw, "%s%s,\n", name, fortranfmt.FormatI(*v, 20))
		case *float64:
			fmt.Fprintf(bw, "%s%s,\n", name, fortranfmt.FormatListReal(*v))
		case *bool:
			fmt.Fprintf(bw, "%s%s,\n", name, map[bool]string{true: "T", false: "F"}[*v])
		case *string:
			fmt.Fprintf(bw, "%s\"%s\",\n", name, strings.ReplaceAll(*v, `"`, `""`))
		case *[]float64:
			s := *v
			indent := strings.Repeat(" ", len(name))
			for i := 0; i < len(s); {
				j := i + 1
				for j < len(s) && s[j] == s[i] {
					j++
				}
				item := fortranfmt.FormatListReal(s[i])
				if j-i > 1 {
					item = fmt.Sprintf(" %d*%s", j-i, strings.TrimLeft(item, " "))
				}
				prefix := indent
				if i == 0 {
					prefix = name
				}
				fmt.Fprintf(bw, "%s%s,\n", prefix, item)
				i = j
			}
			if len(s) == 0 {
				fmt.Fprintf(bw, "%s\n", name)
			}
		}
	}
	fmt.Fprintln(bw, " /")
	return bw.Flush()
}

// realizationColumns are the headers of hipft_realization_parameters.out.
var realizationColumns = []string{
	"realization_number",
	"assimilate_data_lat_limits",
	"assimilate_data_mu_powers",
	"assimilate_data_mu_limits",
	"flow_dr_coef_p0_values",
	"flow_dr_coef_p2_values",
	"flow_dr_coef_p4_values",
	"flow_mf_coef_p1_values",
	"flow_mf_coef_p3_values",
	"flow_mf_coef_p5_values",
	"flow_attenuate_values",
	"diffusion_coef_constants",
	"source_rfe_total_unsigned_flux_per_hours",
}

// WriteRealizationTable writes hipft_realization_parameters.out in the
// HipFT 1.19.3 format: a header of 13 names, each right-justified in 41
// characters, then one row per realization i = 1..NRealizations: i as I41,
// then for each of the 12 per-realization values a blank and the value as
// 1pe40.16e3, then a trailing blank. Call it after Process (HipFT writes
// this file only when n_realizations > 1; that choice is the caller's).
func (p *Params) WriteRealizationTable(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, c := range realizationColumns {
		fmt.Fprintf(bw, "%41s", c)
	}
	fmt.Fprintln(bw)
	cols := [][]float64{
		p.AssimilateDataLatLimits, p.AssimilateDataMuPowers, p.AssimilateDataMuLimits,
		p.FlowDrCoefP0Values, p.FlowDrCoefP2Values, p.FlowDrCoefP4Values,
		p.FlowMfCoefP1Values, p.FlowMfCoefP3Values, p.FlowMfCoefP5Values,
		p.FlowAttenuateValues, p.DiffusionCoefConstants, p.SourceRfeTotalUnsignedFluxPerHours,
	}
	for i := 0; i < p.NRealizations; i++ {
		bw.WriteString(fortranfmt.FormatI(int64(i+1), 41))
		for _, c := range cols {
			if i >= len(c) {
				return fmt.Errorf("realization table: per-realization arrays have fewer than n_realizations = %d elements (call Process first)", p.NRealizations)
			}
			bw.WriteString(" ")
			bw.WriteString(fortranfmt.FormatE(c[i], 16, 3, 40))
		}
		bw.WriteString(" \n")
	}
	return bw.Flush()
}
