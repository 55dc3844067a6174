//go:build linux && !race

package nbio_test

import (
	"testing"

	"github.com/evloop/evloop/internal/nbio"
	"github.com/evloop/evloop/internal/sock"
	"golang.org/x/sys/unix"
)

// Sending a datagram to an address and receiving it allocate nothing:
// x/sys/unix's Recvmsg made a Sockaddr for every datagram (two
// allocations in datagram's read path), and its Sendto takes one, which
// datagram made for every WriteTo.
func TestRecvFromAllocatesNothing(t *testing.T) {
	rx, tx, rxSA, _ := udpPair(t, unix.AF_INET, "127.0.0.1")
	to, _ := sock.AddrPort(rxSA)
	p, buf := make([]byte, 64), make([]byte, 128)
	// One run of a thousand: AllocsPerRun's average per run would round
	// a few allocations down to none.
	allocs := testing.AllocsPerRun(1, func() {
		for range 1000 {
			if err := nbio.SendTo(tx, p, unix.AF_INET, to); err != nil {
				t.Fatal(err)
			}
			if _, _, _, err := nbio.RecvFrom(rx, buf); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("1000 datagrams sent with SendTo and received with RecvFrom: %v allocations; want 0", allocs)
	}
}
