//go:build unix

package bench

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"
)

// BenchmarkHTTP is W5 for each server: 1 and 2 loops, 64-byte and 4 KB
// responses, 100 connections. Each run lasts HTTPDuration, whatever b.N.
func BenchmarkHTTP(b *testing.B) {
	for _, loops := range []int{1, 2} {
		for _, size := range []int{64, 4096} {
			for _, impl := range HTTPImpls {
				b.Run(fmt.Sprintf("impl=%s/loops=%d/size=%d", impl, loops, size), func(b *testing.B) {
					HTTP(b, impl, loops, size, 100)
				})
			}
		}
	}
}

// TestHTTPServers checks each W5 server, 1 and 2 loops: GET / answers
// the size asked for, on one kept-alive connection.
func TestHTTPServers(t *testing.T) {
	for _, impl := range HTTPImpls {
		for _, loops := range []int{1, 2} {
			srv, err := startHTTP(impl, loops, 100)
			if err != nil {
				t.Fatalf("%s: %v", impl, err)
			}
			client := &http.Client{Transport: &http.Transport{}}
			for range 3 {
				resp, err := client.Get("http://" + srv.addr + "/")
				if err != nil {
					t.Fatalf("%s, %d loops: %v", impl, loops, err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || len(body) != 100 {
					t.Errorf("%s, %d loops: GET / = %d with %d bytes; want 200 with 100", impl, loops, resp.StatusCode, len(body))
				}
			}
			client.CloseIdleConnections()
			srv.stop()
		}
	}
}

// TestHTTPWithWrk runs W5 briefly against one server, as the benchmark
// does, when wrk is installed.
func TestHTTPWithWrk(t *testing.T) {
	old := HTTPDuration
	HTTPDuration = time.Second
	defer func() { HTTPDuration = old }()
	r := testing.Benchmark(func(b *testing.B) { HTTP(b, "loop-callbacks", 1, 64, 10) })
	if r.N == 0 {
		t.Skip("wrk is not installed")
	}
	if r.Extra["req/s"] <= 0 || r.Extra["server-cpu-ns/req"] <= 0 {
		t.Errorf("W5 result %+v; want a rate and the server's CPU per request", r)
	}
}
