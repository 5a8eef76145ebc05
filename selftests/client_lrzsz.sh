#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ZMODEM through /dev/ttyNP with lrzsz: sz on the tty (stdin and stdout
# redirected to it; it sets raw mode itself) sends a 256 KiB random file to
# rz on npsim's pty (the far end of the serial line, through socat), and rz
# on the tty receives one the other way; both files arrive byte-identical,
# nothing is lost or dropped.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"
need_root
need_module
npsim_need
need_cmd sz rz socat stty sha256sum timeout
port_del_all
cleanup_add port_del_all
npsim_tmpdir
d=$(free_port) c=$(free_port)
npsim_start zmodem -d "$d" -c "$c" -s "pty:$NPSIM_TMP/serial" ||
	skip_all "npsim did not start"
name=$("$NPCTL" add 127.0.0.1:"$d" cmd-port "$c")
tty=/dev/$name
busywait 2000 test -c "$tty"
serial=$NPSIM_TMP/serial
t_plan 5

z=$NPSIM_TMP/z
mkdir -p "$z/near" "$z/far" "$z/near-rx" "$z/far-rx"
head -c 262144 /dev/urandom >"$z/near/out.bin"
head -c 262144 /dev/urandom >"$z/far/back.bin"

sha() { sha256sum <"$1" | cut -d' ' -f1; }

# same FILE A B: print both digests, succeed when they match
same() {
	local a b
	a=$(sha "$2") b=$(sha "$3")
	echo "# $1: sent $a"
	echo "# $1: got  $b"
	[ "$a" = "$b" ]
}

# raw_line TTY: the line is in raw mode (echo off), as rz sets it.
raw_line() { stty -F "$1" -a | grep -Eq -- '(^| )-echo( |$)'; }

# on_tty NAME PROG ARGS...: PROG with stdin and stdout on /dev/ttyNP (it
# sets the line up itself), stderr to $z/NAME.log.
on_tty() {
	local name=$1
	shift
	timeout 90 "$@" 0<>"$tty" 1>&0 2>"$z/$name.log"
}

# on_pty NAME PROG ARGS...: PROG on the far end of the line, connected to
# npsim's pty by socat.  (Not by redirection: lrzsz flushes its tty when it
# exits, and on a pty that drops the last bytes npsim has not read yet,
# ZMODEM's closing "OO", which costs the other side two 10 s time-outs.)
on_pty() {
	local name=$1 rc
	shift
	{
		echo '#!/bin/sh'
		printf '%q ' "$@"
		printf '2>%q\necho $? >%q\n' "$z/$name.log" "$z/$name.rc"
	} >"$z/$name.run"
	chmod +x "$z/$name.run"
	timeout 90 socat "$serial,raw,echo=0" EXEC:"$z/$name.run"
	rc=$(cat "$z/$name.rc" 2>/dev/null)
	return "${rc:-1}"
}

# zmodem NAME SENDER FILE RX-DIR: rz at the other end first, then, once rz
# has put its line in raw mode (a cooked tty would echo sz's first frames
# back), sz at SENDER (tty or pty); both bounded, both must succeed.
zmodem() {
	local name=$1 from=$2 file=$3 rxdir=$4 to rzpid rc_sz rc_rz t0
	t0=$(date +%s.%N)
	to=tty
	[ "$from" = tty ] && to=pty
	(cd "$rxdir" && "on_$to" "$name.rz" rz -y -q) &
	rzpid=$!
	[ "$to" = tty ] && { busywait 30000 raw_line "$tty" ||
		echo "# rz did not set raw mode"; }
	"on_$from" "$name.sz" sz -b -q "$file"
	rc_sz=$?
	wait "$rzpid"
	rc_rz=$?
	echo "# $name: sz exit $rc_sz, rz exit $rc_rz, $(awk -v s="$t0" \
		-v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
	[ "$rc_sz" = 0 ] && [ "$rc_rz" = 0 ] && return 0
	tail -5 "$z/$name.sz.log" | sed 's/^/# sz: /'
	tail -5 "$z/$name.rz.log" | sed 's/^/# rz: /'
	return 1
}

t_check "sz on $tty -> rz on npsim's pty: transfer completes" \
	zmodem near-to-far tty "$z/near/out.bin" "$z/far-rx"
t_check "256 KiB arrived byte-identical (sha256)" \
	same near-to-far "$z/near/out.bin" "$z/far-rx/out.bin"

t_check "sz on npsim's pty -> rz on $tty: transfer completes" \
	zmodem far-to-near pty "$z/far/back.bin" "$z/near-rx"
t_check "256 KiB arrived byte-identical (sha256)" \
	same far-to-near "$z/far/back.bin" "$z/near-rx/back.bin"

# lossless: the port's counters say nothing was lost, dropped or refused
lossless() {
	local s
	s=$("$NPCTL" -j show "$name" | grep -Eo '"stats": ?\{[^}]*\}')
	echo "# $s"
	for k in tx_lost rx_dropped cmd_errors; do
		grep -Eq "\"$k\": ?0[,}]" <<<"$s" || return 1
	done
}
t_check "nothing lost, dropped or refused on the way" lossless
t_done
