//go:build unix

package stream_test

import (
	"testing"

	"github.com/evloop/evloop/api"
	"github.com/evloop/evloop/backends"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

// counting counts the registration changes the loop asks of its selector.
type counting struct {
	api.Selector
	changes int
}

func (c *counting) Register(fd int, in api.Interest) error {
	c.changes++
	return c.Selector.Register(fd, in)
}

func (c *counting) Modify(fd int, in api.Interest) error {
	c.changes++
	return c.Selector.Modify(fd, in)
}

func (c *counting) Unregister(fd int) error {
	c.changes++
	return c.Selector.Unregister(fd)
}

// A task connection keeps its descriptor watched between waits: two tasks
// playing ping-pong cost the selector a few registrations in all, not a
// change per wait.
func TestConnKeepsWatching(t *testing.T) {
	sel, err := backends.NewDefault()
	if err != nil {
		t.Fatal(err)
	}
	cs := &counting{Selector: sel}
	l, err := loop.New(&loop.Options{Selector: cs})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const rounds = 200
	server, _ := task.Spawn(l, echoTask(ln))
	var before int
	client, _ := task.Spawn(l, func(co *task.Co) (int, error) {
		c, err := stream.Dial(co, "tcp", ln.Addr().String())
		if err != nil {
			return 0, err
		}
		defer c.Close()
		buf := make([]byte, 8)
		for i := range rounds {
			if i == 10 { // connected, and both sides have waited once
				before = cs.changes
			}
			if _, err := c.Write(co, []byte("ping")); err != nil {
				return 0, err
			}
			if _, err := c.Read(co, buf); err != nil {
				return 0, err
			}
		}
		return cs.changes - before, c.CloseWrite()
	})
	runUntil(t, l, func() bool { return client.Done() && server.Done() })
	changes, err := client.Result()
	if err != nil {
		t.Fatal(err)
	}
	if changes > 10 {
		t.Errorf("registration changes over %d round trips = %d; want a handful (the watch stays between waits)", rounds-10, changes)
	}
}
