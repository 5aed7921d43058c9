package namelist

import (
	"errors"
	"testing"
)

func TestParamErrors(t *testing.T) {
	l := ParamErrors{
		{File: "hipft.in", Line: 3, Param: "res_nt", Msg: "res_nt = 0: give at least 3"},
		{Msg: "time_end is before time_start"},
	}
	want := "hipft.in:3: res_nt = 0: give at least 3\ninput: time_end is before time_start"
	if l.Error() != want {
		t.Errorf("%q, want %q", l.Error(), want)
	}
	var pe *ParamError
	if !errors.As(error(l), &pe) || pe.Param != "res_nt" {
		t.Errorf("errors.As: %v", pe)
	}
}
