#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Draining against a peer that accepts and never reads (socket, then ring
# full): tcdrain() and close() come back, bounded by the TCP user timeout,
# instead of hanging the process.
# timeout=120
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all
# A namespace of our own with small TCP buffers, so that filling the socket
# takes kilobytes, not megabytes (ports and peers live in it).
. "$(dirname "$0")/linkns.bash"
ns_setup
ip netns exec "$NS_A" sysctl -qw net.ipv4.tcp_wmem="4096 16384 65536" \
	net.ipv4.tcp_rmem="4096 16384 65536"

TOP=$TOP python3 - <<'EOF'
import os, sys, time, termios
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *
use_ns(os.environ["NS_A"])

RING = 16384
P = pattern(16 << 20, 7)
t.plan(3)

# --- a peer that accepts and never reads: drain and close are bounded
UT = 2000
bound = 10 * UT / 1000
p = free_port()
peer = Peer(p, "hold", rcvbuf=4096)
name = add(f"127.0.0.1:{p}", "user-timeout", UT, "tx-ring", RING)
fd, err = open_tty("/dev/" + name)
set_nonblock(fd, True)
w, full = fill(fd, name, P, 0, settled=False)
set_nonblock(fd, False)
t0 = time.monotonic()
res = in_thread(termios.tcdrain, fd)
r = res(bound)
secs = time.monotonic() - t0
t.ok(r is not None, f"tcdrain against a peer that never reads returns: "
     f"{r} after {secs:.1f}s (user-timeout {UT} ms, guard {bound:.0f}s)")
info = show(name)
t.diag(f"then: state {info['state']}, last_error {info['last_error']}, "
       f"stats {info['stats']}")
# the link comes back (the peer still accepts); fill it again, then close
wait_for(lambda: state(name) == "up", 15)
set_nonblock(fd, True)
fill(fd, name, P, w, settled=False)
t0 = time.monotonic()
res = in_thread(os.close, fd)
r = res(bound + 30)
secs = time.monotonic() - t0
t.ok(r is not None, f"close with a full ring and a peer that never reads "
     f"returns: {r} after {secs:.1f}s")
idle = wait_for(lambda: state(name) == "idle", 10)
t.ok(idle, f"and the port is {state(name)}")
peer.kill()
delete(name)
sys.exit(t.done())
EOF
