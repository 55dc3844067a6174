#!/bin/bash
# perfstat.sh BIN IMPL [LABEL [CONNS [RT]]] measures one W3 echo server
# under perf stat and prints one benchmark line for benchstat: the
# server's CPU per round trip, context switches, read calls and the reads
# that found nothing (EAGAIN). BIN is `go test -c` of the bench module,
# IMPL a W3 server (loop-callbacks, loop-tasks, netpoller, gnet, ...),
# LABEL the impl= it is reported under (two builds can then be compared
# in one table). It needs perf with tracepoints, and echoload built at
# /tmp/echoload (go build -o /tmp/echoload ./cmd/echoload). Interleave
# rounds, as in
#
#	for i in $(seq 8); do for impl in loop-tasks netpoller; do
#		cmd/echoload/perfstat.sh ./bench.test $impl >> w3.txt; done; done
#	go tool benchstat -col /impl w3.txt
set -e
BIN=$1 IMPL=$2 LABEL=${3:-$2} CONNS=${4:-100} RT=${5:-1000}
ADDR=$(mktemp) STAT=$(mktemp)
trap 'rm -f "$ADDR" "$STAT"' EXIT
# The server serves until its standard input closes.
(sleep 120 | EVLOOP_ECHO_SERVER=$IMPL,1 GOMAXPROCS=1 "$BIN" -test.run='^$' > "$ADDR" 2>&1 &)
for _ in $(seq 50); do [ -s "$ADDR" ] && break; sleep 0.1; done
PID=$(pgrep -f "$BIN -test.run" | head -1)
/tmp/echoload -addr "$(head -1 "$ADDR")" -conns "$CONNS" -rt 50 > /dev/null # warm up
perf stat -x, -e task-clock -e context-switches -e syscalls:sys_enter_read \
	-e syscalls:sys_exit_read --filter 'ret == -11' -p "$PID" -o "$STAT" &
PERF=$!
sleep 0.3
/tmp/echoload -addr "$(head -1 "$ADDR")" -conns "$CONNS" -rt "$RT" > /dev/null
kill -INT $PERF
wait $PERF || true
kill "$PID"
awk -F, -v impl="$LABEL" -v c="$CONNS" -v n=$((CONNS * RT)) '
	/task-clock/ {tc = $1} /context-switches/ {cs = $1}
	/sys_enter_read/ {rd = $1} /sys_exit_read/ {ea = $1}
	END {printf "BenchmarkEchoPerf/impl=%s/conns=%d 1 %.0f server-cpu-ns/rt %.3f cs/rt %.3f reads/rt %.3f eagain/rt\n", impl, c, tc * 1e6 / n, cs / n, rd / n, ea / n}' "$STAT"
