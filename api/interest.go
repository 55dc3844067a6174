package api

import (
	"strconv"
	"strings"
)

// Interest is a set of readiness conditions. As a registration it says what
// to wait for: [Readable], [Writable] or both, optionally with a mode bit
// ([EdgeTriggered], [OneShot]) the selector declares. As a result, in an
// [Event], it says what happened, and may add [Error] and [HangUp], which
// are reported whether asked for or not.
type Interest uint8

const (
	// Readable: a read will not block (data, a pending connection, or the
	// end of the stream).
	Readable Interest = 1 << iota
	// Writable: a write will not block.
	Writable
	// Error: the descriptor has a pending error (POLLERR, EPOLLERR,
	// EV_ERROR), or was closed while registered. Result only.
	Error
	// HangUp: the peer has closed its end (POLLHUP, EPOLLHUP, EV_EOF).
	// Result only.
	HangUp
	// EdgeTriggered asks for a report when readiness arrives rather than
	// while it holds. Registration only; see [Modes].
	EdgeTriggered
	// OneShot disables the registration after its first report until
	// Modify re-arms it. Registration only; see [Modes].
	OneShot
)

// Directions is the mask of the two directions a registration may name.
const Directions = Readable | Writable

// Valid reports whether i is a well-formed registration: at least one
// direction, and no bits but directions and the two modes. Whether the modes
// are supported is for the selector to say.
func (i Interest) Valid() bool {
	return i&Directions != 0 && i&^(Directions|EdgeTriggered|OneShot) == 0
}

// String returns the set bits joined with "|", for example "r|w|hup".
func (i Interest) String() string {
	if i == 0 {
		return "0"
	}
	names := [...]string{"r", "w", "err", "hup", "et", "oneshot"}
	var b strings.Builder
	for bit, name := range names {
		if i&(1<<bit) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(name)
		}
	}
	if rest := i &^ (1<<len(names) - 1); rest != 0 {
		if b.Len() > 0 {
			b.WriteByte('|')
		}
		b.WriteString("0x")
		b.WriteString(strconv.FormatUint(uint64(rest), 16))
	}
	return b.String()
}
