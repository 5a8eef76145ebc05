#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Module unload while a ttyNP is open is refused (the tty keeps working);
# after the close it succeeds although a port still exists, and the port's
# node goes with it.  The module is loaded again for the tests that follow.
# (The loops, 1000 open/close cycles and 100 add/open/del races, are
# tty_cycles.c and tty_race.c: shell loops are too slow under TCG.)
# timeout=300
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3 rmmod timeout
port_del_all
cleanup_add port_del_all
cleanup_add 'kill $(jobs -p)'
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"
t_plan 4

# --- module unload while a tty is open
p=$(free_port)
python3 "$TOP/selftests/peer.py" "$p" echo >"$tmp/peer.log" &
wait_listen "$p"
name=$("$NPCTL" add 127.0.0.1:$p no-cmd)
# a holder process keeps the tty open (O_NOCTTY: this script leads its
# session) until told through a fifo, then checks the tty still echoes
mkfifo "$tmp/go"
TOP=$TOP python3 - "/dev/$name" "$tmp/go" >"$tmp/holder.log" 2>&1 <<'EOF' &
import os, sys
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *
fd, err = open_tty(sys.argv[1])
print("open", ename(err), flush=True)
open(sys.argv[2]).read()
os.write(fd, b"ping")
print("echo", read_n(fd, 4, 10).decode(), flush=True)
os.close(fd)
EOF
holder=$!
busywait 20000 grep -q '^open' "$tmp/holder.log"
out=$(rmmod nptty 2>&1)
rc=$?
echo "# $(cat "$tmp/holder.log"); rmmod: $out"
[ $rc != 0 ] && grep -q '^nptty ' /proc/modules &&
	t_ok "rmmod with /dev/$name open is refused" || t_fail "rmmod with a tty open: rc $rc"
echo go >"$tmp/go"
wait $holder
grep -q '^echo ping' "$tmp/holder.log" && t_ok "and the open tty still works" ||
	t_fail "after rmmod: $(cat "$tmp/holder.log")"
t_check "after the close rmmod succeeds (a port still exists)" busywait 5000 rmmod nptty
[ ! -e "/dev/$name" ] && t_ok "the port's node went with the module" ||
	t_fail "/dev/$name still there"
nptty_load
t_done
