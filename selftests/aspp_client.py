# SPDX-License-Identifier: GPL-2.0
"""An independent NPort command-port ("ASPP") client for npsim tests.

Written from shared/protocol/aspp.md alone, not from kmod/aspp.c, so the
end-to-end tests do not check the codec against itself.  Also a tiny TAP
printer.  Used by the unit_npsim_*.sh scripts through `python3 -c`/heredocs:

    import aspp_client as A
    c = A.Cmd(port=966)
    r = c.request(A.PORT_INIT, A.port_init(9600, mode=0x03, dtr=1, rts=1))
"""
import json
import os
import socket
import struct
import sys
import time

IOCTL, FLOWCTRL, LINECTRL, LSTATUS, FLUSH = 0x10, 0x11, 0x12, 0x13, 0x14
IQUEUE, OQUEUE, SETBAUD, XONXOFF = 0x15, 0x16, 0x17, 0x18
START_BREAK, STOP_BREAK, START_NOTIFY, STOP_NOTIFY = 0x21, 0x22, 0x24, 0x25
NOTIFY, POLLING, ALIVE, HOST, PORT_INIT = 0x26, 0x27, 0x28, 0x2B, 0x2C
WAIT_OQUEUE, TX_FIFO, SETXON, SETXOFF = 0x2F, 0x30, 0x33, 0x34

# Reply shape per opcode (aspp.md 2.1).
ACK_OPS = {IOCTL, FLOWCTRL, LINECTRL, FLUSH, SETBAUD, XONXOFF, START_BREAK,
           STOP_BREAK, START_NOTIFY, STOP_NOTIFY, HOST, TX_FIFO, SETXON,
           SETXOFF}
QUEUE_OPS = {OQUEUE, IQUEUE, WAIT_OQUEUE}
STATUS_OPS = {PORT_INIT, LSTATUS}

BAUDS = [300, 600, 1200, 2400, 4800, 7200, 9600, 19200, 38400, 57600,
         115200, 230400, 460800, 921600, 150, 134, 110, 75, 50]

MSR_CTS, MSR_DSR, MSR_RI, MSR_DCD = 0x10, 0x20, 0x40, 0x80
EV_BREAK, EV_MSR = 0x10, 0x20


# Every timeout here is a hang guard, never an assertion: a slow or busy
# host (NPTTY_TIMEOUT_SCALE, as for the runner's timeouts) stretches them.
SCALE = float(os.environ.get("NPTTY_TIMEOUT_SCALE") or 1)


def secs(s):
    """s seconds, stretched by NPTTY_TIMEOUT_SCALE."""
    return s * SCALE


def wait_for(pred, timeout=10.0, step=0.02):
    """Poll pred() until true (return True) or the scaled timeout ends."""
    end = time.monotonic() + secs(timeout)
    while not pred():
        if time.monotonic() >= end:
            return False
        time.sleep(step)
    return True


class Malformed(Exception):
    pass


def baud_index(baud):
    return BAUDS.index(baud) if baud in BAUDS else 0xFF


def mode(data=8, stop=1, parity="none"):
    par = {"none": 0, "even": 0x08, "odd": 0x10, "mark": 0x18,
           "space": 0x20}[parity]
    return (data - 5) | (0x04 if stop == 2 else 0) | par


def port_init(baud, data=8, stop=1, parity="none", dtr=1, rts=1,
              crtscts=0, ixon=0, ixoff=0):
    return bytes([baud_index(baud), mode(data, stop, parity), dtr, rts,
                  crtscts, crtscts, ixon, ixoff])


def frame(op, payload=b""):
    return bytes([op, len(payload)]) + bytes(payload)


def reply_len(op):
    if op in ACK_OPS or op == POLLING:
        return 3
    if op in QUEUE_OPS or op == NOTIFY:
        return 4
    if op in STATUS_OPS:
        return 5
    return None


def parse_reply(b):
    """Decode one reply frame (complete bytes) into a dict."""
    op = b[0]
    if op in ACK_OPS:
        if b[1:3] != b"OK":
            raise Malformed("ack %s" % b.hex())
        return {"op": op, "kind": "ack"}
    if op in QUEUE_OPS:
        if b[1] != 2:
            raise Malformed("queue %s" % b.hex())
        return {"op": op, "kind": "queue", "count": b[2] + 256 * b[3]}
    if op in STATUS_OPS:
        if b[1] != 3:
            raise Malformed("status %s" % b.hex())
        return {"op": op, "kind": "status", "dsr": b[2], "cts": b[3],
                "dcd": b[4], "rejected": op == PORT_INIT and
                b[2:5] == b"\xff\xff\xff"}
    if op == NOTIFY:
        return {"op": op, "kind": "notify", "events": b[1], "msr": b[2]}
    if op == POLLING:
        if b[1] != 1:
            raise Malformed("polling %s" % b.hex())
        return {"op": op, "kind": "polling", "id": b[2]}
    raise Malformed("unknown reply opcode 0x%02x" % op)


class Cmd:
    """A command-port connection.  NOTIFY and POLLING frames met while
    waiting for a reply are kept in self.unsolicited."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0):
        self.timeout = secs(timeout)
        self.s = socket.create_connection((host, port), timeout=self.timeout)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.unsolicited = []

    def close(self):
        self.s.close()

    def send_raw(self, b):
        self.s.sendall(bytes(b))

    def _fill(self, n):
        while len(self.buf) < n:
            d = self.s.recv(4096)
            if not d:
                raise EOFError("command connection closed")
            self.buf += d

    def read_frame(self):
        self._fill(1)
        n = reply_len(self.buf[0])
        if n is None:
            raise Malformed("unknown reply opcode 0x%02x" % self.buf[0])
        self._fill(n)
        f, self.buf = self.buf[:n], self.buf[n:]
        return parse_reply(f)

    def request(self, op, payload=b""):
        self.send_raw(frame(op, payload))
        if op == ALIVE:
            return None
        while True:
            r = self.read_frame()
            if r["kind"] in ("notify", "polling"):
                self.unsolicited.append(r)
                continue
            if r["op"] != op:
                raise Malformed("reply to 0x%02x for 0x%02x" % (r["op"], op))
            return r

    def wait_unsolicited(self, kind, timeout=5.0):
        """Return the next queued or arriving NOTIFY/POLLING of kind."""
        end = time.monotonic() + secs(timeout)
        while True:
            for i, r in enumerate(self.unsolicited):
                if r["kind"] == kind:
                    return self.unsolicited.pop(i)
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.s.settimeout(left)
            try:
                r = self.read_frame()
            except socket.timeout:
                return None
            finally:
                self.s.settimeout(self.timeout)
            self.unsolicited.append(r)

    def closed_by_peer(self, timeout=5.0):
        """True when the peer closes the connection (EOF or reset)."""
        self.s.settimeout(secs(timeout))
        try:
            while True:
                d = self.s.recv(4096)
                if not d:
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


def le32(v):
    return struct.pack("<I", v)


def recv_exact(s, n, timeout=10.0):
    s.settimeout(secs(timeout))
    out = b""
    while len(out) < n:
        d = s.recv(n - len(out))
        if not d:
            break
        out += d
    return out


def events(path, **match):
    """Events from an npsim --events file whose fields equal match."""
    out = []
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            e = json.loads(line)
            if all(e.get(k) == v for k, v in match.items()):
                out.append(e)
    return out


def ready(path):
    """Parse an npsim --ready-file into [{port, data, cmd, serial}]."""
    out = []
    with open(path) as f:
        for line in f:
            d = dict(kv.split("=", 1) for kv in line.split())
            out.append({"port": int(d["port"]), "data": int(d["data"]),
                        "cmd": None if d["cmd"] == "none" else int(d["cmd"]),
                        "serial": d["serial"]})
    return out


def control(path, line):
    """Send one command to npsim's --control socket; return its answer."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(secs(5))
    s.connect(path)
    s.sendall(line.encode() + b"\n")
    out = b""
    while not out.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            break
        out += d
    s.close()
    return out.decode().strip()


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        print("TAP version 13", flush=True)

    def ok(self, cond, desc):
        self.n += 1
        if not cond:
            self.failed += 1
        print("%sok %d %s" % ("" if cond else "not ", self.n, desc),
              flush=True)
        return cond

    def diag(self, msg):
        print("# " + msg, flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)
