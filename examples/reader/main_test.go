//go:build unix

package main

import (
	"strings"
	"testing"
)

func TestReader(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatalf("run() = %v", err)
	}
	want := "Received: \"hello\"\nReceived: \"world\"\nPeer closed\n"
	if out.String() != want {
		t.Errorf("output %q; want %q", out.String(), want)
	}
}
