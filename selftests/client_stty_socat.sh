#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# stty and socat on /dev/ttyNP, against npsim's loopback plug.
# stty -F while the port is in use: every change (rate, cs5..cs8, parity incl.
# mark, cstopb, crtscts, ixon/ixoff with start/stop characters) is on the
# NPort when stty returns, and stty -a reads it back; stty -F on a closed
# port: the NPort has it once the port is used.  socat as a terminal
# program (socat - /dev/ttyNP,raw,echo=0,b57600): its settings reach the
# NPort and typed lines come back through the plug.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"
need_root
need_module
npsim_need
need_cmd stty socat
port_del_all
cleanup_add port_del_all
npsim_tmpdir
d=$(free_port) c=$(free_port)
npsim_start stty -d "$d" -c "$c" --control "$NPSIM_TMP/ctl" ||
	skip_all "npsim did not start"
tty=/dev/$("$NPCTL" add 127.0.0.1:"$d" cmd-port "$c")
busywait 2000 test -c "$tty"

TTY=$tty CTL=$NPSIM_TMP/ctl EVENTS=$NPSIM_TMP/stty.events \
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$TOP/selftests python3 - <<'PY'
import json, os, select, subprocess, sys, time
import nptest
from aspp_client import control, events

t = nptest.t
t.plan(15)
TTY, CTL, EV = os.environ["TTY"], os.environ["CTL"], os.environ["EVENTS"]
NAME = os.path.basename(TTY)
P = {"none": 0, "odd": 1, "even": 2, "mark": 3, "space": 4}

def state():
    r = control(CTL, "state 1")
    return json.loads(r[3:]) if r.startswith("ok ") else {}

def stty(*args):
    return subprocess.run(["stty", "-F", TTY, *args], capture_output=True,
                          text=True, timeout=30)

# The port in use: a blocking open returns with the link up.
fd, err = nptest.open_tty(TTY, raw_mode=False)
t.ok(fd is not None and nptest.state(NAME) == "up",
     f"{TTY} open, link up ({nptest.ename(err)})")

cases = [
    (["38400", "cs7", "parenb", "parodd", "cstopb"],
     dict(baud=38400, data_bits=7, parity=P["odd"], stop_bits=2)),
    (["crtscts"], dict(crtscts=1)),
    (["-crtscts", "ixon", "ixoff", "start", "^A", "stop", "^B"],
     dict(crtscts=0, ixon=1, ixoff=1, xon_char=1, xoff_char=2)),
    (["cs5", "-cstopb", "-parenb"],
     dict(data_bits=5, stop_bits=1, parity=P["none"])),
    (["cs6", "parenb", "parodd", "cmspar"],
     dict(data_bits=6, parity=P["mark"])),
    (["1200", "cs8", "-parenb", "-cmspar", "-ixon", "-ixoff"],
     dict(baud=1200, data_bits=8, parity=P["none"], ixon=0, ixoff=0)),
    # the start/stop characters go out while software flow control is on
    (["ixoff", "start", "^Q", "stop", "^S"],
     dict(ixon=0, ixoff=1, xon_char=0x11, xoff_char=0x13)),
    (["-ixoff"], dict(ixon=0, ixoff=0)),
]
for args, want in cases:
    r = stty(*args)
    st = state()        # no waiting: stty returned after the NPort's ack
    bad = {k: (st.get(k), v) for k, v in want.items() if st.get(k) != v}
    t.ok(r.returncode == 0 and not bad,
         f"stty -F {' '.join(args)}: on the NPort {bad or ''}"
         f"{r.stderr.strip()}")

a = stty("-a").stdout
t.ok("speed 1200 baud" in a and " cs8 " in f" {a} " and
     "-parenb" in a and "-crtscts" in a and "-ixon" in a,
     "stty -F -a reads the same line back")
os.close(fd)

# stty on a closed port: stored, and on the NPort once the port is used.
nptest.wait_for(lambda: nptest.state(NAME) == "idle", 10)
r = stty("4800", "cs6", "parenb", "-parodd", "cstopb")
fd, err = nptest.open_tty(TTY, raw_mode=False)
st = state()
got = (st.get("baud"), st.get("data_bits"), st.get("parity"),
       st.get("stop_bits"))
t.ok(r.returncode == 0 and fd is not None and
     got == (4800, 6, P["even"], 2),
     f"stty -F on the closed port, then open: 4800 6E2 on the NPort {got}")
if fd is not None:
    os.close(fd)

# socat as a terminal program: stdin/stdout are the user's keyboard and
# screen, the tty is raw with echo off; lines come back through the plug.
p = subprocess.Popen(["socat", "-", f"{TTY},raw,echo=0,b57600,cs8"],
                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)

def readline(secs):
    out = b""
    end = time.monotonic() + secs
    while not out.endswith(b"\n") and time.monotonic() < end:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            b = os.read(p.stdout.fileno(), 1)
            if not b:
                break
            out += b
    return out

lines = [b"hello over the NPort\n", b"AT&F\r\n", b"0123456789 " * 20 + b"\n"]
back = []
for ln in lines:
    p.stdin.write(ln)
    p.stdin.flush()
    back.append(readline(20))
t.ok(back == lines, f"socat: {len(lines)} lines typed, the same "
     f"{sum(1 for a, b in zip(lines, back) if a == b)} came back")
st = state()
a = stty("-a").stdout.split()
par = (P["none"] if "-parenb" in a else
       (P["mark"] if "parodd" in a else P["space"]) if "cmspar" in a else
       P["odd"] if "parodd" in a else P["even"])
tty_line = (int(a[a.index("speed") + 1]), int(next(w for w in a if
            w in ("cs5", "cs6", "cs7", "cs8"))[2]), par)
got = (st.get("baud"), st.get("data_bits"), st.get("parity"))
t.ok(tty_line[:2] == (57600, 8) and got == tty_line,
     f"socat's b57600,cs8 (and raw): the NPort has the tty's line "
     f"{got} == {tty_line}")
p.stdin.close()
try:
    rc = p.wait(timeout=20)
except subprocess.TimeoutExpired:
    p.kill()
    rc = "hung"
err = p.stderr.read().decode().strip()
t.ok(rc == 0, f"socat ends at EOF on its stdin (exit {rc}) {err}")
rep = nptest.show(NAME)
t.ok(rep and rep["stats"]["cmd_errors"] == 0 and
     rep["stats"]["tx_lost"] == 0 and rep["stats"]["rx_dropped"] == 0,
     f"no command errors, nothing lost ({rep and rep['stats']})")
sys.exit(t.done())
PY
