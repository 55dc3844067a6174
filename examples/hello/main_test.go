package main

import (
	"strings"
	"testing"

	"github.com/evloop/evloop/backends"
	"github.com/evloop/evloop/timers"
)

func TestHello(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatalf("run() = %v", err)
	}
	want := "Hello World\n(backend " + backends.Default() + ", timers " + timers.Default() + ")\n"
	if out.String() != want {
		t.Errorf("output %q; want %q", out.String(), want)
	}
}
