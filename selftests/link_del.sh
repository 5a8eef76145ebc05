#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Deleting a port that is in use: blocked readers, TIOCMIWAIT waiters,
# blocked writers, a draining close and a blocking open all return; the /dev node and the port
# go at once, the connection is closed; deleting the network namespace the
# port was added in does the same.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/linkns.bash"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all
ns_setup

TOP=$TOP python3 - <<'EOF'
import os, sys, time, subprocess
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *

NS_A, NS_B = os.environ["NS_A"], os.environ["NS_B"]
GUARD = 10
EOF_OR_EIO = (("ret", b""), ("err", "EIO"))
t.plan(14)

# --- a reader, a TIOCMIWAIT waiter and a writer block; then npctl del
p = free_port()
peer = Peer(p, "paused-sink")
name = add(f"127.0.0.1:{p}")
dev = "/dev/" + name
fd1, _ = open_tty(dev)
fd2, _ = open_tty(dev)
fd3, _ = open_tty(dev)
reader = in_thread(os.read, fd1, 100)
miwait = miwait_thread(fd2)
writer = in_thread(write_all, fd3, bytes(8 << 20))
blocked = wait_for(lambda: reader.asleep_in("read") and miwait.blocked() and
                   writer.asleep_in("write"), GUARD)
rc = delete(name)
r1, r2, r3 = reader(GUARD), miwait(GUARD), writer(GUARD)
t.ok(blocked and rc == 0, f"npctl del while a reader, a waiter and a writer "
     f"block: rc {rc}")
t.ok(r1 in EOF_OR_EIO, f"the blocked reader gets EOF/EIO: {r1}")
t.ok(r2 is not None and r2 != "ok", f"the TIOCMIWAIT waiter returns an "
     f"error: {r2}")
t.ok(r3 is not None, f"the blocked writer returns: {r3}")
gone = wait_for(lambda: not os.path.exists(dev), GUARD)
t.ok(gone and show(name) is None and
     not os.path.exists(f"/sys/class/tty/{name}"),
     f"{dev}, its sysfs entry and the port are gone while fds are open")
try:
    os.write(fd1, b"x")
    r = "ok"
except OSError as e:
    r = ename(e.errno)
t.ok(r == "EIO", f"a write on the deleted port's fd: {r}")
peer.resume()           # reads what it holds, then sees the end
t.ok(peer.wait_line("closed", GUARD) is not None,
     "the peer sees the connection closed")
for fd in (fd1, fd2, fd3):
    os.close(fd)
peer.kill()
fd, err = open_tty(dev)
t.ok(err == errno.ENOENT, f"opening the old node after the close: "
     f"{ename(err)}")
if fd is not None:
    os.close(fd)

# --- close() is draining a full ring (the peer does not read) when the
# port is deleted: those bytes can never be sent, close must not wait for
# them (user-timeout 20 s would be the bound for a live port's dead link)
p = free_port()
peer = Peer(p, "paused-sink", rcvbuf=4096)
name = add(f"127.0.0.1:{p}", "user-timeout", 20000)
fd, err = open_tty("/dev/" + name)
set_nonblock(fd, True)
fill(fd, name, bytes(8 << 20))     # until the socket takes no more
set_nonblock(fd, False)
q = outq(fd)
closer = in_thread(os.close, fd)
draining = wait_for(lambda: closer.asleep_in("close"), GUARD)
t0 = time.monotonic()
delete(name)
r = closer(GUARD)
secs = time.monotonic() - t0
t.ok(draining and r is not None, f"close draining {q} bytes (TIOCOUTQ) when "
     f"the port is deleted returns: {r} {secs:.1f}s after the delete")
wait_for(lambda: closer() is not None, 30)
peer.kill()

# --- a blocking open that waits for a blackholed peer; then npctl del
blackhole(True)
name = add("192.0.2.2:4001", "connect-timeout", 60000, ns=NS_A)
opener = in_thread(open_tty, "/dev/" + name)
waiting = wait_for(lambda: opener.asleep_in("openat"), GUARD)
t0 = time.monotonic()
rc = delete(name, ns=NS_A)
r = opener(GUARD)
secs = time.monotonic() - t0
res = r[1] if r and r[0] == "ret" else r
t.ok(waiting and res is not None and res[0] is None,
     f"a blocking open (connect-timeout 60 s) is cut short by del after "
     f"{secs:.1f}s: {ename(res[1]) if res and res[0] is None else res}")
blackhole(False)

# --- the port's network namespace is deleted while the tty is open
peer = Peer(4001, "echo", bind="192.0.2.2", ns=NS_B)
name = add("192.0.2.2:4001", ns=NS_A)
dev = "/dev/" + name
fd, err = open_tty(dev)
os.write(fd, b"ping") if fd is not None else None
t.ok(fd is not None and read_n(fd, 4, 10) == b"ping",
     f"port in namespace {NS_A}: open {ename(err)}, echo works")
reader = in_thread(os.read, fd, 100)
wait_for(lambda: reader.asleep_in("read"), GUARD)
subprocess.run(["ip", "netns", "del", NS_A], check=True)
r = reader(GUARD * 2)
t.ok(r in EOF_OR_EIO, f"namespace deleted: the blocked reader gets EOF/EIO: "
     f"{r}")
gone = wait_for(lambda: not os.path.exists(dev), GUARD)
t.ok(gone, f"and {dev} is gone")
t.ok(peer.wait_line("closed", GUARD) is not None,
     "the peer sees the connection closed")
os.close(fd)
peer.kill()
sys.exit(t.done())
EOF
