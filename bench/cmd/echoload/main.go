// Command echoload drives a W3 echo server from outside the benchmark:
// conns connections, each making rt round trips of 64 bytes, one
// goroutine per connection, as the benchmark's own client does. It is
// for measuring a server with outside tools (perf stat, perf record,
// strace -c), which the benchmark's in-process client would confuse:
//
//	(sleep 600 | EVLOOP_ECHO_SERVER=loop-callbacks,1 ./bench.test -test.run='^$' > addr.txt &)
//	perf stat -e task-clock,context-switches -p $(pgrep -f 'bench.test -test.run') &
//	go run ./cmd/echoload -addr $(head -1 addr.txt) -conns 100 -rt 1000
//
// where bench.test is `go test -c` of this module. The server prints its
// address and serves until its standard input closes. perfstat.sh, beside
// this file, does that for one server and prints a benchmark line for
// benchstat: CPU, context switches and read calls per round trip.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "", "the server's address")
	conns := flag.Int("conns", 100, "connections")
	rts := flag.Int("rt", 1000, "round trips per connection")
	flag.Parse()
	if *addr == "" || *conns < 1 || *rts < 1 {
		log.Fatal("echoload: -addr is required; -conns and -rt must be positive")
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, *conns)
	for range *conns {
		wg.Go(func() { errs <- roundTrips(*addr, *rts) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			log.Fatal(err)
		}
	}
	n := *conns * *rts
	fmt.Printf("%d round trips in %v\n", n, time.Since(start).Round(time.Millisecond))
}

func roundTrips(addr string, n int) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, 64)
	for range n {
		if _, err := c.Write(buf); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, buf); err != nil {
			return err
		}
	}
	return nil
}
