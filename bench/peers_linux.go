package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"
)

// W3's floor and Go peer on Linux, a bare epoll echo loop and gnet; and
// gnet as W5's peer.
func init() {
	EchoImpls = append(EchoImpls, "raw-epoll", "gnet")
	echoPeers["raw-epoll"] = serveRawEpoll
	echoPeers["gnet"] = serveGnet
}

// serveRawEpoll is W3's floor: one goroutine, one epoll descriptor,
// level-triggered, accept4 and read/write straight into a buffer; no
// callbacks, no buffering of what the socket does not take (64-byte
// messages always fit), no error handling beyond closing.
func serveRawEpoll(ctx context.Context, loops int, addr chan<- string) error {
	if loops > 1 {
		return fmt.Errorf("bench: raw-epoll runs one loop, not %d", loops)
	}
	ln, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return os.NewSyscallError("socket", err)
	}
	defer unix.Close(ln)
	if err := unix.Bind(ln, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		return os.NewSyscallError("bind", err)
	}
	if err := unix.Listen(ln, 1024); err != nil {
		return os.NewSyscallError("listen", err)
	}
	sa, _ := unix.Getsockname(ln)
	ep, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return os.NewSyscallError("epoll_create1", err)
	}
	defer unix.Close(ep)
	// An eventfd ends the loop when ctx is done.
	stop, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return os.NewSyscallError("eventfd", err)
	}
	defer unix.Close(stop)
	context.AfterFunc(ctx, func() { unix.Write(stop, []byte{1, 0, 0, 0, 0, 0, 0, 0}) })
	for _, fd := range []int{ln, stop} {
		unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, fd, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)})
	}
	addr <- fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
	events := make([]unix.EpollEvent, 256)
	buf := make([]byte, 16<<10)
	for {
		n, err := unix.EpollWait(ep, events, -1)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return os.NewSyscallError("epoll_wait", err)
		}
		for _, ev := range events[:n] {
			switch fd := int(ev.Fd); fd {
			case stop:
				return nil
			case ln:
				for {
					c, _, err := unix.Accept4(ln, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
					if err != nil {
						break
					}
					unix.SetsockoptInt(c, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
					unix.EpollCtl(ep, unix.EPOLL_CTL_ADD, c, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(c)})
				}
			default:
				m, err := unix.Read(fd, buf)
				if err == unix.EAGAIN || err == unix.EINTR {
					continue
				}
				if err != nil || m == 0 {
					unix.Close(fd) // closing drops the registration
					continue
				}
				unix.Write(fd, buf[:m])
			}
		}
	}
}

// gnetBoot is what both gnet servers share: the engine, once booted.
type gnetBoot struct {
	gnet.BuiltinEventEngine
	eng gnet.Engine
	up  chan struct{}
}

func (b *gnetBoot) OnBoot(eng gnet.Engine) gnet.Action {
	b.eng = eng
	close(b.up)
	return gnet.None
}

// runGnet runs h (whose boot is b) with loops event loops (GOMAXPROCS is
// as many in the server process) on a port picked by the kernel, sends
// the address, and serves until ctx is done.
func runGnet(ctx context.Context, h gnet.EventHandler, b *gnetBoot, loops int, addr chan<- string) error {
	b.up = make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- gnet.Run(h, "tcp://127.0.0.1:0", gnet.WithMulticore(loops > 1), gnet.WithNumEventLoop(loops), gnet.WithTCPNoDelay(gnet.TCPNoDelay), gnet.WithLogger(quiet{}))
	}()
	select {
	case err := <-done:
		return err
	case <-b.up:
	}
	fd, err := b.eng.Dup()
	if err != nil {
		return err
	}
	sa, err := unix.Getsockname(fd)
	unix.Close(fd)
	if err != nil {
		return os.NewSyscallError("getsockname", err)
	}
	addr <- fmt.Sprintf("127.0.0.1:%d", sa.(*unix.SockaddrInet4).Port)
	<-ctx.Done()
	b.eng.Stop(context.Background())
	return <-done
}

// gnetEcho is gnet's echo server, as its own examples write it.
type gnetEcho struct{ gnetBoot }

func (e *gnetEcho) OnTraffic(c gnet.Conn) gnet.Action {
	buf, _ := c.Next(-1)
	c.Write(buf)
	return gnet.None
}

func serveGnet(ctx context.Context, loops int, addr chan<- string) error {
	e := new(gnetEcho)
	return runGnet(ctx, e, &e.gnetBoot, loops, addr)
}

func init() {
	HTTPImpls = append(HTTPImpls, "gnet")
	httpPeers["gnet"] = serveGnetHTTP
}

// gnetHTTP answers every request (a request is what ends in a blank line:
// GET without a body, as wrk sends) with a fixed response, the way gnet's
// own HTTP benchmark server does; the Date header is formatted per batch.
type gnetHTTP struct {
	gnetBoot
	body []byte
}

func (h *gnetHTTP) OnOpen(c gnet.Conn) ([]byte, gnet.Action) {
	c.SetContext(new([]byte))
	return nil, gnet.None
}

func (h *gnetHTTP) OnTraffic(c gnet.Conn) gnet.Action {
	in, _ := c.Peek(-1)
	out := c.Context().(*[]byte)
	*out = (*out)[:0]
	n := 0
	for {
		i := bytes.Index(in[n:], []byte("\r\n\r\n"))
		if i < 0 {
			break
		}
		n += i + 4
		*out = append(*out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: "...)
		*out = time.Now().UTC().AppendFormat(*out, http.TimeFormat)
		*out = append(*out, "\r\nContent-Length: "...)
		*out = strconv.AppendInt(*out, int64(len(h.body)), 10)
		*out = append(*out, "\r\n\r\n"...)
		*out = append(*out, h.body...)
	}
	c.Discard(n)
	if len(*out) > 0 {
		c.Write(*out)
	}
	return gnet.None
}

func serveGnetHTTP(ctx context.Context, loops, size int, addr chan<- string) error {
	h := &gnetHTTP{body: bytes.Repeat([]byte("x"), size)}
	return runGnet(ctx, h, &h.gnetBoot, loops, addr)
}

// quiet is a gnet logger that keeps standard output for the address line
// the benchmark reads (gnet logs to standard output by default).
type quiet struct{}

func (quiet) Debugf(string, ...any) {}
func (quiet) Infof(string, ...any)  {}
func (quiet) Warnf(string, ...any)  {}
func (quiet) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gnet: "+format+"\n", args...)
}
func (quiet) Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "gnet: "+format+"\n", args...)
	os.Exit(1)
}
