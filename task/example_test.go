package task_test

import (
	"fmt"
	"log"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

func ExampleRun() {
	got, err := task.Run(nil, func(co *task.Co) (string, error) {
		if err := co.Sleep(10 * time.Millisecond); err != nil {
			return "", err
		}
		return "slept", nil
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got)
	// Output: slept
}

func ExampleSpawn() {
	l, err := loop.New(&loop.Options{Clock: loop.NewVirtualClock(0)})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	t, err := task.Spawn(l, func(co *task.Co) (string, error) {
		fmt.Println("started")
		if err := co.Sleep(time.Second); err != nil { // the loop runs other callbacks meanwhile
			return "", err
		}
		return "slept a second", nil
	})
	if err != nil {
		log.Fatal(err)
	}
	t.AddDoneCallback(l.Stop)
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Result())
	// Output:
	// started
	// slept a second <nil>
}

func ExampleAwait() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	f := task.NewFuture[int](l)
	t, err := task.Spawn(l, func(co *task.Co) (int, error) {
		v, err := task.Await(co, f) // suspends until f is done
		return v * 2, err
	})
	if err != nil {
		log.Fatal(err)
	}
	go func() { l.CallSoonThreadsafe(func() { f.SetResult(21) }) }()
	t.AddDoneCallback(l.Stop)
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.Result())
	// Output: 42 <nil>
}

func ExampleWaitFor() {
	l, err := loop.New(&loop.Options{Clock: loop.NewVirtualClock(0)})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	slow, err := task.Spawn(l, func(co *task.Co) (int, error) { return 1, co.Sleep(time.Hour) })
	if err != nil {
		log.Fatal(err)
	}
	t, err := task.Spawn(l, func(co *task.Co) (int, error) { return task.WaitFor[int](co, slow, time.Second) })
	if err != nil {
		log.Fatal(err)
	}
	t.AddDoneCallback(l.Stop)
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	_, err = t.Result()
	fmt.Println(err)
	// Output: task: wait for: context deadline exceeded
}

// ToThread runs a blocking call off the loop: the loop goes on while it
// runs, and the task resumes with its result.
func ExampleToThread() {
	got, err := task.Run(nil, func(co *task.Co) (int, error) {
		return task.ToThread(co, func() (int, error) {
			time.Sleep(10 * time.Millisecond) // a blocking call
			return 42, nil
		})
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(got)
	// Output: 42
}

// A callback gets a future of the blocking call's result.
func ExampleRunInExecutor() {
	l, err := loop.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	f, err := task.RunInExecutor(l, nil, func() (string, error) { return "computed", nil })
	if err != nil {
		log.Fatal(err)
	}
	f.AddDoneCallback(func() {
		v, err := f.Result()
		fmt.Println(v, err)
		l.Stop()
	})
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output: computed <nil>
}
