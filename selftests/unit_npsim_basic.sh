#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# npsim with no arguments (data 127.0.0.1:4001, command 127.0.0.1:966,
# loopback plug), driven by an independent client (aspp_client.py): replies
# to every request have the NPort's shape, settings are logged as JSON,
# data loops back intact, malformed requests close the command connection
# without harming npsim, SIGTERM exits cleanly.
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/npsim.bash"

npsim_need
# The default ports are fixed: a network namespace of the test's own keeps
# them free whatever else runs on the host.
npsim_netns

t_plan 8
t_check "npsim --help documents the options" \
	sh -c "'$NPSIM' --help | grep -q -- --pace && '$NPSIM' --help | grep -q -- --fault"
t_expect_fail "npsim rejects a bad option value" \
	sh -c "'$NPSIM' --max-conn 9 2>/dev/null"

# No arguments (only the test's ready file and event log added).
npsim_start basic || { t_fail "npsim starts with no arguments"; t_done; }
t_ok "npsim starts with no arguments"
pid=$NPSIM_PID
ev=$NPSIM_TMP/basic.events

aspp_py - "$ev" <<'PY'
import os, sys, threading, time
import aspp_client as A

t = A.Tap()
ev = sys.argv[1]
c = A.Cmd(966)
d = A.socket.create_connection(("127.0.0.1", 4001), timeout=10)

r = c.request(A.PORT_INIT, A.port_init(9600, dtr=1, rts=1))
t.ok(r["kind"] == "status" and not r["rejected"] and
     (r["dsr"], r["cts"], r["dcd"]) == (1, 1, 1),
     "PORT_INIT 9600 8N1 DTR RTS -> 2c 03 01 01 01 (loopback wiring)")
r = c.request(A.SETBAUD, A.le32(12345))
t.ok(r["kind"] == "ack", "SETBAUD 12345 -> 17 'O' 'K'")
r = c.request(A.LINECTRL, bytes([0, 1]))
t.ok(r["kind"] == "ack", "LINECTRL dtr=0 rts=1 -> ack")
n = c.wait_unsolicited("notify", 5)
t.ok(n is not None and n["events"] & A.EV_MSR and n["msr"] == A.MSR_CTS,
     "NOTIFY after LINECTRL: msr = CTS only (DTR off drops DSR, DCD)")
r = c.request(A.LINECTRL, bytes([1, 1]))
r = c.request(A.WAIT_OQUEUE, A.le32(100))
t.ok(r["kind"] == "queue" and r["count"] == 0,
     "WAIT_OQUEUE before any data -> 2f 02 00 00")

# Loopback: 200 KiB of varied bytes come back intact, in order.
data = os.urandom(200 * 1024)
snd = threading.Thread(target=d.sendall, args=(data,))
snd.start()
back = A.recv_exact(d, len(data), 20)
snd.join()
t.ok(back == data, "200 KiB written to the data port loop back intact")
r = c.request(A.WAIT_OQUEUE, A.le32(100))
t.ok(r["count"] == 0, "WAIT_OQUEUE after the echo is back -> 0")

# Every other request the NPort answers, with its exact shape.
shapes = [
    (A.LSTATUS, b"", "status"), (A.FLUSH, b"\x02", "ack"),
    (A.FLUSH, b"\x00", "ack"), (A.IQUEUE, b"", "queue"),
    (A.OQUEUE, b"", "queue"), (A.XONXOFF, b"\x11\x13", "ack"),
    (A.START_BREAK, b"", "ack"), (A.STOP_BREAK, b"", "ack"),
    (A.START_NOTIFY, b"", "ack"), (A.STOP_NOTIFY, b"", "ack"),
    (A.TX_FIFO, b"\x10", "ack"), (A.SETXOFF, b"", "ack"),
    (A.SETXON, b"", "ack"), (A.IOCTL, bytes([6, 3]), "ack"),
    (A.FLOWCTRL, b"\x00", "ack"), (A.FLOWCTRL, b"\x00\x00\x00\x00", "ack"),
    (A.HOST, b"", "ack"),
]
bad = [hex(op) for op, p, k in shapes if c.request(op, p)["kind"] != k]
t.ok(not bad, "17 more requests get ack/queue/status replies %s" % bad)
r = c.request(A.LSTATUS)
t.ok((r["dsr"], r["cts"], r["dcd"]) == (1, 1, 1), "LSTATUS reports the lines")

# Several requests in one write: replies in order.
c.send_raw(A.frame(A.PORT_INIT, A.port_init(1800, 7, 2, "mark")) +
           A.frame(A.SETBAUD, A.le32(1800)) +
           A.frame(A.XONXOFF, b"\x11\x13") + A.frame(A.TX_FIFO, b"\x10") +
           A.frame(A.LINECTRL, b"\x01\x01"))
ops = []
while len(ops) < 5:
    f = c.read_frame()
    if f["kind"] != "notify":
        ops.append(f["op"])
t.ok(ops == [A.PORT_INIT, A.SETBAUD, A.XONXOFF, A.TX_FIFO, A.LINECTRL],
     "a batch of 5 requests in one write gets 5 replies in order")

pi = A.events(ev, event="cmd", op="PORT_INIT")
t.ok(len(pi) >= 2 and pi[0]["baud"] == 9600 and pi[0]["data_bits"] == 8 and
     pi[0]["parity"] == "none" and pi[0]["stop_bits"] == 1 and
     pi[0]["dtr"] is True and pi[0]["crtscts"] is False,
     "events: PORT_INIT 9600 8N1 logged as JSON")
t.ok(pi[-1]["data_bits"] == 7 and pi[-1]["stop_bits"] == 2 and
     pi[-1]["parity"] == "mark" and pi[-1]["baud_idx"] == 0xff,
     "events: PORT_INIT 7M2 with baud index 0xff")
sb = A.events(ev, event="cmd", op="SETBAUD")
t.ok([e["baud"] for e in sb] == [12345, 1800], "events: SETBAUD values")
lc = A.events(ev, event="cmd", op="LINECTRL")
t.ok(lc and lc[0]["dtr"] is False and lc[0]["rts"] is True,
     "events: LINECTRL dtr=false rts=true")
c.close()
d.close()

# Malformed requests: connection closed, npsim carries on.
cases = [("unknown opcode", b"\x99\x00"), ("bad length", b"\x2c\x07" + bytes(7)),
         ("bad mode byte", A.frame(A.PORT_INIT, bytes([6, 0xC3, 1, 1, 0, 0, 0, 0]))),
         ("NOTIFY sent to the device", b"\x26\x00"),
         ("unknown FLUSH selector", b"\x14\x01\x07")]
for name, raw in cases:
    time.sleep(0.05)
    x = A.Cmd(966)
    x.send_raw(raw)
    t.ok(x.closed_by_peer(5), "%s: command connection closed" % name)
    x.close()
time.sleep(0.05)
x = A.Cmd(966)
r = x.request(A.PORT_INIT, A.port_init(115200))
t.ok(r["kind"] == "status", "npsim still answers after malformed requests")
t.ok(len(A.events(ev, event="malformed")) == len(cases),
     "every malformed request is logged")
x.close()
t.done()
PY
t_sub "independent client: replies, loopback, events, malformed requests"

kill -0 "$pid" 2>/dev/null
t_check "npsim survived the session" test $? -eq 0
npsim_stop "$pid"
t_check "SIGTERM: npsim exits 0" test $? -eq 0
t_check "SIGTERM: ready file removed" test ! -e "$NPSIM_TMP/basic.ready"
t_check "SIGTERM: shutdown logged" grep -q '"event":"shutdown"' "$ev"
t_done
