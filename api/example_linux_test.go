package api_test

import (
	"fmt"
	"log"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends"
)

func ExampleModes() {
	for _, name := range []string{"epoll", "poll"} {
		s, err := backends.New(name)
		if err != nil {
			log.Fatal(err)
		}
		// Ask before registering with a mode: a selector that does not
		// declare it refuses it with api.ErrInterest.
		fmt.Printf("%s: edge-triggered %v, one-shot %v\n", name,
			api.Modes(s)&api.EdgeTriggered != 0, api.Modes(s)&api.OneShot != 0)
		s.Close()
	}
	// Output:
	// epoll: edge-triggered true, one-shot true
	// poll: edge-triggered false, one-shot false
}
