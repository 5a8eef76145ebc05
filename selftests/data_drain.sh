#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Draining against a peer that stops reading.  A live peer that holds its
# TCP window shut is serial flow control (an NPort whose line is held by
# CTS): tcdrain() waits as on a UART, the link stays up, and it returns once
# the peer reads again; close() is bounded by closing_wait.  A peer that
# vanishes while its window is shut leaves the window probes unanswered:
# the link goes down and tcdrain() returns instead of hanging the process.
# timeout=360
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"
# A namespace of our own with small TCP buffers, so that filling the socket
# takes kilobytes, not megabytes (ports and peers live in it).
. "$(dirname "$0")/linkns.bash"
ns_setup
ip netns exec "$NS_A" sysctl -qw net.ipv4.tcp_wmem="4096 16384 65536" \
	net.ipv4.tcp_rmem="4096 16384 65536"

TMP=$tmp TOP=$TOP python3 - <<'EOF'
import os, sys, time, termios
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *
NS_A, NS_B = os.environ["NS_A"], os.environ["NS_B"]
use_ns(NS_A)

RING = 16384
P = pattern(16 << 20, 7)
UT = 2000
GUARD = 10 * UT / 1000
CLOSING_WAIT = 30
t.plan(6)


def fill_then_drain(fd, name, off):
    set_nonblock(fd, True)
    w, _ = fill(fd, name, P, off, settled=False)
    set_nonblock(fd, False)
    return w, in_thread(termios.tcdrain, fd)


# --- a live peer that holds its window shut: flow control, not a dead link
p = free_port()
out = os.environ["TMP"] + "/sink"
peer = Peer(p, "paused-sink", out, rcvbuf=4096)
name = add(f"127.0.0.1:{p}", "user-timeout", UT, "tx-ring", RING)
fd, err = open_tty("/dev/" + name)
w, drain = fill_then_drain(fd, name, 0)
r = drain(3 * UT / 1000)
info = show(name)
t.ok(r is None and info["state"] == "up" and
     info["stats"]["disconnects"] == 0,
     f"tcdrain against a live peer with a shut window waits (flow control): "
     f"{r} after {3 * UT} ms (user-timeout {UT} ms); link {info['state']}, "
     f"{info['stats']['disconnects']} disconnects")
peer.resume()
r = drain(30)
wait_for(lambda: len(read_file(out + ".1")) >= w, 30)
got = read_file(out + ".1")
t.ok(r == ("ret", None) and got == P[:w],
     f"the peer reads again: tcdrain returns ({r}), the peer got the "
     f"{len(got)} of {w} bytes in order")

# close with a full ring: bounded by closing_wait
peer.pause()
set_nonblock(fd, True)
fill(fd, name, P, w, settled=False)
t0 = time.monotonic()
closer = in_thread(os.close, fd)
r = closer(CLOSING_WAIT + 15)
secs = time.monotonic() - t0
t.ok(r is not None, f"close with a full ring and a peer that does not read "
     f"returns: {r} after {secs:.1f}s (closing_wait {CLOSING_WAIT} s)")
idle = wait_for(lambda: state(name) == "idle", 10)
t.ok(idle, f"and the port is {state(name)}")
peer.kill()
delete(name)

# --- the peer vanishes while its window is shut: the probes go unanswered
peer = Peer(4001, "paused-sink", bind="192.0.2.2", ns=NS_B, rcvbuf=4096)
name = add("192.0.2.2:4001", "user-timeout", UT, "tx-ring", RING)
fd, err = open_tty("/dev/" + name)
w, drain = fill_then_drain(fd, name, 0)
wait_for(lambda: drain.asleep_in("ioctl"), 10)     # in tcdrain
blackhole(True)
t0 = time.monotonic()
r = drain(GUARD)
secs = time.monotonic() - t0
info = show(name)
t.ok(r is not None, f"the peer vanishes during tcdrain: it returns after "
     f"{secs:.1f}s ({r}; link {info['state']})")
t.ok(info["last_error"] == errno.ETIMEDOUT and
     info["stats"]["disconnects"] == 1,
     f"the link went down: last_error {ename(info['last_error'])}, "
     f"{info['stats']['disconnects']} disconnect")
blackhole(False)
os.close(fd)
peer.kill()
delete(name)
sys.exit(t.done())
EOF
