package registry

import (
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	r := New[int, string]("widget")
	if err := r.Register("double", func(n int) (string, error) { return strings.Repeat("x", 2*n), nil }); err != nil {
		t.Fatal(err)
	}
	if err := r.Register("double", func(int) (string, error) { return "", nil }); err == nil {
		t.Error("duplicate name accepted")
	}
	if err := r.Register("", nil); err == nil {
		t.Error("empty registration accepted")
	}
	if got, err := r.New("double", 2); err != nil || got != "xxxx" {
		t.Errorf("New = %q, %v", got, err)
	}
	if _, err := r.New("triple", 1); err == nil || !strings.Contains(err.Error(), `unknown widget "triple"`) || !strings.Contains(err.Error(), "double") {
		t.Errorf("unknown name: %v", err)
	}
}
