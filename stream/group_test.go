//go:build unix

package stream

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/task"
)

// tagger answers every message with its loop's number.
type tagger struct {
	tag byte
	t   *Transport
}

func (p *tagger) ConnectionMade(t *Transport) { p.t = t }
func (p *tagger) DataReceived([]byte)         { p.t.Write([]byte{p.tag}) }
func (p *tagger) ConnectionLost(error)        {}

// A group of two loops serves one address, loop 0 with callbacks and
// loop 1 with tasks; the connections are spread over both, by the kernel
// (SO_REUSEPORT) or by hand-off from the first listener; a shutdown of
// every listener ends the group.
func TestListenGroup(t *testing.T) {
	modes := []bool{false}
	if spreadByKernel {
		modes = append(modes, true)
	}
	for _, kernel := range modes {
		name := "hand-off"
		if kernel {
			name = "reuseport"
		}
		t.Run(name, func(t *testing.T) {
			old := spreadByKernel
			spreadByKernel = kernel
			defer func() { spreadByKernel = old }()
			g, err := loop.NewGroup(2, nil)
			if err != nil {
				t.Fatal(err)
			}
			lns, err := ListenGroup(g, "tcp", "127.0.0.1:0")
			if err != nil {
				g.Close()
				t.Fatal(err)
			}
			if lns[1].Addr().String() != lns[0].Addr().String() {
				t.Errorf("listener addresses %v and %v; want one address", lns[0].Addr(), lns[1].Addr())
			}
			if kernel == (lns[1].Fd() < 0) {
				t.Errorf("second listener's Fd() = %d with kernel spreading %v", lns[1].Fd(), kernel)
			}
			err = g.Start(func(i int, l *loop.Loop) error {
				if i == 0 {
					return Serve(lns[0], func() Protocol { return &tagger{tag: '0'} })
				}
				_, err := task.Spawn(l, func(co *task.Co) (int, error) {
					for {
						c, err := lns[i].Accept(co)
						if err != nil {
							return 0, nil
						}
						task.Spawn(l, func(co *task.Co) (int, error) {
							defer c.Close()
							buf := make([]byte, 16)
							for {
								if _, err := c.Read(co, buf); err != nil {
									return 0, nil
								}
								c.Write(co, []byte{'1'})
							}
						})
					}
				})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			const conns = 20
			served := map[byte]int{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range conns {
				wg.Go(func() {
					c, err := net.Dial("tcp", lns[0].Addr().String())
					if err != nil {
						t.Error(err)
						return
					}
					defer c.Close()
					c.Write([]byte("x"))
					tag := make([]byte, 1)
					if _, err := io.ReadFull(c, tag); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					served[tag[0]]++
					mu.Unlock()
				})
			}
			wg.Wait()
			if served['0']+served['1'] != conns || served['0'] == 0 || served['1'] == 0 {
				t.Errorf("connections served per loop = %v; want %d over both loops", served, conns)
			}
			if !kernel && served['0'] != served['1'] {
				t.Errorf("connections handed off per loop = %v; want them in turn", served)
			}
			// The whole group shuts down: each loop shuts its listener down;
			// the connections are closed already.
			if cut, err := ShutdownGroup(context.Background(), g, lns); cut != 0 || err != nil {
				t.Errorf("ShutdownGroup() = %d, %v; want 0, nil", cut, err)
			}
		})
	}
}

// A connection the first listener hands to a loop that has closed is
// closed, and the loss reaches the first loop's exception handler rather
// than vanish.
func TestHandOffToClosedLoop(t *testing.T) {
	old := spreadByKernel
	spreadByKernel = false
	defer func() { spreadByKernel = old }()
	g, err := loop.NewGroup(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	lns, err := ListenGroup(g, "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l0 := g.Loop(0)
	var reported []*loop.Exception
	l0.SetExceptionHandler(func(e *loop.Exception) { reported = append(reported, e) })
	g.Loop(1).Close()
	lns[0].turn = 1 // the next connection goes to loop 1
	c, err := net.Dial("tcp", lns[0].Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := Serve(lns[0], func() Protocol { return &tagger{tag: '0'} }); err != nil {
		t.Fatal(err)
	}
	for len(reported) == 0 {
		if err := l0.RunOnce(); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(reported[0].Message, "hand") {
		t.Errorf("exception %q; want it to say the connection could not be handed over", reported[0].Message)
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("client read = %v; want EOF: the connection closed", err)
	}
}
