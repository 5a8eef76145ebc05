#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Receive is lossless: a peer floods 16 MiB while the reader does not read
# for seconds.  The driver must stop reading the socket (TCP back-pressure
# reaches the peer, which blocks) instead of dropping or hoarding, and the
# reader then gets every byte, in order.  Also when the peer closes right
# after sending.
# timeout=300
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all

TOP=$TOP python3 - <<'EOF'
import hashlib, os, sys, time
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *

N = 16 << 20
SEED = 4
t.plan(8)

p = free_port()
peer = Peer(p, "flood", N, SEED)
name = add(f"127.0.0.1:{p}")
fd, err = open_tty("/dev/" + name)
if fd is None:
    t.ok(False, f"open /dev/{name}: {ename(err)}")
    sys.exit(1)
os.write(fd, b"G")      # raw mode is set: now the peer may start

# stall: read nothing until the driver has stopped taking bytes
# (first wait until data flows at all: the peer may be slow to start)
t0 = time.monotonic()
wait_for(lambda: stat(name, "rx_bytes") > 0, 30)
last, since = -1, time.monotonic()
while time.monotonic() - since < 2 and time.monotonic() - t0 < 60:
    rx = stat(name, "rx_bytes")
    if rx != last:
        last, since = rx, time.monotonic()
    time.sleep(0.2)
t.diag(f"stalled {time.monotonic() - t0:.1f}s; the driver took {last} bytes")
t.ok(0 < last < N, f"while the reader stalls the driver stops reading the "
     f"socket: rx_bytes {last} of {N}")
t.ok(peer.find("sent") is None,
     "the peer is blocked by TCP back-pressure (has not sent it all)")

t0 = time.monotonic()
got = read_n(fd, N, 180)
secs = time.monotonic() - t0
t.diag(f"read {len(got)} bytes in {secs:.1f}s "
       f"({len(got) / max(secs, 0.001) / 1e6:.2f} MB/s)")
want = pattern(N, SEED)
same = got == want
if not same:
    i = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
             min(len(got), N))
    t.diag(f"first difference at byte {i}")
t.ok(len(got) == N, f"the reader got all {len(got)} of {N} bytes")
t.ok(same, f"byte-exact, in order (sha256 {hashlib.sha256(got).hexdigest()[:16]}"
     f" vs {hashlib.sha256(want).hexdigest()[:16]})")
info = show(name)
t.ok(info["stats"]["rx_dropped"] == 0 and info["stats"]["rx_bytes"] == N,
     f"rx_bytes {info['stats']['rx_bytes']}, rx_dropped "
     f"{info['stats']['rx_dropped']}")
t.ok(peer.wait_line("sent", 10) is not None, "the peer finished sending")
os.close(fd)
peer.kill()
delete(name)

# the peer sends 1 MiB and closes at once while the reader stalls: what it
# sent before its FIN is still all delivered, then the link goes down
N2 = 256 << 10
p = free_port()
peer = Peer(p, "flood-close", N2, SEED)
name = add(f"127.0.0.1:{p}")
fd, err = open_tty("/dev/" + name)
os.write(fd, b"G")
closed = peer.wait_line("closed", 10) is not None
time.sleep(2)
got = read_n(fd, N2, 60)
t.ok(closed and got == pattern(N2, SEED),
     f"peer sent {N2} bytes and closed (during the stall: {closed}): the "
     f"reader got {len(got)}, byte-exact {got == pattern(N2, SEED)}")
t.ok(wait_for(lambda: stat(name, "disconnects") >= 1, 10),
     f"and then the link went down (disconnects "
     f"{stat(name, 'disconnects')}, rx_dropped {stat(name, 'rx_dropped')})")
os.close(fd)
peer.kill()
delete(name)
sys.exit(t.done())
EOF
