package task_test

import (
	"fmt"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

func ExampleSpawn() {
	l, _ := loop.New(&loop.Options{Clock: loop.NewVirtualClock(0)})
	defer l.Close()
	t, _ := task.Spawn(l, func(co *task.Co) (string, error) {
		fmt.Println("started")
		if err := co.Sleep(time.Second); err != nil { // the loop runs other callbacks meanwhile
			return "", err
		}
		return "slept a second", nil
	})
	t.AddDoneCallback(l.Stop)
	l.Run()
	fmt.Println(t.Result())
	// Output:
	// started
	// slept a second <nil>
}

func ExampleAwait() {
	l, _ := loop.New(nil)
	defer l.Close()
	f := task.NewFuture[int](l)
	t, _ := task.Spawn(l, func(co *task.Co) (int, error) {
		v, err := task.Await(co, f) // suspends until f is done
		return v * 2, err
	})
	go func() { l.CallSoonThreadsafe(func() { f.SetResult(21) }) }()
	t.AddDoneCallback(l.Stop)
	l.Run()
	fmt.Println(t.Result())
	// Output: 42 <nil>
}

func ExampleWaitFor() {
	l, _ := loop.New(&loop.Options{Clock: loop.NewVirtualClock(0)})
	defer l.Close()
	slow, _ := task.Spawn(l, func(co *task.Co) (int, error) { return 1, co.Sleep(time.Hour) })
	t, _ := task.Spawn(l, func(co *task.Co) (int, error) { return task.WaitFor[int](co, slow, time.Second) })
	t.AddDoneCallback(l.Stop)
	l.Run()
	_, err := t.Result()
	fmt.Println(err)
	// Output: task: wait for: context deadline exceeded
}
