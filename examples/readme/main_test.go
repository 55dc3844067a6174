//go:build unix

package main

import (
	"os"
	"strings"
	"testing"
)

func TestRuns(t *testing.T) {
	if err := callbacks(); err != nil {
		t.Fatal(err)
	}
	if err := tasks(); err != nil {
		t.Fatal(err)
	}
}

// TestREADME checks that every Go block of the README's short example is
// code from this program, so that the README shows code that compiles.
func TestREADME(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	start := strings.Index(section, "## A short example")
	if start < 0 {
		t.Fatal("README has no short example section")
	}
	section = section[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	blocks := strings.Split(section, "```go\n")[1:]
	if len(blocks) == 0 {
		t.Fatal("README's short example has no Go block")
	}
	for _, b := range blocks {
		code := b[:strings.Index(b, "```")]
		for _, line := range strings.Split(strings.TrimSpace(code), "\n") {
			if !strings.Contains(string(src), strings.TrimSpace(line)) {
				t.Errorf("README line %q is not in examples/readme/main.go", line)
			}
		}
	}
}
