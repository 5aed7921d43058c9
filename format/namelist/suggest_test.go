package namelist

import "testing"

func TestClosest(t *testing.T) {
	known := []string{"diffusion_coef_constant", "time_end", "res_np", "n_long"}
	for _, c := range []struct{ name, want string }{
		{"difusion_coef_constant", "diffusion_coef_constant"},
		{"time_ned", "time_end"},
		{"res_nt", "res_np"},
		{"something_else_entirely", ""},
		{"n_lon", "n_long"},
	} {
		if got := Closest(c.name, known); got != c.want {
			t.Errorf("Closest(%q) = %q, want %q", c.name, got, c.want)
		}
	}
}
