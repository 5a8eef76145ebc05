#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A hostile NPort (aspp_peer.py) against the command-port client:
#  - a NOTIFY flood does not starve requests, close or PORT_DEL (with
#    debug_frame_delay_us making the parser slower than the flood, as on a
#    slow host);
#  - a malformed frame resets the link once: the frames before it are not
#    applied again (debug_delay_at=1 holds the teardown open meanwhile);
#  - a break received just before close is not delivered after the next
#    open (debug_delay_at=2 holds the break back until after the close);
#  - a mute NPort does not hold tcsetattr, TIOCMBIC, TIOCSBRK or a HUPCL
#    close in an unkillable sleep;
#  - tcflush(TCIFLUSH) also drops what the data socket and the driver hold.
# timeout=400
. "$(dirname "$0")/lib.sh"
need_root
need_module
port_del_all
cleanup_add port_del_all
cleanup_add 'echo 0 > /sys/module/nptty/parameters/debug_delay_at'
cleanup_add 'echo 0 > /sys/module/nptty/parameters/debug_frame_delay_us'

PYTHONPATH=$TOP/selftests python3 - <<'PY'
import fcntl, os, signal, struct, sys, termios, time
import nptest
from aspp_peer import Hostile

t = nptest.t
t.plan(12)
S = float(os.environ.get("NPTTY_TIMEOUT_SCALE", "1") or 1)
GUARD = 30 * S          # hang guard: a bound, never an expected duration
TIOCGICOUNT = 0x545D
KNOB = "/sys/module/nptty/parameters/"


def icount(fd):
    b = fcntl.ioctl(fd, TIOCGICOUNT, bytes(80))
    k = "cts dsr rng dcd rx tx frame overrun parity brk buf_overrun"
    return dict(zip(k.split(), struct.unpack("11i", b[:44])))


def knob(at, ms):
    with open(KNOB + "debug_delay_ms", "w") as f:
        f.write(str(ms))
    with open(KNOB + "debug_delay_at", "w") as f:
        f.write(str(at))


def frame_delay(us):
    if os.path.exists(KNOB + "debug_frame_delay_us"):
        with open(KNOB + "debug_frame_delay_us", "w") as f:
            f.write(str(us))


def add(p, *opts):
    name = nptest.npctl("add", f"127.0.0.1:{p.data}", "cmd-port", p.cmd,
                        *opts).stdout.strip()
    nptest.wait_for(lambda: os.path.exists("/dev/" + name), 5)
    return name


def stats(name):
    p = nptest.show(name)
    return p["stats"] if p else {}


def up(name, connects=1):
    return nptest.wait_for(lambda: nptest.state(name) == "up" and
                           stats(name).get("connects", 0) >= connects,
                           GUARD)


def read_line(fd, secs):
    out = b""
    end = time.monotonic() + secs
    while not out.endswith(b"\n") and time.monotonic() < end:
        out += nptest.read_n(fd, 1, max(end - time.monotonic(), 0.1))
    return out


# --- 1. a NOTIFY flood ---
p = Hostile()
name = add(p, "cmd-timeout", 3000)
fd, err = nptest.open_tty("/dev/" + name)
t.ok(fd is not None, f"flood: open {name} ({nptest.ename(err)})")
frame_delay(200)            # a slow host: the NPort sends faster than we parse
p.do("flood on")
flooding = p.wait_line("flooded", GUARD) is not None
t.diag(f"flood started: {flooding}")
a = termios.tcgetattr(fd)
a[4] = a[5] = termios.B19200
r = nptest.in_thread(termios.tcsetattr, fd, termios.TCSANOW, a)
res = r(GUARD)
t.ok(res is not None and p.count("flood-stopped") == 0,
     f"flood: tcsetattr returns while NOTIFYs pour in ({res})")
r = nptest.in_thread(os.close, fd)
res = r(GUARD)
t.ok(res is not None and p.count("flood-stopped") == 0,
     f"flood: close returns while NOTIFYs pour in ({res})")
r = nptest.in_thread(nptest.delete, name)
res = r(GUARD)
t.ok(res == ("ret", 0) and p.count("flood-stopped") == 0,
     f"flood: PORT_DEL returns while NOTIFYs pour in ({res})")
t.diag(f"flooded {p.count('flooded') * 256} KiB before the checks")
p.do("flood off")
frame_delay(0)
p.wait_line("flood-stopped", GUARD)
p.kill()

knob_ok = os.path.exists(KNOB + "debug_delay_at")


# --- 8. a malformed frame after a NOTIFY: the NOTIFY counts once ---
p = Hostile()
name = add(p, "cmd-timeout", 5000)
fd, err = nptest.open_tty("/dev/" + name)
if not knob_ok or fd is None:
    t.ok(False, f"replay: no debug knob or open failed ({nptest.ename(err)})")
    t.ok(False, "replay: skipped")
else:
    up(name)
    knob(1, int(5000 * S))
    e0 = stats(name)["cmd_errors"]
    p.do("cmd 2601b000ee")          # NOTIFY(parity), then garbage
    nptest.wait_for(lambda: stats(name)["cmd_errors"] > e0, GUARD)
    for _ in range(3):              # more bytes while the link goes down
        p.do("cmd 00")
        time.sleep(0.05)
    ok = up(name, 2)
    knob(0, 0)
    ic = icount(fd)
    t.ok(ok and ic["parity"] == 1,
         f"replay: the NOTIFY before the bad frame counted once "
         f"(parity {ic['parity']}, link up again {ok})")
    s = stats(name)
    t.ok(s["cmd_errors"] == e0 + 1,
         f"replay: one protocol error counted ({s['cmd_errors'] - e0})")
    os.close(fd)
p.kill()
nptest.delete(name)


# --- 9. a break just before close is not delivered after the reopen ---
p = Hostile()
name = add(p)
fd, err = nptest.open_tty("/dev/" + name)
if not knob_ok or fd is None:
    t.ok(False, f"stale break: no debug knob or open failed ({nptest.ename(err)})")
else:
    up(name)
    knob(2, int(600000 * S))
    p.do("cmd 26100000")            # NOTIFY(break)
    nptest.wait_for(lambda: icount(fd)["brk"] == 1, GUARD)
    os.close(fd)
    knob(0, 0)
    # raw with TCSANOW: setraw's TCSAFLUSH would drop a stale break
    fd, err = nptest.open_tty("/dev/" + name, raw_mode=False)
    a = termios.tcgetattr(fd)
    a[0] &= ~(termios.IGNBRK | termios.BRKINT | termios.PARMRK |
              termios.ICRNL | termios.IXON)
    a[3] &= ~(termios.ICANON | termios.ECHO | termios.ISIG | termios.IEXTEN)
    a[2] |= termios.CLOCAL
    termios.tcsetattr(fd, termios.TCSANOW, a)
    up(name, 2)
    p.do("datahex 580a")            # "X\n"
    got = read_line(fd, GUARD)
    t.ok(got == b"X\n", f"stale break: the reopened tty reads only new data ({got!r})")
    os.close(fd)
p.kill()
nptest.delete(name)


# --- 6. a mute NPort: the waits are killable ---
def mute_case(what, prep, child):
    """On a fresh port whose NPort goes mute after prep(fd), fork a child
    that runs child(fd); SIGKILL it once its request is out; it must go.
    PORT_DEL then ends whatever still waits."""
    p = Hostile()
    name = add(p, "cmd-timeout", 600000)
    fd, err = nptest.open_tty("/dev/" + name)
    if fd is None:
        t.ok(False, f"mute: open {name} ({nptest.ename(err)})")
        p.kill()
        return
    up(name)
    prep(fd)
    p.do("mute on")
    n = p.count("req")
    rd, wr = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.read(rd, 1)
            child(fd)
        finally:
            os._exit(0)
    if what == "close":
        os.close(fd)    # the child's close is the last one
    os.write(wr, b"x")
    p.wait_line("req", GUARD, n + 1)
    st = "?"
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        pass
    os.kill(pid, signal.SIGKILL)
    gone = nptest.wait_for(lambda: os.waitpid(pid, os.WNOHANG)[0] == pid,
                           GUARD)
    t.ok(gone, f"mute: SIGKILL ends a {what} waiting for the NPort "
         f"(state {st} before the kill)")
    r = nptest.in_thread(nptest.delete, name)
    r(GUARD)
    if not gone:
        os.waitpid(pid, 0)
    if what != "close":
        os.close(fd)
    os.close(rd)
    os.close(wr)
    p.kill()


def set_baud(fd):
    a = termios.tcgetattr(fd)
    a[4] = a[5] = termios.B4800
    termios.tcsetattr(fd, termios.TCSANOW, a)


def set_hupcl(fd):
    a = termios.tcgetattr(fd)
    a[2] |= termios.HUPCL
    termios.tcsetattr(fd, termios.TCSANOW, a)


mute_case("tcsetattr", lambda fd: None, set_baud)
mute_case("TIOCMBIC", lambda fd: None, lambda fd: fcntl.ioctl(
    fd, termios.TIOCMBIC, struct.pack("i", termios.TIOCM_DTR)))
mute_case("TIOCSBRK", lambda fd: None, lambda fd: fcntl.ioctl(fd, 0x5427))
mute_case("close", set_hupcl, os.close)


# --- 7. tcflush(TCIFLUSH) drops what the driver and the socket hold ---
p = Hostile()
name = add(p)
fd, err = nptest.open_tty("/dev/" + name)
if fd is None:
    t.ok(False, f"tcflush: open {name} ({nptest.ename(err)})")
else:
    up(name)


    def inq():
        return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD,
                                              bytes(4)))[0]
    p.do("data 4200 1")             # more than the ldisc takes: throttled
    full = nptest.wait_for(lambda: inq() >= 4000, GUARD)
    p.do("data 32768 2")            # stays in the data socket meanwhile
    got = p.wait_line("unacked", GUARD, 2)
    t.diag(f"ldisc full {full}, then 32768 bytes sent, unacked {got}")
    termios.tcflush(fd, termios.TCIFLUSH)
    p.do("datahex 4d41524b0a")      # "MARK\n", sent after the flush
    got = read_line(fd, GUARD)
    t.ok(got == b"MARK\n",
         f"tcflush: the first bytes read after TCIFLUSH are new ({got[:16]!r})")
    os.close(fd)
p.kill()
nptest.delete(name)
sys.exit(t.done())
PY
rc=$?
dmesg | grep -E 'nptty|hung_task|blocked for more' | tail -20
exit $rc
