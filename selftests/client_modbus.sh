#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A real Modbus RTU master, mbpoll, through /dev/ttyNP: it sets 19200 8E1
# itself (libmodbus termios -> command port -> npsim) and puts the old
# termios back when it closes; it reads holding registers (function 03)
# from a Modbus RTU slave (modbus_slave.py) sitting on npsim's pty, writes
# one (06) and reads it back, and gets the slave's exception for a register
# outside its table.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"
need_root
need_module
npsim_need
need_cmd mbpoll
port_del_all
cleanup_add port_del_all
npsim_tmpdir
d=$(free_port) c=$(free_port)
npsim_start modbus -d "$d" -c "$c" -s "pty:$NPSIM_TMP/serial" \
	--control "$NPSIM_TMP/ctl" || skip_all "npsim did not start"
tty=/dev/$("$NPCTL" add 127.0.0.1:"$d" cmd-port "$c")
busywait 2000 test -c "$tty"

TTY=$tty CTL=$NPSIM_TMP/ctl SERIAL=$NPSIM_TMP/serial \
SLAVE=$TOP/selftests/modbus_slave.py PYTHONDONTWRITEBYTECODE=1 \
PYTHONPATH=$TOP/selftests python3 - <<'PY'
import json, os, random, re, signal, subprocess, sys, termios, threading
import nptest
from aspp_client import control

t = nptest.t
t.plan(10)
TTY, CTL, SERIAL = os.environ["TTY"], os.environ["CTL"], os.environ["SERIAL"]
EVEN = 2

def state():
    r = control(CTL, "state 1")
    return json.loads(r[3:]) if r.startswith("ok ") else {}

# Something else than 19200 8E1 first, so that only mbpoll can set it.
# (A blocking open returns with the link up: the settings are acknowledged
# when tcsetattr returns.)
fd, err = nptest.open_tty(TTY)
if fd is not None:
    a = termios.tcgetattr(fd)
    a[2] = (a[2] & ~(termios.CSIZE | termios.PARENB)) | termios.CS7 | \
        termios.CSTOPB
    a[4] = a[5] = termios.B9600
    termios.tcsetattr(fd, termios.TCSANOW, a)
st = state()
t.ok(fd is not None and (st.get("baud"), st.get("data_bits"),
     st.get("parity"), st.get("stop_bits")) == (9600, 7, 0, 2),
     f"before: 9600 7N2 on the NPort ({nptest.ename(err)})")
if fd is not None:
    os.close(fd)

rnd = random.Random(os.urandom(8))
regs = [rnd.randrange(65536) for _ in range(8)]
slave = subprocess.Popen([sys.executable, os.environ["SLAVE"], SERIAL,
                          "--unit", "1", "--regs", ",".join(map(str, regs))],
                         stdout=subprocess.PIPE, text=True)
log = []
cond = threading.Condition()

def reader():
    for line in slave.stdout:
        with cond:
            log.append(line.split())
            cond.notify_all()
threading.Thread(target=reader, daemon=True).start()

def wait_log(pred, secs=10):
    with cond:
        return cond.wait_for(lambda: any(pred(w) for w in log), secs)

t.ok(wait_log(lambda w: w == ["ready"], 60), "Modbus slave ready on the pty")

def mbpoll(*args):
    # -o: response time-out (a hang guard under TCG, not a measurement)
    cmd = ["mbpoll", "-m", "rtu", "-b", "19200", "-P", "even", "-a", "1",
           "-o", "5", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=30)

def values(out):
    return [int(v) for v in re.findall(r"^\[\d+\]:\s+(\d+)", out, re.M)]

r = mbpoll("-r", "1", "-c", "4", "-1", TTY)
got = values(r.stdout)
t.ok(r.returncode == 0 and got == regs[:4],
     f"mbpoll -r 1 -c 4 reads the slave's registers {got} == {regs[:4]} "
     f"{r.stderr.strip()}")

# libmodbus puts the old termios back when it closes the port: look while
# mbpoll polls (every 200 ms), then after it is gone.
def line():
    st = state()
    return (st.get("baud"), st.get("data_bits"), st.get("parity"),
            st.get("stop_bits"))
reads = sum(1 for w in log if w[0] == "read")
p = subprocess.Popen(["mbpoll", "-m", "rtu", "-b", "19200", "-P", "even",
                      "-a", "1", "-o", "5", "-l", "200", "-r", "1", "-c", "2",
                      TTY], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
polled = nptest.wait_for(
    lambda: sum(1 for w in log if w[0] == "read") >= reads + 2, 20)
during = line()
p.send_signal(signal.SIGINT)     # mbpoll closes the port on ^C
err = p.communicate(timeout=10)[1]
t.ok(polled and during == (19200, 8, EVEN, 1),
     f"while mbpoll polls, its 19200 8E1 is on the NPort (baud, bits, "
     f"parity, stop: {during})")
after = line()
t.ok(p.returncode is not None and after == (9600, 7, 0, 2),
     f"mbpoll stopped with ^C ({p.returncode}) restores 9600 7N2 on the "
     f"NPort too ({after})")

v = rnd.randrange(32768)
r = mbpoll("-r", "3", "-1", TTY, v)
t.ok(r.returncode == 0 and "Written 1 references" in r.stdout,
     f"mbpoll -r 3 {v}: write answered {r.stderr.strip()}")
t.ok(wait_log(lambda w: w == ["write", "2", str(v)], 5),
     f"the slave got function 06 for register 2 = {v}")
r = mbpoll("-r", "1", "-c", "8", "-1", TTY)
want = regs[:2] + [v] + regs[3:]
got = values(r.stdout)
t.ok(r.returncode == 0 and got == want,
     f"read back 8 registers: {got} == {want}")

r = mbpoll("-r", "8", "-c", "2", "-1", TTY)
t.ok(r.returncode != 0 and "Illegal data address" in r.stderr,
     f"registers 8-9 (outside the table): exception 02 comes back "
     f"({r.stderr.strip()})")
crc = sum(1 for w in log if w == ["crc-error"])
t.ok(crc == 0, f"no frame was damaged on the way ({crc} CRC errors)")
slave.terminate()
slave.wait()
sys.exit(t.done())
PY
