#!/bin/bash
# scan-kmsg.sh LOG - look for kernel error reports in a kernel log.
#
# Prints each report with some context, every line prefixed "vm: kernel log: ",
# then the number of reports on the last line of stdout. Matches that are
# within 40 lines of the previous one count as one report (a WARNING and its
# Call Trace are one report). Exit status: 0 if the log is clean, 1 if it
# has reports, 2 if LOG cannot be read.
set -uo pipefail

log=${1:?usage: scan-kmsg.sh LOG}
[ -r "$log" ] || exit 2

# What the kernel prints when something is wrong: WARN*, BUG*, oopses,
# lockdep, KASAN, UBSAN, kmemleak, hung tasks, RCU stalls, refcount and list
# debugging, panics.
pat='WARNING:|BUG:|kernel BUG at|Oops|Call Trace|general protection'
pat+='|possible circular locking|possible recursive locking'
pat+='|inconsistent lock state|sleeping function called from invalid context'
pat+='|KASAN|UBSAN|kmemleak:.*suspected|INFO: task .* blocked'
pat+='|refcount_t:|list_add corruption|list_del corruption'
pat+='|Kernel panic|detected stalls'

n=$(grep -c -E -- "$pat" "$log")
if [ "$n" -eq 0 ]; then
	echo 0
	exit 0
fi

grep -n -E -B 2 -A 15 -- "$pat" "$log" | head -n 300 | sed 's/^/vm: kernel log: /'
grep -n -E -- "$pat" "$log" | cut -d: -f1 |
	awk 'NR == 1 || $1 - last > 40 { n++ } { last = $1 } END { print n }'
exit 1
