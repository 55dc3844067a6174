//go:build unix

package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evloop/evloop/backends"
	"github.com/evloop/evloop/loop"
	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

// W3: TCP ping-pong on loopback. Each server runs single-threaded in a
// process of its own (GOMAXPROCS=1), so that its CPU time can be read
// apart from the load generator's; one op is one round trip of a 64-byte
// message. Reported: round trips per second, p50 and p99 latency, and the
// server's CPU per round trip, the figure that tells servers apart on a
// machine where the load generator saturates its own core.

// EchoImpls are the W3 servers: the loop with callbacks (Protocol and
// Transport), the same on io_uring instead of the platform's default
// backend, the loop with a task per connection, and the Go runtime's
// netpoller with a goroutine per connection.
// On Linux the list goes on with the floor (raw-epoll) and gnet.
var EchoImpls = []string{"loop-callbacks", "loop-callbacks-io_uring", "loop-tasks", "netpoller"}

// echoPeers are the W3 servers that are not evloop's, by name.
var echoPeers = map[string]func(ctx context.Context, loops int, addr chan<- string) error{}

const echoMsg = 64

// EchoServerEnv, set in a process's environment, names the W3 server that
// process must run (ServeEchoProcess): the benchmark starts its servers by
// running its own executable again. A program that runs W3 (cmd/evbench)
// checks it first thing in main.
const EchoServerEnv = "EVLOOP_ECHO_SERVER"

// ServeEcho runs the echo server impl on 127.0.0.1:0 until ctx is done,
// sending its address on addr first.
func ServeEcho(ctx context.Context, impl string, addr chan<- string) error {
	return ServeEchoLoops(ctx, impl, 1, addr)
}

// ServeEchoLoops is ServeEcho with loops loops (evloop: a loop.Group with
// a listener per loop; gnet: as many event loops; the netpoller: what
// GOMAXPROCS allows).
func ServeEchoLoops(ctx context.Context, impl string, loops int, addr chan<- string) error {
	if serve, ok := echoPeers[impl]; ok {
		return serve(ctx, loops, addr)
	}
	if loops > 1 && impl != "netpoller" {
		return serveEchoGroup(ctx, impl, loops, addr)
	}
	if impl == "netpoller" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		addr <- ln.Addr().String()
		context.AfterFunc(ctx, func() { ln.Close() })
		for {
			c, err := ln.Accept()
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 16<<10)
				for {
					n, err := c.Read(buf)
					if err != nil {
						return
					}
					if _, err := c.Write(buf[:n]); err != nil {
						return
					}
				}
			}()
		}
	}
	opts := new(loop.Options)
	if name, ok := strings.CutSuffix(impl, "-io_uring"); ok {
		sel, err := backends.New("io_uring")
		if err != nil {
			return err
		}
		opts.Selector, impl = sel, name
	}
	l, err := loop.New(opts)
	if err != nil {
		return err
	}
	defer l.Close()
	ln, err := stream.Listen(l, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	if err := startEchoServer(l, ln, impl); err != nil {
		return err
	}
	addr <- ln.Addr().String()
	if err := l.RunUntil(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// startEchoServer starts the echo server impl (loop-callbacks or
// loop-tasks) on ln, on l.
func startEchoServer(l *loop.Loop, ln *stream.Listener, impl string) error {
	var err error
	switch impl {
	case "loop-callbacks":
		err = stream.Serve(ln, func() stream.Protocol { return new(echoProtocol) })
	case "loop-tasks":
		_, err = task.Spawn(l, func(co *task.Co) (struct{}, error) {
			for {
				c, err := ln.Accept(co)
				if errors.Is(err, net.ErrClosed) {
					return struct{}{}, nil
				}
				if err != nil {
					return struct{}{}, err
				}
				task.Spawn(l, func(co *task.Co) (struct{}, error) {
					defer c.Close()
					for {
						p, err := c.ReadShared(co)
						if err != nil {
							return struct{}{}, nil
						}
						if _, err := c.Write(co, p); err != nil {
							return struct{}{}, nil
						}
					}
				})
			}
		})
	default:
		return fmt.Errorf("bench: no echo server %q (have %s)", impl, strings.Join(EchoImpls, ", "))
	}
	return err
}

// serveEchoGroup is the evloop server impl on a group of loops.
func serveEchoGroup(ctx context.Context, impl string, loops int, addr chan<- string) error {
	name, uring := strings.CutSuffix(impl, "-io_uring")
	g, err := newGroup(loops, uring)
	if err != nil {
		return err
	}
	lns, err := stream.ListenGroup(g, "tcp", "127.0.0.1:0")
	if err != nil {
		g.Close()
		return err
	}
	if err := g.Start(func(i int, l *loop.Loop) error { return startEchoServer(l, lns[i], name) }); err != nil {
		return errors.Join(err, g.Wait())
	}
	addr <- lns[0].Addr().String()
	<-ctx.Done()
	cut, cancel := context.WithCancel(context.Background())
	cancel() // close what is open at once
	_, err = stream.ShutdownGroup(cut, g, lns)
	return err
}

// newGroup makes a group of loops, on io_uring if asked: each loop opens
// its own backend, so the name goes through the environment, for the
// time NewGroup takes.
func newGroup(loops int, uring bool) (*loop.Group, error) {
	if uring {
		old, had := os.LookupEnv("EVLOOP_BACKEND")
		os.Setenv("EVLOOP_BACKEND", "io_uring")
		defer func() {
			if had {
				os.Setenv("EVLOOP_BACKEND", old)
			} else {
				os.Unsetenv("EVLOOP_BACKEND")
			}
		}()
	}
	return loop.NewGroup(loops, nil)
}

type echoProtocol struct{ t *stream.Transport }

func (e *echoProtocol) ConnectionMade(t *stream.Transport) { e.t = t }
func (e *echoProtocol) DataReceived(p []byte)              { e.t.Write(p) }
func (e *echoProtocol) ConnectionLost(error)               {}

// ServeEchoProcess is the server process's main: serve impl, print the
// address, then answer each "cpu" line on stdin with the process's CPU
// time in nanoseconds, until stdin closes; then exit.
func ServeEchoProcess(spec string) {
	impl, n, _ := strings.Cut(spec, ",")
	loops, err := strconv.Atoi(n)
	if err != nil || loops < 1 {
		loops = 1
	}
	runtime.GOMAXPROCS(loops)
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- ServeEchoLoops(ctx, impl, loops, addr) }()
	select {
	case a := <-addr:
		fmt.Println(a)
	case err := <-done:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "mem" {
			fmt.Println(memInUse())
			continue
		}
		fmt.Println(cpuTime().Nanoseconds())
	}
	cancel()
	<-done
	os.Exit(0)
}

// echoProcess is a running server process.
type echoProcess struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	addr string
}

func startEcho(impl string, loops int) (*echoProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d", EchoServerEnv, impl, loops))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &echoProcess{cmd: cmd, in: in, out: bufio.NewScanner(outPipe)}
	if !p.out.Scan() {
		p.stop()
		return nil, fmt.Errorf("bench: echo server %s did not start", impl)
	}
	p.addr = p.out.Text()
	return p, nil
}

// cpu asks the server for its CPU time so far.
func (p *echoProcess) cpu() (time.Duration, error) {
	if _, err := io.WriteString(p.in, "cpu\n"); err != nil {
		return 0, err
	}
	if !p.out.Scan() {
		return 0, errors.New("bench: echo server gone")
	}
	ns, err := strconv.ParseInt(p.out.Text(), 10, 64)
	return time.Duration(ns), err
}

// mem asks the server for the memory it holds (heap and stacks in use,
// after a collection).
func (p *echoProcess) mem() (int64, error) {
	if _, err := io.WriteString(p.in, "mem\n"); err != nil {
		return 0, err
	}
	if !p.out.Scan() {
		return 0, errors.New("bench: echo server gone")
	}
	return strconv.ParseInt(p.out.Text(), 10, 64)
}

// memInUse is the heap and the goroutine stacks in use, after a
// collection: what a server holds for its connections.
func memInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}

func (p *echoProcess) stop() {
	p.in.Close()
	p.cmd.Wait()
}

// Echo is W3 against the server impl with conns connections: b.N round
// trips of 64 bytes in all, each connection waiting for its echo before
// sending again.
func Echo(b *testing.B, impl string, conns int) { EchoLoops(b, impl, 1, conns) }

// EchoLoops is Echo against a server with loops loops (threads of work);
// raw-epoll has one only.
func EchoLoops(b *testing.B, impl string, loops, conns int) {
	if loops > 1 && impl == "raw-epoll" {
		b.Skip("raw-epoll runs one loop")
	}
	srv, err := startEcho(impl, loops)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.stop()
	mem0, err := srv.mem()
	if err != nil {
		b.Fatal(err)
	}
	cs := make([]net.Conn, conns)
	for i := range cs {
		if cs[i], err = net.Dial("tcp", srv.addr); err != nil {
			b.Fatal(err)
		}
		defer cs[i].Close()
	}
	// One round trip each: every connection is accepted and served, and
	// idle again, when the server counts its memory.
	msg := make([]byte, echoMsg)
	for _, c := range cs {
		if _, err := c.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(c, msg); err != nil {
			b.Fatal(err)
		}
	}
	mem1, err := srv.mem()
	if err != nil {
		b.Fatal(err)
	}
	lat := make([][]time.Duration, conns)
	b.ResetTimer()
	cpu0, err := srv.cpu()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	var wg sync.WaitGroup
	var failed error
	var mu sync.Mutex
	for i, c := range cs {
		n := b.N / conns
		if i < b.N%conns {
			n++
		}
		lat[i] = make([]time.Duration, 0, n)
		wg.Go(func() {
			msg := make([]byte, echoMsg)
			got := make([]byte, echoMsg)
			for range n {
				t0 := time.Now()
				if _, err := c.Write(msg); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return
				}
				if _, err := io.ReadFull(c, got); err != nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					return
				}
				lat[i] = append(lat[i], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu1, err := srv.cpu()
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
	if err != nil {
		b.Fatal(err)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "rt/s")
	b.ReportMetric(float64(all[len(all)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(all[len(all)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N), "server-cpu-ns/rt")
	b.ReportMetric(float64(mem1-mem0)/float64(conns), "server-B/conn")
}
