#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh - the nptty benchmarks, run inside the test VM by 'make bench'
# (mk/bench.mk).  Reports, never asserts.
#
#   bench/run.sh OUTDIR [SECTION...]
#
# SECTION: bulk rtt line drain first scale (default: all, in that order).
# Every result is one JSON line in OUTDIR/raw.jsonl, wrapped as
#   {"bench":B,"path":P,"rep":N,"r":{...npbench output...}[,"sink":{...}]}
# and round-trip samples go to OUTDIR/rtt-PATH-REP.txt.
# bench/report.py turns them into bench/results/latest.json, the tables in
# docs/benchmarks.md and the plot.
#
# Paths compared, all to the same remote end on 127.0.0.1:
#   nptty   /dev/ttyNPn, raw mode, a port added with npctl (no-cmd for the
#           plain TCP peers; with the command port for npsim)
#   socat   socat PTY,link=L,raw,echo=0 TCP:127.0.0.1:P,nodelay, the pty
#           bridge users run today; the benchmark opens L
#   tcp     a plain TCP socket (TCP_NODELAY): the ceiling
# Repetitions are interleaved (nptty, socat, tcp, nptty, ...) so that a
# change in host load hits every path alike.
#
# Environment (run.sh passes NPTTY_* into the VM): NPTTY_BENCH_REPS (3),
# NPTTY_BENCH_SECS (2, per bulk/rtt run), NPTTY_BENCH_LINE_SECS (3),
# NPTTY_BENCH_PORTS (1000, the largest port count), NPTTY_BENCH_PATHS
# ("nptty socat tcp": the paths bulk, rtt and line compare), NPTTY_KO (the
# module to load, default nptty.ko at the top: compare a patched build).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:?usage: run.sh OUTDIR [SECTION...]}
shift
SECTIONS=${*:-bulk rtt line drain first scale}
REPS=${NPTTY_BENCH_REPS:-3}
SECS=${NPTTY_BENCH_SECS:-2}
LSECS=${NPTTY_BENCH_LINE_SECS:-3}
NPORTS=${NPTTY_BENCH_PORTS:-1000}
BPATHS=${NPTTY_BENCH_PATHS:-nptty socat tcp}
KO=${NPTTY_KO:-$TOP/nptty.ko}
NPB=$TOP/bench/bin/npbench
NPCTL=$TOP/userspace/npctl/npctl
NPSIM=$TOP/userspace/npsim/npsim
T=/tmp/npbench
RAW=$OUT/raw.jsonl

# Remote ends: TCP ports of the peers, npsim's data/command ports.
P_SINK=21001 P_SOURCE=21005 P_ECHO=21003 P_HELLO=21004
P_SINK2=21002			# the sink's second port (nptty-64k)
P_SIM=4001 C_SIM=966		# npsim --pace, WAIT_OQUEUE answered at once
P_SIMB=4101 C_SIMB=1066		# npsim --pace --drain block
P_SCALE=30000			# peer sink on P_SCALE..P_SCALE+NPORTS-1
LINE_BAUD=921600

mkdir -p "$OUT"
rm -rf "$T"
mkdir -p "$T"
: >"$RAW"
log() { printf 'bench: %s\n' "$*" >&2; }
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT

# emit BENCH PATH REP JSON [SINKJSON]
emit() {
	if [ -n "${5:-}" ]; then
		printf '{"bench":"%s","path":"%s","rep":%s,"r":%s,"sink":%s}\n' \
			"$1" "$2" "$3" "$4" "$5" >>"$RAW"
	else
		printf '{"bench":"%s","path":"%s","rep":%s,"r":%s}\n' \
			"$1" "$2" "$3" "$4" >>"$RAW"
	fi
}

# waitfor MS CMD...: retry CMD every 10 ms for up to MS.
waitfor() {
	local ms=$1 i=0
	shift
	until "$@"; do
		i=$((i + 10))
		[ "$i" -ge "$ms" ] && return 1
		sleep 0.01
	done
}

lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
more_lines() { [ "$(lines "$1")" -gt "$2" ]; }

# start_socat NAME PORT: a pty bridge to 127.0.0.1:PORT at $T/pty-NAME;
# sets SOCAT_PID.
start_socat() {
	local link=$T/pty-$1
	rm -f "$link"
	socat "PTY,link=$link,raw,echo=0" "TCP:127.0.0.1:$2,nodelay" \
		2>>"$OUT/socat.log" &
	SOCAT_PID=$!
	waitfor 5000 test -e "$link" || log "socat $1 did not start"
}

stop_socat() {
	kill "$SOCAT_PID" 2>/dev/null
	wait "$SOCAT_PID" 2>/dev/null
}

# npctl_add INDEX ARGS...: add /dev/ttyNP<INDEX>, wait for the node.
npctl_add() {
	local idx=$1
	shift
	"$NPCTL" -q add "$@" index "$idx" || log "npctl add $* failed"
	waitfor 5000 test -c "/dev/ttyNP$idx"
}

setup() {
	log "setup: module, peers, npsim, ports"
	insmod "$KO" || exit 1
	for m in sink source echo hello; do
		case $m in
		sink) p=$P_SINK ;; source) p=$P_SOURCE ;;
		echo) p=$P_ECHO ;; hello) p=$P_HELLO ;;
		esac
		"$NPB" peer "$m" --port "$p" --ready "$T/$m.ready" \
			--report "$T/$m.report" $([ $m = sink ] && echo --count 2) &
		pids+=($!)
	done
	"$NPSIM" -q -d $P_SIM -c $C_SIM --pace --control "$T/sim.ctl" \
		-r "$T/sim.ready" 2>>"$OUT/npsim.log" &
	pids+=($!)
	"$NPSIM" -q -d $P_SIMB -c $C_SIMB --pace --drain block \
		-r "$T/simb.ready" 2>>"$OUT/npsim.log" &
	pids+=($!)
	for f in sink source echo hello sim simb; do
		waitfor 5000 test -s "$T/$f.ready" || log "$f did not start"
	done
	npctl_add 0 127.0.0.1:$P_SINK no-cmd
	npctl_add 1 127.0.0.1:$P_SOURCE no-cmd
	npctl_add 2 127.0.0.1:$P_ECHO no-cmd
	npctl_add 3 127.0.0.1:$P_HELLO no-cmd
	npctl_add 4 127.0.0.1:$P_SIM cmd-port $C_SIM
	npctl_add 5 127.0.0.1:$P_SIMB cmd-port $C_SIMB
	# the same sink with a 64 KiB transmit ring (npctl's tx-ring knob)
	npctl_add 6 127.0.0.1:$P_SINK2 no-cmd tx-ring 64k
	# raw mode once, so that even a plain open() later sees it
	for i in 0 1 2 3 4 5 6; do
		stty -F "/dev/ttyNP$i" -echo 2>/dev/null
	done
}

# run_bulk DIR PATH REP
run_bulk() {
	local dir=$1 path=$2 rep=$3 spec pidopt=() port rep_f n r s=""
	if [ "$dir" = write ]; then port=$P_SINK idx=0; else port=$P_SOURCE idx=1; fi
	rep_f=$T/sink.report
	n=$(lines "$rep_f")
	case $path in
	nptty) spec=/dev/ttyNP$idx ;;
	nptty-64k) spec=/dev/ttyNP6 ;;
	socat)
		start_socat "bulk-$dir" "$port"
		spec=$T/pty-bulk-$dir
		pidopt=(--pid "$SOCAT_PID")
		;;
	tcp) spec=tcp:127.0.0.1:$port ;;
	esac
	r=$("$NPB" bulk "$dir" "$spec" --seconds "$SECS" "${pidopt[@]}")
	if [ "$path" = socat ]; then
		sleep 0.5	# let socat forward what the pty still holds
		stop_socat
	fi
	if [ "$dir" = write ]; then
		waitfor 10000 more_lines "$rep_f" "$n" &&
			s=$(tail -n 1 "$rep_f")
	fi
	[ -n "$r" ] && emit "bulk_$dir" "$path" "$rep" "$r" "$s"
}

bench_bulk() {
	local rep dir path
	for dir in write read; do
		for rep in $(seq "$REPS"); do
			for path in $BPATHS $([ $dir = write ] &&
				case " $BPATHS " in *" nptty "*) echo nptty-64k ;; esac); do
				log "bulk $dir $path #$rep"
				run_bulk "$dir" "$path" "$rep"
			done
		done
	done
}

bench_rtt() {
	local rep path spec r
	for rep in $(seq "$REPS"); do
		for path in $BPATHS; do
			log "rtt $path #$rep"
			case $path in
			nptty) spec=/dev/ttyNP2 ;;
			socat) start_socat rtt $P_ECHO; spec=$T/pty-rtt ;;
			tcp) spec=tcp:127.0.0.1:$P_ECHO ;;
			esac
			r=$("$NPB" rtt "$spec" --seconds "$SECS" \
				--max-seconds $((2 * SECS)) \
				--samples "$OUT/rtt-$path-$rep.txt")
			[ "$path" = socat ] && stop_socat
			[ -n "$r" ] && emit rtt "$path" "$rep" "$r"
		done
	done
}

# The paced line: npsim port 1 at LINE_BAUD (nptty sets it through the
# command port; socat and tcp cannot, so setbaud does it for them).
bench_line() {
	local rep path spec r baud
	for baud in $LINE_BAUD 115200; do
		for rep in $(seq "$([ "$baud" = $LINE_BAUD ] && echo 2 || echo 1)"); do
			for path in $BPATHS; do
				log "line $baud $path #$rep"
				[ "$path" = nptty ] ||
					"$NPB" setbaud 127.0.0.1:$C_SIM "$baud" >/dev/null
				case $path in
				nptty) spec=/dev/ttyNP4 ;;
				socat) start_socat line $P_SIM; spec=$T/pty-line ;;
				tcp) spec=tcp:127.0.0.1:$P_SIM ;;
				esac
				r=$("$NPB" line "$spec" --baud "$baud" \
					--seconds "$LSECS" --warmup 1 \
					--control "$T/sim.ctl")
				[ "$path" = socat ] && stop_socat
				[ -n "$r" ] && emit "line_$baud" "$path" "$rep" "$r"
				sleep 0.2
			done
		done
	done
}

# tcdrain through npsim: nptty with WAIT_OQUEUE answered at once (the
# default) and held until empty (--drain block), and socat (a pty has no
# idea of the line).  Under TCG the simulated line runs slower than its
# baud, so the reference is the arrival of the last echoed byte.
bench_drain() {
	local r bytes baud combo
	for combo in 921600:1024 921600:4096 115200:1024; do
		baud=${combo%:*} bytes=${combo#*:}
		log "drain $baud $bytes"
		r=$("$NPB" drain /dev/ttyNP4 --baud "$baud" --bytes "$bytes" --reps 3)
		[ -n "$r" ] && emit "drain_${baud}_$bytes" nptty 1 "$r"
		r=$("$NPB" drain /dev/ttyNP5 --baud "$baud" --bytes "$bytes" --reps 3)
		[ -n "$r" ] && emit "drain_${baud}_$bytes" nptty-block 1 "$r"
		"$NPB" setbaud 127.0.0.1:$C_SIM "$baud" >/dev/null
		start_socat drain $P_SIM
		r=$("$NPB" drain "$T/pty-drain" --baud "$baud" --bytes "$bytes" --reps 3)
		stop_socat
		[ -n "$r" ] && emit "drain_${baud}_$bytes" socat 1 "$r"
	done
}

bench_first() {
	local r
	log "open -> first byte"
	r=$("$NPB" first /dev/ttyNP3 --reps 10)
	[ -n "$r" ] && emit first nptty 1 "$r"
	r=$("$NPB" first /dev/ttyNP4 --reps 10 --open-only)
	[ -n "$r" ] && emit first nptty-cmd 1 "$r"
	r=$("$NPB" first "$T/pty-first" --reps 10 -- socat \
		"PTY,link=$T/pty-first,raw,echo=0" "TCP:127.0.0.1:$P_HELLO,nodelay")
	[ -n "$r" ] && emit first socat 1 "$r"
	r=$("$NPB" first tcp:127.0.0.1:$P_HELLO --reps 10)
	[ -n "$r" ] && emit first tcp 1 "$r"
}

# Ports 0..N-1 to P_SCALE.., added in steps (1, 10, 100, 1000): add time and
# idle memory per added port, then open time and connected memory per port.
bench_scale() {
	local prev=0 n i r conf
	log "scale: delete the bench ports"
	"$NPCTL" -q del 0 1 2 3 4 5 6 || log "npctl del failed"
	"$NPB" peer sink --port $P_SCALE --count "$NPORTS" --ready "$T/scale.ready" &
	pids+=($!)
	waitfor 10000 test -s "$T/scale.ready" || log "scale peer did not start"
	for n in 1 100 1000 "$NPORTS"; do
		[ "$n" -gt "$NPORTS" ] || [ "$n" -le "$prev" ] && continue
		conf=$T/scale-$n.conf
		: >"$conf"
		for i in $(seq "$prev" $((n - 1))); do
			echo "127.0.0.1:$((P_SCALE + i)) index $i no-cmd" >>"$conf"
		done
		log "scale: add ports $prev..$((n - 1))"
		r=$("$NPB" measure --per $((n - prev)) --settle 0.5 \
			--label "add $prev..$((n - 1))" -- "$NPCTL" apply "$conf")
		[ -n "$r" ] && emit scale_add "$n" 1 "$r"
		waitfor 10000 test -c "/dev/ttyNP$((n - 1))"
		log "scale: open $n ports"
		r=$("$NPB" open-many --first 0 --count "$n" --settle 0.5)
		[ -n "$r" ] && emit scale_open "$n" 1 "$r"
		prev=$n
	done
	log "scale: $NPORTS plain TCP connections"
	r=$("$NPB" tcp-many --port $P_SCALE --count "$NPORTS" --settle 0.5)
	[ -n "$r" ] && emit scale_tcp "$NPORTS" 1 "$r"
	log "scale: delete $NPORTS ports"
	r=$("$NPB" measure --per "$NPORTS" --settle 0.5 --label "del all" \
		-- "$NPCTL" apply --prune /dev/null)
	[ -n "$r" ] && emit scale_del "$NPORTS" 1 "$r"
	# another engineer's memory script, when it is there
	if [ -x "$TOP/bench/mem_per_port.sh" ]; then
		log "scale: bench/mem_per_port.sh"
		"$TOP/bench/mem_per_port.sh" >"$OUT/mem_per_port.txt" 2>&1 ||
			log "mem_per_port.sh failed"
	fi
}

env_info() {
	printf '{"bench":"env","path":"guest","rep":0,"r":{"kernel":"%s","cpus":%s,"cpu":"%s","mem_kib":%s,"hz_tck":%s,"date":"%s"}}\n' \
		"$(uname -r)" "$(nproc)" \
		"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
		"$(awk '/MemTotal/ { print $2 }' /proc/meminfo)" \
		"$(getconf CLK_TCK)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$RAW"
}

env_info
setup
t0=$(date +%s)
for s in $SECTIONS; do
	case $s in
	bulk | rtt | line | drain | first | scale) "bench_$s" ;;
	*) log "unknown section $s" ;;
	esac
	log "$s done at $(($(date +%s) - t0)) s"
done
cleanup
pids=()
rmmod nptty 2>/dev/null
log "done: $(wc -l <"$RAW") results in $RAW"
