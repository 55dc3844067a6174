//go:build linux && !race

package nbio_test

import (
	"testing"

	"github.com/evloop/evloop/internal/nbio"
	"golang.org/x/sys/unix"
)

// Receiving a datagram allocates nothing: x/sys/unix's Recvmsg made a
// Sockaddr for every one (two allocations per datagram in datagram's
// read path).
func TestRecvFromAllocatesNothing(t *testing.T) {
	rx, tx, to, _ := udpPair(t, unix.AF_INET, "127.0.0.1")
	p, buf := make([]byte, 64), make([]byte, 128)
	if err := unix.Sendto(tx, p, 0, to); err != nil { // warm up
		t.Fatal(err)
	}
	// One run of a thousand: AllocsPerRun's average per run would round
	// a few allocations down to none.
	allocs := testing.AllocsPerRun(1, func() {
		for range 1000 {
			if err := unix.Sendto(tx, p, 0, to); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := nbio.RecvFrom(rx, buf); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("1000 datagrams sent and received with RecvFrom: %v allocations; want 0", allocs)
	}
}
