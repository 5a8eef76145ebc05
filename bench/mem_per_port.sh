#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# mem_per_port.sh [IDLE [CONNECTED]] - kernel memory per nptty port.
#
# Run it in the test VM (it loads nptty.ko, needs root):
#   selftests/vm/run.sh -- bench/mem_per_port.sh            (1000 idle, 256 connected)
#   selftests/vm/run.sh -K BZIMAGE -- env NPTTY_KO=... bench/mem_per_port.sh
#
# Idle: IDLE ports added (never opened), against the same kernel before.
# Connected: CONNECTED of them opened, each connected to a loopback echo
# peer (one server process), 4 KiB echoed through each so the receive path
# has run, against the same ports idle.  A connected port brings a tty
# (n_tty's buffers included), a kernel TCP socket and the peer's accepted
# socket; for scale, the same number of plain loopback TCP connections
# between two user sockets is measured too, and the difference is shown.
#
# Counted: Slab (kmalloc and caches), VmallocUsed (n_tty allocates its
# buffers with vmalloc), Percpu, KernelStack, PageTables: "kernel" is their
# sum.  TCP socket buffers (sockstat "mem") are shown apart.  The biggest
# slab caches by growth are listed from /proc/slabinfo.  Each figure is
# taken after a 2 s pause (RCU frees); no page cache is dropped.  Reports,
# asserts nothing.  Targets (issue 9): <= 2 KiB per idle port, <= 64 KiB per
# connected port plus socket buffers.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/selftests/lib.sh"
trap - EXIT
[ "$(id -u)" = 0 ] || { echo "mem_per_port: needs root (run it in the VM)" >&2; exit 1; }
nptty_load || exit 1
port_del_all

exec python3 - "$top" "${1:-1000}" "${2:-256}" <<'EOF'
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(sys.argv[1], "selftests"))
import stress_lib as S

IDLE, CONN = int(sys.argv[2]), int(sys.argv[3])
KEYS = ["Slab", "SUnreclaim", "VmallocUsed", "Percpu", "KernelStack", "PageTables"]
KERNEL = ["Slab", "VmallocUsed", "Percpu", "KernelStack", "PageTables"]


def slabinfo():
    out = {}
    try:
        with open("/proc/slabinfo") as f:
            for line in f.readlines()[2:]:
                w = line.split()
                out[w[0]] = int(w[2]) * int(w[3])     # num_objs * objsize
    except OSError:
        pass
    return out


def snap():
    time.sleep(2)
    m = S.meminfo()
    s = {k: m.get(k, 0) for k in KEYS}
    s["kernel"] = sum(m.get(k, 0) for k in KERNEL)
    s["tcp_buf"] = S.tcp_mem_kib()
    s["slabinfo"] = slabinfo()
    return s


def report(title, a, b, n):
    print(f"\n{title} ({n}):")
    print(f"  {'':12} {'total KiB':>10} {'KiB/port':>9}")
    for k in ["kernel"] + KEYS + ["tcp_buf"]:
        d = b[k] - a[k]
        print(f"  {k:12} {d:10d} {d / n:9.2f}")
    grow = sorted(((b["slabinfo"].get(c, 0) - a["slabinfo"].get(c, 0), c)
                   for c in b["slabinfo"]), reverse=True)[:8]
    if grow and grow[0][0] > 0:
        print("  largest slab caches growth (bytes/port): " +
              ", ".join(f"{c} {d / n:.0f}" for d, c in grow if d > 0))
    return (b["kernel"] - a["kernel"]) / n


print(f"# kernel {os.uname().release}; {IDLE} idle ports, {CONN} connected")
base = S.free_base(max(IDLE, CONN))
s0 = snap()
t0 = time.monotonic()
S.apply([f"127.0.0.1:{base + i} no-cmd" for i in range(IDLE)])
t_add = time.monotonic() - t0
s1 = snap()
idle = report(f"idle ports, added in {t_add:.1f} s", s0, s1, IDLE)
names = S.ports()

# Connected: the first CONN ports, through one echo server.
srv = S.Server("echo", base, CONN)
S.raise_nofile(4 * CONN + 64)
fds = []
for i in range(CONN):
    fd = S.open_raw("/dev/" + names[base + i], nonblock=False)
    fds.append(fd)
for fd in fds:
    os.write(fd, b"m" * 4096)
for fd in fds:
    got = 0
    while got < 4096:
        got += len(os.read(fd, 4096 - got))
s2 = snap()
conn = report("connected ports (tty + kernel socket + the peer's socket)", s1, s2, CONN)
for fd in fds:
    os.close(fd)
srv.stop()
S.npctl("del", *[names[base + i] for i in range(IDLE)])
s3 = snap()
print(f"\nafter closing and deleting everything: kernel {s3['kernel'] - s0['kernel']:+d} KiB,"
      f" Slab {s3['Slab'] - s0['Slab']:+d} KiB against the start")

# For scale: CONN plain loopback connections, user socket to user socket.
srv = S.Server("echo", base, CONN)
s4 = snap()
socks = []
for i in range(CONN):
    c = socket.create_connection(("127.0.0.1", base + i))
    c.sendall(b"m" * 4096)
    socks.append(c)
for c in socks:
    got = 0
    while got < 4096:
        got += len(c.recv(4096 - got))
s5 = snap()
plain = report("plain loopback TCP connections (two user sockets)", s4, s5, CONN)
for c in socks:
    c.close()
srv.stop()
print(f"\nsummary: idle {idle:.2f} KiB/port; connected {conn:.2f} KiB/port, of which"
      f" {conn - plain:.2f} KiB beyond a plain TCP connection ({plain:.2f} KiB);"
      f" targets: idle <= 2, connected <= 64 + socket buffers")
EOF
