#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npsim real-device backend (-s /dev/...), exercised on a pty slave that the
# test creates (no serial hardware needed): settings reach the device, data
# flows both ways, requests the device cannot do (modem lines, break on a
# pty) do not break the session, and the device's termios is restored at
# exit.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"

npsim_need
npsim_tmpdir
t_plan 1
aspp_py - "$NPSIM" "$NPSIM_TMP" <<'PY'
import fcntl, os, socket, struct, subprocess, sys, termios, time
import aspp_client as A

t = A.Tap()
npsim, tmp = sys.argv[1], sys.argv[2]
m, s = os.openpty()
path = os.ttyname(s)
before = termios.tcgetattr(s)
ready = tmp + "/tty.ready"
p = subprocess.Popen([npsim, "-d", "0", "-c", "0", "-s", "tty:" + path,
                      "-r", ready, "-e", tmp + "/tty.events", "-q"])
try:
    for _ in range(250):
        if os.path.exists(ready):
            break
        time.sleep(0.02)
    rd = A.ready(ready)[0]
    t.ok(rd["serial"] == path, "device backend on %s" % path)
    c = A.Cmd(rd["cmd"])
    d = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
    c.request(A.PORT_INIT, A.port_init(57600, 8, 2, "odd"))
    raw = fcntl.ioctl(s, 0x802C542A, bytes(44))
    cf, sp = struct.unpack("<IIII B 19s II", raw)[2], struct.unpack("<IIII B 19s II", raw)[-1]
    t.ok(sp == 57600 and cf & termios.CSTOPB and cf & termios.PARODD,
         "PORT_INIT 57600 8O2 applied to the device")
    c.request(A.SETBAUD, A.le32(31250))
    raw = fcntl.ioctl(s, 0x802C542A, bytes(44))
    t.ok(struct.unpack("<IIII B 19s II", raw)[-1] == 31250,
         "SETBAUD 31250 (MIDI) applied with BOTHER")
    d.sendall(b"to the device")
    got = b""
    while len(got) < 13:
        got += os.read(m, 100)
    t.ok(got == b"to the device", "network -> device")
    os.write(m, b"from the device")
    t.ok(A.recv_exact(d, 15) == b"from the device", "device -> network")
    ok = all(c.request(op, pl)["kind"] in ("ack", "queue", "status")
             for op, pl in [(A.LINECTRL, b"\x01\x00"), (A.START_BREAK, b""),
                            (A.STOP_BREAK, b""), (A.FLUSH, b"\x02"),
                            (A.OQUEUE, b""), (A.WAIT_OQUEUE, A.le32(5)),
                            (A.LSTATUS, b"")])
    t.ok(ok, "line requests answered even where the device cannot act")
finally:
    p.terminate()
    rc = p.wait(10)
t.ok(rc == 0, "npsim exits 0 on SIGTERM")
after = termios.tcgetattr(s)
t.ok(after[:4] == before[:4], "device termios restored at exit")
t.done()
PY
t_sub "real-device backend on a pty"
t_done
