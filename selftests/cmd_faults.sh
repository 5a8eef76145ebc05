#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A misbehaving command port never crashes or hangs the kernel: garbage,
# truncated frames, replies that never come and random bytes are counted
# (stats.cmd_errors), reset the link, and the port recovers on the same fd
# with every setting (termios, DTR/RTS, break) re-applied after reconnect.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"
need_root
need_module
npsim_need
port_del_all
cleanup_add port_del_all
npsim_tmpdir

# one npsim per scenario: faults apply from the start
d1=$(free_port) c1=$(free_port) d2=$(free_port) c2=$(free_port)
d3=$(free_port) c3=$(free_port)
npsim_start garbage -d "$d1" -c "$c1" --fault 'garbage=port_init#1' ||
	skip_all "npsim did not start"
npsim_start silent -d "$d2" -c "$c2" --fault 'no-reply=tx_fifo#1' ||
	skip_all "npsim did not start"
npsim_start live -d "$d3" -c "$c3" --control "$NPSIM_TMP/ctl" ||
	skip_all "npsim did not start"
t1=/dev/$("$NPCTL" add 127.0.0.1:"$d1" cmd-port "$c1")
# Command timeouts: npsim in a starved guest must still answer within
# them on the live port, so they scale with NPTTY_TIMEOUT_SCALE.
t2=/dev/$("$NPCTL" add 127.0.0.1:"$d2" cmd-port "$c2" cmd-timeout "$(scaled_ms 500)")
t3=/dev/$("$NPCTL" add 127.0.0.1:"$d3" cmd-port "$c3" cmd-timeout "$(scaled_ms 1000)")
busywait 2000 test -c "$t3"

T1=$t1 T2=$t2 T3=$t3 CTL=$NPSIM_TMP/ctl EVENTS=$NPSIM_TMP/live.events \
PYTHONPATH=$TOP/selftests python3 - <<'PY'
import fcntl, json, os, random, struct, sys, termios, time
import nptest
from aspp_client import control, events

t = nptest.t
t.plan(12)
CTL = os.environ["CTL"]
TIOCSBRK = 0x5427

def state():
    r = control(CTL, "state 1")
    return json.loads(r[3:]) if r.startswith("ok ") else {}

def read_line(fd, secs):
    """Bytes up to a newline; NULs are our own breaks coming back through
    the loopback plug, and are skipped."""
    out = b""
    end = time.monotonic() + secs
    while not out.endswith(b"\n") and time.monotonic() < end:
        out += nptest.read_n(fd, 1, max(end - time.monotonic(), 0.1))
        out = out.lstrip(b"\0")
    return out

def stats(tty):
    rep = nptest.show(os.path.basename(tty))
    return rep["stats"] if rep else {}

# garbage in reply to PORT_INIT: the first open fails, the port recovers
fd, err = nptest.open_tty(os.environ["T1"])
t.ok(fd is None and nptest.ename(err) == "EPROTO",
     f"garbage reply to PORT_INIT: blocking open fails with EPROTO ({nptest.ename(err)})")
t.ok(stats(os.environ["T1"]).get("cmd_errors", 0) >= 1, "... counted in cmd_errors")
fd, err = nptest.open_tty(os.environ["T1"])
t.ok(fd is not None, f"the next open works ({nptest.ename(err)})")
if fd is not None:
    os.close(fd)

# no reply at all: bounded by the command timeout
t0 = time.monotonic()
fd, err = nptest.open_tty(os.environ["T2"])
secs = time.monotonic() - t0
t.ok(fd is None and nptest.ename(err) == "ETIMEDOUT" and
     secs < 30 * nptest.SCALE,
     f"no reply to TX_FIFO: open fails with ETIMEDOUT, not a hang ({nptest.ename(err)}, {secs:.1f} s)")

# a live session: settings, then faults mid-session
T3 = os.environ["T3"]
fd, err = nptest.open_tty(T3)
t.ok(fd is not None, f"open {T3}: {nptest.ename(err)}")
if fd is None:
    sys.exit(t.done())
a = termios.tcgetattr(fd)
a[4] = a[5] = termios.B38400
a[2] = (a[2] & ~termios.CSIZE) | termios.CS7 | termios.PARENB
termios.tcsetattr(fd, termios.TCSANOW, a)
fcntl.ioctl(fd, termios.TIOCMBIC, struct.pack("i", termios.TIOCM_DTR))
fcntl.ioctl(fd, TIOCSBRK)
e0 = stats(T3)

control(CTL, "inject 1 eeeeee")
nptest.wait_for(lambda: stats(T3).get("connects", 0) >= 2 and
                nptest.state(os.path.basename(T3)) == "up", 20)
s1 = stats(T3)
t.ok(s1["cmd_errors"] > e0["cmd_errors"] and s1["connects"] >= 2,
     f"garbage mid-session: counted and the link reconnected ({s1})")
st = state()
t.ok(st.get("baud") == 38400 and st.get("data_bits") == 7 and
     st.get("parity") == 2 and st.get("dtr") == 0 and st.get("break") == 1,
     f"after the reconnect termios, DTR and break were re-applied ({st})")
fcntl.ioctl(fd, 0x5428)      # TIOCCBRK
os.write(fd, b"still here\n")
got = read_line(fd, 10)
t.ok(got == b"still here\n", f"data flows on the same fd ({got!r})")

# a truncated frame followed by a real reply: reset, never a hang
control(CTL, "inject 1 2620")
t0 = time.monotonic()
try:
    termios.tcsetattr(fd, termios.TCSANOW, termios.tcgetattr(fd))
    r = "ok"
except termios.error as e:
    r = nptest.ename(e.args[0])
t.ok(time.monotonic() - t0 < 15 * nptest.SCALE,
     f"a truncated NOTIFY then a request: returns, not a hang ({r})")

# random bytes, many times (the same ones every run: a failure repeats)
random.seed(7)
for i in range(40):
    n = random.randint(1, 12)
    control(CTL, "inject 1 " + random.randbytes(n).hex())
    time.sleep(0.05)
ok = nptest.wait_for(lambda: nptest.state(os.path.basename(T3)) == "up", 30)
t.ok(ok, "after 40 random injections the link is up again")
os.write(fd, b"and again\n")
got = read_line(fd, 15)
t.ok(got == b"and again\n", f"... and data flows ({got!r})")
os.close(fd)
t.ok(stats(T3).get("rx_dropped") == 0, "no received byte dropped")
sys.exit(t.done())
PY
