#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run nptty selftests and print TAP (kselftest style): one top-level result per
# test program, the program's own output indented as TAP comments, and a final
# "N passed, N failed, N skipped" line.  Exit status is non-zero when any test
# failed.  Exit codes of the programs: 0 pass, 4 skip, anything else fail.
#
# Env: NPTTY_TESTS  extended regex; only tests whose name matches run
#      NPTTY_TIMEOUT seconds a test may take (default 300, or "# timeout=N"
#                    on a line of its own in the test's source)
#      NPTTY_TIMEOUT_SCALE  multiplies every timeout (a slow kernel: the
#                    debug kernel runs everything about five times slower)

cd "$(dirname "$0")" || exit 1
default_timeout=${NPTTY_TIMEOUT:-300}

tests=()
for t in "$@"; do
	[ -n "${NPTTY_TESTS:-}" ] && ! [[ $(basename "$t") =~ $NPTTY_TESTS ]] && continue
	tests+=("$t")
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Processes other than kernel threads, as a sorted list of PIDs.
user_pids()
{
	ps -e -o pid=,ppid= | awk '$1 != 2 && $2 != 2 && $2 != 0 { print $1 }' | sort
}

# Kill (and name) what a test left running: a leftover peer or server would
# hold ports and sockets the next test needs.  Only the test's own processes:
# each test runs with NPTTY_RUN_TAG in its environment, which its children
# inherit (also those that start a session of their own), so that on a host
# (make -C selftests unit) nothing else of the machine's is touched.
kill_leftovers()
{
	local left pid cmd

	left=$(comm -13 <(echo "$1") <(user_pids))
	for pid in $left; do
		[ "$pid" = "$$" ] || [ "$pid" = "$BASHPID" ] && continue
		[ -r "/proc/$pid/cmdline" ] || continue
		tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" |
			grep -qxF "NPTTY_RUN_TAG=$2" || continue
		cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | cut -c1-100)
		# Empty: a process already exiting.  porthold.py: a port holder
		# that goes with its test by itself (maybe not quite yet).
		case $cmd in
		'' | *porthold.py*) kill -9 "$pid" 2>/dev/null; continue ;;
		esac
		echo "# leftover killed: $pid $cmd"
		kill -9 "$pid" 2>/dev/null
	done
}

echo "TAP version 13"
echo "1..${#tests[@]}"
pass=0 fail=0 skip=0 n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=$(basename "$t")
	src=$t
	[ -f "$(basename "$t").c" ] && src=$(basename "$t").c
	to=$(sed -n 's/^.*# timeout=\([0-9]\+\).*$/\1/p' "$src" 2>/dev/null | head -1)
	to=$((${to:-$default_timeout} * ${NPTTY_TIMEOUT_SCALE:-1}))
	echo "# RUN $name"
	start=$(date +%s.%N)
	# setsid: a test gets its own session (no controlling tty of ours).  Its
	# output goes to a file, not a pipe: a leftover child (a peer in a
	# session of its own) holding the pipe open would block the runner past
	# the timeout.  tail follows the file until the test process is gone.
	before=$(user_pids)
	tag=$$.$n.$RANDOM
	NPTTY_RUN_TAG=$tag timeout -k 5 "$to" setsid "./$t" >"$out" 2>&1 </dev/null &
	tpid=$!
	tail -s 0.2 -n +1 --pid=$tpid -f "$out" | sed -u 's/^/# /'
	wait $tpid
	rc=$?
	kill_leftovers "$before" "$tag"
	secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
	case $rc in
	0) pass=$((pass + 1)); echo "ok $n $name # ${secs}s" ;;
	4) skip=$((skip + 1)); echo "ok $n $name # SKIP" ;;
	124) fail=$((fail + 1)); echo "not ok $n $name # TIMEOUT ${to}s" ;;
	*) fail=$((fail + 1)); echo "not ok $n $name # exit=$rc" ;;
	esac
done
echo "# Totals: pass:$pass fail:$fail skip:$skip"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
