#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace_rtt.sh - where a round trip's time goes, with ftrace, in the VM.
#
#   selftests/vm/run.sh -o DIR -- bench/trace_rtt.sh DIR [nptty|socat|tcp]
#   bench/trace_report.py DIR/trace-PATH.txt
#
# Loads nptty.ko, starts an echo peer, runs 'npbench rtt' for a second with
# the workqueue, sched wakeup/switch and read/write syscall events on, and
# saves the trace.  trace_report.py splits each round trip into hops
# (write -> tx work -> echo -> rx work -> flush_to_ldisc -> read returns).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: trace_rtt.sh OUTDIR [nptty|socat|tcp]}
PATHS=${2:-nptty socat tcp}
NPB=$TOP/bench/bin/npbench
TR=/sys/kernel/tracing
mkdir -p "$OUT" /tmp/npbench

mountpoint -q $TR || mount -t tracefs nodev $TR
insmod "$TOP/nptty.ko" || exit 1
"$NPB" peer echo --port 21003 --ready /tmp/npbench/echo.ready &
peer=$!
for _ in $(seq 200); do [ -s /tmp/npbench/echo.ready ] && break; sleep 0.01; done
"$TOP/userspace/npctl/npctl" -q add 127.0.0.1:21003 no-cmd index 2
for _ in $(seq 200); do [ -c /dev/ttyNP2 ] && break; sleep 0.01; done

for p in $PATHS; do
	case $p in
	nptty) spec=/dev/ttyNP2 ;;
	socat)
		socat PTY,link=/tmp/npbench/pty-rtt,raw,echo=0 \
			TCP:127.0.0.1:21003,nodelay &
		sp=$!
		for _ in $(seq 500); do [ -e /tmp/npbench/pty-rtt ] && break; sleep 0.01; done
		spec=/tmp/npbench/pty-rtt
		;;
	tcp) spec=tcp:127.0.0.1:21003 ;;
	esac
	echo 0 >$TR/tracing_on
	echo >$TR/trace
	echo 8192 >$TR/buffer_size_kb
	echo >$TR/set_event
	for e in workqueue:workqueue_queue_work workqueue:workqueue_execute_start \
		 workqueue:workqueue_execute_end sched:sched_wakeup \
		 sched:sched_switch syscalls:sys_enter_write syscalls:sys_exit_read \
		 syscalls:sys_enter_read syscalls:sys_exit_write; do
		echo "$e" >>$TR/set_event
	done
	echo 1 >$TR/tracing_on
	"$NPB" rtt "$spec" --seconds 1 --min-count 200 --warmup 20 \
		--samples "$OUT/trace-$p-samples.txt" >"$OUT/trace-$p.json"
	echo 0 >$TR/tracing_on
	cat $TR/trace >"$OUT/trace-$p.txt"
	[ "$p" = socat ] && { kill "$sp"; wait "$sp" 2>/dev/null; }
	echo "trace $p: $(wc -l <"$OUT/trace-$p.txt") lines; $(cat "$OUT/trace-$p.json")"
done
echo >$TR/set_event
kill $peer
wait 2>/dev/null
"$TOP/userspace/npctl/npctl" -q del 2
rmmod nptty
