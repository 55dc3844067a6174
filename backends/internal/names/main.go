// Command names prints the backends this platform has, one per line, for
// scripts such as .ci/run.
package main

import (
	"fmt"

	"github.com/evloop/evloop/backends"
)

func main() {
	for _, name := range backends.Names() {
		fmt.Println(name)
	}
}
