#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The transmit side: a peer that stops reading fills the socket and then the
# ring (its size set by tx-ring); O_NONBLOCK writers get EAGAIN, blocking
# writers sleep, TIOCOUTQ tells the truth (the ring and what the socket
# holds unacknowledged), and when the peer reads again every byte arrives
# once, in order; tcflush empties the ring.
# timeout=300
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
import os, select, sys, time, termios
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *
use_ns(os.environ["NS_A"])

RING = 16384
LINKBUF = 4096          # what the link may hold taken out of the ring
SNDBUF = 65536          # what the data socket may hold (its locked buffer)
MAX = 16 << 20
P = pattern(MAX, 7)
t.plan(9)

# --- a peer that pauses: EAGAIN, honest TIOCOUTQ, blocking sleep, no loss
p = free_port()
out = os.environ["TMP"] + "/sink"
peer = Peer(p, "paused-sink", out, rcvbuf=4096)
name = add(f"127.0.0.1:{p}", "tx-ring", RING)
fd, err = open_tty("/dev/" + name)
set_nonblock(fd, True)
w, full = fill(fd, name, P, 0)
tx = stat(name, "tx_bytes")
q = outq(fd)
t.diag(f"accepted {w} bytes before EAGAIN; socket took {tx}; TIOCOUTQ {q}")
t.ok(full and w < MAX, f"O_NONBLOCK write gets EAGAIN once the peer stops "
     f"reading ({w} bytes accepted)")
held = q - (w - tx)
t.ok(0 < held <= SNDBUF, f"TIOCOUTQ {q} == written {w} - taken by the socket "
     f"{tx} + {held} the socket holds unacknowledged")
t.ok(RING <= w - tx <= RING + LINKBUF,
     f"the ring of tx-ring {RING} is full: {w - tx} bytes")
_, wr, _ = select.select([], [fd], [], 0.2)
t.ok(not wr, "select() does not report the full tty writable")

set_nonblock(fd, False)
extra = 65536
res = in_thread(write_all, fd, P[w:w + extra])
asleep = wait_for(lambda: res.asleep_in("write"), 10)
t.ok(asleep and res() is None, "a blocking write sleeps while the ring is full")
peer.resume()
r = res(60)
t.ok(r == ("ret", extra), f"the peer reads again: the blocking write "
     f"completes ({r})")
w += extra
termios.tcdrain(fd)
q = outq(fd)
wait_for(lambda: len(read_file(out + ".1")) >= w, 30)
got = read_file(out + ".1")
t.ok(got == P[:w], f"the peer got exactly the {w} bytes written, in order "
     f"(got {len(got)}; TIOCOUTQ after tcdrain {q})")
t.ok(stat(name, "tx_bytes") == w and stat(name, "tx_lost") == 0,
     f"tx_bytes {stat(name, 'tx_bytes')}, tx_lost {stat(name, 'tx_lost')}")

# tcflush(TCOFLUSH) empties what the driver holds
peer.pause()
set_nonblock(fd, True)
w2, full = fill(fd, name, P, w)
q0 = outq(fd)
termios.tcflush(fd, termios.TCOFLUSH)
q = outq(fd)
t.ok(full and q0 >= RING and q <= q0 - RING and q <= SNDBUF,
     f"tcflush(TCOFLUSH) on a full ring empties it: TIOCOUTQ {q0} -> {q} "
     f"(what the socket holds)")
peer.kill()             # first: close would wait closing_wait for it
os.close(fd)
delete(name)

sys.exit(t.done())
EOF
