#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# soak.sh [SECS] - flap-and-traffic soak: does kernel memory grow per port?
#
# Run it in the test VM (root; default 600 s):
#   selftests/vm/run.sh -t 1200 -- bench/soak.sh 600
#
# Two test namespaces joined by a veth pair (selftests/linkns.bash): 8 ports
# in $NS_A (user timeout 2 s, so a long outage drops the link quickly), echo
# peers in $NS_B.  Cycles of about 20 s until SECS are up: open every tty,
# full-duplex echo traffic while impairments come and go every ~1 s (netem
# delay/loss/reorder on either side, iptables DROP, veth down); every third
# cycle one outage outlasts the user timeout, so links are lost, torn down
# and reconnected; close every tty; delete two ports and add them again.
# After two warm-up cycles, Slab (and the whole kernel figure of
# mem_per_port.sh) is sampled at the end of each cycle, with every tty
# closed: the growth from the first sample to the last, and the slope of a
# least-squares line through all of them, per port and per cycle, should be
# about zero.  Reports; exits non-zero only if the soak could not run
# (no traffic, a tty that never came up again).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/lib.sh"
. "$top/selftests/linkns.bash"
[ "$(id -u)" = 0 ] || { echo "soak: needs root (run it in the VM)" >&2; exit 1; }
nptty_load || exit 1
need_cmd python3 tc iptables
port_del_all
cleanup_add port_del_all
ns_setup

python3 - "$top" "${1:-600}" <<'EOF'
import os
import random
import selectors
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(sys.argv[1], "selftests"))
import stress_lib as S

SECS = float(sys.argv[2])
NS_A, NS_B = os.environ["NS_A"], os.environ["NS_B"]
P = 8
CYCLE = 20.0
NETEM = ["netem", "delay", "20ms", "10ms", "loss", "10%", "reorder", "25%", "50%"]
rng = random.Random(int(os.environ.get("NPTTY_STRESS_SEED", str(int(time.time())))))


def ns(n, *cmd):
    subprocess.run(["ip", "netns", "exec", n, *cmd],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def impair(kind, on):
    if kind == "netem-b":
        ns(NS_B, "tc", "qdisc", "replace" if on else "del", "dev", "veB", "root", *(NETEM if on else []))
    elif kind == "netem-a":
        ns(NS_A, "tc", "qdisc", "replace" if on else "del", "dev", "veA", "root", *(NETEM if on else []))
    elif kind == "drop":
        ns(NS_B, "iptables", "-A" if on else "-D", "INPUT", "-p", "tcp", "-j", "DROP")
    elif kind == "down":
        ns(NS_B, "ip", "link", "set", "veB", "down" if on else "up")


def line(i):
    return f"192.0.2.2:{4001 + i} no-cmd user-timeout 2s"


def kernel_kib():
    m = S.meminfo()
    return m["Slab"], sum(m.get(k, 0) for k in
                          ["Slab", "VmallocUsed", "Percpu", "KernelStack", "PageTables"])


def sockstat():
    """TCP socket counts: in use per namespace, orphans and allocated (all)."""
    out = []
    for n in (NS_A, NS_B):
        r = subprocess.run(["ip", "netns", "exec", n, "cat", "/proc/net/sockstat"],
                           capture_output=True, text=True).stdout
        for ln in r.splitlines():
            if ln.startswith("TCP:"):
                w = ln.split()
                out.append(f"{'A' if n == NS_A else 'B'} inuse {w[2]}")
                last = w
    return ", ".join(out) + f", orphan {last[4]} tw {last[6]} alloc {last[8]}"


def slabinfo():
    out = {}
    try:
        with open("/proc/slabinfo") as f:
            for ln in f.readlines()[2:]:
                w = ln.split()
                out[w[0]] = (int(w[1]), int(w[3]))   # active objs, objsize
    except OSError:
        pass
    return out


def cycle(n, long_outage):
    """One cycle; returns (bytes echoed, flaps)."""
    names = S.ports(ns=NS_A)
    fds = {}
    for i in range(P):
        with S.Guard(30, "open"):
            fds[i] = S.open_raw("/dev/" + names[4001 + i], nonblock=True)
    sel = selectors.DefaultSelector()
    for i, fd in fds.items():
        sel.register(fd, selectors.EVENT_READ | selectors.EVENT_WRITE, i)
    moved, flaps = 0, 0
    kind, t_next = None, time.monotonic() + 1.0
    t_end = time.monotonic() + CYCLE
    long_at = time.monotonic() + CYCLE / 3 if long_outage else None
    buf = os.urandom(2048)
    while time.monotonic() < t_end:
        now = time.monotonic()
        if long_at and now >= long_at and not kind:
            impair("drop", True)          # > user timeout: links drop
            time.sleep(3.5)
            impair("drop", False)
            long_at = None
            flaps += 1
        if now >= t_next:
            if kind:
                impair(kind, False)
                kind, t_next = None, now + rng.uniform(0.5, 1.0)
            else:
                kind = rng.choice(["netem-b", "netem-a", "drop", "down"])
                impair(kind, True)
                flaps += 1
                t_next = now + rng.uniform(0.2, 0.6)
        for key, ev in sel.select(0.1):
            fd = key.fileobj
            if ev & selectors.EVENT_WRITE:
                try:
                    os.write(fd, buf)
                except (BlockingIOError, OSError):
                    pass
            if ev & selectors.EVENT_READ:
                try:
                    moved += len(os.read(fd, 65536))
                except (BlockingIOError, OSError):
                    pass
    if kind:
        impair(kind, False)
    for fd in fds.values():
        termios_flush(fd)
        with S.Guard(60, "close"):
            os.close(fd)
    # churn: two ports deleted and added again
    for i in rng.sample(range(P), 2):
        S.npctl("del", f"192.0.2.2:{4001 + i}", ns=NS_A)
        S.apply([line(i)], ns=NS_A)
    return moved, flaps


def termios_flush(fd):
    import termios
    try:
        termios.tcflush(fd, termios.TCOFLUSH)
    except termios.error:
        pass


srv = S.Server("echo", 4001, P, bind="192.0.2.2", ns=NS_B)
try:
    S.apply([line(i) for i in range(P)], ns=NS_A)
    print(f"# soak: {SECS:.0f} s, {P} ports, cycles of {CYCLE:.0f} s; kernel {os.uname().release}",
          flush=True)
    cycle(0, True)                            # warm-up: fills the caches
    cycle(0, False)
    time.sleep(2)
    samples = [(0, *kernel_kib())]
    slab_first = slabinfo()
    t0 = time.monotonic()
    n, moved, flaps = 0, 0, 0
    while time.monotonic() - t0 + CYCLE < SECS:
        n += 1
        m, f = cycle(n, n % 3 == 0)
        moved += m
        flaps += f
        time.sleep(2)
        samples.append((n, *kernel_kib()))
        print(f"# cycle {n}: slab {samples[-1][1]} KiB, kernel {samples[-1][2]} KiB,"
              f" {m} bytes echoed, {f} impairments; {sockstat()}", flush=True)
    st = [p["stats"] for p in S.show(ns=NS_A)]
    slab_last = slabinfo()
finally:
    srv.stop()


def slope(xs, ys):
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0


secs = time.monotonic() - t0
xs = [s[0] for s in samples]
print(f"\nsoak: {n} cycles in {secs:.0f} s, {flaps} impairments, {moved} bytes echoed;"
      f" counters of the ports now: connects {sum(s['connects'] for s in st)},"
      f" disconnects {sum(s['disconnects'] for s in st)}, tx_lost {sum(s['tx_lost'] for s in st)},"
      f" rx_dropped {sum(s['rx_dropped'] for s in st)} (two ports re-added each cycle)")
for idx, name in ((1, "Slab"), (2, "kernel")):
    ys = [s[idx] for s in samples]
    print(f"{name:6}: first {ys[0]} KiB, last {ys[-1]} KiB, growth {ys[-1] - ys[0]:+d} KiB"
          f" = {(ys[-1] - ys[0]) / P:+.1f} KiB/port; slope {slope(xs, ys):+.1f} KiB/cycle"
          f" = {slope(xs, ys) / P:+.2f} KiB/port/cycle")
grow = sorted(((a * z - slab_first.get(c, (0, z))[0] * z, c, a - slab_first.get(c, (0, z))[0])
               for c, (a, z) in slab_last.items()), reverse=True)[:10]
print("slab caches that grew most (active objects, first to last sample): " +
      ", ".join(f"{c} {objs:+d} ({b // 1024:+d} KiB)" for b, c, objs in grow if b > 0))
sys.exit(0 if n and moved else 1)
EOF
