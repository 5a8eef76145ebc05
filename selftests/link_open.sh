#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Opening a ttyNP: a blocking open connects and fails with the real errno
# (refused, unreachable, timed out against a blackholed peer); O_NONBLOCK
# returns at once and the link comes up later; opens share one link; the
# last close disconnects; TIOCEXCL; a CLOCAL-off open is bounded too.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/linkns.bash"
need_root
need_module
need_cmd python3 setpriv
port_del_all
cleanup_add port_del_all
ns_setup

TOP=$TOP python3 - <<'EOF'
import os, sys, time, termios, fcntl, subprocess
sys.path.insert(0, os.environ["TOP"] + "/selftests")
from nptest import *

NS_A = os.environ["NS_A"]
t.plan(19)

def timed_open(path, nonblock=False):
    t0 = time.monotonic()
    fd, err = open_tty(path, nonblock)
    return fd, err, time.monotonic() - t0

# 1-2: nobody listens on a loopback port: the real errno, kept as last_error
p = free_port()
name = add(f"127.0.0.1:{p}", "connect-timeout", 5000)
fd, err, secs = timed_open("/dev/" + name)
t.ok(err == errno.ECONNREFUSED,
     f"blocking open, nobody listening: {ename(err)} in {secs:.2f}s")
info = show(name)
t.ok(info["last_error"] == errno.ECONNREFUSED and info["state"] == "idle",
     f"last_error {info['last_error']}, state {info['state']} after the failure")
if fd is not None:
    os.close(fd)
delete(name)

# 3: a blackholed peer (SYNs dropped): ETIMEDOUT after the connect timeout.
# Without it the kernel's own SYN retries would end the open with ETIMEDOUT
# too, after ~127 s: the bound tells the two apart and is otherwise a hang
# guard (it was 6.5 s, which a busy host can miss).
blackhole(True)
CT = 1500
name = add("192.0.2.2:4001", "connect-timeout", CT, ns=NS_A)
fd, err, secs = timed_open("/dev/" + name)
t.ok(err == errno.ETIMEDOUT and secs < 25 * min(SCALE, 4),
     f"blocking open, blackholed peer, connect-timeout {CT} ms: "
     f"{ename(err)} in {secs:.2f}s")
if fd is not None:
    os.close(fd)
delete(name, ns=NS_A)

# 4: an address nobody answers ARP for: EHOSTUNREACH (before the timeout)
name = add("192.0.2.3:4001", "connect-timeout", 15000, ns=NS_A)
fd, err, secs = timed_open("/dev/" + name)
t.ok(err == errno.EHOSTUNREACH,
     f"blocking open, no such host on the link: {ename(err)} in {secs:.2f}s")
if fd is not None:
    os.close(fd)
delete(name, ns=NS_A)

# 5-6: O_NONBLOCK returns at once even when the connect would take 30 s:
# it returned before the connect ended when the link is still connecting
# (no duration is asserted)
name = add("192.0.2.2:4001", "connect-timeout", 30000, ns=NS_A)
fd, err, secs = timed_open("/dev/" + name, nonblock=True)
st = state(name, ns=NS_A)
t.ok(fd is not None and st == "connecting",
     f"O_NONBLOCK open, blackholed peer, connect-timeout 30 s: "
     f"{ename(err)} in {secs:.2f}s, the link still {st}")
t.ok(st == "connecting" and fd is not None and not carrier(fd),
     f"meanwhile the link is connecting in the background ({st}), no DCD")
if fd is not None:
    t0 = time.monotonic()
    os.close(fd)
    t.diag(f"close while connecting took {time.monotonic() - t0:.2f}s")
delete(name, ns=NS_A)
blackhole(False)

# 7-9: O_NONBLOCK open before the server exists; bytes written meanwhile
# wait in the ring and arrive once a server starts and the link comes up
p = free_port()
out = f"/tmp/link_open.{os.getpid()}"
name = add(f"127.0.0.1:{p}", "connect-timeout", 1000)
fd, err, _ = timed_open("/dev/" + name, nonblock=True)
n = os.write(fd, b"early bytes\n") if fd is not None else 0
t.ok(n == 12 and state(name) in ("connecting", "backoff"),
     f"O_NONBLOCK open with no server: wrote {n} bytes, link "
     f"{state(name)}")
time.sleep(1.5)     # a few failed attempts (backoff) happen here
peer = Peer(p, "sink", out)
up = wait_for(lambda: state(name) == "up", 15)
t.ok(up and carrier(fd), f"server started later: link {state(name)}, "
     f"DCD {carrier(fd)}")
os.write(fd, b"late bytes\n")
got = b""
wait_for(lambda: read_file(out + ".1") == b"early bytes\nlate bytes\n", 10)
got = read_file(out + ".1")
t.ok(got == b"early bytes\nlate bytes\n" and stat(name, "connects") == 1,
     f"the server got {got!r}; connects {stat(name, 'connects')}")
os.close(fd)
peer.kill()
delete(name)
os.unlink(out + ".1") if os.path.exists(out + ".1") else None

# 10-13: three opens share one link; the last close disconnects
p = free_port()
peer = Peer(p, "echo")
name = add(f"127.0.0.1:{p}")
fds = [open_tty("/dev/" + name)[0] for _ in range(3)]
peer.wait_line("accept", 10)    # the peer reports when it gets to it
info = show(name)
t.ok(None not in fds and info["open"] == 3 and info["stats"]["connects"] == 1
     and peer.count("accept") == 1,
     f"3 opens: open {info['open']}, connects {info['stats']['connects']}, "
     f"server accepted {peer.count('accept')}")
os.write(fds[2], b"ping")
back = read_n(fds[0], 4, 10)
t.ok(back == b"ping", f"written on one fd, echoed back on another: {back!r}")
os.close(fds[0])
os.close(fds[1])
st = state(name)
t.ok(st == "up" and peer.count("closed") == 0,
     f"after 2 of 3 closes the link stays {st}")
os.close(fds[2])
idle = wait_for(lambda: state(name) == "idle", 10)
closed = peer.wait_line("closed", 10)
t.ok(idle and closed is not None and stat(name, "disconnects") == 1,
     f"last close: state {state(name)}, disconnects "
     f"{stat(name, 'disconnects')}, server saw the close: {closed is not None}")

# 14-17: TIOCEXCL (CAP_SYS_ADMIN bypasses it, so the second opener drops it)
def other_open(path):
    r = subprocess.run(["setpriv", "--inh-caps=-sys_admin",
                        "--bounding-set=-sys_admin", sys.executable, "-c",
                        "import os,errno,sys\n"
                        "try: os.open(sys.argv[1], os.O_RDWR|os.O_NOCTTY)\n"
                        "except OSError as e: print(errno.errorcode[e.errno])"
                        "\nelse: print('ok')", path],
                       capture_output=True, text=True)
    return r.stdout.strip() or r.stderr.strip()

fd, err = open_tty("/dev/" + name)
t.ok(other_open("/dev/" + name) == "ok",
     "without TIOCEXCL a second (unprivileged) open succeeds")
fcntl.ioctl(fd, termios.TIOCEXCL)
r = other_open("/dev/" + name)
t.ok(r == "EBUSY", f"after TIOCEXCL a second open fails: {r}")
fcntl.ioctl(fd, termios.TIOCNXCL)
r = other_open("/dev/" + name)
t.ok(r == "ok", f"after TIOCNXCL it succeeds again: {r}")
t.ok(stat(name, "connects") == 2, f"connects {stat(name, 'connects')} "
     "(one per first open)")
os.close(fd)
peer.kill()
delete(name)

# 18-19: a modem-style port (CLOCAL off, kept across opens): a blocking
# open still fails with the real errno after the connect timeout instead of
# waiting for a carrier forever; with a server it opens once DCD is up
p = free_port()
name = add(f"127.0.0.1:{p}", "connect-timeout", CT)
fd, err = open_tty("/dev/" + name, nonblock=True, raw_mode=False)
a = termios.tcgetattr(fd)
a[2] &= ~termios.CLOCAL
termios.tcsetattr(fd, termios.TCSANOW, a)
os.close(fd)
t0 = time.monotonic()
res = in_thread(open_tty, "/dev/" + name, False, False)
r = res(3 * CT / 1000 + 5)
secs = time.monotonic() - t0
res_fd, res_err = r[1] if r and r[0] == "ret" else (None, None)
t.ok(r is not None and res_err == errno.ECONNREFUSED,
     f"CLOCAL off, nobody listening: blocking open "
     f"{'still blocked' if r is None else ename(res_err)} after {secs:.1f}s")
if res_fd is not None:
    os.close(res_fd)
peer = Peer(p, "echo")
res = in_thread(open_tty, "/dev/" + name, False, False)
r = res(3 * CT / 1000 + 5)
res_fd, res_err = r[1] if r and r[0] == "ret" else (None, None)
clocal = (bool(termios.tcgetattr(res_fd)[2] & termios.CLOCAL)
          if res_fd is not None else None)
t.ok(res_fd is not None and clocal is False and carrier(res_fd),
     f"CLOCAL off, server up: blocking open {ename(res_err)}, CLOCAL "
     f"{clocal}, DCD {res_fd is not None and carrier(res_fd)}")
if res_fd is not None:
    os.close(res_fd)
peer.kill()
delete(name)
sys.exit(t.done())
EOF
