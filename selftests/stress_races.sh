#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# add/del/set/show/open/write/read/close races: several processes hammer the
# same few ports (8 remote addresses, indexes 0..15, echo peers listening)
# for a bounded time.  Every call must either succeed or fail with an errno
# that names a real condition (the port is gone, exists, is hung up ...);
# no call may block longer than the hang guard, no npctl may crash or see a
# usage error.  Afterwards everything is deleted, no device is left, nothing
# holds the module, and a fresh port still carries data.
# timeout=300
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all

python3 - "$TOP" <<'EOF'
import errno
import json
import os
import random
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.join(sys.argv[1], "selftests"))
import stress_lib as S

SECS = float(os.environ.get("NPTTY_STRESS_SECS", "40"))
K = 8                 # remote addresses (ports of the echo server)
IDX = 16              # tty indexes the users try
GUARD = 30            # s: no call may block longer (connect timeout is 5 s)
ADMINS, USERS = 3, 4

# What a racing call may legitimately get.
OPEN_OK = {errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENXIO, errno.ECONNREFUSED,
           errno.ETIMEDOUT, errno.EHOSTUNREACH, errno.EAGAIN, errno.EINTR,
           errno.ECONNRESET}
IO_OK = {errno.EIO, errno.EAGAIN, errno.ENODEV, errno.EINTR, errno.ENXIO}

print("1..5", flush=True)
n_t = n_fail = 0


def ok(cond, desc):
    global n_t, n_fail
    n_t += 1
    n_fail += 0 if cond else 1
    print(f"{'' if cond else 'not '}ok {n_t} {desc}", flush=True)
    return cond


def admin(rng, base, deadline, st):
    """PORT_NEW/DEL/SET/GET straight over netlink (npctl is too slow to
    race with: one exec is ~50 ms under TCG); one npctl call in 20."""
    g = S.Genl()
    A = ["tx-ring", "keepalive", "user-timeout", "label"]
    while time.monotonic() < deadline:
        p = base + rng.randrange(K)
        op = rng.choice(["add", "add", "del", "set", "show", "npctl"])
        if op == "npctl" and rng.random() > 0.2:
            op = "show"
        if op == "add":
            err, _ = g.new("127.0.0.1", p, rng.randrange(IDX) if rng.random() < 0.5 else None)
            allowed = {errno.EEXIST, errno.EBUSY}
        elif op == "del":
            err = g.delete(rng.randrange(IDX))
            allowed = {errno.ENODEV}
        elif op == "set":
            attrs = [("TX_RING", g.u32(rng.choice([4096, 8192, 65536]))),
                     ("KEEPALIVE", g.u32(rng.choice([0, 1, 5]))),
                     ("USER_TIMEOUT", g.u32(rng.choice([2000, 10000]))),
                     ("LABEL", rng.choice([b"\0", b"r0\0", b"r1\0", b"r2\0"]))]
            err = g.set(rng.randrange(IDX), rng.sample(attrs, rng.randrange(1, 5)))
            allowed = {errno.ENODEV, errno.EEXIST}
        elif op == "show":
            err, msgs = g.dump()
            allowed = set()
        else:
            args = rng.choice([["-j", "-s", "show"], ["del", f"127.0.0.1:{p}"],
                               ["add", f"127.0.0.1:{p}", "no-cmd"]])
            try:
                r = subprocess.run([S.NPCTL] + args, capture_output=True, text=True,
                                   timeout=GUARD)
            except subprocess.TimeoutExpired:
                st["bad"].append(f"npctl {' '.join(args)}: no answer in {GUARD} s")
                continue
            err = 0 if r.returncode == 0 else -1
            allowed = {-1}
            if r.returncode not in (0, 1):
                st["bad"].append(f"npctl {' '.join(args)}: rc {r.returncode}: {r.stderr.strip()}")
        name = "ok" if not err else errno.errorcode.get(err, str(err))
        key = f"{op}:{name}"
        st["ops"][key] = st["ops"].get(key, 0) + 1
        if err and err not in allowed:
            st["bad"].append(f"{op}: {name}")


def user(rng, deadline, st):
    def count(k):
        st["ops"][k] = st["ops"].get(k, 0) + 1

    def io(what, fn, *a):
        try:
            with S.Guard(GUARD, what):
                return fn(*a)
        except TimeoutError as e:
            st["bad"].append(str(e))
        except (OSError, termios.error) as e:
            en = e.errno if isinstance(e, OSError) else e.args[0]
            count(f"{what}:{errno.errorcode.get(en, en)}")
            if en not in IO_OK:
                st["bad"].append(f"{what}: {e}")
        return None

    def set_speed(fd, speed):
        a = termios.tcgetattr(fd)
        a[4] = a[5] = speed
        termios.tcsetattr(fd, termios.TCSANOW, a)

    while time.monotonic() < deadline:
        path = f"/dev/ttyNP{rng.randrange(IDX)}"
        nb = rng.random() < 0.5
        try:
            with S.Guard(GUARD, f"open {path}"):
                fd = S.open_raw(path, nonblock=nb)
        except TimeoutError as e:
            st["bad"].append(str(e))
            continue
        except OSError as e:
            count(f"open:{errno.errorcode.get(e.errno, e.errno)}")
            if e.errno not in OPEN_OK:
                st["bad"].append(f"open {path}: {e}")
            continue
        count("open:ok")
        os.set_blocking(fd, False)
        for _ in range(rng.randrange(1, 6)):
            what = rng.choice(["write", "read", "termios", "drain", "flush"])
            if what == "write":
                io("write", os.write, fd, os.urandom(rng.randrange(1, 2048)))
            elif what == "read":
                io("read", os.read, fd, 4096)
            elif what == "termios":
                io("termios", set_speed, fd, rng.choice([termios.B9600, termios.B115200]))
            elif what == "drain":
                io("drain", termios.tcdrain, fd)
            else:
                io("flush", termios.tcflush, fd, termios.TCIOFLUSH)
            count(f"{what}:called")
        try:
            with S.Guard(GUARD + 35, "close"):
                os.close(fd)
        except TimeoutError as e:
            st["bad"].append(str(e))


def worker(role, seed, base, deadline, wfd):
    rng = random.Random(seed)
    st = {"ops": {}, "bad": []}
    try:
        if role == "admin":
            admin(rng, base, deadline, st)
        else:
            user(rng, deadline, st)
    except Exception as e:          # noqa: BLE001 - reported, not hidden
        st["bad"].append(f"{role}: {type(e).__name__}: {e}")
    os.write(wfd, json.dumps(st).encode())
    os._exit(0)


base = S.free_base(K)
srv = S.Server("echo", base, K)
try:
    seed = int(os.environ.get("NPTTY_STRESS_SEED", str(int(time.time()))))
    print(f"# seed {seed} (NPTTY_STRESS_SEED), {ADMINS} admin + {USERS} user processes, "
          f"{SECS:.0f} s", flush=True)
    deadline = time.monotonic() + SECS
    kids = []
    for w in range(ADMINS + USERS):
        r, wr = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            worker("admin" if w < ADMINS else "user", seed * 100 + w, base, deadline, wr)
        os.close(wr)
        kids.append((pid, r))
    ops, bad, crashed = {}, [], []
    for pid, r in kids:
        data = b""
        while True:
            b = os.read(r, 65536)
            if not b:
                break
            data += b
        os.close(r)
        _, status = os.waitpid(pid, 0)
        if not data:
            crashed.append(f"pid {pid} status {status}")
            continue
        st = json.loads(data)
        for k, v in st["ops"].items():
            ops[k] = ops.get(k, 0) + v
        bad += st["bad"]
    total = sum(ops.values())
    print(f"# {total} operations, {total / SECS:.0f}/s:", flush=True)
    for k in sorted(ops):
        print(f"#   {k} {ops[k]}")
    ok(not crashed, "every worker finished" + (f"; {crashed}" if crashed else ""))
    for b in bad[:20]:
        print(f"# unexpected: {b}")
    ok(not bad, f"no call hung or failed unexpectedly ({len(bad)} did)")
    ok(ops.get("open:ok", 0) > 0 and ops.get("add:ok", 0) > 0 and ops.get("del:ok", 0) > 0
       and ops.get("set:ok", 0) > 0,
       f"the races happened: {ops.get('add:ok', 0)} adds, {ops.get('del:ok', 0)} deletes, "
       f"{ops.get('set:ok', 0)} sets, {ops.get('open:ok', 0)} opens succeeded")

    for p in S.show():
        S.npctl("del", p["tty"], check=False)
    left = len(S.show())
    devs = [d for d in os.listdir("/sys/class/tty") if d.startswith("ttyNP")]
    with open("/sys/module/nptty/refcnt") as f:
        refcnt = int(f.read())
    ok(left == 0 and not devs and refcnt == 0,
       f"all deleted: {left} ports, {len(devs)} devices, module refcnt {refcnt}")

    name = S.npctl("add", f"127.0.0.1:{base}", "no-cmd").stdout.strip()
    with S.Guard(GUARD, "final echo"):
        fd = S.open_raw("/dev/" + name, nonblock=False)
        os.write(fd, b"still alive\n")
        got = b""
        while len(got) < 12:
            got += os.read(fd, 64)
        os.close(fd)
    S.npctl("del", name)
    ok(got == b"still alive\n", f"a fresh port {name} still echoes: {got!r}")
finally:
    srv.stop()
sys.exit(1 if n_fail else 0)
EOF
exit $?
