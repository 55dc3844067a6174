package main

import (
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

const hello = "Hello, World!"

// answer is what GET / answers: hello, or -size bytes of it repeated.
var answer = hello

// setSize makes GET / answer n bytes (0: "Hello, World!").
func setSize(n int) {
	answer = hello
	if n > 0 {
		answer = strings.Repeat(hello, n/len(hello)+1)[:n]
	}
}

// route answers a request for path: 200 and answer for GET or HEAD of /,
// 404 otherwise. It takes bytes or a string, so that the callbacks'
// parser compares without converting.
func route[S ~string | ~[]byte](method, path S) (status int, body string) {
	if (string(method) == "GET" || string(method) == "HEAD") && string(path) == "/" {
		return http.StatusOK, answer
	}
	return http.StatusNotFound, "404 page not found\n"
}

// appendResponse appends a whole response to dst. A response to HEAD has
// the headers of the GET's and no body.
func appendResponse(dst []byte, status int, body string, head, keepAlive bool) []byte {
	dst = append(dst, "HTTP/1.1 "...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, ' ')
	dst = append(dst, http.StatusText(status)...)
	dst = append(dst, "\r\nContent-Type: text/plain; charset=utf-8\r\nDate: "...)
	dst = append(dst, date()...)
	dst = append(dst, "\r\nContent-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	if !keepAlive {
		dst = append(dst, "\r\nConnection: close"...)
	}
	dst = append(dst, "\r\n\r\n"...)
	if !head {
		dst = append(dst, body...)
	}
	return dst
}

// date is the Date header's value, formatted once a second.
func date() string {
	now := time.Now().Unix()
	if d := cachedDate.Load(); d != nil && d.unix == now {
		return d.text
	}
	d := &dateText{unix: now, text: time.Unix(now, 0).UTC().Format(http.TimeFormat)}
	cachedDate.Store(d)
	return d.text
}

type dateText struct {
	unix int64
	text string
}

var cachedDate atomic.Pointer[dateText]
