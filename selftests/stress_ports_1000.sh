#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 1000 ports: added with one 'npctl apply', listed (a dump of 1000 entries
# over several netlink messages), then deleted with one 'npctl del'; three
# rounds.  Every port gets its own tty device and index, every device goes
# again, the indexes are reused.  Reports the add/delete rates and the slab
# growth per port (Slab in /proc/meminfo); memory is not asserted here (see
# bench/mem_per_port.sh), leaks are kmemleak's job on the debug kernel.
# timeout=600
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all
N=${NPTTY_STRESS_PORTS:-1000}
ROUNDS=3
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"
t_plan $((ROUNDS * 4 + 1))

max=$(cat /sys/module/nptty/parameters/max_ports)
[ "$max" -ge "$N" ] || skip_all "max_ports is $max < $N"

# Nothing listens there: the ports are never opened, so nothing connects.
for i in $(seq 0 $((N - 1))); do
	echo "127.0.0.1:$((40000 + i)) no-cmd"
done >"$tmp/conf"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f ports/s (%.2f s)", n / (b - a), b - a }'; }
slab() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
settle() { sleep 1; }

settle
slab0=$(slab)
for r in $(seq 1 $ROUNDS); do
	t0=$(now)
	"$NPCTL" -q apply "$tmp/conf"
	rc=$?
	t1=$(now)
	"$NPCTL" -j show >"$tmp/show.json"
	n_nl=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$tmp/show.json")
	idx=$(python3 -c 'import json, sys; print(len({p["index"] for p in json.load(open(sys.argv[1]))}))' "$tmp/show.json")
	n_dev=$(find /sys/class/tty -maxdepth 1 -name 'ttyNP*' | wc -l)
	n_node=0
	busywait 20000 sh -c "[ \$(ls /dev | grep -c '^ttyNP') -ge $N ]" && n_node=$N ||
		n_node=$(ls /dev | grep -c '^ttyNP')
	settle
	slab1=$(slab)
	if [ "$rc" = 0 ] && [ "$n_nl" = "$N" ] && [ "$idx" = "$N" ]; then
		t_ok "round $r: $N ports added, $(rate "$N" "$t0" "$t1"); the dump lists $n_nl, $idx distinct indexes"
	else
		t_fail "round $r: apply rc $rc; dump lists $n_nl ports, $idx distinct indexes (want $N)"
	fi
	[ "$n_dev" = "$N" ] && [ "$n_node" = "$N" ] && t_ok "round $r: $n_dev tty devices, $n_node /dev nodes" ||
		t_fail "round $r: $n_dev tty devices, $n_node /dev nodes (want $N)"
	echo "# round $r: slab +$((slab1 - slab0)) KiB with $N ports:" \
		"$(awk -v d=$((slab1 - slab0)) -v n="$N" 'BEGIN { printf "%.2f", d / n }') KiB/port"

	# one del with every name (the reverse order of creation)
	names=$(python3 -c 'import json, sys; print(" ".join(p["tty"] for p in reversed(json.load(open(sys.argv[1])))))' "$tmp/show.json")
	t0=$(now)
	# shellcheck disable=SC2086
	"$NPCTL" -q del $names
	rc=$?
	t1=$(now)
	left=$("$NPCTL" -j show | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
	[ "$rc" = 0 ] && [ "$left" = 0 ] && t_ok "round $r: $N ports deleted, $(rate "$N" "$t0" "$t1")" ||
		t_fail "round $r: del rc $rc, $left ports left"
	busywait 20000 sh -c "! ls /dev | grep -q '^ttyNP'"
	n_dev=$(find /sys/class/tty -maxdepth 1 -name 'ttyNP*' | wc -l)
	n_node=$(ls /dev | grep -c '^ttyNP')
	[ "$n_dev" = 0 ] && [ "$n_node" = 0 ] && t_ok "round $r: no tty device or /dev node left" ||
		t_fail "round $r: $n_dev tty devices, $n_node /dev nodes left"
	settle
	slab2=$(slab)
	echo "# round $r: slab +$((slab2 - slab0)) KiB after the delete (from the start)"
done

# The lowest free index is reused: a new port is ttyNP0 again.
name=$("$NPCTL" add 127.0.0.1:39999 no-cmd)
[ "$name" = ttyNP0 ] && t_ok "indexes are reused: the next port is $name" ||
	t_fail "the next port is $name, not ttyNP0"
"$NPCTL" del "$name"
echo "# refcnt of nptty: $(cat /sys/module/nptty/refcnt)"
t_done
