#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bounded robustness loops: 1000 open/close cycles against an echo server
# (one connect and one disconnect each, nothing leaked); module unload
# refused while a tty is open, clean after the close.  (The add/open/del
# races are tty_race.c: shell loops are too slow under TCG.)
# timeout=180
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3 rmmod timeout
port_del_all
cleanup_add port_del_all
cleanup_add 'kill $(jobs -p)'
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"
t_plan 8

tcp_inuse() { awk '$1 == "TCP:" { print $3 }' /proc/net/sockstat; }

# --- 1000 open/close cycles
p=$(free_port)
python3 "$TOP/selftests/peer.py" "$p" echo >"$tmp/peer.log" &
peer=$!
wait_listen "$p"
base=$(tcp_inuse)
name=$("$NPCTL" add 127.0.0.1:$p no-cmd)
SECONDS=0
TOP=$TOP python3 - "$name" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *
dev = "/dev/" + sys.argv[1]
bad = []
for i in range(1000):
    fd, err = open_tty(dev, raw_mode=(i % 100 == 0))
    if fd is None:
        bad.append(f"open {i}: {ename(err)}")
        continue
    if i % 100 == 0:
        msg = b"cycle %d\n" % i
        os.write(fd, msg)
        if read_n(fd, len(msg), 10) != msg:
            bad.append(f"echo {i}")
    os.close(fd)
print(f"# {len(bad)} failures {bad[:5]}")
sys.exit(1 if bad else 0)
EOF
t_check "1000 open/close cycles, an echo every 100th" test $? = 0
echo "# (took ${SECONDS}s)"
stats=$("$NPCTL" -j show "$name" | python3 -c \
	'import json,sys; p=json.load(sys.stdin)[0]; s=p["stats"]
print(p["state"], s["connects"], s["disconnects"], s["tx_bytes"], s["rx_bytes"])')
echo "# state connects disconnects tx rx: $stats"
[[ $stats == "idle 1000 1000 "* ]] && t_ok "1000 connects, 1000 disconnects, idle" ||
	t_fail "after the cycles: $stats"
busywait 20000 sh -c "[ \$(grep -c '^closed' $tmp/peer.log) -ge 1000 ]"
n=$(grep -c '^accept' "$tmp/peer.log")
c=$(grep -c '^closed' "$tmp/peer.log")
[ "$n" = 1000 ] && [ "$c" = 1000 ] && t_ok "the server saw 1000 connections, all closed" ||
	t_fail "the server saw $n connections, $c closed"
busywait 10000 sh -c "[ \$(awk '\$1 == \"TCP:\" { print \$3 }' /proc/net/sockstat) -le $base ]"
now=$(tcp_inuse)
[ "$now" -le "$base" ] && t_ok "no socket leaked (TCP in use: $base before, $now after)" ||
	t_fail "TCP sockets in use: $base before, $now after"
"$NPCTL" del "$name"
kill "$peer"

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
