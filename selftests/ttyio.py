#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Byte-exact I/O on a tty for nptty selftests (a tool, not a test).

  ttyio.py send TTY FILE          write FILE to TTY (raw), tcdrain, close
  ttyio.py recv TTY N OUT [SECS]  read N bytes from TTY (raw) into OUT
  ttyio.py echo TTY N [SECS]      write N random bytes and read them back
                                  through an echo peer; compare
Exit 0 on success; 1 with a message on a mismatch, short read or timeout.
"""
import os
import select
import sys
import threading
import time
import tty
import termios


def open_raw(path, flags=os.O_RDWR):
    fd = os.open(path, flags | os.O_NOCTTY)
    # TCSANOW: setraw's default, TCSAFLUSH, discards what a peer that
    # sends the moment it is connected has already delivered (data_socat's
    # recv lost exactly 4095 bytes, n_tty's buffer, that way)
    tty.setraw(fd, termios.TCSANOW)
    attrs = termios.tcgetattr(fd)
    attrs[2] |= termios.CLOCAL
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    return fd


def write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view[:65536])
        view = view[n:]


def read_n(fd, n, secs):
    out = bytearray()
    end = time.monotonic() + secs
    while len(out) < n:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        chunk = os.read(fd, min(65536, n - len(out)))
        if not chunk:
            break
        out += chunk
    return bytes(out)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, path = argv[1], argv[2]
    if cmd == "send":
        data = open(argv[3], "rb").read()
        fd = open_raw(path)
        write_all(fd, data)
        termios.tcdrain(fd)
        os.close(fd)
        return 0
    if cmd == "recv":
        n, secs = int(argv[3]), float(argv[5]) if len(argv) > 5 else 60
        fd = open_raw(path)
        data = read_n(fd, n, secs)
        os.close(fd)
        open(argv[4], "wb").write(data)
        if len(data) != n:
            print(f"recv: got {len(data)} of {n} bytes", file=sys.stderr)
            return 1
        return 0
    if cmd == "echo":
        n, secs = int(argv[3]), float(argv[4]) if len(argv) > 4 else 60
        data = os.urandom(n)
        fd = open_raw(path)
        writer = threading.Thread(target=write_all, args=(fd, data))
        writer.start()
        got = read_n(fd, n, secs)
        writer.join()
        os.close(fd)
        if got != data:
            same = next((i for i, (a, b) in enumerate(zip(got, data))
                         if a != b), min(len(got), n))
            print(f"echo: got {len(got)} of {n} bytes, first difference "
                  f"at {same}", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
