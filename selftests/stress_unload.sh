#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Module unload attempts under load.  While ttys are open and carry echo
# traffic, every delete_module() fails, "in use", and the traffic goes on
# intact.  Then, with the traffic stopped, one process keeps opening,
# writing to and closing a port, another dumps the ports over netlink, and
# unload attempts repeat until one succeeds (between two opens): no oops, no
# hang, the ports and their devices are gone, the racing calls fail
# cleanly.  The module is loaded again at the end for the tests that follow.
# timeout=300
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all
cleanup_add nptty_load

python3 - "$TOP" <<'EOF'
import ctypes
import errno
import os
import selectors
import sys
import threading
import time

sys.path.insert(0, os.path.join(sys.argv[1], "selftests"))
import stress_lib as S

N = 4
libc = ctypes.CDLL(None, use_errno=True)
SYS_delete_module = 176          # x86_64


# "in use": EWOULDBLOCK (= EAGAIN) from delete_module(O_NONBLOCK) on 6.x;
# older kernels said EBUSY.  rmmod prints both as "Module nptty is in use".
IN_USE = (errno.EAGAIN, errno.EBUSY)


def unload():
    """delete_module("nptty", O_NONBLOCK): 0 or the errno."""
    if libc.syscall(SYS_delete_module, b"nptty", os.O_NONBLOCK) == 0:
        return 0
    return ctypes.get_errno()


print("1..6", flush=True)
n_t = n_fail = 0


def ok(cond, desc):
    global n_t, n_fail
    n_t += 1
    n_fail += 0 if cond else 1
    print(f"{'' if cond else 'not '}ok {n_t} {desc}", flush=True)
    return cond


base = S.free_base(N + 1)
srv = S.Server("echo", base, N + 1)
fds = {}
try:
    S.apply([f"127.0.0.1:{base + i} no-cmd" for i in range(N + 1)])
    names = S.ports()
    for i in range(N):
        with S.Guard(30, "open"):
            fds[i] = S.open_raw("/dev/" + names[base + i], nonblock=False)
        os.set_blocking(fds[i], False)

    # Echo traffic on N ttys; an unload attempt every ~100 ms meanwhile.
    pats = {i: S.Pattern(300 + i) for i in fds}
    sent = dict.fromkeys(fds, 0)
    got = dict.fromkeys(fds, 0)
    bad = {}
    errs = []
    sel = selectors.DefaultSelector()
    for i, fd in fds.items():
        sel.register(fd, selectors.EVENT_READ | selectors.EVENT_WRITE, i)
    total = 256 * 1024
    t0 = time.monotonic()
    t_un = 0
    while any(got[i] < total for i in fds) and time.monotonic() - t0 < 120:
        if time.monotonic() >= t_un:
            errs.append(unload())
            t_un = time.monotonic() + 0.1
        for key, ev in sel.select(0.1):
            i = key.data
            if ev & selectors.EVENT_WRITE and sent[i] < total and sent[i] - got[i] < 65536:
                try:
                    sent[i] += os.write(fds[i], pats[i].get(sent[i], min(4096, total - sent[i])))
                except BlockingIOError:
                    pass
            if ev & selectors.EVENT_READ:
                try:
                    b = os.read(fds[i], 65536)
                except BlockingIOError:
                    b = b""
                if b and i not in bad and b != pats[i].get(got[i], len(b)):
                    bad[i] = got[i]
                got[i] += len(b)
    ok(errs and all(e in IN_USE for e in errs),
       f"{len(errs)} unload attempts with open ttys: "
       f"{sorted({errno.errorcode.get(e, str(e)) for e in errs})}")
    ok(all(got[i] == total for i in fds) and not bad,
       f"the traffic went on intact: {N} x {total} bytes echoed")
    for fd in fds.values():
        with S.Guard(45, "close"):
            os.close(fd)
    fds.clear()

    # Races: opener/writer/closer and netlink dumps against unload attempts.
    stop = threading.Event()
    opens = {}
    dumps = {}
    racer_errs = []

    def opener():
        path = "/dev/" + names[base + N]
        while not stop.is_set():
            try:
                fd = S.open_raw(path, nonblock=True)
            except OSError as e:
                k = errno.errorcode.get(e.errno, str(e.errno))
                opens[k] = opens.get(k, 0) + 1
                if e.errno not in (errno.ENOENT, errno.ENODEV, errno.ENXIO, errno.EIO):
                    racer_errs.append(f"open: {e}")
                if e.errno == errno.ENOENT:
                    break
                continue
            opens["ok"] = opens.get("ok", 0) + 1
            try:
                os.write(fd, b"x" * 64)
            except OSError:
                pass
            os.close(fd)

    def dumper():
        try:
            g = S.Genl()
        except OSError:
            return
        while not stop.is_set():
            try:
                err, _ = g.dump()
            except OSError as e:
                err = e.errno
            k = errno.errorcode.get(err, "ok") if err else "ok"
            dumps[k] = dumps.get(k, 0) + 1
            if err and err not in (errno.ENOENT, errno.EOPNOTSUPP):
                racer_errs.append(f"dump: {k}")
            if err:
                break

    ths = [threading.Thread(target=opener, daemon=True), threading.Thread(target=dumper, daemon=True)]
    for th in ths:
        th.start()
    t0 = time.monotonic()
    while not (opens.get("ok") and dumps.get("ok")) and time.monotonic() - t0 < 30 * S.SCALE:
        time.sleep(0.05)
    tries = {}
    t0 = time.monotonic()
    done = False
    while time.monotonic() - t0 < 60 * S.SCALE:
        e = unload()
        k = errno.errorcode.get(e, "ok") if e else "ok"
        tries[k] = tries.get(k, 0) + 1
        if e == 0:
            done = True
            break
        if e not in IN_USE:
            break
        time.sleep(0.01)
    time.sleep(0.5)
    stop.set()
    for th in ths:
        th.join(30)
    hung = [th for th in ths if th.is_alive()]
    ok(done, f"unload succeeded between opens after {sum(tries.values())} attempts {tries}")
    print(f"# racing opens: {opens}; racing dumps: {dumps}", flush=True)
    ok(not hung and not racer_errs, "the racing calls failed cleanly"
       + (f": {racer_errs[:5]}" if racer_errs else "") + (f"; {len(hung)} hung" if hung else ""))
    left = [d for d in os.listdir("/sys/class/tty") if d.startswith("ttyNP")] + \
        [d for d in os.listdir("/dev") if d.startswith("ttyNP")]
    ok(not os.path.exists("/sys/module/nptty") and not left,
       f"module gone with its ports and devices ({len(left)} left)")
finally:
    for fd in fds.values():
        os.close(fd)
    srv.stop()
print("# loading the module again", flush=True)
sys.exit(1 if n_fail else 0)
EOF
rc=$?
nptty_load && echo "ok 6 module loaded again" || { echo "not ok 6 module loaded again"; rc=1; }
exit $rc
