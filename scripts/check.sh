#!/bin/bash
# Run the whole selftest suite inside the test VM and print its TAP output.
# The verdict line comes last: "N passed, N failed, N skipped".  A dirty
# guest kernel log (WARN, BUG, Oops, lockdep, KASAN...) counts as one more
# failed test, and so does a VM that died before finishing.
set -u
cd "$(dirname "$0")/.." || exit 1
log=$(mktemp)
trap 'rm -f "$log"' EXIT

selftests/vm/run.sh -t "${NPTTY_VM_TIMEOUT:-$((3600 * ${NPTTY_TIMEOUT_SCALE:-1}))}" "$@" -- make -s -C "$PWD/selftests" run 2>&1 | tee "$log"
vm_rc=${PIPESTATUS[0]}

summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
pass=$(echo "$summary" | awk '{ print $1 + 0 }')
fail=$(echo "$summary" | awk '{ print $3 + 0 }')
skip=$(echo "$summary" | awk '{ print $5 + 0 }')
if [ -z "$summary" ]; then
	echo "not ok - the test run did not finish (vm exit $vm_rc)"
	fail=$((fail + 1))
elif [ "$vm_rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
	echo "not ok - guest kernel log or VM (vm exit $vm_rc)"
	fail=$((fail + 1))
fi
echo "check: ${pass:-0} passed, $fail failed, ${skip:-0} skipped"
[ "$fail" -eq 0 ]
