//go:build !amd64 || noasm

package flow

// attenuationVector has no vector form here: it does no points.
func attenuationVector(t, f []float64, inv float64) int { return 0 }
