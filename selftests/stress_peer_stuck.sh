#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A peer that accepts and never reads, on 16 ports at once (a small receive
# buffer, so the window closes at once).  Writers fill what the driver
# accepts and then get EAGAIN (non-blocking) or sleep (blocking): the
# buffering is bounded and TIOCOUTQ counts what the peer has not taken.
# Deleting a port wakes its blocked writer at once.  The window stays shut
# for longer than the user timeout: a live peer that only does not read is
# flow control (an NPort whose serial side is held by CTS), not a dead
# link, and keeps its link.  Closing is bounded by closing_wait.
#
# timeout=300
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all

python3 - "$TOP" <<'EOF'
import errno
import os
import select
import sys
import threading
import time

sys.path.insert(0, os.path.join(sys.argv[1], "selftests"))
import stress_lib as S

N = 16
BOUND = 8 << 20            # bytes a port may take with no reader (ring + socket)
STALL = 15                 # s the window stays shut (user timeout: 10 s)

print("1..9", flush=True)
n_t = n_fail = 0


def ok(cond, desc):
    global n_t, n_fail
    n_t += 1
    if not cond:
        n_fail += 1
    print(f"{'' if cond else 'not '}ok {n_t} {desc}", flush=True)
    return cond


base = S.free_base(N)
srv = S.Server("hold", base, N, rcvbuf=4096)
fds = {}
try:
    S.apply([f"127.0.0.1:{base + i} no-cmd" for i in range(N)])
    names = S.ports()
    for i in range(N):
        with S.Guard(30, "open"):
            fds[i] = S.open_raw("/dev/" + names[base + i], nonblock=True)
    S.settle()
    slab0, tcp0 = S.slab_kib(), S.tcp_mem_kib()

    # Fill: write until EAGAIN stays (the tx work may drain a little more
    # into the socket after the first EAGAIN: retry until nothing moves).
    took = dict.fromkeys(fds, 0)
    t0 = time.monotonic()
    for i, fd in fds.items():
        idle = 0
        while took[i] < BOUND and idle < 5 and time.monotonic() - t0 < 60 * S.SCALE:
            try:
                took[i] += os.write(fd, b"x" * 4096)
                idle = 0
            except BlockingIOError:
                idle += 1
                time.sleep(0.1)
    S.settle()
    slab1, tcp1 = S.slab_kib(), S.tcp_mem_kib()
    ok(all(0 < took[i] < BOUND for i in fds),
       f"writers hit EAGAIN after {min(took.values())}..{max(took.values())} bytes per port"
       f" (slab +{slab1 - slab0} KiB, TCP buffers +{tcp1 - tcp0} KiB for {N} ports)")
    # The peer took at most its 4 KiB buffer (and a little in flight): the
    # rest is still ours, and TIOCOUTQ must say so.
    q = {i: S.outq(fd) for i, fd in fds.items()}
    ok(all(took[i] - 65536 <= q[i] <= took[i] for i in fds),
       f"TIOCOUTQ counts what the peer has not taken: {min(q.values())}..{max(q.values())}"
       f" of {min(took.values())}..{max(took.values())} bytes")
    r, w, _ = select.select([], list(fds.values()), [], 1.0)
    ok(not w, f"poll: no tty is writable ({len(w)} are)")

    # A blocking writer on port 0 sleeps; deleting the port wakes it.
    res = []

    def blocked_write(fd):
        os.set_blocking(fd, True)
        try:
            res.append(("ret", os.write(fd, b"y" * 65536)))
        except OSError as e:
            res.append(("err", errno.errorcode.get(e.errno, e.errno)))
    th = threading.Thread(target=blocked_write, args=(fds[0],), daemon=True)
    th.start()
    th.join(1.0)
    blocked = th.is_alive()
    t0 = time.monotonic()
    S.npctl("del", names[base])
    th.join(20 * S.SCALE)
    ok(not th.is_alive(), f"the writer on a deleted port returned: {res}")
    ok(blocked, f"a blocking write to a full port sleeps until the port goes"
       f" (it {'did' if blocked else 'returned at once'})")
    with S.Guard(20, "close of the deleted port"):
        os.close(fds.pop(0))

    # The window stays shut: longer than the user timeout.  TCP's own
    # TCP_USER_TIMEOUT would end zero-window probing the peer answers; the
    # data socket has none and the link watches for unanswered probes.
    time.sleep(STALL)
    st = {p["data_port"]: p for p in S.show()}
    disc = sum(p["stats"]["disconnects"] for p in st.values())
    lost = sum(p["stats"]["tx_lost"] for p in st.values())
    states = sorted({p["state"] for p in st.values()})
    print(f"# after {STALL} s of a shut window: states {states}, {disc} disconnects,"
          f" tx_lost {lost} bytes", flush=True)
    ok(disc == 0, f"a live peer that does not read keeps its link: {disc} disconnects")
    ok(disc == 0 or lost > 0, f"a link dropped with unacknowledged bytes counts them: "
       f"{disc} disconnects, tx_lost {lost}")

    # Close everything at once; each close is bounded by closing_wait (30 s).
    times = {}
    errs = []

    def close_one(i, fd):
        t = time.monotonic()
        try:
            os.close(fd)
        except OSError as e:
            errs.append(f"tty {i}: {e}")
        times[i] = time.monotonic() - t
    ths = [threading.Thread(target=close_one, args=(i, fd), daemon=True) for i, fd in fds.items()]
    t0 = time.monotonic()
    for th in ths:
        th.start()
    for th in ths:
        th.join(max(0.1, 75 - (time.monotonic() - t0)))
    hung = [th for th in ths if th.is_alive()]
    ok(not hung and not errs,
       f"{len(times)} closes returned, {min(times.values(), default=0):.1f}.."
       f"{max(times.values(), default=0):.1f} s each" + (f"; {len(hung)} still blocked after 75 s" if hung else "")
       + (f"; {errs}" if errs else ""))
    fds.clear()
    S.settle()
    idle = sum(1 for p in S.show() if p["state"] == "idle")
    ok(idle == N - 1, f"{idle} links idle after the last close")
finally:
    for fd in fds.values():
        os.close(fd)
    srv.stop()
sys.exit(1 if n_fail else 0)
EOF
exit $?
