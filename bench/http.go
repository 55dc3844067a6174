//go:build unix

package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// W5: HTTP/1.1 keep-alive plaintext under wrk. The evloop servers are
// examples/http itself (built once, run with -style and -loops); the
// peers, net/http and (on Linux) gnet, run in this executable again as
// W3's do. wrk drives each for a few seconds with 100 connections;
// reported: requests per second and p50/p99 latency from wrk, and the
// server's CPU per request (from /proc), the figure that tells servers
// apart when wrk and the server share two cores.

// HTTPImpls are W5's servers.
var HTTPImpls = []string{"loop-callbacks", "loop-tasks", "net-http"}

// httpPeers are the W5 servers that are not evloop's, by name; each
// serves GET / with size bytes on 127.0.0.1:0 with loops threads of work.
var httpPeers = map[string]func(ctx context.Context, loops, size int, addr chan<- string) error{
	"net-http": serveNetHTTP,
}

// HTTPServerEnv, set in a process's environment as "impl,loops,size",
// names the W5 peer that process must run (ServeHTTPProcess).
const HTTPServerEnv = "EVLOOP_HTTP_SERVER"

// HTTPDuration is how long wrk runs against each server.
var HTTPDuration = 3 * time.Second

func serveNetHTTP(ctx context.Context, loops, size int, addr chan<- string) error {
	body := []byte(strings.Repeat("x", size))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(body)
	})}
	addr <- ln.Addr().String()
	context.AfterFunc(ctx, func() { srv.Close() })
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// ServeHTTPProcess runs the W5 peer named in the environment, prints its
// address, and serves until its standard input closes.
func ServeHTTPProcess(spec string) {
	var impl string
	var loops, size int
	if _, err := fmt.Sscanf(strings.ReplaceAll(spec, ",", " "), "%s %d %d", &impl, &loops, &size); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", HTTPServerEnv, "=", spec, err)
		os.Exit(2)
	}
	runtime.GOMAXPROCS(loops)
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- httpPeers[impl](ctx, loops, size, addr) }()
	select {
	case a := <-addr:
		fmt.Println(a)
	case err := <-done:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bufio.NewScanner(os.Stdin).Scan()
	cancel()
	<-done
	os.Exit(0)
}

var (
	exampleOnce sync.Once
	exampleBin  string
	exampleErr  error
)

// exampleHTTP builds examples/http once, into a temporary directory.
func exampleHTTP() (string, error) {
	exampleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "evloop-w5-")
		if err != nil {
			exampleErr = err
			return
		}
		exampleBin = filepath.Join(dir, "http")
		out, err := exec.Command("go", "build", "-o", exampleBin, "../examples/http").CombinedOutput()
		if err != nil {
			exampleErr = fmt.Errorf("bench: building examples/http: %v\n%s", err, out)
		}
	})
	return exampleBin, exampleErr
}

// httpServer is a running W5 server process.
type httpServer struct {
	cmd  *exec.Cmd
	addr string
	stop func()
}

func startHTTP(impl string, loops, size int) (*httpServer, error) {
	var cmd *exec.Cmd
	if style, ok := strings.CutPrefix(impl, "loop-"); ok {
		bin, err := exampleHTTP()
		if err != nil {
			return nil, err
		}
		cmd = exec.Command(bin, "-style", style, "-loops", strconv.Itoa(loops), "-size", strconv.Itoa(size), "-idle", "0")
		cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(loops))
	} else {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cmd = exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s,%d,%d", HTTPServerEnv, impl, loops, size))
	}
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &httpServer{cmd: cmd, stop: func() {
		in.Close()
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}}
	sc := bufio.NewScanner(out)
	if !sc.Scan() {
		s.stop()
		return nil, fmt.Errorf("bench: http server %s did not start", impl)
	}
	// "listening on ADDR ..." from the example; the address alone from a peer.
	s.addr = strings.TrimPrefix(sc.Text(), "listening on ")
	s.addr, _, _ = strings.Cut(s.addr, " ")
	go func() {
		for sc.Scan() {
		}
	}()
	return s, nil
}

// procCPU reads a process's CPU time (user and system) from /proc.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100, nil // USER_HZ
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkPercent = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
)

// HTTP is W5 against the server impl: wrk with conns connections for
// HTTPDuration, the server on loops threads, answering size bytes.
func HTTP(b *testing.B, impl string, loops, size, conns int) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("W5 needs wrk (Debian: apt-get install wrk)")
	}
	srv, err := startHTTP(impl, loops, size)
	if err != nil {
		b.Fatal(err)
	}
	defer srv.stop()
	cpu0, err := procCPU(srv.cmd.Process.Pid)
	if err != nil {
		b.Skipf("cannot read the server's CPU time: %v", err)
	}
	secs := max(1, int(HTTPDuration/time.Second))
	out, err := exec.Command(wrk, "-t1", "-c"+strconv.Itoa(conns), "-d"+strconv.Itoa(secs)+"s", "--latency", "http://"+srv.addr+"/").CombinedOutput()
	if err != nil {
		b.Fatalf("wrk: %v\n%s", err, out)
	}
	cpu1, _ := procCPU(srv.cmd.Process.Pid)
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		b.Fatalf("wrk printed no rate:\n%s", out)
	}
	rate, _ := strconv.ParseFloat(string(m[1]), 64)
	if strings.Contains(string(out), "Non-2xx") || strings.Contains(string(out), "Socket errors") {
		b.Fatalf("wrk saw errors:\n%s", out)
	}
	requests := rate * float64(secs)
	b.ReportMetric(rate, "req/s")
	for _, p := range wrkPercent.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(p[2]), 64)
		switch string(p[3]) {
		case "ms":
			v *= 1e3
		case "s":
			v *= 1e6
		}
		b.ReportMetric(v, "p"+string(p[1])+"-µs")
	}
	b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/requests, "server-cpu-ns/req")
}
