package task

import (
	"errors"

	"github.com/evloop/evloop/loop"
)

// Run is asyncio.run: it makes a loop with opts (nil means the defaults),
// runs body on it as a task until the body returns, closes the loop and
// returns the body's result and error. The loop runs everything else
// meanwhile (the tasks body spawns, timers, descriptors); whatever is
// still pending when the body returns is dropped by Close, and tasks
// still suspended are cancelled, so no goroutine outlives Run. A body
// that panics returns a *PanicError. An error from the loop itself (a
// failed wait) or from closing it is joined to the body's.
func Run[T any](opts *loop.Options, body func(co *Co) (T, error)) (T, error) {
	var zero T
	l, err := loop.New(opts)
	if err != nil {
		return zero, err
	}
	t, err := Spawn(l, body)
	if err != nil {
		return zero, errors.Join(err, l.Close())
	}
	t.AddDoneCallback(l.Stop)
	if err := l.Run(); err != nil {
		return zero, errors.Join(err, l.Close())
	}
	v, err := t.Result()
	return v, errors.Join(err, l.Close())
}
