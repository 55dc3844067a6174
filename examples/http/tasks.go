//go:build unix

package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/evloop/evloop/stream"
	"github.com/evloop/evloop/task"
)

// acceptLoop spawns a task per connection.
func acceptLoop(co *task.Co, ln *stream.Listener, idle time.Duration) error {
	for {
		c, err := ln.Accept(co)
		if errors.Is(err, net.ErrClosed) { // the shutdown's
			return nil
		}
		if err != nil {
			return err
		}
		task.Spawn(co.Loop(), func(co *task.Co) (struct{}, error) { return struct{}{}, serveConn(co, c, idle) })
	}
}

// serveConn reads requests with net/http's parser and answers them in order;
// the responses to requests that arrived together go in one write.
func serveConn(co *task.Co, c *stream.Conn, idle time.Duration) error {
	nc := c.NetConn(co)
	defer nc.Close()
	br := bufio.NewReader(nc)
	waiting, draining := false, false
	c.OnShutdown(func() {
		draining = true
		if waiting {
			c.Close() // between requests: the Read below returns net.ErrClosed
		}
	})
	var out []byte
	for {
		waiting = br.Buffered() == 0
		if idle > 0 {
			nc.SetReadDeadline(time.Now().Add(idle))
		}
		req, err := http.ReadRequest(br)
		waiting = false
		switch {
		case err == io.EOF || errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) ||
			errors.Is(err, io.ErrUnexpectedEOF):
			return nil
		case err != nil:
			out = appendResponse(out, http.StatusBadRequest, "400 Bad Request\n", false, false)
			_, err := nc.Write(out)
			return err
		}
		if req.ContentLength > maxBody {
			out = appendResponse(out, http.StatusRequestEntityTooLarge, "413 Request Entity Too Large\n", false, false)
			_, err := nc.Write(out)
			return err
		}
		if _, err := io.Copy(io.Discard, io.LimitReader(req.Body, maxBody)); err != nil {
			return nil
		}
		req.Body.Close()
		keepAlive := !req.Close && !draining
		status, body := route(req.Method, req.URL.Path)
		out = appendResponse(out, status, body, req.Method == "HEAD", keepAlive)
		if !keepAlive || br.Buffered() == 0 {
			if _, err := nc.Write(out); err != nil {
				return nil // the client went away
			}
			out = out[:0]
		}
		if !keepAlive {
			return nil
		}
	}
}
