#!/bin/bash
# scan-kmsg.sh LOG... - look for kernel error reports in kernel logs.
#
# The logs (run.sh passes the guest's dmesg and its serial console log) are
# merged: carriage returns dropped, duplicate lines dropped, lines ordered by
# their printk timestamp. Either log alone can miss lines: the ring buffer
# can wrap, the console can drop lines in a burst or miss the ones below its
# loglevel, and there is no dmesg at all when the guest died.
#
# Prints each report with some context, every line prefixed "vm: kernel log: ",
# then the number of reports on the last line of stdout. Matches that are
# within 40 lines of the previous one count as one report (a WARNING and its
# Call Trace are one report). Exit status: 0 if the logs are clean, 1 if they
# have reports, 2 if no LOG can be read.
set -uo pipefail

[ $# -gt 0 ] || { echo "usage: scan-kmsg.sh LOG..." >&2; exit 2; }
logs=()
for f in "$@"; do
	[ -r "$f" ] && logs+=("$f")
done
[ ${#logs[@]} -gt 0 ] || exit 2

# What the kernel prints when something is wrong: WARN*, BUG*, oopses,
# lockdep, KASAN, UBSAN, kmemleak, hung tasks, RCU stalls, refcount and list
# debugging, panics.
pat='WARNING:|BUG:|kernel BUG at|Oops|Call Trace|general protection'
pat+='|possible circular locking|possible recursive locking'
pat+='|inconsistent lock state|sleeping function called from invalid context'
pat+='|KASAN|UBSAN|kmemleak:.*suspected|INFO: task .* blocked'
pat+='|refcount_t:|list_add corruption|list_del corruption'
pat+='|Kernel panic|detected stalls'

merged=$(mktemp)
trap 'rm -f "$merged"' EXIT
cat "${logs[@]}" | tr -d '\r' | awk '!seen[$0]++' |
	sort -s -t '[' -k 2,2n >"$merged"

n=$(grep -c -E -- "$pat" "$merged")
if [ "$n" -eq 0 ]; then
	echo 0
	exit 0
fi

grep -E -B 2 -A 15 -- "$pat" "$merged" | head -n 300 | sed 's/^/vm: kernel log: /'
grep -n -E -- "$pat" "$merged" | cut -d: -f1 |
	awk 'NR == 1 || $1 - last > 40 { n++ } { last = $1 } END { print n }'
exit 1
