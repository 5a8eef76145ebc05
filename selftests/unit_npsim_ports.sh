#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npsim port options: N serial ports on base+i, ephemeral ports reported in
# the ready file, IPv6 listen address, --cmd-port none, max connections per
# port (serial input copied to every data client, the one over the limit
# refused or queued).
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"

npsim_need
t_plan 4
npsim_tmpdir

# Three ports on base + i: two blocks of three the kernel handed out, held
# until npsim listens on them (a random base was taken on a busy host once).
dbase=$(free_block 3) cbase=$(free_block 3)
npsim_start multi -n 3 -d "$dbase" -c "$cbase" -q
aspp_py - "$NPSIM_TMP/multi.ready" "$dbase" "$cbase" <<'PY'
import sys
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])
db, cb = int(sys.argv[2]), int(sys.argv[3])
t.ok([(p["port"], p["data"], p["cmd"]) for p in rd] ==
     [(i + 1, db + i, cb + i) for i in range(3)],
     "ready file: 3 ports on data %d+i, command %d+i" % (db, cb))
# Each port is its own serial line: settings and data stay apart.
cs = [A.Cmd(p["cmd"]) for p in rd]
ds = [A.socket.create_connection(("127.0.0.1", p["data"]), timeout=5) for p in rd]
for i, c in enumerate(cs):
    c.request(A.PORT_INIT, A.port_init(A.BAUDS[i]))
for i, d in enumerate(ds):
    d.sendall(b"port%d" % (i + 1))
t.ok([A.recv_exact(d, 5) for d in ds] == [b"port1", b"port2", b"port3"],
     "each port loops back its own data")
t.done()
PY
t_sub "three ports on base + i"
npsim_stop "$NPSIM_PID"

# IPv6, ephemeral ports, no command port, four connections per port.
if ! ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	t_skip "IPv6 ::1 not available"
else
	npsim_start v6 -l ::1 -d 0 -c none -m 4 -n 2 -s 2=pty -q
	aspp_py - "$NPSIM_TMP/v6.ready" <<'PY'
import socket, sys
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])
t.ok(all(p["cmd"] is None and p["data"] > 0 for p in rd) and
     rd[0]["data"] != rd[1]["data"],
     "ready file: ephemeral data ports, no command port")
t.ok(rd[0]["serial"] == "loopback" and rd[1]["serial"].startswith("/dev/pts/"),
     "-s 2=pty: port 2 on a pty, port 1 keeps the loopback")
s = socket.create_connection(("::1", rd[0]["data"]), timeout=5)
s.sendall(b"over ipv6")
t.ok(A.recv_exact(s, 9) == b"over ipv6", "data over IPv6 ::1 loops back")
try:
    socket.create_connection(("127.0.0.1", rd[0]["data"]), timeout=2)
    t.ok(False, "not listening on 127.0.0.1 when told ::1")
except OSError:
    t.ok(True, "not listening on 127.0.0.1 when told ::1")
t.done()
PY
	t_sub "IPv6 listen address"
	npsim_stop "$NPSIM_PID"
fi

# Max connections 2, default overflow (refuse): the third is closed.
npsim_start maxc -d 0 -c 0 -m 2 -s pty --control "$NPSIM_TMP/maxc.ctl" -q
aspp_py - "$NPSIM_TMP/maxc.ready" "$NPSIM_TMP/maxc.events" "$NPSIM_TMP/maxc.ctl" <<'PY'
import os, socket, sys, time
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
ev = sys.argv[2]
a = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
b = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
x = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
x.settimeout(5)
try:
    gone = x.recv(1) == b""
except ConnectionResetError:
    gone = True
t.ok(gone, "third data client over --max-conn 2 is closed")
t.ok(len(A.events(ev, event="refuse", kind="data")) == 1, "refusal logged")
# Serial input (from the pty slave) reaches both data clients.
fd = os.open(rd["serial"], os.O_RDWR | os.O_NOCTTY)
os.write(fd, b"to everyone")
t.ok(A.recv_exact(a, 11) == b"to everyone" and
     A.recv_exact(b, 11) == b"to everyone",
     "serial input is copied to every data client")
# Both clients' data reaches the serial side.
a.sendall(b"A" * 10)
b.sendall(b"B" * 10)
got = b""
while len(got) < 20:
    got += os.read(fd, 100)
t.ok(sorted(got) == sorted(b"A" * 10 + b"B" * 10),
     "data from both clients reaches the serial side")
# A freed slot is usable again.
a.close()
A.wait_for(lambda: '"data_conns":1' in A.control(sys.argv[3], "state 1"))
c = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
os.write(fd, b"again")
t.ok(A.recv_exact(c, 5) == b"again", "a freed slot takes a new client")
st = A.control(sys.argv[3], "state 1")
t.ok('"data_conns":2' in st, "control state counts 2 data clients")
t.done()
PY
t_sub "max connections, refuse"
npsim_stop "$NPSIM_PID"

# Overflow queue: the extra client waits in the backlog until a slot frees.
npsim_start queue -d 0 -c none -m 1 --overflow queue -q
aspp_py - "$NPSIM_TMP/queue.ready" <<'PY'
import socket, sys, time
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
a = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
b = socket.create_connection(("127.0.0.1", rd["data"]), timeout=5)
b.sendall(b"queued")
a.sendall(b"first")
t.ok(A.recv_exact(a, 5) == b"first", "first client served")
b.settimeout(0.5)
try:
    early = b.recv(10)
except socket.timeout:
    early = None
t.ok(early is None, "queued client gets nothing while the slot is taken")
a.close()
t.ok(A.recv_exact(b, 6) == b"queued", "queued client served once the slot frees")
t.done()
PY
t_sub "max connections, queue"
t_done
