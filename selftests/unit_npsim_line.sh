#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npsim serial-line behaviour on the loopback plug: --pace (queue drains at
# the line rate, WAIT_OQUEUE reports the real count), --drain block, output
# held by CRTSCTS with CTS low, by SETXOFF and by a break, FLUSH, NOTIFY on
# modem changes and breaks (and not after STOP_NOTIFY), cs7 masking, and the
# control socket forcing modem inputs and line errors.
# Rates are measured and reported, never asserted.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"

npsim_need
t_plan 3
npsim_tmpdir

npsim_start pace -d 0 -c 0 --pace -q --control "$NPSIM_TMP/pace.ctl"
aspp_py - "$NPSIM_TMP/pace.ready" "$NPSIM_TMP/pace.ctl" <<'PY'
import os, socket, sys, time
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
ctl = sys.argv[2]
c = A.Cmd(rd["cmd"])
d = socket.create_connection(("127.0.0.1", rd["data"]), timeout=10)

# 1200 baud 8N1: 10 bits a byte, 120 bytes/s; 360 bytes take 3 s.  What is
# asserted is that npsim holds bytes and lets them go (no rate): wait until
# it has taken some from the socket, however busy the host is.
c.request(A.PORT_INIT, A.port_init(1200))
data = os.urandom(360)
d.sendall(data)
A.wait_for(lambda: c.request(A.OQUEUE)["count"] > 0)
first = c.request(A.WAIT_OQUEUE, A.le32(10))["count"]
t.ok(0 < first <= 360, "paced at 1200 baud: WAIT_OQUEUE reports %d of 360 "
     "bytes still queued" % first)
counts, t0 = [first], time.monotonic()
while counts[-1] and time.monotonic() - t0 < A.secs(30):
    time.sleep(0.1)
    counts.append(c.request(A.OQUEUE)["count"])
el = time.monotonic() - t0
t.ok(counts[-1] == 0 and all(a >= b for a, b in zip(counts, counts[1:])),
     "queue count falls steadily to 0 (%d readings)" % len(counts))
t.diag("measured %.0f bytes/s for a nominal 120" % (first / el))
t.ok(A.recv_exact(d, 360) == data, "paced data loops back intact")

# CRTSCTS with RTS off (so CTS off on the plug): output is held.
c.request(A.PORT_INIT, A.port_init(115200, crtscts=1, rts=0))
d.sendall(b"held by CTS")
t.ok(A.wait_for(lambda: c.request(A.OQUEUE)["count"] == 11),
     "CRTSCTS + CTS low: 11 bytes held")
c.request(A.LINECTRL, bytes([1, 1]))
t.ok(A.recv_exact(d, 11) == b"held by CTS", "RTS on -> CTS on -> bytes flow")
c.request(A.PORT_INIT, A.port_init(115200))

# SETXOFF holds output, FLUSH(TX) drops it, SETXON resumes.
c.request(A.SETXOFF)
d.sendall(b"dropped")
t.ok(A.wait_for(lambda: c.request(A.OQUEUE)["count"] == 7),
     "SETXOFF: output suspended")
c.request(A.FLUSH, bytes([1]))
t.ok(c.request(A.OQUEUE)["count"] == 0, "FLUSH(TX) empties the queue")
c.request(A.SETXON)
d.sendall(b"after")
t.ok(A.recv_exact(d, 5) == b"after", "SETXON: output resumes, flushed "
     "bytes never sent")

# Break: the plug receives it (NOTIFY break); data waits for the break end.
c.unsolicited.clear()
c.request(A.START_BREAK)
n = c.wait_unsolicited("notify", 5)
t.ok(n is not None and n["events"] & A.EV_BREAK, "START_BREAK -> NOTIFY break")
d.sendall(b"brk")
t.ok(A.wait_for(lambda: c.request(A.OQUEUE)["count"] == 3),
     "no output during a break")
c.request(A.STOP_BREAK)
t.ok(A.recv_exact(d, 3) == b"brk", "output resumes after STOP_BREAK")

# cs7: the plug loses bit 7, like a real UART.
c.request(A.PORT_INIT, A.port_init(115200, 7))
d.sendall(b"\xff\x80\x41")
t.ok(A.recv_exact(d, 3) == b"\x7f\x00\x41", "7 data bits: bit 7 is lost")
c.request(A.PORT_INIT, A.port_init(115200))

# NOTIFY on modem changes; none after STOP_NOTIFY; again after START.
c.unsolicited.clear()
c.request(A.LINECTRL, bytes([0, 0]))
n = c.wait_unsolicited("notify", 5)
t.ok(n and n["events"] & A.EV_MSR and n["msr"] == 0,
     "DTR, RTS off -> NOTIFY msr 0")
c.request(A.STOP_NOTIFY)
c.request(A.LINECTRL, bytes([1, 1]))
t.ok(c.wait_unsolicited("notify", 0.5) is None, "no NOTIFY after STOP_NOTIFY")
c.request(A.START_NOTIFY)
c.request(A.LINECTRL, bytes([1, 0]))
n = c.wait_unsolicited("notify", 5)
t.ok(n and n["msr"] == A.MSR_DSR | A.MSR_DCD,
     "START_NOTIFY: RTS off -> NOTIFY msr DSR|DCD")

# Control socket: force inputs, inject line errors.
t.ok(A.control(ctl, "modem 1 dcd=0 ri=1") == "ok", "control: modem")
n = c.wait_unsolicited("notify", 5)
t.ok(n and n["msr"] == A.MSR_DSR | A.MSR_RI, "forced DCD off, RI on -> NOTIFY")
r = c.request(A.LSTATUS)
t.ok((r["dsr"], r["cts"], r["dcd"]) == (1, 0, 0), "LSTATUS sees forced DCD off")
A.control(ctl, "notify 1 0x03")
n = c.wait_unsolicited("notify", 5)
t.ok(n and n["events"] == 0x03, "control: NOTIFY parity+framing errors")
A.control(ctl, "modem 1 auto")
n = c.wait_unsolicited("notify", 5)
t.ok(n and n["msr"] == A.MSR_DSR | A.MSR_DCD, "modem auto: back to the wiring")
A.control(ctl, "serial 1 68 69")
t.ok(A.recv_exact(d, 2) == b"hi", "control: serial input reaches data clients")
t.ok(A.control(ctl, "bogus 1").startswith("error"), "control: bad command")
t.done()
PY
t_sub "pacing, flow control, break, flush, NOTIFY, control socket"
npsim_stop "$NPSIM_PID"

npsim_start block -d 0 -c 0 --pace --drain block -q
aspp_py - "$NPSIM_TMP/block.ready" <<'PY'
import os, socket, sys, time
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
c = A.Cmd(rd["cmd"], timeout=20)
d = socket.create_connection(("127.0.0.1", rd["data"]), timeout=10)
c.request(A.PORT_INIT, A.port_init(2400))
d.sendall(bytes(480))
A.wait_for(lambda: c.request(A.OQUEUE)["count"] > 0)
r = c.request(A.WAIT_OQUEUE, A.le32(10))
t.ok(r["count"] > 0, "--drain block, 10 ms timeout: %d bytes still queued" %
     r["count"])
t0 = time.monotonic()
r = c.request(A.WAIT_OQUEUE, A.le32(15000))
t.ok(r["count"] == 0, "--drain block, long timeout: answered when drained")
t.diag("blocking WAIT_OQUEUE took %.2f s" % (time.monotonic() - t0))
t.ok(len(A.recv_exact(d, 480)) == 480, "all bytes looped back")
t.done()
PY
t_sub "--drain block"
npsim_stop "$NPSIM_PID"
t_check "npsim exits 0" test $? -eq 0
t_done
