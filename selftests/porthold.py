# SPDX-License-Identifier: GPL-2.0
"""Loopback TCP ports the kernel handed out, held until the test is over.

No test picks a port at random: a random port may be in use by anything on
a busy host (issue 20: "listen on 127.0.0.1 port 25148: Address already in
use").  Instead the kernel picks one (bind to port 0) and a socket keeps it
bound, with SO_REUSEADDR and never listening, for as long as the test runs:

  * the kernel then hands that port to no one else, neither to another
    bind(0) nor as the source port of a connect();
  * a connect to it is refused (no listener) until a test server listens;
  * a test server binds it with SO_REUSEADDR (npsim, peer.py,
    stress_lib.py, bench's peer and socat's reuseaddr all do) and listens:
    Linux lets a listener share the port with bound sockets that do not
    listen.  It can stop and listen again on the same port later (a peer
    restarted for a reconnect) without a window in which the port is free.

A block (N consecutive ports, for npsim -n N -d BASE) is grown from a port
the kernel picked; when any port of the block is taken, all are released
and another start is asked for.

From Python: hold(n) -> base (the sockets live as long as the process).
From shell (lib.sh's free_port / free_block): porthold.py PID [N] prints the
base, then keeps the ports in a background process until PID exits.
"""
import os
import resource
import select
import socket
import sys
import time

_held = []


def _bind(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        raise
    return s


def _raise_nofile(n):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = n + 64
    if soft != resource.RLIM_INFINITY and soft < want:
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def grab(n=1, tries=200):
    """Bind n consecutive loopback ports; return (base, sockets)."""
    if n > 1:
        _raise_nofile(n)
    for _ in range(tries):
        first = _bind(0)
        base = first.getsockname()[1]
        socks = [first]
        try:
            if base + n - 1 > 65535:
                raise OSError("block past 65535")
            for p in range(base + 1, base + n):
                socks.append(_bind(p))
            return base, socks
        except OSError:
            for s in socks:
                s.close()
    raise RuntimeError(f"no block of {n} free loopback ports in {tries} tries")


def hold(n=1):
    """A base port of n consecutive loopback ports held by this process."""
    base, socks = grab(n)
    _held.extend(socks)
    return base


def _wait_gone(pid):
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        select.select([fd], [], [])
        return
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        except PermissionError:
            pass
        time.sleep(0.5)


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: porthold.py PID [N]", file=sys.stderr)
        return 2
    owner = int(argv[1])
    n = int(argv[2]) if len(argv) > 2 else 1
    base, socks = grab(n)
    if os.fork() == 0:
        # The holder: no stdout (so "$(porthold.py ...)" returns), held
        # sockets, gone when the owner is.
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.close(null)
        try:
            _wait_gone(owner)
        finally:
            os._exit(0)
    for s in socks:
        s.close()
    print(base, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
