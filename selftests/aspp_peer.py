#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A scriptable, hostile NPort for nptty's command-port tests (a tool, not
a test).  Written from shared/protocol/aspp.md; npsim is the well-behaved
NPort, this one misbehaves on request.

  aspp_peer.py

Listens on two loopback TCP ports chosen by the kernel (port 0) and prints
"ports DATA CMD".  Every command connection is answered as aspp.md says
(acks 'OK', queue counts 0, PORT_INIT/LSTATUS with DSR, CTS and DCD on)
unless told otherwise.  Commands, one a line on stdin, apply to the newest
connection:
  flood on|off [notify|polling]
                   stream NOTIFY frames without event bits (harmless) or
                   POLLING frames (each wants an ALIVE back) on the command
                   connection as fast as it takes them, and on the next one
                   after a reconnect; replies to requests still go out
                   between whole frames
  mute on|off      read requests, answer none
  cmd HEX          write these bytes on the command connection (one send)
  data N SEED      write N pattern(N, SEED) bytes on the data connection
  datahex HEX      write these bytes on the data connection
  quit             exit
Reports (after each command: "done WORD", or "error WORD WHY") on stdout, one line each (flushed):
  accept data|cmd N        connection N of that kind
  req OP N                 request with opcode OP (hex) on command conn N
                           (ALIVE not reported: a flood brings thousands)
  flooded BYTES            progress of a flood, about every 256 KiB
  flood-stopped BYTES      the flood ended ("flood off")
  unacked N                after data: bytes the data socket still holds
                           unacknowledged, once it is 0 or after 10 s
  closed data|cmd N
"""
import fcntl
import random
import socket
import struct
import sys
import termios
import threading
import time

ACK_OPS = {0x10, 0x11, 0x12, 0x14, 0x17, 0x18, 0x21, 0x22, 0x24, 0x25,
           0x2B, 0x30, 0x33, 0x34}
QUEUE_OPS = {0x15, 0x16, 0x2F}
STATUS_OPS = {0x2C, 0x13}
ALIVE = 0x28
SIOCOUTQ = termios.TIOCOUTQ

_say_lock = threading.Lock()


def say(*args):
    with _say_lock:
        print(*args, flush=True)


class Conn:
    def __init__(self, sock, kind, n):
        self.s = sock
        self.kind = kind
        self.n = n
        self.tx = threading.Lock()   # whole frames only
        self.alive = True

    def send(self, b):
        with self.tx:
            self.s.sendall(b)


state = {"mute": False, "flood": False, "flood_kind": "notify"}
newest = {"data": None, "cmd": None}
counts = {"data": 0, "cmd": 0}


def reply(op):
    if op in ACK_OPS:
        return bytes([op]) + b"OK"
    if op in QUEUE_OPS:
        return bytes([op, 2, 0, 0])
    if op in STATUS_OPS:
        return bytes([op, 3, 1, 1, 1])
    return b""


def serve_cmd(c):
    buf = b""
    try:
        while True:
            d = c.s.recv(4096)
            if not d:
                break
            buf += d
            while len(buf) >= 2 and len(buf) >= 2 + buf[1]:
                op, ln = buf[0], buf[1]
                buf = buf[2 + ln:]
                if op == ALIVE:
                    continue
                say("req %02x %d" % (op, c.n))
                if state["mute"]:
                    continue
                c.send(reply(op))
    except OSError:
        pass
    c.alive = False
    say("closed cmd", c.n)


def serve_data(c):
    try:
        while c.s.recv(65536):
            pass
    except OSError:
        pass
    c.alive = False
    say("closed data", c.n)


def flooder():
    """While "flood on": NOTIFYs to the newest command connection, and to
    the next one when that one dies (a reconnect does not end a flood)."""
    while True:
        while not state["flood"]:
            time.sleep(0.01)
        if state["flood_kind"] == "polling":
            frames = bytes([0x27, 0x01, 0x5A]) * 21845     # 64 KiB
        else:
            frames = bytes([0x26, 0x00, 0xB0, 0x00]) * 16384
        sent, mark = 0, 0
        while state["flood"]:
            c = newest["cmd"]
            if not c or not c.alive:
                time.sleep(0.01)
                continue
            try:
                c.send(frames)
            except OSError:
                continue
            sent += len(frames)
            if sent - mark >= 256 * 1024:
                mark = sent
                say("flooded", sent)
        say("flood-stopped", sent)


def listener(lsn, kind):
    while True:
        s, _ = lsn.accept()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        counts[kind] += 1
        c = Conn(s, kind, counts[kind])
        newest[kind] = c
        say("accept", kind, c.n)
        threading.Thread(target=serve_cmd if kind == "cmd" else serve_data,
                         args=(c,), daemon=True).start()


def unacked(s):
    return struct.unpack("i", fcntl.ioctl(s.fileno(), SIOCOUTQ,
                                          b"\0" * 4))[0]


def report_unacked(c):
    end = time.monotonic() + 10
    while unacked(c.s) and time.monotonic() < end:
        time.sleep(0.02)
    say("unacked", unacked(c.s))


def main():
    ports = []
    for kind in ("data", "cmd"):
        lsn = socket.socket()
        lsn.bind(("127.0.0.1", 0))
        lsn.listen(4)
        ports.append(lsn.getsockname()[1])
        threading.Thread(target=listener, args=(lsn, kind),
                         daemon=True).start()
    threading.Thread(target=flooder, daemon=True).start()
    say("ports", *ports)
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        try:
            if w[0] in ("flood", "mute"):
                if w[0] == "flood" and len(w) > 2:
                    state["flood_kind"] = w[2]
                state[w[0]] = w[1] == "on"
            elif w[0] == "cmd":
                newest["cmd"].send(bytes.fromhex(w[1]))
            elif w[0] == "data":
                c = newest["data"]
                n, seed = int(w[1]), int(w[2])
                c.send(random.Random(seed).randbytes(n))
                threading.Thread(target=report_unacked, args=(c,),
                                 daemon=True).start()
            elif w[0] == "datahex":
                newest["data"].send(bytes.fromhex(w[1]))
            elif w[0] == "quit":
                break
            say("done", w[0])
        except (OSError, AttributeError, ValueError) as e:
            say("error", w[0], e)
    return 0


class Hostile:
    """aspp_peer.py in a child process, for tests: do(line) sends a
    command, wait_line(word, secs, nth) waits for a report."""

    def __init__(self):
        import subprocess
        self.proc = subprocess.Popen([sys.executable, __file__],
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.lines = []
        self.cond = threading.Condition(threading.RLock())
        threading.Thread(target=self._reader, daemon=True).start()
        got = self.wait_line("ports", 60)
        if not got:
            raise RuntimeError("aspp_peer.py did not start")
        self.data, self.cmd = int(got[1]), int(got[2])

    def _reader(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.split())
                self.cond.notify_all()

    def do(self, line):
        """Send a command; return once the peer has carried it out."""
        word = line.split()[0]
        n = self.count("done", word) + self.count("error", word)
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        end = time.monotonic() + 30
        with self.cond:
            while (self.count("done", word) + self.count("error", word) <= n
                   and time.monotonic() < end):
                self.cond.wait(1)

    def count(self, *words):
        with self.cond:     # reentrant: called with it held too
            return sum(1 for ln in self.lines if ln[:len(words)] == list(words))

    def wait_line(self, word, secs, nth=1):
        end = time.monotonic() + secs
        with self.cond:
            while True:
                got = [ln for ln in self.lines if ln and ln[0] == word]
                if len(got) >= nth:
                    return got[nth - 1]
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


if __name__ == "__main__":
    sys.exit(main())
