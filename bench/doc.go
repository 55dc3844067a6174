// Package bench holds the workloads of docs/BENCHMARKS.md as plain functions,
// so that the same code runs under go test -bench and from cmd/evbench,
// together with the floors (the same work with no abstraction at all) they
// are measured against.
//
// Benchmark names use benchstat's key=value form, impl first:
//
//	BenchmarkDispatch/impl=epoll/fds=1000/active=100
//
// so that `go tool benchstat -col /impl` puts the implementations side by
// side. One op is one event dispatched (W1).
package bench
