#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# termios on /dev/ttyNP reaches the NPort over the command port: every rate
# (standard, BOTHER), data bits, stop bits, parity incl. mark/space, RTS/CTS,
# IXON/IXOFF with VSTART/VSTOP; set_termios returns only once the NPort
# acknowledged (npsim's state already shows it); stty's changes are seen on
# the far side's pty; a port without a command port stores and reports.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"
need_root
need_module
npsim_need
port_del_all
cleanup_add port_del_all

npsim_tmpdir
d=$(free_port) c=$(free_port)
npsim_start term -d "$d" -c "$c" -s "pty:$NPSIM_TMP/serial" \
	--control "$NPSIM_TMP/ctl" || skip_all "npsim did not start"
tty=/dev/$("$NPCTL" add 127.0.0.1:"$d" cmd-port "$c")
busywait 2000 test -c "$tty"
raw=$(free_port)
socat TCP-LISTEN:"$raw",reuseaddr,fork PIPE &
cleanup_add "kill $!"
wait_listen "$raw"
rawtty=/dev/$("$NPCTL" add 127.0.0.1:"$raw" no-cmd)
busywait 2000 test -c "$rawtty"

TTY=$tty RAWTTY=$rawtty CTL=$NPSIM_TMP/ctl SERIAL=$NPSIM_TMP/serial \
EVENTS=$NPSIM_TMP/term.events PYTHONPATH=$TOP/selftests python3 - <<'PY'
import array, fcntl, json, os, subprocess, sys, termios
import nptest
from aspp_client import control, events

t = nptest.t
t.plan(18)
TTY, CTL, SERIAL = os.environ["TTY"], os.environ["CTL"], os.environ["SERIAL"]

def state():
    r = control(CTL, "state 1")
    return json.loads(r[3:]) if r.startswith("ok ") else {}

TCGETS2, TCSETS2 = 0x802C542A, 0x402C542B
BOTHER = 0o010000
CMSPAR = 0o10000000000

def set_bother(fd, rate):
    buf = array.array("B", bytes(44))
    fcntl.ioctl(fd, TCGETS2, buf)
    a = array.array("I", buf.tobytes()[:12])
    cflag = (a[2] & ~termios.CBAUD) | BOTHER
    b = bytearray(buf.tobytes())
    b[8:12] = cflag.to_bytes(4, "little")
    b[36:40] = rate.to_bytes(4, "little")   # c_ispeed
    b[40:44] = rate.to_bytes(4, "little")   # c_ospeed
    fcntl.ioctl(fd, TCSETS2, bytes(b))

def get_ospeed2(path):
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    buf = array.array("B", bytes(44))
    fcntl.ioctl(fd, TCGETS2, buf)
    os.close(fd)
    return int.from_bytes(buf.tobytes()[40:44], "little")

fd, err = nptest.open_tty(TTY)
t.ok(fd is not None, f"open {TTY} (command port up): {err}")
if fd is None:
    sys.exit(t.done())

def setattr(cflag_set=0, cflag_clear=0, iflag_set=0, iflag_clear=0,
            speed=None, cc=None):
    a = termios.tcgetattr(fd)
    a[2] = (a[2] & ~cflag_clear) | cflag_set
    a[0] = (a[0] & ~iflag_clear) | iflag_set
    if speed is not None:
        a[4] = a[5] = speed
    if cc:
        for k, v in cc.items():
            a[6][k] = bytes([v])
    termios.tcsetattr(fd, termios.TCSANOW, a)

P = {"none": 0, "odd": 1, "even": 2, "mark": 3, "space": 4}
cases = [
    ("19200 8N1", dict(speed=termios.B19200, cflag_set=termios.CS8,
                       cflag_clear=termios.PARENB | termios.CSTOPB),
     dict(baud=19200, data_bits=8, stop_bits=1, parity=P["none"])),
    ("9600 7E1", dict(speed=termios.B9600,
                      cflag_set=termios.CS7 | termios.PARENB,
                      cflag_clear=termios.CSIZE & ~termios.CS7 | termios.PARODD),
     dict(baud=9600, data_bits=7, stop_bits=1, parity=P["even"])),
    ("115200 8O2", dict(speed=termios.B115200,
                        cflag_set=termios.CS8 | termios.PARENB |
                        termios.PARODD | termios.CSTOPB),
     dict(baud=115200, data_bits=8, stop_bits=2, parity=P["odd"])),
    ("50 5N1 (slowest)", dict(speed=termios.B50, cflag_set=termios.CS5,
                              cflag_clear=(termios.CSIZE & ~termios.CS5) |
                              termios.PARENB | termios.CSTOPB),
     dict(baud=50, data_bits=5, stop_bits=1, parity=P["none"])),
    ("921600 6 mark", dict(speed=termios.B921600,
                           cflag_set=termios.CS6 | termios.PARENB |
                           termios.PARODD | CMSPAR,
                           cflag_clear=termios.CSIZE & ~termios.CS6),
     dict(baud=921600, data_bits=6, parity=P["mark"])),
    ("38400 8 space", dict(speed=termios.B38400,
                           cflag_set=termios.CS8 | termios.PARENB |
                           CMSPAR, cflag_clear=termios.PARODD),
     dict(baud=38400, data_bits=8, parity=P["space"])),
    ("CRTSCTS on", dict(cflag_set=termios.CRTSCTS,
                        cflag_clear=CMSPAR | termios.PARENB),
     dict(crtscts=1)),
    ("IXON+IXOFF, VSTART=0x01 VSTOP=0x02",
     dict(cflag_clear=termios.CRTSCTS,
          iflag_set=termios.IXON | termios.IXOFF,
          cc={termios.VSTART: 1, termios.VSTOP: 2}),
     dict(crtscts=0, ixon=1, ixoff=1, xon_char=1, xoff_char=2)),
]
for name, kw, want in cases:
    setattr(**kw)
    st = state()   # no waiting: tcsetattr returned after the NPort's ack
    bad = {k: (st.get(k), v) for k, v in want.items() if st.get(k) != v}
    t.ok(not bad, f"{name} applied before tcsetattr returned {bad or ''}")

set_bother(fd, 31250)
st = state()
t.ok(st.get("baud") == 31250, f"BOTHER 31250 baud (MIDI) reaches the NPort: {st.get('baud')}")
t.ok(get_ospeed2(SERIAL) == 31250,
     f"... and the far side's pty: {get_ospeed2(SERIAL)}")
pi = events(os.environ["EVENTS"], op="SETBAUD", baud=31250)
t.ok(len(pi) >= 1, "SETBAUD with the exact rate was sent")

r = subprocess.run(["stty", "-F", TTY, "57600", "cs7", "parenb", "-parodd",
                    "cstopb"], capture_output=True, text=True)
sfd = os.open(SERIAL, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
far = termios.tcgetattr(sfd)[2]
os.close(sfd)
st = state()
# a Linux pty holds only CS8 without parity: data bits and parity are
# checked as the NPort decoded them, speed and stop bits on the pty too
t.ok(r.returncode == 0 and get_ospeed2(SERIAL) == 57600 and
     far & termios.CSTOPB and st.get("data_bits") == 7 and
     st.get("parity") == P["even"] and st.get("stop_bits") == 2,
     f"stty -F /dev/ttyNP 57600 cs7 parenb -parodd cstopb reaches the far "
     f"side ({r.stderr.strip()} pty speed {get_ospeed2(SERIAL)} cflag "
     f"{far:#o}, NPort {st.get('data_bits')} bits parity {st.get('parity')})")
nptest.raw(fd)

# B0 drops DTR on the NPort (a hangup), leaving B0 raises it again
setattr(speed=termios.B0)
d0 = state().get("dtr")
setattr(speed=termios.B9600)
d1 = state().get("dtr")
t.ok(d0 == 0 and d1 == 1, f"B0 drops DTR, B9600 raises it (dtr {d0} -> {d1})")
os.close(fd)

# a port without a command port: termios stored and reported
RAW = os.environ["RAWTTY"]
rfd, err = nptest.open_tty(RAW)
a = termios.tcgetattr(rfd)
a[4] = a[5] = termios.B4800
termios.tcsetattr(rfd, termios.TCSANOW, a)
rep = nptest.show(os.path.basename(RAW))
t.ok(rep.get("baud") == 4800, f"no command port: 4800 stored and reported ({rep.get('baud')})")
TIOCSBRK = 0x5427
try:
    fcntl.ioctl(rfd, TIOCSBRK)
    brk = "sent?"
except OSError as e:
    brk = nptest.ename(e.errno)
t.ok(brk in ("EOPNOTSUPP", "ENOTSUP"), f"no command port: TIOCSBRK says {brk}")
os.close(rfd)

# like a real serial port, the settings outlive a close...
def ospeed(path):
    fd, err = nptest.open_tty(path, nonblock=True, raw_mode=False)
    if fd is None:
        return nptest.ename(err)
    sp = termios.tcgetattr(fd)[5]
    os.close(fd)
    return sp
sp = ospeed(RAW)
t.ok(sp == termios.B4800, f"reopened, the port is still at B4800 ({sp})")

# ...but a new port on the same index starts from the defaults, not from
# the settings of the port deleted before it
name = os.path.basename(RAW)
rep = nptest.show(name)
idx = name[len("ttyNP"):]
subprocess.run([nptest.NPCTL, "del", name], check=True)
add = subprocess.run([nptest.NPCTL, "add", f"127.0.0.1:{rep.get('data_port')}",
                      "no-cmd", "index", idx], capture_output=True, text=True)
nptest.wait_for(lambda: os.path.exists(RAW), 2.0)
sp = ospeed(RAW)
t.ok(add.stdout.strip() == name and sp == termios.B9600,
     f"{name} deleted and added again: B9600, not the old port's B4800 "
     f"({add.stdout.strip()}{add.stderr.strip()} speed {sp})")
sys.exit(t.done())
PY
rc=$?
exit $rc
