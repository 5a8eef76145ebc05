#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A small Modbus RTU slave on a serial line, for client_modbus.sh.

    modbus_slave.py PATH [--unit N] [--regs V,V,...]

PATH is a tty (npsim's pty slave in the tests); it is put in raw mode.
Holding registers are numbered from 0 (PDU addressing).  Supported:
function 03 (read holding registers) and 06 (write single register);
any other function is answered with exception 01, a register outside the
table with exception 02.  Frames are found by length and CRC, not by
inter-character silence (a TCP hop in the middle does not keep gaps):
a frame with a bad CRC costs one byte and the parser looks again.

On stdout, one line per event: "ready", "read START COUNT",
"write REG VALUE", "exception FC CODE", "crc-error".  Ends on SIGTERM.
"""
import argparse
import os
import select
import signal
import sys
import termios
import tty

READ_HOLDING, WRITE_SINGLE = 0x03, 0x06
ILLEGAL_FUNCTION, ILLEGAL_ADDRESS, ILLEGAL_VALUE = 1, 2, 3


def crc16(data):
    """Modbus CRC-16: init 0xFFFF, reflected polynomial 0xA001."""
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def with_crc(pdu):
    c = crc16(pdu)
    return bytes(pdu) + bytes([c & 0xFF, c >> 8])


def crc_ok(frame):
    c = crc16(frame[:-2])
    return frame[-2] == c & 0xFF and frame[-1] == c >> 8


class Slave:
    def __init__(self, fd, unit, regs):
        self.fd = fd
        self.unit = unit
        self.regs = regs
        self.buf = b""

    def say(self, *words):
        print(*words, flush=True)

    def send(self, pdu):
        out = with_crc(pdu)
        while out:
            n = os.write(self.fd, out)
            out = out[n:]

    def exception(self, fc, code):
        self.say("exception", fc, code)
        self.send(bytes([self.unit, fc | 0x80, code]))

    def handle(self, frame):
        unit, fc = frame[0], frame[1]
        if unit not in (self.unit, 0):
            return
        a = frame[2] << 8 | frame[3]
        v = frame[4] << 8 | frame[5]
        if fc == READ_HOLDING:
            if unit == 0:
                return          # broadcasts are not answered
            if not 1 <= v <= 125:
                return self.exception(fc, ILLEGAL_VALUE)
            if a + v > len(self.regs):
                return self.exception(fc, ILLEGAL_ADDRESS)
            self.say("read", a, v)
            data = b"".join(r.to_bytes(2, "big") for r in self.regs[a:a + v])
            return self.send(bytes([unit, fc, 2 * v]) + data)
        if fc == WRITE_SINGLE:
            if a >= len(self.regs):
                return None if unit == 0 else \
                    self.exception(fc, ILLEGAL_ADDRESS)
            self.regs[a] = v
            self.say("write", a, v)
            if unit:
                self.send(frame[:6])    # the reply echoes the request
            return None
        if unit:
            self.exception(fc, ILLEGAL_FUNCTION)
        return None

    def parse(self):
        """Take whole frames off the buffer; keep a partial one."""
        while len(self.buf) >= 2:
            fc = self.buf[1]
            if fc in (READ_HOLDING, WRITE_SINGLE):
                if len(self.buf) < 8:
                    return
                frame = self.buf[:8]
                if not crc_ok(frame):
                    self.say("crc-error")
                    self.buf = self.buf[1:]
                    continue
                self.buf = self.buf[8:]
                self.handle(frame)
                continue
            # Unknown function: its length is unknown, so the frame is
            # whatever arrived until the line went quiet (see idle()).
            return

    def idle(self):
        """The line went quiet: an unparsed rest is one unknown frame."""
        if len(self.buf) >= 4 and crc_ok(self.buf):
            self.handle(self.buf[:2] + bytes(4))
        elif self.buf:
            self.say("crc-error")
        self.buf = b""

    def run(self):
        while True:
            r, _, _ = select.select([self.fd], [], [], 0.2)
            if not r:
                self.idle()
                continue
            try:
                d = os.read(self.fd, 4096)
            except BlockingIOError:
                continue
            if not d:
                return
            self.buf += d
            self.parse()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path")
    ap.add_argument("--unit", type=int, default=1)
    ap.add_argument("--regs", default="0,0,0,0,0,0,0,0")
    o = ap.parse_args()
    regs = [int(v, 0) & 0xFFFF for v in o.regs.split(",")]
    fd = os.open(o.path, os.O_RDWR | os.O_NOCTTY)
    if os.isatty(fd):
        tty.setraw(fd)
        termios.tcflush(fd, termios.TCIOFLUSH)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    s = Slave(fd, o.unit, regs)
    s.say("ready")
    s.run()


if __name__ == "__main__":
    main()
