# SPDX-License-Identifier: GPL-2.0
# Shell helpers for nptty selftests: TAP results, kselftest exit codes,
# the module, cleanup traps, waiting, and held TCP ports.  Source it:
#	. "$(dirname "$0")/lib.sh"

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NPCTL=$TOP/userspace/npctl/npctl
NPSIM=$TOP/userspace/npsim/npsim
KO=${NPTTY_KO:-$TOP/nptty.ko}

_t_n=0
_t_fail=0
_t_skip=0
_cleanups=()

t_plan() { echo "1..$1"; }

t_ok() {
	_t_n=$((_t_n + 1))
	echo "ok $_t_n $*"
}

t_fail() {
	_t_n=$((_t_n + 1))
	_t_fail=$((_t_fail + 1))
	echo "not ok $_t_n $*"
}

t_skip() {
	_t_n=$((_t_n + 1))
	_t_skip=$((_t_skip + 1))
	echo "ok $_t_n $* # SKIP"
}

# t_check DESC CMD...: one result, ok when CMD succeeds.  CMD's output is shown.
t_check() {
	local desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_fail "$desc"; fi
}

# t_expect_fail DESC CMD...: ok when CMD fails.
t_expect_fail() {
	local desc=$1
	shift
	if "$@"; then t_fail "$desc"; else t_ok "$desc"; fi
}

# t_done: exit with the kselftest code for what was recorded.
t_done() {
	[ "$_t_fail" -gt 0 ] && exit $KSFT_FAIL
	[ "$_t_n" -gt 0 ] && [ "$_t_skip" -eq "$_t_n" ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}

# skip_all REASON: the whole test cannot run here.
skip_all() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# cleanup_add CMD: run CMD (eval'd) when the test exits, last added first.
cleanup_add() { _cleanups=("$1" "${_cleanups[@]}"); }
_run_cleanups() {
	local c
	for c in "${_cleanups[@]}"; do eval "$c" >/dev/null 2>&1; done
}
trap _run_cleanups EXIT

# NPTTY_TIMEOUT_SCALE (an integer, default 1) stretches every hang guard:
# a slow kernel (the debug kernel) or a busy host.  scaled_ms MS prints it.
scaled_ms() { echo $(($1 * ${NPTTY_TIMEOUT_SCALE:-1})); }

# busywait MS CMD...: retry CMD every 20 ms until it succeeds, or give up
# after MS ms of wall-clock time, at least 10 s, times NPTTY_TIMEOUT_SCALE.
# MS is a hang guard for an event that is expected, never a measurement:
# on a busy host a udev node or a listener may take seconds to appear.
busywait() {
	local ms=$1 end now
	shift
	[ "$ms" -lt 10000 ] && ms=10000
	ms=$(scaled_ms "$ms")
	end=$((${EPOCHREALTIME//[.,]/} / 1000 + ms))
	while ! "$@"; do
		now=$((${EPOCHREALTIME//[.,]/} / 1000))
		[ "$now" -ge "$end" ] && return 1
		sleep 0.02
	done
}

# nptty_load: make sure nptty.ko is loaded (from the tree).
nptty_load() {
	grep -q '^nptty ' /proc/modules && return 0
	[ -r "$KO" ] || { echo "no $KO: run make first"; return 1; }
	insmod "$KO" "$@"
}

need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
need_module() { nptty_load || skip_all "cannot load nptty.ko"; }
need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip_all "needs $c"
	done
}

# free_port: print a loopback TCP port the kernel handed out, held (bound,
# never listening) until this test exits: nothing else gets it, a connect to
# it is refused, and a server with SO_REUSEADDR (npsim, peer.py, socat's
# reuseaddr) can listen on it, stop, and listen again.  See porthold.py.
free_port() { free_block 1; }

# free_block N: the first of N consecutive such ports (npsim -n N -d BASE).
free_block() {
	python3 "$TOP/selftests/porthold.py" "$$" "${1:-1}"
}

# wait_listen PORT: wait until something listens on TCP PORT.
wait_listen() { busywait 10000 sh -c "ss -Htln 'sport = :$1' | grep -q ."; }

# port_del_all: remove every nptty port (ignore errors).
port_del_all() {
	local t
	for t in $("$NPCTL" list 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		"$NPCTL" del "$t"
	done
}
