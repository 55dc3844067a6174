package timers_test

import (
	"fmt"
	"log"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/timers"
)

// Choose a timer queue by name (EVLOOP_TIMERS does the same without
// rebuilding) and give it to a loop.
func ExampleNew() {
	q, err := timers.New("wheel")
	if err != nil {
		log.Fatal(err)
	}
	l, err := loop.New(&loop.Options{Timers: q, Clock: loop.NewVirtualClock(0)})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	if _, err := l.CallLater(time.Minute, func() { fmt.Println("a minute later"); l.Stop() }); err != nil {
		log.Fatal(err)
	}
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.TimerQueue(), timers.Names())
	// Output:
	// a minute later
	// wheel [heap wheel btree]
}
