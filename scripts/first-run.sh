#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# first-run.sh [DIR...] - 'make demo' from fresh clones where users clone.
#
# Clones this tree (its committed HEAD) into a new directory under each of
# DIR (default: /tmp /var/tmp and root's home, the places the VM covers with
# a tmpfs of its own) and runs 'make demo' there once, as a newcomer would.
# Prints TAP, one line per clone, with the time it took; exit 0 when every
# clone said "demo OK".  The clones are removed afterwards (kept on failure).
# A path with a space cannot work (kbuild): such a DIR is refused up front.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD

dirs=("$@")
[ ${#dirs[@]} -gt 0 ] || dirs=(/tmp /var/tmp "${HOME:-/root}")

echo "1..${#dirs[@]}"
n=0
fail=0
for d in "${dirs[@]}"; do
	n=$((n + 1))
	case $d in
	*' '*)
		echo "not ok $n $d: a path with a space cannot hold a kbuild tree"
		fail=$((fail + 1))
		continue
		;;
	esac
	t0=$(date +%s)
	clone=$(mktemp -d "$d/nptty-first.XXXXXX") &&
		git clone -q "$top" "$clone/nptty" || {
		echo "not ok $n clone into $d failed"
		fail=$((fail + 1))
		continue
	}
	log=$clone/demo.log
	if (cd "$clone/nptty" && make demo) >"$log" 2>&1 &&
		grep -q 'demo OK' "$log"; then
		echo "ok $n make demo from $clone/nptty # $(($(date +%s) - t0)) s"
		rm -rf "$clone"
	else
		echo "not ok $n make demo from $clone/nptty (log kept: $log)"
		tail -n 15 "$log" | sed 's/^/# /'
		fail=$((fail + 1))
	fi
done
echo "first-run: $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
