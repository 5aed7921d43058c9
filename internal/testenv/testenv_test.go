package testenv

import "testing"

func TestLong(t *testing.T) {
	for _, c := range []struct {
		value string
		want  bool
	}{{"", false}, {"0", false}, {"yes", false}, {"1", true}} {
		t.Setenv(LongVar, c.value)
		if got := Long(); got != c.want {
			t.Errorf("%s=%q: Long() = %v, want %v", LongVar, c.value, got, c.want)
		}
	}
}

func TestSkipUnlessLong(t *testing.T) {
	t.Setenv(LongVar, "")
	ran := false
	t.Run("short", func(t *testing.T) {
		SkipUnlessLong(t, "a test")
		ran = true
	})
	if ran {
		t.Error("SkipUnlessLong did not skip with the variable unset")
	}
	t.Setenv(LongVar, "1")
	t.Run("long", func(t *testing.T) {
		SkipUnlessLong(t, "a test")
		ran = true
	})
	if !ran {
		t.Error("SkipUnlessLong skipped with the variable set")
	}
}
