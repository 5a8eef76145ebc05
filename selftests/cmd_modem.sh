#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Modem lines, break, flush, flow and drain over the command port, against
# npsim's loopback plug (RTS->CTS, DTR->DSR+DCD): TIOCMGET/SET/BIS/BIC,
# TIOCMIWAIT, TIOCGICOUNT fed by NOTIFY, a received break, DCD loss with
# !CLOCAL hanging up, break/flush/flow/drain commands, POLLING -> ALIVE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"
need_root
need_module
npsim_need
port_del_all
cleanup_add port_del_all
npsim_tmpdir
d=$(free_port) c=$(free_port)
npsim_start modem -d "$d" -c "$c" --pace --control "$NPSIM_TMP/ctl" ||
	skip_all "npsim did not start"
tty=/dev/$("$NPCTL" add 127.0.0.1:"$d" cmd-port "$c")
busywait 2000 test -c "$tty"

TTY=$tty CTL=$NPSIM_TMP/ctl EVENTS=$NPSIM_TMP/modem.events \
PYTHONPATH=$TOP/selftests python3 - <<'PY'
import fcntl, json, os, struct, sys, termios, time
import nptest
from aspp_client import control, events

t = nptest.t
t.plan(19)
TTY, CTL, EV = os.environ["TTY"], os.environ["CTL"], os.environ["EVENTS"]
M = termios
TIOCSBRK, TIOCCBRK, TIOCGICOUNT = 0x5427, 0x5428, 0x545D

def state():
    r = control(CTL, "state 1")
    return json.loads(r[3:]) if r.startswith("ok ") else {}

def icount(fd):
    b = fcntl.ioctl(fd, TIOCGICOUNT, bytes(80))
    k = ("cts dsr rng dcd rx tx frame overrun parity brk buf_overrun")
    return dict(zip(k.split(), struct.unpack("11i", b[:44])))

def mset(fd, req, bits):
    fcntl.ioctl(fd, req, struct.pack("i", bits))

def n_events(**kw):
    return len(events(EV, **kw))

fd, err = nptest.open_tty(TTY)
t.ok(fd is not None, f"open {TTY}: {nptest.ename(err)}")
if fd is None:
    sys.exit(t.done())

m = nptest.tiocmget(fd)
want = M.TIOCM_DTR | M.TIOCM_RTS | M.TIOCM_CTS | M.TIOCM_DSR | M.TIOCM_CAR
t.ok(m & want == want, f"after open: DTR RTS up, CTS DSR DCD from the plug ({m:#x})")
st = state()
t.ok(st.get("dtr") == 1 and st.get("rts") == 1, "the NPort has DTR and RTS raised")

ic0 = icount(fd)
w = nptest.miwait_thread(fd, M.TIOCM_CTS)
# the waiter must sleep in TIOCMIWAIT before CTS moves (a 0.5 s sleep
# guessed it did; a starved thread that came later waited forever)
nptest.wait_for(w.blocked, 10)
mset(fd, M.TIOCMBIC, M.TIOCM_RTS)
t.ok(state().get("rts") == 0, "TIOCMBIC RTS: LINECTRL reached the NPort before the ioctl returned")
t.ok(w(5) == "ok", "TIOCMIWAIT(CTS) woke when RTS->CTS dropped (NOTIFY)")
nptest.wait_for(lambda: not nptest.tiocmget(fd) & M.TIOCM_CTS, 5)
t.ok(not nptest.tiocmget(fd) & M.TIOCM_CTS, "TIOCMGET shows CTS down (cached from NOTIFY)")
t.ok(icount(fd)["cts"] > ic0["cts"], f"TIOCGICOUNT cts counted ({ic0['cts']} -> {icount(fd)['cts']})")
mset(fd, M.TIOCMBIS, M.TIOCM_RTS)
mset(fd, M.TIOCMSET, M.TIOCM_RTS)      # DTR off: DSR and DCD follow
nptest.wait_for(lambda: not nptest.tiocmget(fd) & M.TIOCM_DSR, 5)
m = nptest.tiocmget(fd)
t.ok(not m & (M.TIOCM_DTR | M.TIOCM_DSR | M.TIOCM_CAR) and m & M.TIOCM_CTS,
     f"TIOCMSET RTS only: DTR, DSR, DCD down, CTS up ({m:#x})")
mset(fd, M.TIOCMBIS, M.TIOCM_DTR)
nptest.wait_for(lambda: nptest.tiocmget(fd) & M.TIOCM_CAR, 5)

# line errors and a received break, as NOTIFY events
ic0 = icount(fd)
control(CTL, "notify 1 0x07")
nptest.wait_for(lambda: icount(fd)["overrun"] > ic0["overrun"], 5)
ic1 = icount(fd)
t.ok(ic1["parity"] == ic0["parity"] + 1 and ic1["frame"] == ic0["frame"] + 1
     and ic1["overrun"] == ic0["overrun"] + 1,
     f"NOTIFY parity+framing+overrun counted ({ic1})")
control(CTL, "notify 1 0x10")
got = nptest.read_n(fd, 1, 5)
t.ok(got == b"\x00" and icount(fd)["brk"] == ic0["brk"] + 1,
     f"a received break reads as NUL (raw, no IGNBRK) and counts ({got!r})")

# break, flush, flow
fcntl.ioctl(fd, TIOCSBRK)
b1 = state().get("break")
fcntl.ioctl(fd, TIOCCBRK)
b0 = state().get("break")
t.ok(b1 == 1 and b0 == 0, f"TIOCSBRK/TIOCCBRK: START_BREAK/STOP_BREAK ({b1}, {b0})")
n = n_events(op="START_BREAK")
termios.tcsendbreak(fd, 0)
t.ok(n_events(op="START_BREAK") == n + 1 and state().get("break") == 0,
     "tcsendbreak: a timed break")
termios.tcflush(fd, termios.TCOFLUSH)
termios.tcflush(fd, termios.TCIFLUSH)
def flushed():
    w = {e.get("which") for e in events(EV, op="FLUSH")}
    return "both" in w or {"rx", "tx"} <= w
nptest.wait_for(flushed, 5)
which = sorted(e.get("which") for e in events(EV, op="FLUSH"))
# queued flushes close together may merge into one FLUSH(both)
t.ok(flushed(), f"tcflush TCOFLUSH/TCIFLUSH: FLUSH tx and rx ({which})")
termios.tcflow(fd, termios.TCOOFF)
nptest.wait_for(lambda: state().get("xoff") == 1, 5)
x1 = state().get("xoff")
termios.tcflow(fd, termios.TCOON)
nptest.wait_for(lambda: state().get("xoff") == 0, 5)
t.ok(x1 == 1 and state().get("xoff") == 0, "tcflow TCOOFF/TCOON: SETXOFF/SETXON")

# drain: at 1200 baud, 240 bytes need ~2 s on the (paced) line
a = termios.tcgetattr(fd)
a[4] = a[5] = termios.B1200
termios.tcsetattr(fd, termios.TCSANOW, a)
os.write(fd, bytes(240))
termios.tcdrain(fd)
q = state().get("outq")
t.ok(q == 0, f"tcdrain returned once the NPort's output queue was empty (outq {q})")
t.ok(n_events(op="WAIT_OQUEUE") >= 1, "tcdrain asked WAIT_OQUEUE")
nptest.read_n(fd, 240, 10)   # the loopback brings them back

# POLLING from the NPort is answered with ALIVE
control(CTL, "poll 1")
nptest.wait_for(lambda: events(EV, op="ALIVE"), 5)
t.ok(len(events(EV, op="ALIVE")) >= 1, "POLLING answered with ALIVE")

# DCD loss on a modem-controlled line (!CLOCAL) hangs the tty up
a = termios.tcgetattr(fd)
a[2] &= ~termios.CLOCAL
termios.tcsetattr(fd, termios.TCSANOW, a)
control(CTL, "modem 1 dcd=0")
got = nptest.read_n(fd, 1, 5)
try:
    os.write(fd, b"x")
    werr = "ok"
except OSError as e:
    werr = nptest.ename(e.errno)
t.ok(got == b"" and werr == "EIO", f"DCD dropped with CLOCAL off: hangup (read {got!r}, write {werr})")
os.close(fd)
control(CTL, "modem 1 auto")
rep = nptest.show(os.path.basename(TTY))
t.ok(rep and rep["stats"]["cmd_errors"] == 0, f"no command errors ({rep and rep['stats']})")
sys.exit(t.done())
PY
