//go:build unix

package main

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/evloop/evloop/stream"
)

// Limits on what a request may hold; past them the server answers and
// closes.
const (
	maxHead = 8 << 10 // request line and headers
	maxBody = 1 << 20
)

// httpProtocol serves HTTP/1.1 on one connection. Requests that arrive
// together (pipelined) are answered in order with one write.
type httpProtocol struct {
	idle     time.Duration
	t        *stream.Transport
	in       []byte // the start of a request not complete yet
	out      []byte // the responses to write at the end of DataReceived
	closing  bool   // close once the responses are written
	draining bool   // the server is shutting down
}

func (h *httpProtocol) ConnectionMade(t *stream.Transport) {
	h.t = t
	t.SetIdleTimeout(h.idle)
}

func (h *httpProtocol) ConnectionLost(error) {}

// ShutdownStarted closes the connection at once if it is between
// requests; otherwise the response in progress says "Connection: close"
// and the connection closes after it.
func (h *httpProtocol) ShutdownStarted() {
	h.draining = true
	if len(h.in) == 0 {
		h.t.Close()
	}
}

func (h *httpProtocol) DataReceived(p []byte) {
	if h.closing {
		return
	}
	rest := p
	if len(h.in) > 0 {
		h.in = append(h.in, p...)
		rest = h.in
	}
	for !h.closing && len(rest) > 0 {
		n := h.serve(rest)
		if n == 0 {
			break
		}
		rest = rest[n:]
	}
	if h.closing {
		rest = nil
	}
	h.in = append(h.in[:0], rest...) // copy handles the overlap
	if len(h.out) > 0 {
		h.t.Write(h.out)
		h.out = h.out[:0]
	}
	if h.closing {
		h.t.Close()
	}
}

// serve answers the request at the start of b and returns its length, or
// 0 if it is not all there yet.
func (h *httpProtocol) serve(b []byte) int {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		if len(b) > maxHead {
			h.fail(http.StatusRequestHeaderFieldsTooLarge)
		}
		return 0
	}
	head := b[:end]
	line, headers, _ := bytes.Cut(head, []byte("\r\n"))
	method, rest, ok1 := bytes.Cut(line, []byte(" "))
	target, proto, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 || len(method) == 0 || len(target) == 0 {
		h.fail(http.StatusBadRequest)
		return 0
	}
	var keepAlive bool
	switch string(proto) {
	case "HTTP/1.1":
		keepAlive = true
	case "HTTP/1.0":
	default:
		h.fail(http.StatusHTTPVersionNotSupported)
		return 0
	}
	length := 0
	for len(headers) > 0 {
		var field []byte
		field, headers, _ = bytes.Cut(headers, []byte("\r\n"))
		name, value, ok := bytes.Cut(field, []byte(":"))
		if !ok {
			h.fail(http.StatusBadRequest)
			return 0
		}
		value = bytes.TrimSpace(value)
		switch {
		case equalFold(name, "Content-Length"):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 {
				h.fail(http.StatusBadRequest)
				return 0
			}
			if n > maxBody {
				h.fail(http.StatusRequestEntityTooLarge)
				return 0
			}
			length = n
		case equalFold(name, "Transfer-Encoding"):
			h.fail(http.StatusNotImplemented) // bodies of unknown length: not in this example
			return 0
		case equalFold(name, "Connection"):
			for tok := range bytes.SplitSeq(value, []byte(",")) {
				switch tok = bytes.TrimSpace(tok); {
				case equalFold(tok, "close"):
					keepAlive = false
				case equalFold(tok, "keep-alive"):
					keepAlive = true
				}
			}
		}
	}
	total := end + 4 + length
	if len(b) < total {
		return 0 // the body is still coming
	}
	if h.draining {
		keepAlive = false
	}
	path, _, _ := bytes.Cut(target, []byte("?"))
	status, body := route(method, path)
	h.out = appendResponse(h.out, status, body, string(method) == "HEAD", keepAlive)
	h.closing = !keepAlive
	return total
}

// fail answers a request the server will not read, and closes.
func (h *httpProtocol) fail(status int) {
	h.out = appendResponse(h.out, status, http.StatusText(status)+"\n", false, false)
	h.closing = true
}

func equalFold(b []byte, s string) bool { return len(b) == len(s) && bytes.EqualFold(b, []byte(s)) }
