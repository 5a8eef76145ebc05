#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# pyserial opens /dev/ttyNP like any serial port, against npsim's loopback
# plug (TX->RX, RTS->CTS, DTR->DSR+DCD), paced at the line rate: baudrate,
# bytesize, parity, stopbits, rtscts and xonxoff reach the NPort; dtr/rts
# reach it and come back as cts/dsr/cd; send_break(); reset_input_buffer()
# and reset_output_buffer() flush the NPort's queues; flush() (tcdrain)
# returns once the data has left the NPort; read() with a timeout gets the
# looped-back bytes.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"
need_root
need_module
npsim_need
python3 -c "import serial" 2>/dev/null || skip_all "needs pyserial (python3-serial)"
port_del_all
cleanup_add port_del_all
npsim_tmpdir
d=$(free_port) c=$(free_port)
npsim_start pyserial -d "$d" -c "$c" --pace --control "$NPSIM_TMP/ctl" ||
	skip_all "npsim did not start"
tty=/dev/$("$NPCTL" add 127.0.0.1:"$d" cmd-port "$c")
busywait 2000 test -c "$tty"

TTY=$tty CTL=$NPSIM_TMP/ctl EVENTS=$NPSIM_TMP/pyserial.events \
PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=$TOP/selftests python3 - <<'PY'
import json, os, sys
import serial
import nptest
from aspp_client import control, events

t = nptest.t
t.plan(16)
TTY, CTL, EV = os.environ["TTY"], os.environ["CTL"], os.environ["EVENTS"]
P = {"none": 0, "odd": 1, "even": 2, "mark": 3, "space": 4}

def state():
    r = control(CTL, "state 1")
    return json.loads(r[3:]) if r.startswith("ok ") else {}

def pick(*keys):
    st = state()
    return tuple(st.get(k) for k in keys)

def n_ev(**kw):
    return len(events(EV, **kw))

# pyserial opens O_NONBLOCK: open() returns at once and the link comes up
# in the background; the settings made meanwhile are sent before any data.
# Once the link is up, every change is acknowledged before it returns.
ser = serial.Serial(TTY, 9600, timeout=5 * nptest.SCALE)   # a hang guard
up = nptest.wait_for(lambda: nptest.state(os.path.basename(TTY)) == "up", 20)
got = pick("baud", "data_bits", "parity", "stop_bits")
t.ok(ser.is_open and up and got == (9600, 8, P["none"], 1),
     f"Serial({TTY}, 9600): the link comes up with 9600 8N1 on the NPort "
     f"{got}")

ser.baudrate = 38400
ser.bytesize = serial.SEVENBITS
ser.parity = serial.PARITY_ODD
ser.stopbits = serial.STOPBITS_TWO
got = pick("baud", "data_bits", "parity", "stop_bits")
t.ok(got == (38400, 7, P["odd"], 2),
     f"baudrate/bytesize/parity/stopbits = 38400 7 O 2: {got}")
ser.parity = serial.PARITY_MARK
m = pick("parity")[0]
ser.parity = serial.PARITY_SPACE
s = pick("parity")[0]
t.ok((m, s) == (P["mark"], P["space"]), f"PARITY_MARK, PARITY_SPACE: {m}, {s}")
ser.apply_settings(dict(baudrate=57600, bytesize=8, parity="N",
                        stopbits=1))
got = pick("baud", "data_bits", "parity", "stop_bits")
t.ok(got == (57600, 8, P["none"], 1), f"apply_settings 57600 8N1: {got}")

ser.rtscts = True
on = pick("crtscts")
ser.rtscts = False
t.ok(on == (1,) and pick("crtscts") == (0,), f"rtscts True/False: {on[0]}, 0")
ser.xonxoff = True
on = pick("ixon", "ixoff")
ser.xonxoff = False
t.ok(on == (1, 1) and pick("ixon", "ixoff") == (0, 0),
     f"xonxoff True: IXON/IXOFF on the NPort {on}, then off")

# Modem lines: out to the NPort, back through the loopback plug.
t.ok(nptest.wait_for(lambda: ser.cts and ser.dsr and ser.cd, 10),
     f"after open: cts, dsr, cd up ({ser.cts}, {ser.dsr}, {ser.cd})")
ser.dtr = False
ser.rts = False
lines = pick("dtr", "rts")
down = nptest.wait_for(lambda: not (ser.cts or ser.dsr or ser.cd), 10)
t.ok(lines == (0, 0) and down,
     f"dtr = rts = False: NPort lines {lines}, cts/dsr/cd follow down "
     f"({ser.cts}, {ser.dsr}, {ser.cd})")
ser.dtr = True
ser.rts = True
lines = pick("dtr", "rts")
up = nptest.wait_for(lambda: ser.cts and ser.dsr and ser.cd, 10)
t.ok(lines == (1, 1) and up,
     f"dtr = rts = True: NPort lines {lines}, cts/dsr/cd back up")

# A break goes out and, through the plug, comes back as a NUL.
sb, cb = n_ev(op="START_BREAK"), n_ev(op="STOP_BREAK")
ser.reset_input_buffer()
ser.send_break(0.25)
got = ser.read(1)
t.ok(n_ev(op="START_BREAK") == sb + 1 and n_ev(op="STOP_BREAK") == cb + 1
     and state().get("break") == 0 and got == b"\x00",
     f"send_break(0.25): START_BREAK, STOP_BREAK, received as {got!r}")

# tcflush is queued to the command port (the flush may be called where it
# cannot sleep): wait for each FLUSH, so that the two are not merged.
rx, tx = n_ev(op="FLUSH", which="rx"), n_ev(op="FLUSH", which="tx")
ser.reset_input_buffer()
nptest.wait_for(lambda: n_ev(op="FLUSH", which="rx") > rx, 10)
rx1 = n_ev(op="FLUSH", which="rx")
ser.reset_output_buffer()
nptest.wait_for(lambda: n_ev(op="FLUSH", which="tx") > tx, 10)
tx1 = n_ev(op="FLUSH", which="tx")
t.ok(rx1 == rx + 1, f"reset_input_buffer: FLUSH rx ({rx} -> {rx1})")
t.ok(tx1 == tx + 1, f"reset_output_buffer: FLUSH tx ({tx} -> {tx1})")

# flush() is tcdrain: at 1200 baud, 240 bytes need 2 s on the paced line.
ser.baudrate = 1200
data = os.urandom(240)
wq = n_ev(op="WAIT_OQUEUE")
ser.write(data)
ser.flush()
q = state().get("outq")
t.ok(q == 0 and n_ev(op="WAIT_OQUEUE") > wq,
     f"write(240 bytes) + flush() at 1200 baud: returned once the NPort's "
     f"queue was empty (outq {q})")
back = ser.read(240)
t.ok(back == data, f"read(240, timeout 5): the 240 bytes came back "
     f"({len(back)} bytes)")

ser.baudrate = 115200
ser.write(b"hello, pyserial\n")
line = ser.readline()
ser.timeout = 0.3
rest = ser.read(10)
t.ok(line == b"hello, pyserial\n" and rest == b"",
     f"readline {line!r}, then a read times out empty ({rest!r})")
ser.close()
rep = nptest.show(os.path.basename(TTY))
t.ok(rep and rep["stats"]["cmd_errors"] == 0,
     f"no command errors ({rep and rep['stats']})")
sys.exit(t.done())
PY
