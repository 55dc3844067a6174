//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/evloop/evloop/internal/selfsigned"
)

// start runs the server and returns its address and what it printed
// after the address line (the certificate, with -print-cert).
func start(t *testing.T, c config) (addr string, extra *bufio.Reader) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- run(ctx, pw, c); pw.Close() }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("run = %v", err)
		}
	})
	br := bufio.NewReader(pr)
	line, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(line)[2], br
}

func TestTLSEcho(t *testing.T) {
	for _, style := range []string{"tasks", "listener"} {
		t.Run(style, func(t *testing.T) {
			addr, br := start(t, config{style: style, printCert: true})
			var certPEM []byte
			for {
				line, err := br.ReadBytes('\n')
				if err != nil {
					t.Fatal(err)
				}
				certPEM = append(certPEM, line...)
				if bytes.HasPrefix(line, []byte("-----END")) {
					break
				}
			}
			go io.Copy(io.Discard, br)
			cfg := &tls.Config{RootCAs: selfsigned.Pool(certPEM), ServerName: "localhost"}
			for range 3 {
				c, err := tls.Dial("tcp", addr, cfg)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range []int{1, 100, 200000} {
					msg := make([]byte, n)
					rand.Read(msg)
					go c.Write(msg)
					got := make([]byte, n)
					if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
						t.Fatalf("echo of %d bytes: %v, equal %v", n, err, bytes.Equal(got, msg))
					}
				}
				c.Close()
			}
			// A client that does not trust the certificate is refused,
			// and the server goes on.
			if c, err := tls.Dial("tcp", addr, &tls.Config{ServerName: "localhost"}); err == nil {
				c.Close()
				t.Error("a client that does not trust the server's certificate connected")
			}
			c, err := tls.Dial("tcp", addr, cfg)
			if err != nil {
				t.Fatalf("after a refused handshake: %v", err)
			}
			c.Close()
		})
	}
}

// A standard TLS client, openssl s_client, gets back exactly what it
// sent, with a certificate given by -cert and -key.
func TestOpenSSLClient(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed (apt-get install openssl)")
	}
	dir := t.TempDir()
	cert, certPEM, err := selfsigned.Certificate("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, certPEM, 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	addr, br := start(t, config{style: "tasks", cert: certFile, key: keyFile})
	go io.Copy(io.Discard, br)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, openssl, "s_client", "-connect", addr, "-CAfile", certFile,
		"-verify_return_error", "-quiet")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	msg := make([]byte, 100000) // every byte value, and no line discipline
	rand.Read(msg)
	go stdin.Write(msg)
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(stdout, got); err != nil {
		t.Fatalf("reading the echo from openssl s_client: %v\n%s", err, stderr.Bytes())
	}
	if !bytes.Equal(got, msg) {
		t.Fatalf("openssl s_client got back %d bytes that differ from the %d it sent", len(got), len(msg))
	}
	stdin.Close()
}
