package backends_test

import (
	"errors"
	"fmt"
	"log"
	"slices"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends"
	"github.com/evloop/evloop/loop"
)

// Choose a backend by name and give it to a loop; the loop owns it from
// then on. An unknown name lists the ones that exist.
func ExampleNew() {
	s, err := backends.New("poll")
	if err != nil {
		log.Fatal(err)
	}
	l, err := loop.New(&loop.Options{Selector: s})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	fmt.Println(l.Backend())

	_, err = backends.New("bogus")
	fmt.Println(errors.Is(err, api.ErrUnknown))
	// Output:
	// poll
	// true
}

func ExampleNames() {
	// Every Unix has poll and select; the first name is the platform's
	// preference (epoll on Linux, kqueue on macOS and the BSDs).
	names := backends.Names()
	fmt.Println(slices.Contains(names, "poll"), slices.Contains(names, "select"))
	// Output: true true
}
