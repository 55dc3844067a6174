// Command names prints the backends this platform has and this process may
// open, one per line, for scripts such as .ci/run. A backend the kernel
// refuses (io_uring where it is disabled) is left out, and why is said on
// standard error.
package main

import (
	"fmt"
	"os"

	"github.com/evloop/evloop/backends"
)

func main() {
	for _, name := range backends.Names() {
		s, err := backends.New(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "names: leaving out %s: %v\n", name, err)
			continue
		}
		s.Close()
		fmt.Println(name)
	}
}
