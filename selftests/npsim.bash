# SPDX-License-Identifier: GPL-2.0
# Helpers for tests that drive npsim, on top of lib.sh.  Source after lib.sh:
#	. "$(dirname "$0")/lib.sh"
#	. "$(dirname "$0")/npsim.bash"
# (Not a test itself: run_tests picks up *.sh only.)

NPSIM_TMP=
NPSIM_NS=

# npsim_netns: run npsim and aspp_py in a fresh network namespace of their
# own (loopback up), removed at exit: npsim's fixed default ports (4001,
# 966) are then this test's alone, also on a busy host.  Skips the test
# where no namespace can be made.
npsim_netns() {
	need_root
	need_cmd ip
	NPSIM_NS=npsim$$
	ip netns add "$NPSIM_NS" 2>/dev/null ||
		skip_all "cannot create a network namespace"
	cleanup_add "ip netns del $NPSIM_NS"
	ip -n "$NPSIM_NS" link set lo up
	_npsim_ns=(ip netns exec "$NPSIM_NS")
}

# _npsim_ns: the command prefix that runs in $NPSIM_NS (none without one;
# ip netns exec execs the command: $! stays the command's pid).
_npsim_ns=()

# npsim_tmpdir: a scratch directory removed at exit ($NPSIM_TMP).
npsim_tmpdir() {
	[ -n "$NPSIM_TMP" ] && return 0
	NPSIM_TMP=$(mktemp -d /tmp/npsim-test.XXXXXX) || return 1
	cleanup_add "rm -rf '$NPSIM_TMP'"
}

# npsim_start NAME [ARGS...]: start npsim in the background with
# --ready-file $NPSIM_TMP/NAME.ready --events $NPSIM_TMP/NAME.events, stderr
# to $NPSIM_TMP/NAME.log; wait until it is ready.  Sets NPSIM_PID.
npsim_start() {
	local name=$1
	shift
	npsim_tmpdir || return 1
	[ -x "$NPSIM" ] || { echo "no $NPSIM: build it first"; return 1; }
	rm -f "$NPSIM_TMP/$name.ready" "$NPSIM_TMP/$name.events"
	"${_npsim_ns[@]}" "$NPSIM" --ready-file "$NPSIM_TMP/$name.ready" \
		--events "$NPSIM_TMP/$name.events" "$@" \
		2>"$NPSIM_TMP/$name.log" &
	NPSIM_PID=$!
	cleanup_add "kill $NPSIM_PID"
	if ! busywait 10000 test -e "$NPSIM_TMP/$name.ready"; then
		echo "npsim $name did not start:"
		sed 's/^/  /' "$NPSIM_TMP/$name.log"
		return 1
	fi
}

# npsim_stop PID: SIGTERM, wait, return npsim's exit status.
npsim_stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
}

# aspp_py ARGS...: run python3 with aspp_client importable (script on stdin
# or -c); its TAP output is indented as a subtest.  Returns python's status.
aspp_py() {
	PYTHONDONTWRITEBYTECODE=1 \
	PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)" \
		"${_npsim_ns[@]}" python3 "$@" 2>&1 | sed -u 's/^/    /'
	return "${PIPESTATUS[0]}"
}

# t_sub DESC: record the status of the last command as one result.
t_sub() {
	if [ "$?" -eq 0 ]; then t_ok "$1"; else t_fail "$1"; fi
}

# npsim_need: skip the whole test when npsim or python3 is missing.
npsim_need() {
	need_cmd python3
	[ -x "$NPSIM" ] || skip_all "npsim not built ($NPSIM)"
}
