#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A peer that sends forever to a reader that never reads, on 8 ports: the
# tty throttles, the driver stops reading its socket, the TCP window closes
# and the peer blocks.  Kernel memory stays bounded (rx_bytes stops growing;
# slab and TCP buffers are reported), nothing is dropped, and when the
# reader finally reads, the stream arrives intact from its first byte.
# timeout=300
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

N = 8
WAIT = 10                  # s nobody reads
READ = 2 << 20             # bytes read and checked per tty afterwards
BOUND = 1 << 20            # bytes a throttled port may hold (flip + n_tty + socket)

print("1..5", flush=True)
n_t = n_fail = 0


def ok(cond, desc):
    global n_t, n_fail
    n_t += 1
    n_fail += 0 if cond else 1
    print(f"{'' if cond else 'not '}ok {n_t} {desc}", flush=True)
    return cond


def rx():
    return {p["data_port"]: p["stats"]["rx_bytes"] for p in S.show()}


base = S.free_base(N)
srv = S.Server("flood", base, N)
fds = {}
try:
    S.apply([f"127.0.0.1:{base + i} no-cmd" for i in range(N)])
    names = S.ports()
    S.settle()
    slab0, tcp0 = S.slab_kib(), S.tcp_mem_kib()
    for i in range(N):
        with S.Guard(30, "open"):
            fds[i] = S.open_raw("/dev/" + names[base + i], nonblock=True)
    # Nobody reads.  Once throttled, rx_bytes must stand still.  Throttled
    # is an event: every port took bytes and none took more for 2 s (a
    # fixed 5 s wait was too short for a starved guest to fill them all);
    # then rx_bytes is watched for WAIT / 2.
    last, since = rx(), time.monotonic()
    end = since + 60 * S.SCALE
    while time.monotonic() < end:
        time.sleep(0.5)
        now = rx()
        if now != last or not all(now.values()):
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= 2:
            break
    rx1 = rx()
    time.sleep(WAIT / 2)
    rx2 = rx()
    S.settle()
    slab1, tcp1 = S.slab_kib(), S.tcp_mem_kib()
    grew = {p: rx2[p] - rx1[p] for p in rx2}
    ok(all(0 < rx2[p] <= BOUND for p in rx2),
       f"throttled: {min(rx2.values())}..{max(rx2.values())} bytes taken per port"
       f" (slab +{slab1 - slab0} KiB, TCP buffers +{tcp1 - tcp0} KiB for {N} ports)")
    ok(not any(grew.values()), f"rx_bytes stood still for {WAIT / 2:.0f} s"
       + ("" if not any(grew.values()) else f": grew by {grew}"))

    # Now read: every tty gets Pattern(port) from byte 0, nothing missing.
    got = dict.fromkeys(fds, 0)
    bad = {}
    pats = {i: S.Pattern(base + i) for i in fds}
    sel = selectors.DefaultSelector()
    for i, fd in fds.items():
        sel.register(fd, selectors.EVENT_READ, i)
    t0 = time.monotonic()
    while sel.get_map() and time.monotonic() - t0 < 120 * S.SCALE:
        for key, _ in sel.select(1.0):
            i = key.data
            try:
                b = os.read(fds[i], min(65536, READ - got[i]))
            except BlockingIOError:
                continue
            if i not in bad and b != pats[i].get(got[i], len(b)):
                bad[i] = got[i]
            got[i] += len(b)
            if got[i] >= READ:
                sel.unregister(fds[i])
    secs = time.monotonic() - t0
    ok(all(got[i] == READ for i in fds) and not bad,
       f"then {N} x {READ} bytes read intact from the first byte"
       f" ({N * READ / secs / 1024:.0f} KiB/s)"
       + "".join(f"; tty {i}: got {got[i]}" + (f", corrupt at {bad[i]}" if i in bad else "")
                 for i in fds if i in bad or got[i] != READ))
    st = [p["stats"] for p in S.show()]
    ok(all(s["rx_dropped"] == 0 and s["disconnects"] == 0 for s in st),
       f"rx_dropped 0, the links never dropped: {[(s['rx_dropped'], s['disconnects']) for s in st]}")
    t0 = time.monotonic()
    for fd in fds.values():
        with S.Guard(45, "close"):
            os.close(fd)
    fds.clear()
    ok(True, f"closed while the peers still flood ({time.monotonic() - t0:.1f} s)")
finally:
    for fd in fds.values():
        os.close(fd)
    srv.stop()
sys.exit(1 if n_fail else 0)
EOF
exit $?
