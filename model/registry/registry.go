// Package registry maps names to factories, so that physics components
// (flow models, source terms) are chosen by name and users can add their
// own next to the built-ins. A Registry is a value passed to the run, not
// global state.
package registry

import (
	"fmt"
	"sort"
)

// Registry maps names to factories that make a T from a setup S. It is not
// safe for concurrent mutation; fill it before the run starts.
type Registry[S, T any] struct {
	kind      string // what is registered, for messages ("flow model")
	factories map[string]func(S) (T, error)
}

// New returns an empty registry of kind (used in error messages).
func New[S, T any](kind string) *Registry[S, T] {
	return &Registry[S, T]{kind: kind, factories: map[string]func(S) (T, error){}}
}

// Register adds a factory under name. Registering a name twice is an error.
func (r *Registry[S, T]) Register(name string, f func(S) (T, error)) error {
	if name == "" || f == nil {
		return fmt.Errorf("registering a %s needs a name and a factory", r.kind)
	}
	if _, dup := r.factories[name]; dup {
		return fmt.Errorf("%s %q is already registered", r.kind, name)
	}
	r.factories[name] = f
	return nil
}

// MustRegister is Register that panics on error, for use at start-up.
func (r *Registry[S, T]) MustRegister(name string, f func(S) (T, error)) {
	if err := r.Register(name, f); err != nil {
		panic(err)
	}
}

// New creates the item registered under name.
func (r *Registry[S, T]) New(name string, s S) (T, error) {
	f, ok := r.factories[name]
	if !ok {
		var zero T
		return zero, fmt.Errorf("unknown %s %q (registered: %v)", r.kind, name, r.Names())
	}
	return f(s)
}

// Names returns the registered names in sorted order.
func (r *Registry[S, T]) Names() []string {
	names := make([]string, 0, len(r.factories))
	for n := range r.factories {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
