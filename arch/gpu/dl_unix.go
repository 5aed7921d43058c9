//go:build !windows

package gpu

import "github.com/ebitengine/purego"

// dlopen loads the shared library at path (a file name alone is looked
// up on the loader's path) with its symbols resolved now and global.
func dlopen(path string) (uintptr, error) {
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_GLOBAL)
}

// dlsym returns the address of the function name in the library h.
func dlsym(h uintptr, name string) (uintptr, error) { return purego.Dlsym(h, name) }
