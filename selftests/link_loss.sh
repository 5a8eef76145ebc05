#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Link loss while the tty is open: the server dies mid-transfer.  Policy
# reconnect: DCD drops (TIOCMIWAIT wakes), a new server on the same port gets
# the rest on the same fd, no byte twice, lost bytes counted exactly.  Policy
# hangup: the tty is hung up (EOF/EIO) and can be opened again.
# timeout=300
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all
tmp=$(mktemp -d)
cleanup_add "rm -rf $tmp"

TMP=$tmp TOP=$TOP python3 - <<'EOF'
import os, sys, time, termios, threading
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *

W = 4 << 20
P = pattern(W, 11)
TMP = os.environ["TMP"]
t.plan(16)

def suffix_check(got, total):
    """got must be P[total - len(got):total]; return its offset or None."""
    off = total - len(got)
    return off if got == P[off:total] else None

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

# --- A: policy reconnect, kill -9 the server mid-transfer
p = free_port()
out1, out2 = f"{TMP}/a1", f"{TMP}/a2"
peer = Peer(p, "sink", out1)
name = add(f"127.0.0.1:{p}")
fd, err = open_tty("/dev/" + name)
miwait = miwait_thread(fd)
wait_for(miwait.blocked, 10)    # the waiter sleeps in TIOCMIWAIT
writer = in_thread(write_all, fd, P)
wait_for(lambda: len(read_file(out1 + ".1")) >= 256 << 10, 60)
peer.kill()
got1 = read_file(out1 + ".1")
dropped = wait_for(lambda: not carrier(fd), 15)
t.ok(dropped, f"server killed after {len(got1)} bytes: DCD drops "
     f"(link {state(name)})")
r = miwait(10)
t.ok(r == "ok", f"a TIOCMIWAIT(TIOCM_CD) waiter wakes: {r}")
info = show(name)
t.ok(info["state"] in ("backoff", "connecting") and
     info["stats"]["disconnects"] == 1 and info["open"] == 1,
     f"the port is {info['state']}, disconnects {info['stats']['disconnects']}"
     f", the fd stays open ({info['open']})")
time.sleep(1)
peer = Peer(p, "echo", out2)
up = wait_for(lambda: state(name) == "up", 20)
t.ok(up and carrier(fd) and stat(name, "connects") == 2,
     f"a new server on the same port: link {state(name)}, DCD {carrier(fd)}, "
     f"connects {stat(name, 'connects')}")
echoed = bytearray()
stop = threading.Event()

def drain():
    while not stop.is_set():
        echoed.extend(read_n(fd, 1 << 20, 0.5))
rd = threading.Thread(target=drain, daemon=True)
rd.start()
r = writer(90)
termios.tcdrain(fd)
got2 = wait_stable(out2 + ".1", 30)
off = suffix_check(got2, W)
t.ok(r == ("ret", W) and off is not None,
     f"the writer finishes on the same fd ({r}); the new server got the last "
     f"{len(got2)} bytes, in order")
lost = stat(name, "tx_lost")
t.ok(off is not None and off >= len(got1),
     f"no byte sent twice: new server starts at offset {off}, the old one "
     f"had read {len(got1)} (tx_lost {lost})")
wait_for(lambda: len(echoed) >= len(got2), 30)
stop.set()
rd.join()
t.ok(bytes(echoed) == got2, f"data flows back too: {len(echoed)} bytes "
     "echoed and read on the same fd")
os.close(fd)
peer.kill()
delete(name)

# --- B: exact accounting.  The server reads R bytes, stops until its window
# is closed (Q bytes wait unread in its socket), then dies: its kernel
# resets the connection.  Bytes our socket held unacknowledged are lost and
# must be counted: the next server must start at exactly R + Q + tx_lost.
p = free_port()
out2 = f"{TMP}/b2"
peer = Peer(p, "stall-die", 256 << 10, rcvbuf=16384)
name = add(f"127.0.0.1:{p}")
fd, err = open_tty("/dev/" + name)
writer = in_thread(write_all, fd, P)
st = peer.wait_line("stalled", 60)
peer.kill()
R, Q = (int(st[1]), int(st[2])) if st else (0, 0)
wait_for(lambda: state(name) != "up", 15)
wait_for(lambda: stat(name, "tx_lost") > 0, 10)     # counted on the way down
lost = stat(name, "tx_lost")
t.diag(f"old server read {R}, left {Q} unread; tx_bytes then "
       f"{stat(name, 'tx_bytes')}, tx_lost {lost}")
peer = Peer(p, "sink", out2)
wait_for(lambda: state(name) == "up", 20)
r = writer(90)
termios.tcdrain(fd)
got2 = wait_stable(out2 + ".1", 30)
off = suffix_check(got2, W)
t.ok(st is not None and r == ("ret", W) and off is not None,
     f"reconnected; the new server got the last {len(got2)} bytes in order")
t.ok(off is not None and off >= R + Q,
     f"nothing sent twice: offset {off} >= {R} + {Q} delivered before")
t.ok(lost > 0, f"bytes the dead socket had taken unacknowledged are "
     f"counted: tx_lost {lost}")
# Q is the server's queue when it reported the stall; zero-window probes
# may still carry a few bytes into it before it dies (acked, so not in
# tx_lost, but unread): allow that much, and no more.
gap = (off or 0) - R - Q
t.ok(off is not None and 0 <= gap - lost <= 64 or 0 <= lost - gap <= 64,
     f"every byte is accounted for: offset {off} == read {R} + unread {Q} "
     f"+ tx_lost {lost} (gap {gap}, within window-probe slack)")
os.close(fd)
peer.kill()
delete(name)

# --- C: policy hangup
p = free_port()
peer = Peer(p, "echo")
name = add(f"127.0.0.1:{p}", "loss", "hangup")
fd, err = open_tty("/dev/" + name)
reader = in_thread(os.read, fd, 100)
wait_for(lambda: reader.asleep_in("read"), 10)
peer.kill()
r = reader(15)
t.ok(r in (("ret", b""), ("err", "EIO")),
     f"policy hangup: a blocked reader gets EOF/EIO: {r}")
try:
    os.write(fd, b"x")
    r = "ok"
except OSError as e:
    r = ename(e.errno)
info = show(name)
t.ok(r == "EIO" and info["state"] != "up" and info["last_error"] != 0,
     f"write after the hangup: {r}; link {info['state']}, last_error "
     f"{info['last_error']}")
os.close(fd)
t.ok(wait_for(lambda: state(name) == "idle", 10),
     f"closed: link {state(name)}")
peer = Peer(p, "echo")
fd, err = open_tty("/dev/" + name)
if fd is not None:
    os.write(fd, b"again")
back = read_n(fd, 5, 10) if fd is not None else b""
t.ok(back == b"again", f"open again after the hangup: {ename(err)}, "
     f"echo {back!r}")
os.close(fd) if fd is not None else None
peer.kill()
delete(name)
sys.exit(t.done())
EOF
