//go:build unix

// Command reader is asyncio's add_reader in Go:
//
//	def reader(sock):
//	    print("Received:", sock.recv(100))
//	loop.add_reader(sock, reader)
//
// It makes a socket pair, watches one end with AddReader, and writes into
// the other from timers; the reader prints what arrives, and stops the loop
// when the peer closes.
//
//	go run ./examples/reader
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/evloop/evloop/loop"
	"golang.org/x/sys/unix"
)

func main() {
	if err := run(os.Stdout); err != nil {
		log.Fatal(err)
	}
}

func run(out io.Writer) error {
	l, err := loop.New(nil)
	if err != nil {
		return err
	}
	defer l.Close()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return err
	}
	sock, peer := fds[0], fds[1]
	defer unix.Close(sock)
	unix.SetNonblock(sock, true)

	err = l.AddReader(sock, func() {
		buf := make([]byte, 100)
		n, err := unix.Read(sock, buf)
		switch {
		case err == unix.EAGAIN:
			return
		case err != nil || n == 0:
			fmt.Fprintln(out, "Peer closed")
			l.RemoveReader(sock)
			l.Stop()
			return
		}
		fmt.Fprintf(out, "Received: %q\n", buf[:n])
	})
	if err != nil {
		return err
	}
	for i, msg := range []string{"hello", "world"} {
		l.CallLater(time.Duration(i+1)*10*time.Millisecond, func() { unix.Write(peer, []byte(msg)) })
	}
	l.CallLater(30*time.Millisecond, func() { unix.Close(peer) })
	return l.Run()
}
