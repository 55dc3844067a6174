//go:build unix

package main

import (
	"github.com/evloop/evloop/backends"
	"strings"
	"testing"
)

func TestHello(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatalf("run() = %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"timer: 10ms", "timer: 20ms", "read \"hello, world\"", "timer: 50ms, stopping", "done: selector " + backends.Default() + ", 0 timers left"}
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s\nwant %d lines", out.String(), len(want))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %q; want it to contain %q", i+1, lines[i], w)
		}
	}
}
