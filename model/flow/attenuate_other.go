//go:build !amd64 || noasm

package flow

// attenuationVector has no vector form here: it does no points.
func attenuationVector(t, f []float64, inv float64) int { return 0 }

// selectScaledVector has no vector form here: it does no points.
func selectScaledVector(out, s, a, b, x, y []float64) int { return 0 }
