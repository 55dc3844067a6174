// Package nbio reads and writes non-blocking descriptors: sockets, the
// loop's wake-up eventfd or pipe. A call on such a descriptor cannot
// block, so on Linux it is made as a raw system call, without the
// runtime's entry and exit around it: no word to the scheduler, and no P
// for sysmon to hand off while the call runs (gnet makes its calls so, and
// the epoll backend its zero-timeout polls). Elsewhere, and under the race
// detector (whose annotations x/sys/unix makes), the ordinary calls.
//
// Every descriptor given to this package must be non-blocking: a blocking
// one would stall its thread without the runtime knowing.
package nbio
