#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Link flaps under traffic, in two test namespaces joined by a veth pair:
# ports added in $NS_A, echo peers in $NS_B, full-duplex traffic on every
# tty while, every ~1.5 s, one impairment is applied for a few hundred ms:
# netem delay + jitter + loss + reorder (on either side), iptables DROP of
# everything the peer receives, or the peer's veth down.  Each outage is far
# below the TCP user timeout (10 s, times NPTTY_TIMEOUT_SCALE), and the
# peer never gives a connection up by itself (no keepalive), so TCP
# recovers and the contract keeps every byte: each tty reads back exactly
# what it wrote, in order, and the links never dropped (no disconnect,
# tx_lost = rx_dropped = 0).
# timeout=300
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/linkns.bash"
need_root
need_module
need_cmd python3 tc
port_del_all
cleanup_add port_del_all
ns_setup
ip netns exec "$NS_B" tc qdisc add dev veB root netem delay 1ms ||
	skip_all "no netem (sch_netem)"
ip netns exec "$NS_B" tc qdisc del dev veB root

python3 - "$TOP" <<'EOF'
import os
import random
import selectors
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(sys.argv[1], "selftests"))
import stress_lib as S

NS_A, NS_B = os.environ["NS_A"], os.environ["NS_B"]
SECS = float(os.environ.get("NPTTY_STRESS_SECS", "30"))
N = 4
AHEAD = 64 * 1024          # bytes a tty may have in flight
GUARD = 60 * S.SCALE       # s to drain after the flapping stops
# the default user timeout; on a slow kernel (the debug kernel under TCG:
# ip/iptables take seconds, so an outage lasts longer and TCP's backoff with
# it) stretched like every timeout, so that outages stay far below it
UT = int(10 * S.SCALE)

print("1..4", flush=True)
n_t = n_fail = 0


def ok(cond, desc):
    global n_t, n_fail
    n_t += 1
    n_fail += 0 if cond else 1
    print(f"{'' if cond else 'not '}ok {n_t} {desc}", flush=True)
    return cond


def sh(*cmd):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def ns(n, *cmd):
    sh("ip", "netns", "exec", n, *cmd)


NETEM = ["netem", "delay", "20ms", "10ms", "loss", "10%", "reorder", "25%", "50%"]


def impair(kind):
    if kind == "netem-b":
        ns(NS_B, "tc", "qdisc", "replace", "dev", "veB", "root", *NETEM)
    elif kind == "netem-a":
        ns(NS_A, "tc", "qdisc", "replace", "dev", "veA", "root", *NETEM)
    elif kind == "drop":
        ns(NS_B, "iptables", "-A", "INPUT", "-p", "tcp", "-j", "DROP")
    elif kind == "down":
        ns(NS_B, "ip", "link", "set", "veB", "down")


def repair(kind):
    if kind == "netem-b":
        ns(NS_B, "tc", "qdisc", "del", "dev", "veB", "root")
    elif kind == "netem-a":
        ns(NS_A, "tc", "qdisc", "del", "dev", "veA", "root")
    elif kind == "drop":
        ns(NS_B, "iptables", "-D", "INPUT", "-p", "tcp", "-j", "DROP")
    elif kind == "down":
        ns(NS_B, "ip", "link", "set", "veB", "up")


srv = S.Server("echo", 4001, N, bind="192.0.2.2", ns=NS_B)
fds = {}
mon = None
try:
    S.apply([f"192.0.2.2:{4001 + i} no-cmd user-timeout {UT}s" for i in range(N)],
            ns=NS_A)
    names = S.ports(ns=NS_A)
    mon = S.Monitor(ns=NS_A)
    for i in range(N):
        with S.Guard(30, "open"):
            fds[i] = S.open_raw("/dev/" + names[4001 + i], nonblock=False)
        os.set_blocking(fds[i], False)
    ok(all(p["state"] == "up" for p in S.show(ns=NS_A)),
       f"{N} ttys open, links up across the veth")

    pats = {i: S.Pattern(7000 + i) for i in fds}
    sent = dict.fromkeys(fds, 0)
    got = dict.fromkeys(fds, 0)
    bad = {}
    sel = selectors.DefaultSelector()
    for i, fd in fds.items():
        sel.register(fd, selectors.EVENT_READ | selectors.EVENT_WRITE, i)
    rng = random.Random(int(os.environ.get("NPTTY_STRESS_SEED", str(int(time.time())))))
    flaps = {}
    kind = None
    t_next = time.monotonic() + 1.0
    t0 = time.monotonic()
    stop_send = t0 + SECS
    end = stop_send + GUARD
    while time.monotonic() < end:
        now = time.monotonic()
        if now >= t_next:
            if kind:
                repair(kind)
                kind = None
                t_next = now + rng.uniform(0.8, 1.4)
            elif now < stop_send:
                kind = rng.choice(["netem-b", "netem-a", "drop", "down"])
                impair(kind)
                flaps[kind] = flaps.get(kind, 0) + 1
                t_next = now + rng.uniform(0.2, 0.6)
        sending = now < stop_send
        for i in fds:
            want = selectors.EVENT_READ
            if sending and sent[i] - got[i] < AHEAD:
                want |= selectors.EVENT_WRITE
            sel.modify(fds[i], want, i)
        if not sending and not kind and all(got[i] == sent[i] for i in fds):
            break
        for key, ev in sel.select(0.1):
            i = key.data
            fd = fds[i]
            if ev & selectors.EVENT_WRITE:
                try:
                    sent[i] += os.write(fd, pats[i].get(sent[i], 2048))
                except BlockingIOError:
                    pass
            if ev & selectors.EVENT_READ:
                try:
                    b = os.read(fd, 65536)
                except BlockingIOError:
                    b = None
                if b:
                    if i not in bad and b != pats[i].get(got[i], len(b)):
                        bad[i] = got[i]
                    got[i] += len(b)
    if kind:
        repair(kind)
    secs = time.monotonic() - t0
    total = sum(got.values())
    print(f"# {sum(flaps.values())} impairments {flaps}; {total} bytes echoed "
          f"({2 * total / secs / 1024:.0f} KiB/s both ways, {secs:.1f} s)", flush=True)
    ok(sum(flaps.values()) > 0 and all(sent[i] > 0 for i in fds), "traffic flowed through the flaps")
    ok(not bad and all(got[i] == sent[i] for i in fds),
       "every tty read back exactly what it wrote"
       + "".join(f"; tty {i}: sent {sent[i]} got {got[i]}"
                 + (f" corrupt at {bad[i]}" if i in bad else "")
                 for i in fds if i in bad or got[i] != sent[i]))
    st = [p["stats"] for p in S.show(ns=NS_A)]
    print(f"# stats: {st}", flush=True)
    ok(all(s["disconnects"] == 0 and s["tx_lost"] == 0 and s["rx_dropped"] == 0 for s in st),
       "no link dropped, nothing lost, nothing dropped"
       + "".join(f"; {tty} dropped: {', '.join(r)}" for tty, r in mon.drops().items()))
finally:
    if mon:
        mon.stop()
    for fd in fds.values():
        try:
            with S.Guard(45, "close"):
                os.close(fd)
        except (OSError, TimeoutError) as e:
            print(f"# close: {e}")
            n_fail += 1
    srv.stop()
sys.exit(1 if n_fail else 0)
EOF
exit $?
