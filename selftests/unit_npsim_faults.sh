#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npsim fault injection and keep-alive: refused and hung-up connections,
# close after N bytes, delayed / garbage / truncated / missing replies,
# rejected baud, POLLING answered by ALIVE keeps the session, a missing
# ALIVE drops it (command and data connections).
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"

npsim_need
t_plan 8
npsim_tmpdir

t_expect_fail "unknown fault kind rejected" \
	sh -c "'$NPSIM' --fault explode 2>/dev/null"

# refuse: nothing listens on the data port; hangup: accepted then closed.
npsim_start refuse -d 0 -c 0 -n 2 --fault refuse=data@1 --fault hangup=cmd@2 -q
aspp_py - "$NPSIM_TMP/refuse.ready" <<'PY'
import socket, sys
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])
t.ok(rd[0]["data"] == 0 and rd[1]["data"] > 0,
     "refuse=data@1: port 1 has no data listener, port 2 has")
c = A.Cmd(rd[1]["cmd"])
t.ok(c.closed_by_peer(5), "hangup=cmd@2: command connection closed at once")
c = A.Cmd(rd[0]["cmd"])
t.ok(c.request(A.LSTATUS)["kind"] == "status", "port 1 command port works")
t.done()
PY
t_sub "refuse, hangup"
npsim_stop "$NPSIM_PID"

# close-after: the data connection is dropped after exactly N bytes.
npsim_start closeafter -d 0 -c 0 --fault close-after=100 -q
aspp_py - "$NPSIM_TMP/closeafter.ready" <<'PY'
import socket, sys
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
d = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
d.sendall(bytes(range(60)))
t.ok(A.recv_exact(d, 60) == bytes(range(60)), "first 60 bytes loop back")
d.sendall(bytes(range(40)))
back = A.recv_exact(d, 1000, 5)
t.ok(back == bytes(range(40)), "close-after=100: bytes 61..100 loop back, "
     "then EOF (%d bytes)" % len(back))
t.done()
PY
t_sub "close-after"
npsim_stop "$NPSIM_PID"

# Reply faults, each on the first use only (#1), then normal service.
# Each step closes its command connection and opens the next one at once;
# npsim takes one client per port and refuses (accept + close: RST) one
# that comes while the old one's FIN is still on its way, which a slow
# guest or a lost FIN makes happen.  --overflow queue leaves the new client
# in the backlog until npsim has seen the EOF: no race, no sleep.
npsim_start replies -d 0 -c 0 -q --overflow queue \
	--fault no-reply=wait_oqueue#1 --fault garbage=setbaud#1 \
	--fault truncate=0x13#1 --fault delay=300:linectrl#1 \
	--fault reject-baud#1
aspp_py - "$NPSIM_TMP/replies.ready" "$NPSIM_TMP/replies.events" <<'PY'
import socket, sys, time
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
ev = sys.argv[2]

c = A.Cmd(rd["cmd"])
r = c.request(A.PORT_INIT, A.port_init(9600))
t.ok(r["rejected"], "reject-baud: PORT_INIT answered FF FF FF")
c.send_raw(A.frame(A.LSTATUS))
# The half reply, however late it comes; then nothing more for a while.
got = A.recv_exact(c.s, 2)
c.s.settimeout(0.5)
try:
    while True:
        x = c.s.recv(10)
        if not x:
            break
        got += x
except socket.timeout:
    pass
t.ok(got == bytes([0x13, 3]), "truncate: half an LSTATUS reply (%s)" % got.hex())
c.close()

c = A.Cmd(rd["cmd"])
c.send_raw(A.frame(A.SETBAUD, A.le32(9600)))
f = A.recv_exact(c.s, 3, 2)
t.ok(len(f) == 3 and f[0] not in (A.SETBAUD,) and f[1:3] != b"OK",
     "garbage: SETBAUD answered with garbage (%s)" % f.hex())
c.close()

c = A.Cmd(rd["cmd"])
c.send_raw(A.frame(A.WAIT_OQUEUE, A.le32(10)))
c.s.settimeout(1)
try:
    none = c.s.recv(10)
except socket.timeout:
    none = None
t.ok(none is None, "no-reply: WAIT_OQUEUE never answered")
c.s.settimeout(5)
# The connection still works, and the fault was one-shot.
t.ok(c.request(A.WAIT_OQUEUE, A.le32(10))["kind"] == "queue",
     "next WAIT_OQUEUE answered")
t0 = time.monotonic()
c.send_raw(A.frame(A.LINECTRL, b"\x01\x01") + A.frame(A.LSTATUS))
r1 = c.read_frame()
r2 = c.read_frame()
t.ok(r1["op"] == A.LINECTRL and r2["op"] == A.LSTATUS,
     "delay: reply order kept across a delayed reply")
t.diag("delayed LINECTRL ack after %.2f s (fault: 0.3 s)" % (time.monotonic() - t0))
t.ok(c.request(A.PORT_INIT, A.port_init(9600))["rejected"] is False and
     c.request(A.SETBAUD, A.le32(9600))["kind"] == "ack",
     "#1 faults are used up: normal replies again")
faults = sorted(e["fault"] for e in A.events(ev, event="fault"))
t.ok(faults == ["delay", "garbage", "no-reply", "truncate"],
     "faults logged: %s" % faults)
t.done()
PY
t_sub "reply faults"
npsim_stop "$NPSIM_PID"

# POLLING every second; ALIVE keeps the session, silence drops it.  The
# ALIVE timeout is what the test process may take to answer on a busy host
# (it was 2 s): 5 s, times NPTTY_TIMEOUT_SCALE.
npsim_start poll -d 0 -c 0 --polling 1 \
	--alive-timeout $((5 * ${NPTTY_TIMEOUT_SCALE:-1})) -q
aspp_py - "$NPSIM_TMP/poll.ready" "$NPSIM_TMP/poll.events" <<'PY'
import socket, sys, time
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
ev = sys.argv[2]
c = A.Cmd(rd["cmd"])
d = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
# An ALIVE is "expected" when it answers npsim's newest POLLING.  A client
# starved for over a second finds two POLLINGs and answers the older one
# late, which npsim rightly logs as unexpected (seen under load): answer
# every POLLING until 3 ALIVEs were expected (at most 10 polls).
def n_expected():
    return len(A.events(ev, event="cmd", op="ALIVE", expected=True))


ids = []
while len(ids) < 10 and not (len(ids) >= 3 and n_expected() >= 3):
    p = c.wait_unsolicited("polling", 5)
    if not p:
        break
    ids.append(p["id"])
    c.request(A.ALIVE, bytes([p["id"]]))
A.wait_for(lambda: n_expected() >= 3, 5)
t.ok(len(ids) >= 3 and len(set(ids)) == len(ids),
     "%d POLLINGs with distinct ids, each answered with ALIVE %s" %
     (len(ids), ids))
d.sendall(b"alive")
t.ok(A.recv_exact(d, 5) == b"alive", "session still up after the polls")
al = A.events(ev, event="cmd", op="ALIVE")
t.ok([e["id"] for e in al] == ids and n_expected() >= 3,
     "every ALIVE logged, %d of %d as expected" % (n_expected(), len(al)))
# Stop answering: both connections are dropped.
t.ok(c.closed_by_peer(20), "no ALIVE: command connection dropped")
d.settimeout(5)
try:
    gone = d.recv(1) == b""
except (ConnectionResetError, socket.timeout):
    gone = True
t.ok(gone, "no ALIVE: data connection dropped too")
t.ok(len(A.events(ev, event="alive_timeout")) == 1, "alive timeout logged")
t.done()
PY
t_sub "POLLING / ALIVE"
npsim_stop "$NPSIM_PID"
t_check "npsim exits 0" test $? -eq 0

# Nothing a client sends crashes npsim: random bytes on both ports.
# (--overflow queue: the last client must not be refused while the FINs of
# the 300 before it are still arriving.)
npsim_start fuzz -d 0 -c 0 -m 8 -q --overflow queue
aspp_py - "$NPSIM_TMP/fuzz.ready" <<'PY'
import os, random, socket, sys
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
rnd = random.Random(1)
for i in range(300):
    c = socket.create_connection(("127.0.0.1", rd["cmd"]), timeout=5)
    # mostly real opcodes with random lengths and payloads
    b = bytes([rnd.choice([0x10, 0x11, 0x12, 0x14, 0x17, 0x18, 0x2c, 0x2f,
                           0x30, 0x28, 0x2b, 0x20, rnd.randrange(256)]),
               rnd.randrange(12)]) + os.urandom(rnd.randrange(20))
    try:
        c.sendall(b)
    except OSError:
        pass
    c.close()
c = A.Cmd(rd["cmd"])
t.ok(c.request(A.LSTATUS)["kind"] == "status",
     "300 random request streams later npsim still answers")
t.done()
PY
t_sub "random requests"
kill -0 "$NPSIM_PID"
t_check "npsim still running" test $? -eq 0
t_done
