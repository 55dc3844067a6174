//go:build unix

package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"strings"
	"testing"
	"time"
)

func start(t *testing.T, c config) (addr string, lines *bufio.Reader, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, err := os.Pipe() // buffered: the server's last line need not wait for a reader
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pr.Close() })
	done := make(chan error, 1)
	go func() { done <- run(ctx, pw, c); pw.Close() }()
	br := bufio.NewReader(pr)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		err := <-done
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		return err
	}
	t.Cleanup(func() {
		go io.Copy(io.Discard, br)
		if err := stop(); err != nil {
			t.Errorf("run = %v", err)
		}
	})
	return strings.Fields(line)[2], br, stop
}

var styles = []string{"callbacks", "tasks"}

func TestKeepAlive(t *testing.T) {
	for _, style := range styles {
		t.Run(style, func(t *testing.T) {
			addr, _, _ := start(t, config{style: style, idle: time.Minute, loops: 1})
			client := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}
			defer client.CloseIdleConnections()
			reused := 0
			trace := &httptrace.ClientTrace{GotConn: func(i httptrace.GotConnInfo) {
				if i.Reused {
					reused++
				}
			}}
			for i, c := range []struct {
				method, path string
				status       int
				body         string
			}{
				{"GET", "/", 200, "Hello, World!"},
				{"GET", "/?q=1", 200, "Hello, World!"},
				{"HEAD", "/", 200, ""},
				{"GET", "/nope", 404, "404 page not found\n"},
				{"POST", "/", 404, "404 page not found\n"},
				{"GET", "/", 200, "Hello, World!"},
			} {
				var body io.Reader
				if c.method == "POST" {
					body = strings.NewReader("a body to skip")
				}
				req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), c.method, "http://"+addr+c.path, body)
				resp, err := client.Do(req)
				if err != nil {
					t.Fatalf("request %d, %s %s: %v", i, c.method, c.path, err)
				}
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status || string(got) != c.body {
					t.Errorf("%s %s = %d %q; want %d %q", c.method, c.path, resp.StatusCode, got, c.status, c.body)
				}
				if c.method == "HEAD" && resp.ContentLength != int64(len(hello)) {
					t.Errorf("HEAD / Content-Length = %d; want %d", resp.ContentLength, len(hello))
				}
				if resp.Header.Get("Date") == "" {
					t.Errorf("%s %s: no Date header", c.method, c.path)
				}
			}
			if reused != 5 {
				t.Errorf("requests on a reused connection = %d; want 5 (keep-alive)", reused)
			}
		})
	}
}

// Requests sent together are answered in order, whether they arrive in
// one piece or byte by byte; "Connection: close" ends the connection
// after its response.
func TestPipelining(t *testing.T) {
	const reqs = "GET / HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n" +
		"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
		"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" +
		"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	want := []int{200, 404, 404, 200, 200}
	for _, style := range styles {
		for _, piecewise := range []bool{false, true} {
			t.Run(style, func(t *testing.T) {
				addr, _, _ := start(t, config{style: style, loops: 1})
				c, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				go func() {
					if !piecewise {
						c.Write([]byte(reqs))
						return
					}
					for i := range len(reqs) {
						c.Write([]byte{reqs[i]})
					}
				}()
				br := bufio.NewReader(c)
				methods := []string{"GET", "GET", "POST", "HEAD", "GET"}
				for i, status := range want {
					resp, err := http.ReadResponse(br, &http.Request{Method: methods[i]})
					if err != nil {
						t.Fatalf("response %d (piecewise %v): %v", i, piecewise, err)
					}
					io.Copy(io.Discard, resp.Body)
					if resp.StatusCode != status {
						t.Errorf("response %d = %d; want %d", i, resp.StatusCode, status)
					}
				}
				if n, err := br.Read(make([]byte, 1)); err != io.EOF {
					t.Errorf("after Connection: close, read = %d, %v; want EOF", n, err)
				}
			})
		}
	}
}

func TestCloseAndBadRequests(t *testing.T) {
	for _, style := range styles {
		t.Run(style, func(t *testing.T) {
			addr, _, _ := start(t, config{style: style, loops: 1})
			for _, c := range []struct {
				name, req string
				status    int
			}{
				{"HTTP/1.0", "GET / HTTP/1.0\r\n\r\n", 200},
				{"malformed", "NONSENSE\r\n\r\n", 400},
				{"huge body", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n", 413},
			} {
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				conn.Write([]byte(c.req))
				br := bufio.NewReader(conn)
				resp, err := http.ReadResponse(br, nil)
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				io.Copy(io.Discard, resp.Body)
				if resp.StatusCode != c.status {
					t.Errorf("%s: status %d; want %d", c.name, resp.StatusCode, c.status)
				}
				if _, err := br.Read(make([]byte, 1)); err != io.EOF {
					t.Errorf("%s: read after the response = %v; want EOF (closed)", c.name, err)
				}
				conn.Close()
			}
		})
	}
}

// At the interrupt, an idle keep-alive connection is closed at once,
// without waiting for the grace period: nothing is left to cut.
func TestShutdownClosesIdleConnections(t *testing.T) {
	for _, style := range styles {
		t.Run(style, func(t *testing.T) {
			addr, lines, stop := start(t, config{style: style, grace: time.Hour, loops: 1})
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if last, _ := lines.ReadString('\n'); !strings.HasPrefix(last, "shut down: 0 connections") {
				t.Errorf("the server printed %q; want 0 connections closed at the deadline", last)
			}
			if _, err := br.Read(make([]byte, 1)); err != io.EOF {
				t.Errorf("read from the idle connection after the shutdown = %v; want EOF", err)
			}
		})
	}
}

func TestBadStyle(t *testing.T) {
	if err := run(context.Background(), io.Discard, config{style: "threads"}); err == nil {
		t.Error("run with -style=threads = nil error")
	}
}

// Two loops serve one address; every request is answered, whichever loop
// its connection landed on.
func TestLoops(t *testing.T) {
	for _, style := range styles {
		t.Run(style, func(t *testing.T) {
			addr, _, _ := start(t, config{style: style, loops: 2})
			for range 10 {
				resp, err := http.Get("http://" + addr + "/")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if string(body) != hello {
					t.Errorf("GET / = %q; want %q", body, hello)
				}
			}
			http.DefaultClient.CloseIdleConnections()
		})
	}
}

// -size makes GET / answer that many bytes, for benchmarks.
func TestSize(t *testing.T) {
	setSize(100)
	t.Cleanup(func() { setSize(0) }) // after the server's cleanup: cleanups run last first
	addr, _, _ := start(t, config{style: "callbacks", loops: 1})
	resp, err := http.Get("http://" + addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if len(body) != 100 || !strings.HasPrefix(string(body), hello) {
		t.Errorf("GET / with -size 100 = %d bytes, %.20q...; want 100 bytes of Hello, World!", len(body), body)
	}
}
