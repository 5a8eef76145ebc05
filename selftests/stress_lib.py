#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers for nptty's stress selftests (stress_*.sh) and bench/ (a tool and
a library, not a test).

As a tool, many TCP peers in one process (one thread, selectors):

  stress_lib.py serve MODE BASE N [--bind ADDR] [--rcvbuf BYTES]

listens on ADDR (default 127.0.0.1) ports BASE .. BASE+N-1, prints
"listening", serves until SIGTERM/SIGINT, then prints one line per
connection ("conn PORT RX TX") and "done". Modes:
  echo    send back everything, in order (reading pauses while 1 MiB waits)
  hold    accept and never read (the receive window closes)
  flood   send the stream Pattern(PORT) forever, read and discard input
  sink    read and discard

As a library: Pattern (a deterministic byte stream any side can check at
any offset), meminfo()/slab_kib()/tcp_mem_kib() readers, apply() to add
many ports with one npctl call, open_raw(), hang guards, and the free port
range finder.
"""
import errno
import fcntl
import os
import selectors
import signal
import socket
import subprocess
import sys
import termios
import time
import tty

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NPCTL = os.path.join(TOP, "userspace", "npctl", "npctl")
# a slow kernel (the debug kernel: 4) stretches hang guards as the runner
# stretches each test's timeout
SCALE = float(os.environ.get("NPTTY_TIMEOUT_SCALE") or 1)


class Pattern:
    """A byte stream of period 65521 (prime), seeded: bytes [off, off+n)."""
    PERIOD = 65521

    def __init__(self, seed):
        import random
        blk = random.Random(seed).randbytes(self.PERIOD)
        self.blk2 = blk + blk

    def get(self, off, n):
        out = bytearray()
        while n > 0:
            o = off % self.PERIOD
            k = min(n, self.PERIOD)
            out += self.blk2[o:o + k]
            off += k
            n -= k
        return bytes(out)


# --- memory ---

def meminfo():
    """/proc/meminfo as {name: KiB}."""
    out = {}
    with open("/proc/meminfo") as f:
        for line in f:
            k, v = line.split(":", 1)
            out[k] = int(v.split()[0])
    return out


def slab_kib():
    return meminfo()["Slab"]


def tcp_mem_kib():
    """Pages the TCP stack charges for socket buffers (sockstat), in KiB."""
    with open("/proc/net/sockstat") as f:
        for line in f:
            if line.startswith("TCP:"):
                w = line.split()
                return int(w[w.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    return 0


def settle():
    """Let RCU callbacks and deferred frees run before a measurement (no
    drop_caches: in the VM that empties the 9p root's dentry cache)."""
    time.sleep(1)


# --- ports ---

def npctl(*args, ns=None, check=True, stdin=None):
    pre = ["ip", "netns", "exec", ns] if ns else []
    r = subprocess.run(pre + [NPCTL] + [str(a) for a in args], input=stdin,
                       capture_output=True, text=True)
    if check and r.returncode:
        raise RuntimeError(f"npctl {' '.join(map(str, args))}: rc {r.returncode}: "
                           f"{r.stderr.strip()}")
    return r


def apply(lines, ns=None):
    """Add (or change) many ports with one 'npctl apply -'."""
    return npctl("-q", "apply", "-", ns=ns, stdin="".join(l + "\n" for l in lines))


def show(ns=None):
    """Every port, as npctl -j -s show gives them (a list of dicts)."""
    import json
    return json.loads(npctl("-j", "-s", "show", ns=ns).stdout or "[]")


def ports(ns=None):
    """{data port: tty name} of the ports npctl shows."""
    return {p["data_port"]: p["tty"] for p in show(ns)}


class Monitor:
    """'npctl -j monitor' in the background, to name what dropped a link
    (a reconnect clears the port's last_error).  Diagnostics only: events
    in the first moments, before it has joined, are missed.  Its output
    goes to a file: a pipe nobody reads would stall it."""

    def __init__(self, ns=None):
        import tempfile
        pre = ["ip", "netns", "exec", ns] if ns else []
        self.out = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(pre + [NPCTL, "-j", "monitor"],
                                     stdout=self.out, text=True)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait()

    def drops(self):
        """Stop; {tty: [reason, ...]} of the links that went down other
        than by a close."""
        import json
        self.stop()
        self.out.seek(0)
        res = {}
        for line in self.out:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event") == "link-down" and e.get("reason") != "closed":
                res.setdefault(e["tty"], []).append(e["reason"])
        return res


def free_base(n):
    """A base B of n consecutive loopback ports the kernel handed out, held
    (bound, not listening) by this process until it exits: serve() listens
    on them with SO_REUSEADDR; nothing else can take one.  See porthold.py."""
    import porthold
    return porthold.hold(n)


# --- a minimal generic netlink client of the nptty family ---

def uapi_enum(name):
    """{NAME: value} of 'enum name' in include/uapi/linux/nptty.h."""
    import re
    src = open(os.path.join(TOP, "include", "uapi", "linux", "nptty.h")).read()
    src = re.sub(r"/\*.*?\*/", "", src, flags=re.S)
    body = re.search(r"enum " + name + r" \{(.*?)\};", src, re.S).group(1)
    out, v = {}, -1
    for item in body.split(","):
        item = item.strip()
        if not item:
            continue
        if "=" in item:
            k, e = (x.strip() for x in item.split("=", 1))
            if e.endswith(" - 1"):
                v = out[e[:-4]] - 1
            else:
                v = out[e] if e in out else int(e, 0)
        else:
            k, v = item, v + 1
        out[k] = v
    return out


class Genl:
    """PORT_NEW/DEL/SET/GET over one NETLINK_GENERIC socket, no library:
    fast enough to race the kernel (an npctl exec costs ~50 ms in TCG)."""
    NLMSG_ERROR, NLMSG_DONE = 2, 3
    F_REQUEST, F_ACK, F_DUMP = 1, 4, 0x300

    def __init__(self):
        import struct
        self.st = struct
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        self.sock.bind((0, 0))
        self.seq = 0
        self.C = uapi_enum("nptty_cmd")
        self.A = uapi_enum("nptty_a_port")
        self.S = uapi_enum("nptty_a_stats")
        # CTRL_CMD_GETFAMILY (3), CTRL_ATTR_FAMILY_NAME (2) -> _ID (1)
        err, msgs = self._req(0x10, 3, [(2, b"nptty\0")])
        if err:
            raise OSError(err, "no nptty genl family")
        self.fam = self.st.unpack("H", msgs[0][1][:2])[0]

    def _attrs(self, attrs):
        out = b""
        for t, v in attrs:
            a = self.st.pack("HH", 4 + len(v), t) + v
            out += a + b"\0" * (-len(a) % 4)
        return out

    def parse(self, b):
        """[(type, payload)] of a run of attributes."""
        out, o = [], 0
        while o + 4 <= len(b):
            ln, t = self.st.unpack_from("HH", b, o)
            if ln < 4:
                break
            out.append((t & 0x3fff, b[o + 4:o + ln]))
            o += (ln + 3) & ~3
        return out

    def _req(self, fam, cmd, attrs, dump=False):
        self.seq += 1
        body = self.st.pack("BBH", cmd, 1, 0) + self._attrs(attrs)
        flags = self.F_REQUEST | self.F_ACK | (self.F_DUMP if dump else 0)
        self.sock.send(self.st.pack("IHHII", 16 + len(body), fam, flags, self.seq, 0) + body)
        msgs = []
        while True:
            data = self.sock.recv(1 << 20)
            o = 0
            while o + 16 <= len(data):
                ln, typ, _, seq, _ = self.st.unpack_from("IHHII", data, o)
                payload = data[o + 16:o + ln]
                o += (ln + 3) & ~3
                if seq != self.seq:
                    continue
                if typ == self.NLMSG_ERROR:
                    err = -self.st.unpack_from("i", payload)[0]
                    if err or not dump:
                        return err, msgs
                    continue
                if typ == self.NLMSG_DONE:
                    return 0, msgs
                for t, v in self.parse(payload[4:]):
                    if t == 1 and fam == 0x10:
                        msgs.append((t, v))
                if fam != 0x10:
                    msgs.append(dict(self.parse(payload[4:])))

    def cmd(self, name, attrs, dump=False):
        """(errno or 0, [reply attribute dicts]); names without NPTTY_A_PORT_."""
        a = []
        for k, v in attrs:
            a.append((self.A["NPTTY_A_PORT_" + k], v))
        return self._req(self.fam, self.C["NPTTY_CMD_PORT_" + name], a, dump)

    def u16(self, v):
        return self.st.pack("H", v)

    def u32(self, v):
        return self.st.pack("I", v)

    def new(self, addr, port, index=None, **extra):
        a = [("ADDR4", socket.inet_aton(addr)), ("DATA_PORT", self.u16(port)),
             ("CMD_PORT", self.u16(0))]
        if index is not None:
            a.append(("INDEX", self.u32(index)))
        return self.cmd("NEW", a + list(extra.items()))

    def delete(self, index):
        return self.cmd("DEL", [("INDEX", self.u32(index))])[0]

    def set(self, index, attrs):
        return self.cmd("SET", [("INDEX", self.u32(index))] + attrs)[0]

    def dump(self):
        return self.cmd("GET", [], dump=True)


# --- tty side ---

def open_raw(path, nonblock=True):
    """Open a tty raw + CLOCAL; a termios failure closes it and raises
    OSError."""
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | (os.O_NONBLOCK if nonblock else 0))
    try:
        tty.setraw(fd)
        a = termios.tcgetattr(fd)
        a[2] |= termios.CLOCAL
        termios.tcsetattr(fd, termios.TCSANOW, a)
    except termios.error as e:
        os.close(fd)
        raise OSError(e.args[0], f"termios on {path}: {e.args[1]}") from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def outq(fd):
    import struct
    return struct.unpack("i", fcntl.ioctl(fd, termios.TIOCOUTQ, b"\0" * 4))[0]


class Guard:
    """with Guard(secs, what): SIGALRM interrupts a blocking call that takes
    longer than secs (a hang guard, not a timing check); .fired tells."""

    def __init__(self, secs, what=""):
        self.secs, self.what, self.fired = secs * SCALE, what, False

    def _alarm(self, *_):
        self.fired = True
        raise TimeoutError(f"{self.what}: still blocked after {self.secs} s")

    def __enter__(self):
        self.old = signal.signal(signal.SIGALRM, self._alarm)
        signal.setitimer(signal.ITIMER_REAL, self.secs)
        return self

    def __exit__(self, *_):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old)
        return False


def raise_nofile(n=8192):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, min(n, hard if hard != resource.RLIM_INFINITY else n))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


# --- the server ---

class Conn:
    def __init__(self, sock, port):
        self.sock, self.port = sock, port
        self.rx = self.tx = 0
        self.out = bytearray()
        self.pat = None
        self.reading = True


def serve(mode, base, n, bind="127.0.0.1", rcvbuf=0):
    raise_nofile(4 * n + 64)
    sel = selectors.DefaultSelector()
    fam = socket.AF_INET6 if ":" in bind else socket.AF_INET
    for p in range(base, base + n):
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if rcvbuf:
            ls.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        ls.bind((bind, p))
        ls.listen(64)
        ls.setblocking(False)
        sel.register(ls, selectors.EVENT_READ, ("listen", p))
    conns = []
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("listening", flush=True)
    chunk = 65536

    def want(c):
        ev = 0
        if c.reading:
            ev |= selectors.EVENT_READ
        if c.out or mode == "flood":
            ev |= selectors.EVENT_WRITE
        return ev

    def update(c):
        ev = want(c)
        try:
            if ev:
                sel.modify(c.sock, ev, ("conn", c))
            else:
                sel.unregister(c.sock)
        except KeyError:
            if ev:
                sel.register(c.sock, ev, ("conn", c))

    def drop(c):
        try:
            sel.unregister(c.sock)
        except KeyError:
            pass
        c.sock.close()

    while not stop:
        for key, ev in sel.select(0.5):
            kind, obj = key.data
            if kind == "listen":
                try:
                    s, _ = key.fileobj.accept()
                except OSError:
                    continue
                s.setblocking(False)
                # No keepalive: the server never gives a connection up by
                # itself (an NPort's alive check is minutes, the outages
                # stress_flap makes are seconds), so a link that drops was
                # dropped by nptty.  A 2 s keepalive here once reset every
                # link of stress_flap on the debug kernel, whose outages
                # outlast 5 s (ECONNRESET).
                c = Conn(s, obj)
                conns.append(c)
                if mode == "hold":
                    continue        # never read, never write
                if mode == "flood":
                    c.pat = Pattern(obj)
                sel.register(s, want(c), ("conn", c))
                continue
            c = obj
            if ev & selectors.EVENT_READ:
                try:
                    b = c.sock.recv(chunk)
                except (BlockingIOError, InterruptedError):
                    b = None
                except OSError:
                    b = b""
                if b == b"":
                    drop(c)
                    continue
                if b:
                    c.rx += len(b)
                    if mode == "echo":
                        c.out += b
                        if len(c.out) >= 1 << 20:
                            c.reading = False
            if ev & selectors.EVENT_WRITE:
                if mode == "flood" and len(c.out) < chunk:
                    c.out += c.pat.get(c.tx + len(c.out), chunk)
                try:
                    k = c.sock.send(c.out[:chunk])
                except (BlockingIOError, InterruptedError):
                    k = 0
                except OSError:
                    drop(c)
                    continue
                del c.out[:k]
                c.tx += k
                if mode == "echo" and len(c.out) < 1 << 19:
                    c.reading = True
            update(c)
    for c in conns:
        print(f"conn {c.port} {c.rx} {c.tx}")
    print("done", flush=True)


class Server:
    """stress_lib.py serve ... as a child process (optionally in a netns)."""

    def __init__(self, mode, base, n, bind=None, rcvbuf=0, ns=None):
        cmd = (["ip", "netns", "exec", ns] if ns else []) + \
            [sys.executable, os.path.abspath(__file__), "serve", mode, str(base), str(n)]
        if bind:
            cmd += ["--bind", bind]
        if rcvbuf:
            cmd += ["--rcvbuf", str(rcvbuf)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if line != "listening":
            raise RuntimeError(f"server {mode} {base}+{n} did not start")

    def stop(self):
        """SIGTERM; return {port: [(rx, tx), ...]} of its connections."""
        out = {}
        if self.proc.poll() is None:
            self.proc.terminate()
        for line in self.proc.stdout:
            w = line.split()
            if w and w[0] == "conn":
                out.setdefault(int(w[1]), []).append((int(w[2]), int(w[3])))
        self.proc.wait()
        return out


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(prog="stress_lib.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("mode", choices=["echo", "hold", "flood", "sink"])
    s.add_argument("base", type=int)
    s.add_argument("n", type=int)
    s.add_argument("--bind", default="127.0.0.1")
    s.add_argument("--rcvbuf", type=int, default=0)
    a = ap.parse_args(argv[1:])
    serve(a.mode, a.base, a.n, a.bind, a.rcvbuf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
