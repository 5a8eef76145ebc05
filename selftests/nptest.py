# SPDX-License-Identifier: GPL-2.0
"""Python helpers for nptty's link and data selftests (a library, not a test).

The test scripts (link_*.sh, data_*.sh) do their setup in shell with lib.sh
and run their tty-side steps in Python with this module:

  TAP          t.plan(n), t.ok(cond, desc), t.done() -> kselftest exit code
  npctl        add(), show(), delete(), stat(): the npctl tool, JSON output
  Peer         a peer.py process (a TCP server), its reports, kill()
  tty helpers  open_tty(), raw(), tiocmget(), outq(), miwait_thread(), ...
  waiting      wait_for(pred, secs): poll until true or give up (no timing
               is asserted anywhere: bounds are hang guards)
"""
import atexit
import errno
import fcntl
import json
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import tty

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NPCTL = os.path.join(TOP, "userspace", "npctl", "npctl")
PEER = os.path.join(TOP, "selftests", "peer.py")


# --- TAP, numbered by this process (one TAP stream per test script) ---

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def plan(self, n):
        print(f"1..{n}", flush=True)

    def ok(self, cond, desc):
        self.n += 1
        if not cond:
            self.failed += 1
        print(f"{'' if cond else 'not '}ok {self.n} {desc}", flush=True)
        return cond

    def diag(self, msg):
        print(f"# {msg}", flush=True)

    def done(self):
        return 1 if self.failed else 0


t = Tap()


def ename(e):
    """errno name of an int errno, or 'ok' for None/0."""
    return errno.errorcode.get(e, str(e)) if e else "ok"


# --- npctl ---

_default_ns = None


def use_ns(ns):
    """Run npctl and peers in network namespace ns unless told otherwise."""
    global _default_ns
    _default_ns = ns


def _ns_prefix(ns):
    ns = ns or _default_ns
    return ["ip", "netns", "exec", ns] if ns else []


def npctl(*args, ns=None, check=True):
    r = subprocess.run(_ns_prefix(ns) + [NPCTL] + [str(a) for a in args],
                       capture_output=True, text=True)
    if check and r.returncode:
        raise RuntimeError(f"npctl {' '.join(map(str, args))}: {r.stderr}")
    return r


def add(addr, *opts, ns=None):
    """Add a port (no command port); return its tty name."""
    return npctl("add", addr, "no-cmd", *opts, ns=ns).stdout.strip()


def delete(name, ns=None):
    return npctl("del", name, ns=ns, check=False).returncode


def show(name, ns=None):
    """The port's JSON object, or None when it does not exist."""
    r = npctl("-j", "show", name, ns=ns, check=False)
    if r.returncode:
        return None
    ports = json.loads(r.stdout)
    return ports[0] if ports else None


def stat(name, key, ns=None):
    p = show(name, ns)
    return p["stats"][key] if p else None


def state(name, ns=None):
    p = show(name, ns)
    return p["state"] if p else None


# --- waiting ---

# Every bound in these helpers is a hang guard: NPTTY_TIMEOUT_SCALE (as for
# the runner's timeouts) stretches it on a slow kernel or a busy host.
SCALE = float(os.environ.get("NPTTY_TIMEOUT_SCALE") or 1)


def wait_for(pred, secs, step=0.02):
    """Poll pred() until it is true (return True) or secs (times
    NPTTY_TIMEOUT_SCALE) pass (False)."""
    end = time.monotonic() + secs * SCALE
    while True:
        if pred():
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(step)


# --- peers ---

_peers = []


@atexit.register
def _kill_peers():
    """A test that dies of an exception leaves no peer running."""
    for proc in _peers:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass


class Peer:
    """peer.py in a child process; its report lines are collected."""

    def __init__(self, port, mode, *args, bind=None, ns=None, rcvbuf=0,
                 rate=0):
        cmd = _ns_prefix(ns) + [sys.executable, PEER]
        if bind:
            cmd += ["--bind", bind]
        if rcvbuf:
            cmd += ["--rcvbuf", str(rcvbuf)]
        if rate:
            cmd += ["--rate", str(rate)]
        cmd += [str(port), mode] + [str(a) for a in args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True,
                                     start_new_session=True)
        _peers.append(self.proc)
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._reader, daemon=True).start()
        if not self.wait_line("listening", 60):
            raise RuntimeError(f"peer on {port} did not start")

    def _reader(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.split())
                self.cond.notify_all()
        with self.cond:
            self.lines.append(["exit"])
            self.cond.notify_all()

    def find(self, word, nth=1):
        """The nth report line starting with word, as a list, or None."""
        with self.cond:
            got = [ln for ln in self.lines if ln and ln[0] == word]
        return got[nth - 1] if len(got) >= nth else None

    def count(self, word):
        with self.cond:
            return sum(1 for ln in self.lines if ln and ln[0] == word)

    def wait_line(self, word, secs, nth=1):
        end = time.monotonic() + secs * SCALE
        with self.cond:
            while True:
                got = [ln for ln in self.lines if ln and ln[0] == word]
                if len(got) >= nth:
                    return got[nth - 1]
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def signal(self, sig):
        os.killpg(self.proc.pid, sig)

    def pause(self):
        self.signal(signal.SIGUSR1)

    def resume(self):
        self.signal(signal.SIGUSR2)

    def kill(self):
        """SIGKILL: its sockets are closed by the kernel (RST if unread)."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()


# --- tty side ---

def open_tty(path, nonblock=False, raw_mode=True):
    """Open a ttyNP (O_NOCTTY); return (fd, None) or (None, errno)."""
    flags = os.O_RDWR | os.O_NOCTTY | (os.O_NONBLOCK if nonblock else 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        return None, e.errno
    if raw_mode:
        raw(fd)
    return fd, None


def raw(fd):
    tty.setraw(fd)
    a = termios.tcgetattr(fd)
    a[2] |= termios.CLOCAL
    termios.tcsetattr(fd, termios.TCSANOW, a)


def set_nonblock(fd, on):
    fl = fcntl.fcntl(fd, fcntl.F_GETFL)
    fl = fl | os.O_NONBLOCK if on else fl & ~os.O_NONBLOCK
    fcntl.fcntl(fd, fcntl.F_SETFL, fl)


def _ioctl_int(fd, req, val=0):
    buf = fcntl.ioctl(fd, req, struct.pack("i", val))
    return struct.unpack("i", buf)[0]


def tiocmget(fd):
    return _ioctl_int(fd, termios.TIOCMGET)


def outq(fd):
    """TIOCOUTQ: bytes the driver holds (chars_in_buffer)."""
    return _ioctl_int(fd, termios.TIOCOUTQ)


def carrier(fd):
    return bool(tiocmget(fd) & termios.TIOCM_CAR)


# x86_64 system call numbers (the test VM's), for asleep_in().
SYSCALLS = {"read": 0, "write": 1, "close": 3, "ioctl": 16, "openat": 257}


def _asleep_in(tid, call):
    """True when thread tid of this process sleeps inside system call
    call (a SYSCALLS name): the event a test waits for before it changes
    what the sleeper waits on (no sleep that guesses how long it takes)."""
    try:
        with open(f"/proc/self/task/{tid}/syscall") as f:
            sc = f.read().split()
        with open(f"/proc/self/task/{tid}/stat") as f:
            st = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return st in ("S", "D") and bool(sc) and sc[0] == str(SYSCALLS[call])


def _thread(run):
    """Start run() in a daemon thread; return a function that tells
    whether it sleeps in a given system call."""
    tids = []
    started = threading.Event()

    def body():
        tids.append(threading.get_native_id())
        started.set()
        run()
    threading.Thread(target=body, daemon=True).start()
    started.wait()
    return lambda call: _asleep_in(tids[0], call)


def miwait_thread(fd, mask=termios.TIOCM_CD):
    """Start a TIOCMIWAIT on fd in a thread; result() gives 'ok' or errno;
    result.blocked() is True while it sleeps in the ioctl."""
    res = queue.Queue()

    def run():
        try:
            fcntl.ioctl(fd, termios.TIOCMIWAIT, mask)
            res.put("ok")
        except OSError as e:
            res.put(ename(e.errno))
    asleep_in = _thread(run)

    def result(secs=0):
        try:
            return (res.get(timeout=secs * SCALE) if secs else
                    res.get_nowait())
        except queue.Empty:
            return None
    result.blocked = lambda: asleep_in("ioctl")
    return result


def in_thread(fn, *args):
    """Run fn(*args) in a daemon thread; result(secs) -> ('ret', v) |
    ('err', errno) | None while it still runs.  result.asleep_in(call):
    it sleeps in system call call ("read", "write", "openat", "close")."""
    res = queue.Queue()

    def run():
        try:
            res.put(("ret", fn(*args)))
        except OSError as e:
            res.put(("err", ename(e.errno)))
    asleep_in = _thread(run)
    done = []

    def result(secs=0):
        """The outcome (the same on every later call), or None."""
        if not done:
            try:
                done.append(res.get(timeout=secs * SCALE) if secs else
                            res.get_nowait())
            except queue.Empty:
                return None
        return done[0]
    result.asleep_in = asleep_in
    return result


def write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view[:65536])
        view = view[n:]
    return len(data)


def read_n(fd, n, secs):
    """Read up to n bytes within secs (scaled); stop early at EOF."""
    out = bytearray()
    end = time.monotonic() + secs * SCALE
    while len(out) < n:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not r:
            continue
        try:
            b = os.read(fd, min(65536, n - len(out)))
        except BlockingIOError:
            continue
        if not b:
            break
        out += b
    return bytes(out)


def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


# --- namespaces made by linkns.bash (names in $NS_A, $NS_B) ---

def blackhole(on):
    """Drop (on) or pass (off) every TCP segment the peer namespace gets."""
    subprocess.run(["ip", "netns", "exec", os.environ["NS_B"], "iptables",
                    "-A" if on else "-D", "INPUT", "-p", "tcp", "-j", "DROP"],
                   check=True)


def free_port():
    """A loopback TCP port the kernel handed out, held (bound, not listening)
    by this process: refused until a peer (SO_REUSEADDR) listens on it, and
    never handed to anyone else.  See porthold.py."""
    import porthold
    return porthold.hold(1)


def pattern(n, seed):
    """n deterministic pseudo-random bytes; peer.py makes the same ones."""
    import random
    return random.Random(seed).randbytes(n)


def fill(fd, name, data, off=0, settled=True):
    """Non-blocking writes of data[off:] to fd (port name) until EAGAIN
    persists for 2 s times NPTTY_TIMEOUT_SCALE (settled: and the socket
    takes no more meanwhile; a starved worker may move bytes late).
    Return the new offset in data and whether EAGAIN was seen."""
    eagain_since = None
    last_tx = -1
    while off < len(data):
        try:
            off += os.write(fd, data[off:off + 4096])
            eagain_since = None
            continue
        except BlockingIOError:
            pass
        tx = stat(name, "tx_bytes") if settled else 0
        if eagain_since is None or tx != last_tx:
            eagain_since, last_tx = time.monotonic(), tx
        elif time.monotonic() - eagain_since > 2.0 * SCALE:
            return off, True
        time.sleep(0.1)
    return off, False
