package main

import (
	"strings"
	"testing"

	"github.com/evloop/evloop/loop"
)

func TestTimers(t *testing.T) {
	var out strings.Builder
	if err := run(&out, &loop.Options{Clock: loop.NewVirtualClock(0)}); err != nil {
		t.Fatalf("run() = %v", err)
	}
	want := `cancelled "never" before it was due
first   due at 100ms, 0s late
second  due at 200ms, 0s late
third   due at 300ms, 0s late
`
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
