#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-flaky.sh: run the test suite RUNS times in a row, optionally while a
# CPU hog keeps every core busy, and say which tests ever failed.
#
#   RUNS=N      runs (default 3)
#   LOAD=1      a CPU hog on every host core for the whole time (stress-ng
#               --cpu N, or plain busy loops where stress-ng is missing)
#   UNIT=1      each run also runs the host-side unit tests
#               ('make -C selftests unit'; names get a "host:" prefix):
#               they share the host with everything else, so a port or a
#               timing they assume is tested here too.  UNIT=0: VM only.
#   VM=0        host unit tests only (needs UNIT=1)
#   NPTTY_TESTS a regex selecting the tests, as for make check
#   FLAKY_DIR   where the logs go (default /var/tmp/nptty-flaky/DATE)
#   FLAKY_REPORT=DIR  run nothing: summarize the logs already in DIR (also
#               of runs that were stopped part way)
#   NPTTY_VM_TIMEOUT  the whole VM run's hang guard (check.sh: 2400 s);
#               with LOAD=1 the default here is 7200 s: the suite took
#               over 40 min on a loaded 2-core host and was cut off
#
# Every run's log is kept (run-N.log, unit-N.log).  At the end: one line per
# test with its pass count out of the runs it ran in, the runs' wall times,
# and for each test that failed at least once its first failure: the run,
# the log, and the test's own output lines up to its "not ok".
# Exit status: 0 when every test passed every run.
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
RUNS=${RUNS:-3}
LOAD=${LOAD:-0}
UNIT=${UNIT:-1}
VM=${VM:-1}
dir=${FLAKY_DIR:-/var/tmp/nptty-flaky/$(date -u +%Y%m%d-%H%M%S)}
if [ -n "${FLAKY_REPORT:-}" ]; then
	dir=$FLAKY_REPORT
	RUNS=$(find "$dir" -maxdepth 1 -name 'run-*.log' -o -maxdepth 1 -name 'unit-*.log' |
		sed 's/.*-\([0-9]*\)\.log$/\1/' | sort -n | tail -1)
	[ -n "$RUNS" ] || { echo "check-flaky: no run logs in $dir"; exit 1; }
	LOAD=0
fi
if [ "$LOAD" = 1 ]; then
	export NPTTY_VM_TIMEOUT=${NPTTY_VM_TIMEOUT:-7200}
fi
mkdir -p "$dir" || exit 1

hog_pids=()
stop_hog() {
	local p
	for p in "${hog_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${hog_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	hog_pids=()
}
trap stop_hog EXIT
trap 'exit 130' INT TERM

if [ "$LOAD" = 1 ]; then
	ncpu=$(nproc)
	if command -v stress-ng >/dev/null; then
		stress-ng --cpu "$ncpu" --quiet >/dev/null 2>&1 &
		hog_pids+=($!)
		hog="stress-ng --cpu $ncpu"
	else
		for _ in $(seq "$ncpu"); do
			sh -c 'while :; do :; done' &
			hog_pids+=($!)
		done
		hog="$ncpu busy loops (no stress-ng)"
	fi
	echo "check-flaky: load: $hog"
fi

echo "check-flaky: $RUNS run(s), logs in $dir${NPTTY_TESTS:+, NPTTY_TESTS=$NPTTY_TESTS}"
t0=$(date +%s)
[ -n "${FLAKY_REPORT:-}" ] && skip_runs=1 || skip_runs=0
for r in $(seq "$RUNS"); do
	[ "$skip_runs" = 1 ] && break
	s=$(date +%s)
	if [ "$VM" = 1 ]; then
		echo "check-flaky: run $r/$RUNS: make check ($(date -u +%H:%M:%S) UTC)"
		./scripts/check.sh >"$dir/run-$r.log" 2>&1
		tail -1 "$dir/run-$r.log" | sed "s/^/check-flaky: run $r: /"
	fi
	if [ "$UNIT" = 1 ]; then
		make -s -C selftests unit >"$dir/unit-$r.log" 2>&1
		tail -1 "$dir/unit-$r.log" | sed "s/^/check-flaky: run $r host unit: /"
	fi
	echo "$r $(($(date +%s) - s))" >>"$dir/times"
done
total=$(($(date +%s) - t0))
stop_hog

# Per test: runs, passes, first failing run.  A top-level TAP line of
# run_tests.sh is "ok N name # ..." or "not ok N name # ..." at column 0;
# the tests' own lines are indented as "# ...".  A run that died before a
# test reported counts for the tests it did report.
python3 - "$dir" "$RUNS" "$UNIT" "$VM" <<'PY'
import os, re, sys

d, runs, unit, vm = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
top = re.compile(r"^(not )?ok \d+ (\S+)(.*)$")
stats = {}          # name -> [ran, passed, first_fail (run, log, why)]
order = []
extra = []          # run-level failures: VM died, dirty kernel log


def scan(path, r, prefix):
    try:
        lines = open(path, errors="replace").read().splitlines()
    except FileNotFoundError:
        return
    body = []
    for ln in lines:
        if ln.startswith("# RUN "):
            body = []
            continue
        m = top.match(ln)
        if not m:
            if ln.startswith("#"):
                body.append(ln)
            elif ln.startswith("not ok - "):
                extra.append((r, os.path.basename(path), ln))
            continue
        name = prefix + m.group(2)
        if name not in stats:
            stats[name] = [0, 0, None]
            order.append(name)
        st = stats[name]
        st[0] += 1
        if m.group(1) is None:
            st[1] += 1
        elif st[2] is None:
            st[2] = (r, os.path.basename(path), body[-25:] + [ln])
        body = []


for r in range(1, runs + 1):
    if vm == "1":
        scan(os.path.join(d, f"run-{r}.log"), r, "")
    if unit == "1":
        scan(os.path.join(d, f"unit-{r}.log"), r, "host:")

print("check-flaky: per-test passes")
flaky = [n for n in order if stats[n][1] < stats[n][0]]
for n in order:
    ran, ok, _ = stats[n]
    mark = "" if ok == ran else "   <- FAILED"
    print(f"  {ok}/{ran}  {n}{mark}")
for n in flaky:
    r, log, why = stats[n][2]
    print(f"check-flaky: {n}: first failure in run {r} ({os.path.join(d, log)}):")
    for ln in why:
        print(f"    {ln}")
for r, log, ln in extra:
    print(f"check-flaky: run {r} ({log}): {ln}")
with open(os.path.join(d, "summary"), "w") as f:
    for n in order:
        f.write(f"{stats[n][1]}/{stats[n][0]} {n}\n")
sys.exit(1 if flaky or extra else 0)
PY
rc=$?
times=$(awk '{ printf "%s%ss", (NR > 1 ? " " : ""), $2 }' "$dir/times" 2>/dev/null)
if [ "$skip_runs" = 1 ]; then
	echo "check-flaky: report of $dir (per run: ${times:-?})"
else
	echo "check-flaky: wall time ${total}s (per run: $times), load=$LOAD, logs in $dir"
fi
for r in $(seq "$RUNS"); do
	[ "$VM" = 1 ] || break
	grep -qE '^check: [0-9]+ passed, 0 failed' "$dir/run-$r.log" || rc=1
done
[ $rc -eq 0 ] && echo "check-flaky: every test passed every run"
exit $rc
