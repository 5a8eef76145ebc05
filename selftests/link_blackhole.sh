#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A peer that vanishes without a word (every segment to it dropped, in a
# network namespace): mid-transfer the TCP user timeout, on an idle link
# keepalive, must notice it in seconds; DCD drops; once the peer is back the
# link reconnects and the transfer completes on the same fd with every byte
# accounted for; close with bytes queued on the dead link is bounded.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/linkns.bash"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"
ns_setup

TMP=$tmp TOP=$TOP python3 - <<'EOF'
import os, sys, time, termios
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *

NS_A, NS_B = os.environ["NS_A"], os.environ["NS_B"]
W = 4 << 20
P = pattern(W, 13)
UT = 2000
GUARD = 10 * UT / 1000
out = os.environ["TMP"] + "/bh"
t.plan(11)

def wait_stable(path, secs):
    last, since, end = -1, time.monotonic(), time.monotonic() + secs * SCALE
    while time.monotonic() < end:
        n = len(read_file(path))
        if n != last:
            last, since = n, time.monotonic()
        elif time.monotonic() - since > 3.0 * SCALE:
            break       # quiet for a while (a starved peer may pause)
        time.sleep(0.1)
    return read_file(path)

# the peer reads 512 KiB/s: the transfer lasts, bytes are always in flight
peer = Peer(4001, "sink", out, bind="192.0.2.2", ns=NS_B, rate=512 << 10)
name = add("192.0.2.2:4001", "user-timeout", UT, "keepalive", 1, ns=NS_A)
fd, err = open_tty("/dev/" + name)
writer = in_thread(write_all, fd, P)
wait_for(lambda: len(read_file(out + ".1")) >= 256 << 10, 60)
blackhole(True)
t0 = time.monotonic()
dropped = wait_for(lambda: not carrier(fd), GUARD)
secs = time.monotonic() - t0
info = show(name, ns=NS_A)
t.ok(dropped, f"peer blackholed mid-transfer: DCD drops after {secs:.1f}s "
     f"(user-timeout {UT} ms; link {info['state']})")
t.ok(info["last_error"] == errno.ETIMEDOUT,
     f"last_error {ename(info['last_error'])}")
got1 = wait_stable(out + ".1", 30)
lost = info["stats"]["tx_lost"]
t.diag(f"the old connection delivered {len(got1)} bytes; tx_bytes "
       f"{info['stats']['tx_bytes']}, tx_lost {lost}")
time.sleep(1)
blackhole(False)
up = wait_for(lambda: state(name, ns=NS_A) == "up", 30)
t.ok(up and carrier(fd), f"peer reachable again: link "
     f"{state(name, ns=NS_A)}, DCD {carrier(fd)}")
r = writer(120)
termios.tcdrain(fd)
got2 = wait_stable(out + ".2", 30)
off = W - len(got2)
t.ok(r == ("ret", W) and got2 == P[off:],
     f"the writer finished on the same fd ({r}); the new connection got "
     f"the last {len(got2)} bytes in order")
t.ok(off >= len(got1), f"nothing sent twice: offset {off} >= {len(got1)}")
t.ok(lost > 0, f"the bytes the dead socket held are counted: tx_lost {lost}")
t.ok(off == len(got1) + lost, f"every byte accounted for: offset {off} == "
     f"delivered {len(got1)} + tx_lost {lost}")

# an idle link: only keepalive can notice
miwait = miwait_thread(fd)
wait_for(miwait.blocked, 10)    # the waiter sleeps in TIOCMIWAIT
blackhole(True)
t0 = time.monotonic()
dropped = wait_for(lambda: not carrier(fd), GUARD)
secs = time.monotonic() - t0
t.ok(dropped, f"idle link, peer blackholed: DCD drops after {secs:.1f}s "
     f"(keepalive 1 s; link {state(name, ns=NS_A)})")
r = miwait(5)
t.ok(r == "ok", f"TIOCMIWAIT(TIOCM_CD) wakes: {r}")

# bytes written to the dead link stay queued; close does not hang on them
n = os.write(fd, b"queued while down")
q = outq(fd)
t0 = time.monotonic()
res = in_thread(os.close, fd)
r = res(GUARD + 10)
secs = time.monotonic() - t0
t.ok(r is not None, f"close with {q} bytes queued on a dead link returns: "
     f"{r} after {secs:.1f}s")
t.ok(wait_for(lambda: state(name, ns=NS_A) == "idle", 10),
     f"then the port is {state(name, ns=NS_A)}")
blackhole(False)
peer.kill()
delete(name, ns=NS_A)
sys.exit(t.done())
EOF
