// Package datadir finds the data the project keeps beside its checkout
// (never inside it): HipFT's testsuite and the real HMI maps. It has no
// dependencies so that any package's tests can use it.
package datadir

import (
	"os"
	"path/filepath"
)

// Testsuite returns HipFT's testsuite folder: $GOFT_HIPFT_TESTSUITE, or
// ../shared/hipft-testsuite relative to the module root (found by walking
// up from the working directory to go.mod). ok is false when it is absent.
func Testsuite() (dir string, ok bool) {
	return find("GOFT_HIPFT_TESTSUITE", "hipft-testsuite")
}

// Maps returns the folder of the real 1024x512 maps: $GOFT_MAPS, or
// ../shared/maps relative to the module root. ok is false when it is
// absent.
func Maps() (dir string, ok bool) { return find("GOFT_MAPS", "maps") }

func find(env, name string) (string, bool) {
	dir := os.Getenv(env)
	if dir == "" {
		root, ok := moduleRoot()
		if !ok {
			return "", false
		}
		dir = filepath.Join(root, "..", "shared", name)
	}
	fi, err := os.Stat(dir)
	return dir, err == nil && fi.IsDir()
}

func moduleRoot() (string, bool) {
	d, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}
