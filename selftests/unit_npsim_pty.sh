#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npsim pty backend: the slave path is symlinked and reported, data flows
# both ways, and every serial setting sent on the command port is applied to
# the slave with tcsetattr, so the test reads them back with tcgetattr and
# TCGETS2: stop bits, PARODD/CMSPAR (mark/space), CRTSCTS, IXON/IXOFF and
# their characters, standard and arbitrary baud rates.  Data bits and
# PARENB, which Linux's pty driver forces to CS8/off, are read from the
# event log and the control socket.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"

npsim_need
t_plan 3
npsim_tmpdir
dport=$(free_port) cport=$(free_port)
link=$NPSIM_TMP/ttyNPSIM
npsim_start pty -d "$dport" -c "$cport" -s "pty:$link" -q \
	--control "$NPSIM_TMP/pty.ctl"
pid=$NPSIM_PID

aspp_py - "$NPSIM_TMP/pty.ready" "$link" "$dport" "$cport" "$NPSIM_TMP" <<'PY'
import fcntl, os, socket, struct, sys, termios
import aspp_client as A

t = A.Tap()
rd = A.ready(sys.argv[1])[0]
link, dport, cport = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ev, ctl = sys.argv[5] + "/pty.events", sys.argv[5] + "/pty.ctl"
CMSPAR = 0o10000000000
TCGETS2 = 0x802C542A

t.ok(os.path.islink(link) and os.readlink(link).startswith("/dev/pts/"),
     "symlink %s -> %s" % (link, os.path.realpath(link)))
t.ok(rd["serial"] == link and rd["data"] == dport and rd["cmd"] == cport,
     "ready file names the link and the ports")
fd = os.open(link, os.O_RDWR | os.O_NOCTTY)

def attrs():
    a = termios.tcgetattr(fd)
    raw = fcntl.ioctl(fd, TCGETS2, bytes(44))
    ospeed = struct.unpack("<IIII B 19s II", raw)[-1]
    return a[0], a[2], a[6], ospeed

c = A.Cmd(cport)
d = socket.create_connection(("127.0.0.1", dport), timeout=5)

# Linux's pty driver forces CS8 and clears PARENB on every tcsetattr of a
# pty, so those two are checked in the event log; the rest on the slave.
r = c.request(A.PORT_INIT, A.port_init(9600, 7, 2, "even", crtscts=1, ixon=1))
i, cf, cc, sp = attrs()
e = A.events(ev, event="cmd", op="PORT_INIT")[-1]
t.ok(r["kind"] == "status" and not cf & termios.PARODD and
     not cf & CMSPAR and cf & termios.CSTOPB and cf & termios.CRTSCTS and
     i & termios.IXON and not i & termios.IXOFF and sp == 9600 and
     e["data_bits"] == 7 and e["parity"] == "even",
     "PORT_INIT 9600 7E2 CRTSCTS IXON -> slave termios")
c.request(A.PORT_INIT, A.port_init(115200, 8, 1, "odd", ixoff=1))
i, cf, cc, sp = attrs()
e = A.events(ev, event="cmd", op="PORT_INIT")[-1]
t.ok(cf & termios.PARODD and not cf & CMSPAR and not cf & termios.CSTOPB and
     not cf & termios.CRTSCTS and not i & termios.IXON and
     i & termios.IXOFF and sp == 115200 and e["parity"] == "odd" and
     e["data_bits"] == 8, "PORT_INIT 115200 8O1 IXOFF")
c.request(A.PORT_INIT, A.port_init(38400, 8, 1, "mark"))
i, cf, cc, sp = attrs()
t.ok(cf & termios.PARODD and cf & CMSPAR and sp == 38400,
     "mark parity -> PARODD CMSPAR")
c.request(A.PORT_INIT, A.port_init(300, 5, 1, "space"))
i, cf, cc, sp = attrs()
e = A.events(ev, event="cmd", op="PORT_INIT")[-1]
t.ok(not cf & termios.PARODD and cf & CMSPAR and sp == 300 and
     e["data_bits"] == 5 and e["parity"] == "space",
     "space parity, 5 data bits, 300 baud -> CMSPAR without PARODD")
c.request(A.PORT_INIT, A.port_init(12345, 6, 1, "none"))
c.request(A.SETBAUD, A.le32(12345))
i, cf, cc, sp = attrs()
t.ok(sp == 12345 and not cf & CMSPAR and not cf & termios.PARODD,
     "PORT_INIT index 0xff + SETBAUD 12345 -> any rate via BOTHER")
c.request(A.SETBAUD, A.le32(250000))
st = A.control(ctl, "state 1")
t.ok(attrs()[3] == 250000 and '"baud":250000' in st and
     '"data_bits":6' in st, "SETBAUD 250000 alone changes the rate")
c.request(A.XONXOFF, bytes([0x01, 0x02]))
i, cf, cc, sp = attrs()
t.ok(cc[termios.VSTART] == b"\x01" and cc[termios.VSTOP] == b"\x02",
     "XONXOFF -> VSTART, VSTOP")

# Data both ways (raw 8N1 first so the slave passes bytes untouched).
c.request(A.PORT_INIT, A.port_init(115200))
blob = bytes(range(256)) * 16
d.sendall(blob)
got = b""
while len(got) < len(blob):
    got += os.read(fd, 65536)
t.ok(got == blob, "network -> serial: 4 KiB, all 256 byte values intact")
os.write(fd, blob)
t.ok(A.recv_exact(d, len(blob)) == blob, "serial -> network: 4 KiB intact")
r = c.request(A.PORT_INIT, A.port_init(115200, dtr=0, rts=1))
t.ok((r["dsr"], r["cts"], r["dcd"]) == (0, 1, 0),
     "pty modem inputs follow the loopback wiring (DTR off: DSR, DCD off)")
t.ok(not A.events(ev, event="apply_error"), "no tcsetattr/TCSETS2 errors")
os.close(fd)
t.done()
PY
t_sub "pty backend: termios applied, data both ways"
npsim_stop "$pid"
t_check "npsim exits 0 on SIGTERM" test $? -eq 0
t_check "pty symlink removed at exit" test ! -e "$link"
t_done
