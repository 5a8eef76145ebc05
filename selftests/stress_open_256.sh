#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# 256 ports open at once, each through its own connection to an echo peer
# (one server process on 256 loopback ports), traffic both ways on all of
# them together: every tty gets back exactly the bytes it wrote, in order.
# Then the counters: tx = rx = bytes sent, nothing lost, nothing dropped.
# Reports the aggregate rate (not asserted).
# timeout=600
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all

python3 - "$TOP" <<'EOF'
import os
import selectors
import sys
import time

sys.path.insert(0, os.path.join(sys.argv[1], "selftests"))
import stress_lib as S

N = int(os.environ.get("NPTTY_STRESS_OPEN", "256"))
PER_TTY = int(os.environ.get("NPTTY_STRESS_BYTES", str(64 * 1024)))
GUARD = 120 * S.SCALE  # hang guard for the whole exchange (s)

print("1..6", flush=True)
n_ok = 0
n_fail = 0


def ok(cond, desc):
    global n_ok, n_fail
    n_ok += 1
    if not cond:
        n_fail += 1
    print(f"{'' if cond else 'not '}ok {n_ok} {desc}", flush=True)
    return cond


S.raise_nofile(4 * N + 256)
base = S.free_base(N)
srv = S.Server("echo", base, N)
mon = None
try:
    S.apply([f"127.0.0.1:{base + i} no-cmd" for i in range(N)])
    names = S.ports()
    mon = S.Monitor()
    ok(len(names) == N, f"{len(names)} ports added")

    fds = {}
    t0 = time.monotonic()
    errs = []
    for i in range(N):
        path = "/dev/" + names[base + i]
        try:
            with S.Guard(30, f"open {path}"):
                fds[i] = S.open_raw(path, nonblock=False)
        except (OSError, TimeoutError) as e:
            errs.append(f"{path}: {e}")
    t_open = time.monotonic() - t0
    ok(not errs, f"{len(fds)} ttys open at once (blocking opens, {t_open:.1f} s)"
       + ("" if not errs else f"; {errs[:3]}"))
    for fd in fds.values():
        os.set_blocking(fd, False)
    up = sum(1 for p in S.show() if p["state"] == "up")
    ok(up == N, f"{up} links up")

    # Each tty writes Pattern(seed i) and must read the same stream back.
    pats = {i: S.Pattern(1000 + i) for i in fds}
    sent = dict.fromkeys(fds, 0)
    got = dict.fromkeys(fds, 0)
    bad = {}
    sel = selectors.DefaultSelector()
    for i, fd in fds.items():
        sel.register(fd, selectors.EVENT_READ | selectors.EVENT_WRITE, i)
    t0 = time.monotonic()
    end = t0 + GUARD
    open_ = set(fds)
    while open_ and time.monotonic() < end:
        for key, ev in sel.select(1.0):
            i = key.data
            fd = fds[i]
            if ev & selectors.EVENT_WRITE and sent[i] < PER_TTY:
                n = min(4096, PER_TTY - sent[i])
                try:
                    sent[i] += os.write(fd, pats[i].get(sent[i], n))
                except BlockingIOError:
                    pass
                if sent[i] >= PER_TTY:
                    sel.modify(fd, selectors.EVENT_READ, i)
            if ev & selectors.EVENT_READ:
                try:
                    b = os.read(fd, 65536)
                except BlockingIOError:
                    b = None
                if b:
                    if b != pats[i].get(got[i], len(b)) and i not in bad:
                        bad[i] = got[i]
                    got[i] += len(b)
                    if got[i] >= PER_TTY:
                        sel.unregister(fd)
                        open_.discard(i)
    secs = time.monotonic() - t0
    total = sum(got.values())
    short = [i for i in fds if got[i] != PER_TTY]
    ok(not short and not bad,
       f"{len(fds)} ttys x {PER_TTY} bytes echoed back intact "
       f"({2 * total / secs / 1024:.0f} KiB/s both ways together, {secs:.1f} s)"
       + (f"; short: {len(short)} e.g. tty {short[0]} got {got[short[0]]}" if short else "")
       + (f"; corrupt: {len(bad)} e.g. tty {min(bad)} at {bad[min(bad)]}" if bad else ""))

    wrong = [p for p in S.show()
             if p["stats"]["tx_bytes"] != PER_TTY or p["stats"]["rx_bytes"] != PER_TTY
             or p["stats"]["tx_lost"] or p["stats"]["rx_dropped"]]
    ok(not wrong, "counters: tx_bytes = rx_bytes = bytes sent, tx_lost = rx_dropped = 0"
       + "".join(f"; {p['tty']}: {p['stats']}" for p in wrong[:3])
       + "".join(f"; {tty} dropped: {', '.join(r)}" for tty, r in mon.drops().items()))

    t0 = time.monotonic()
    errs = []
    for i, fd in fds.items():
        try:
            with S.Guard(60, f"close tty {i}"):
                os.close(fd)
        except (OSError, TimeoutError) as e:
            errs.append(str(e))
    ok(not errs, f"all closed ({time.monotonic() - t0:.1f} s)" + (f"; {errs[:3]}" if errs else ""))
finally:
    if mon:
        mon.stop()
    srv.stop()
sys.exit(1 if n_fail else 0)
EOF
exit $?
