#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A scriptable TCP peer for nptty's link selftests (a tool, not a test).

  peer.py [--bind ADDR] [--rcvbuf BYTES] [--rate BYTES] PORT MODE [ARGS]

Listens on ADDR:PORT (default 127.0.0.1), prints "listening", then serves
each connection in a thread of its own (--rcvbuf: SO_RCVBUF of the
listening socket, so a small receive window; --rate: read at most BYTES a
second), reporting on stdout (one line each, flushed):
  accept N            connection N (from 1) accepted
  closed N RX         connection N ended after RX bytes received
  <mode specific lines, below>

Modes:
  sink [OUT]          read everything; with OUT, connection N's bytes go to
                      OUT.N.  SIGUSR1 pauses reading, SIGUSR2 resumes.
  paused-sink [OUT]   sink, but starts paused (SIGUSR2 to start reading)
  echo [OUT]          send back what arrives (and keep it in OUT.N)
  flood N SEED        wait for one byte from the client, then send N bytes
                      of pattern(SEED) ("sent N" when done); keep reading
  flood-close N SEED  the same, then close the connection
  stall-die K         read K bytes, stop reading, wait until the receive
                      queue has not grown for 1 s, print "stalled R Q"
                      (R bytes read, Q queued unread), then SIGKILL itself
  hold                accept and never read (the window closes)
"""
import os
import random
import select
import signal
import socket
import struct
import sys
import termios
import threading
import time
import fcntl


def pattern(n, seed):
    """n deterministic pseudo-random bytes (the same on both sides)."""
    return random.Random(seed).randbytes(n)


_say_lock = threading.Lock()


def say(*args):
    with _say_lock:
        print(*args, flush=True)


paused = False
rate = 0


def on_pause(_sig, _frm):
    global paused
    paused = True


def on_resume(_sig, _frm):
    global paused
    paused = False


def inq(conn):
    buf = fcntl.ioctl(conn.fileno(), termios.FIONREAD, b"\0" * 4)
    return struct.unpack("i", buf)[0]


def serve(conn, n, mode, args):
    rx = 0
    out = None
    if mode in ("sink", "paused-sink", "echo") and args:
        out = open(f"{args[0]}.{n}", "wb")
    if mode in ("flood", "flood-close"):
        total, seed = int(args[0]), int(args[1])
        go = conn.recv(1)
        if not go:
            return 0
        rx += 1
        data = pattern(total, seed)
        conn.sendall(data)
        say("sent", total)
        if mode == "flood-close":
            return rx
    if mode == "stall-die":
        k = int(args[0])
        while rx < k:
            b = conn.recv(min(65536, k - rx))
            if not b:
                return rx
            rx += len(b)
        last, since = -1, time.monotonic()
        while time.monotonic() - since < 1.0:
            q = inq(conn)
            if q != last:
                last, since = q, time.monotonic()
            time.sleep(0.05)
        say("stalled", rx, last)
        os.kill(os.getpid(), signal.SIGKILL)
    if mode == "hold":
        while True:
            time.sleep(3600)
    while True:
        if paused:
            time.sleep(0.02)
            continue
        r, _, _ = select.select([conn], [], [], 0.1)
        if not r:
            continue
        try:
            b = conn.recv(max(rate // 10, 1) if rate else 65536)
        except ConnectionResetError:
            break
        if rate:
            time.sleep(len(b) / rate)
        if not b:
            break
        rx += len(b)
        if out:
            out.write(b)
            out.flush()
        if mode == "echo":
            conn.sendall(b)
    if out:
        out.close()
    return rx


def main(argv):
    global rate
    bind = "127.0.0.1"
    rcvbuf = 0
    while len(argv) > 2 and argv[1] in ("--bind", "--rcvbuf", "--rate"):
        if argv[1] == "--bind":
            bind = argv[2]
        elif argv[1] == "--rate":
            rate = int(argv[2])
        else:
            rcvbuf = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    port, mode, args = int(argv[1]), argv[2], argv[3:]
    global paused
    paused = mode == "paused-sink"
    signal.signal(signal.SIGUSR1, on_pause)
    signal.signal(signal.SIGUSR2, on_resume)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if rcvbuf:
        lsn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    lsn.bind((bind, port))
    lsn.listen(8)
    say("listening")
    n = 0
    while True:
        conn, _ = lsn.accept()
        n += 1
        say("accept", n)
        threading.Thread(target=serve_one, args=(conn, n, mode, args),
                         daemon=True).start()


def serve_one(conn, n, mode, args):
    try:
        rx = serve(conn, n, mode, args)
    except OSError as e:
        say("error", n, e.errno)
        rx = -1
    say("closed", n, rx)
    conn.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
