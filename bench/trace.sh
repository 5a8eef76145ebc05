#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trace.sh - where the time goes, with ftrace, inside the test VM.
#
#   selftests/vm/run.sh -s 1 -o DIR -- bench/trace.sh DIR TEST [PATH...]
#   bench/trace_report.py DIR/trace-TEST-PATH.txt
#
# TEST: rtt (8-byte round trips against an echo peer), read (bulk from a
# source peer) or write (bulk to a sink peer); PATH: nptty socat tcp
# (default all three).  Loads NPTTY_KO (default nptty.ko at the top, so a
# patched build can be compared), runs npbench for NPTTY_TRACE_SECS (1)
# with the workqueue, sched wakeup/switch, timer-expiry and read/write
# syscall events on, plus the function tracer on nptty's throttle and rx/tx
# work functions, and saves trace-TEST-PATH.txt and the npbench result.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: trace.sh OUTDIR rtt|read|write [PATH...]}
TEST=${2:?usage: trace.sh OUTDIR rtt|read|write [PATH...]}
shift 2
PATHS=${*:-nptty socat tcp}
KO=${NPTTY_KO:-$TOP/nptty.ko}
SECS=${NPTTY_TRACE_SECS:-1}
NPB=$TOP/bench/bin/npbench
TR=/sys/kernel/tracing
T=/tmp/npbench
mkdir -p "$OUT" $T

case $TEST in
rtt) mode=echo port=21003 ;;
read) mode=source port=21002 ;;
write) mode=sink port=21001 ;;
*) echo "trace.sh: unknown test $TEST" >&2; exit 2 ;;
esac
mountpoint -q $TR || mount -t tracefs nodev $TR
insmod "$KO" || exit 1
"$NPB" peer $mode --port $port --ready $T/peer.ready &
peer=$!
for _ in $(seq 500); do [ -s $T/peer.ready ] && break; sleep 0.01; done
"$TOP/userspace/npctl/npctl" -q add 127.0.0.1:$port no-cmd index 0
for _ in $(seq 500); do [ -c /dev/ttyNP0 ] && break; sleep 0.01; done

for p in $PATHS; do
	sp=""
	case $p in
	nptty) spec=/dev/ttyNP0 ;;
	socat)
		rm -f $T/pty
		socat PTY,link=$T/pty,raw,echo=0 TCP:127.0.0.1:$port,nodelay &
		sp=$!
		for _ in $(seq 500); do [ -e $T/pty ] && break; sleep 0.01; done
		spec=$T/pty
		;;
	tcp) spec=tcp:127.0.0.1:$port ;;
	esac
	echo 0 >$TR/tracing_on
	echo nop >$TR/current_tracer
	echo >$TR/trace
	echo 16384 >$TR/buffer_size_kb
	echo >$TR/set_event
	for e in workqueue:workqueue_queue_work workqueue:workqueue_execute_start \
		 workqueue:workqueue_execute_end sched:sched_wakeup \
		 sched:sched_switch timer:hrtimer_expire_entry \
		 timer:timer_expire_entry syscalls:sys_enter_write \
		 syscalls:sys_exit_write syscalls:sys_enter_read \
		 syscalls:sys_exit_read; do
		echo "$e" >>$TR/set_event
	done
	if echo 'nptty_throttle nptty_unthrottle nptty_write link_rx_work link_tx_work tty_flip_buffer_push' \
		>$TR/set_ftrace_filter 2>/dev/null; then
		echo function >$TR/current_tracer
	fi
	echo 1 >$TR/tracing_on
	case $TEST in
	rtt) "$NPB" rtt "$spec" --seconds "$SECS" --min-count 100 --warmup 20 ;;
	*) "$NPB" bulk "$TEST" "$spec" --seconds "$SECS" ;;
	esac >"$OUT/trace-$TEST-$p.json"
	echo 0 >$TR/tracing_on
	cat $TR/trace >"$OUT/trace-$TEST-$p.txt"
	echo nop >$TR/current_tracer
	[ -n "$sp" ] && { kill "$sp"; wait "$sp" 2>/dev/null; }
	echo "trace $TEST $p: $(wc -l <"$OUT/trace-$TEST-$p.txt") lines; $(cat "$OUT/trace-$TEST-$p.json")"
done
echo >$TR/set_event
kill $peer
wait 2>/dev/null
"$TOP/userspace/npctl/npctl" -q del 0
rmmod nptty
