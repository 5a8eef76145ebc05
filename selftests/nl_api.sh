#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The nptty netlink family's rules, request by request, over a raw socket
# (what npctl cannot send too): each refusal has its errno, an extack
# message that says why, and points (NLMSGERR_ATTR_OFFS) at the attribute
# at fault or names the missing one (NLMSGERR_ATTR_MISS_TYPE); policy
# failures carry the policy (NLMSGERR_ATTR_POLICY).  And the successes:
# new, get, set (label "" removes the label), del.
. "$(dirname "$0")/lib.sh"
need_root
need_module
need_cmd python3
port_del_all
cleanup_add port_del_all

exec python3 - "$TOP/include/uapi/linux/nptty.h" "$(cat /sys/module/nptty/parameters/max_ports)" <<'EOF'
import errno, os, re, socket, struct, sys

header, max_ports = sys.argv[1], int(sys.argv[2])

def c_enums(path):
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    values = {}
    for body in re.findall(r"enum\s*\w*\s*\{(.*?)\}", text, re.S):
        v = -1
        for item in [i.strip() for i in body.split(",") if i.strip()]:
            if "=" in item:
                key, expr = [x.strip() for x in item.split("=", 1)]
                try:
                    v = eval(expr, {}, dict(values))
                except Exception:
                    continue
            else:
                key, v = item, v + 1
            values[key] = v
    return values

V = c_enums(header)
V.update(c_enums("/usr/include/linux/netlink.h"))
V.update(c_enums("/usr/include/linux/genetlink.h"))
A = {k[len("NPTTY_A_PORT_"):].lower().replace("_", "-"): v
     for k, v in V.items() if k.startswith("NPTTY_A_PORT_")}
NAMES = {v: k for k, v in A.items()}
SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 270, 10, 11
REQ, ACK = 1, 4

results = []
def check(ok, desc, why=""):
    results.append(ok)
    print("%sok %d %s%s" % ("" if ok else "not ", len(results), desc,
                            "" if ok else ": " + why))
    sys.stdout.flush()

def nla(t, payload):
    return struct.pack("=HH", 4 + len(payload), t) + payload + b"\0" * (-len(payload) % 4)

def u8(t, v): return nla(A[t], struct.pack("=B", v))
def u16(t, v): return nla(A[t], struct.pack("=H", v))
def u32(t, v): return nla(A[t], struct.pack("=I", v))
def raw(t, b): return nla(A[t] if isinstance(t, str) else t, b)

def parse(data):
    out = {}
    while len(data) >= 4:
        n, t = struct.unpack_from("=HH", data)
        if n < 4:
            break
        out[t & 0x3fff] = data[4:n]
        data = data[(n + 3) & ~3:]
    return out

sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
sk.bind((0, 0))
sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
sk.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
seq = 0

def call(family, cmd, attrs=b"", flags=ACK):
    """(errno, extack attributes, replies, offset of attrs) of one request."""
    global seq
    seq += 1
    body = struct.pack("=BBH", cmd, 1, 0) + attrs
    sk.send(struct.pack("=IHHII", 16 + len(body), family, REQ | flags, seq, 0) + body)
    replies = []
    while True:
        data = sk.recv(65536)
        while len(data) >= 16:
            n, t, f, s, pid = struct.unpack_from("=IHHII", data)
            msg, data = data[16:n], data[(n + 3) & ~3:]
            if t == 2:			# NLMSG_ERROR
                err = -struct.unpack_from("=i", msg)[0]
                ext = parse(msg[20:]) if f & 0x200 else {}
                return err, ext, replies
            if t == 3:			# NLMSG_DONE
                return 0, {}, replies
            replies.append(parse(msg[4:]))
        if not flags & ACK and replies:
            return 0, {}, replies

name = b"nptty\0"
err, _, r = call(0x10, V["CTRL_CMD_GETFAMILY"], nla(V["CTRL_ATTR_FAMILY_NAME"], name), 0)
fam = struct.unpack("=H", r[0][V["CTRL_ATTR_FAMILY_ID"]])[0]
HDR = 16 + 4			# nlmsghdr + genlmsghdr: where attributes start
KVER = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", os.uname().release).groups())

def bad_attr(attrs, ext):
    """The type of the attribute NLMSGERR_ATTR_OFFS points at, or None."""
    if V["NLMSGERR_ATTR_OFFS"] not in ext:
        return None
    off = struct.unpack("=I", ext[V["NLMSGERR_ATTR_OFFS"]])[0] - HDR
    if off < 0 or off + 4 > len(attrs):
        return None
    return struct.unpack_from("=HH", attrs, off)[1] & 0x3fff

def refused(desc, cmd, attrs, want_errno, text, attr=None, missing=None,
            policy=False):
    err, ext, _ = call(fam, V["NPTTY_CMD_" + cmd], attrs)
    msg = ext.get(V["NLMSGERR_ATTR_MSG"], b"").rstrip(b"\0").decode()
    why = []
    if err != want_errno:
        why.append("errno %s, want %s" % (errno.errorcode.get(err, err),
                                          errno.errorcode[want_errno]))
    if text not in msg:
        why.append("message %r, want %r" % (msg, text))
    got = bad_attr(attrs, ext)
    if attr is not None and got != A.get(attr, attr):
        why.append("points at %s, want %s" % (NAMES.get(got, got), attr))
    # NLMSGERR_ATTR_MISS_TYPE exists from 6.0 on; before, the message
    # alone names what is missing.
    if missing is not None and KVER >= (6, 0):
        m = ext.get(V["NLMSGERR_ATTR_MISS_TYPE"])
        if m is None or struct.unpack("=I", m)[0] != A[missing]:
            why.append("missing attribute %s not named" % missing)
    if policy and V["NLMSGERR_ATTR_POLICY"] not in ext:
        why.append("no policy")
    check(not why, "%s: %s %s \"%s\"%s" % (cmd.lower(), desc,
          errno.errorcode.get(err, err), msg,
          " [%s]" % NAMES.get(got, got) if got is not None else ""),
          "; ".join(why))

lo = socket.inet_aton("127.0.0.1")
base = raw("addr4", lo) + u16("data-port", 4321)

# PORT_NEW
refused("no address", "PORT_NEW", u16("data-port", 4321), errno.EINVAL,
        "an IPv4 or IPv6 address is required")
refused("two addresses", "PORT_NEW", base + raw("addr6", socket.inet_pton(socket.AF_INET6, "::1")),
        errno.EINVAL, "not both", attr="addr6")
refused("no data port", "PORT_NEW", raw("addr4", lo), errno.EINVAL,
        "the data port is required", missing="data-port")
refused("data port 0", "PORT_NEW", raw("addr4", lo) + u16("data-port", 0),
        errno.ERANGE, "out of range", attr="data-port", policy=True)
refused("a 3-byte IPv4 address", "PORT_NEW", raw("addr4", lo[:3]) + u16("data-port", 1),
        errno.ERANGE, "size out of range", attr="addr4", policy=True)
refused("a 2-byte u32", "PORT_NEW", base + raw("connect-timeout", b"\1\0"),
        errno.EINVAL, "invalid attribute length", attr="connect-timeout")
refused("a scope id for IPv4", "PORT_NEW", base + u32("scope6", 1), errno.EINVAL,
        "a scope id needs an IPv6 address", attr="scope6")
refused("multicast", "PORT_NEW", raw("addr4", socket.inet_aton("239.1.1.1")) +
        u16("data-port", 1), errno.EINVAL, "not a unicast IPv4 address", attr="addr4")
refused("a read-only attribute", "PORT_NEW", base + raw("tty-name", b"ttyNP9\0"),
        errno.EINVAL, "read-only attribute", attr="tty-name")
refused("an attribute beyond the last", "PORT_NEW", base + raw(A["pad"] + 1, b"\0" * 4),
        errno.EINVAL, "", attr=A["pad"] + 1)
refused("loss policy 3", "PORT_NEW", base + u8("loss-policy", 3), errno.ERANGE,
        "", attr="loss-policy", policy=True)
refused("a label without its NUL", "PORT_NEW", base + raw("label", b"abc"),
        errno.EINVAL, "", attr="label")
refused("a label too long", "PORT_NEW", base + raw("label", b"a" * 32 + b"\0"),
        errno.EINVAL, "", attr="label", policy=True)
refused("a label with a /", "PORT_NEW", base + raw("label", b"a/b\0"), errno.EINVAL,
        "a label is", attr="label")
refused("a label starting with -", "PORT_NEW", base + raw("label", b"-x\0"),
        errno.EINVAL, "a label is", attr="label")
refused("index >= max_ports", "PORT_NEW", base + u32("index", max_ports), errno.ERANGE,
        "max_ports", attr="index")
refused("tx ring too big", "PORT_NEW", base + u32("tx-ring", 2 << 20), errno.ERANGE,
        "", attr="tx-ring", policy=True)

# A port to work on.
err, _, r = call(fam, V["NPTTY_CMD_PORT_NEW"], base + raw("label", b"api\0"))
ok = err == 0 and r and A["index"] in r[0]
idx = struct.unpack("=I", r[0][A["index"]])[0] if ok else 0
check(ok and r[0].get(A["tty-name"]) == b"ttyNP%d\0" % idx and
      r[0].get(A["label"]) == b"api\0",
      "port_new: replies with the port (ttyNP%d, label api)" % idx, "%s %s" % (err, r))
refused("the same address and port", "PORT_NEW", base, errno.EEXIST,
        "a port for this address and data port exists")
refused("the same label", "PORT_NEW", raw("addr4", lo) + u16("data-port", 4322) +
        raw("label", b"api\0"), errno.EEXIST, "a port with this label exists")
refused("the same index", "PORT_NEW", raw("addr4", lo) + u16("data-port", 4322) +
        u32("index", idx), errno.EBUSY, "this index is in use")

# PORT_SET
refused("no index", "PORT_SET", raw("label", b"x\0"), errno.EINVAL,
        "the port index is required", missing="index")
for a, v in (("addr4", lo), ("addr6", bytes(16)), ("data-port", b"\1\0"),
             ("scope6", b"\1\0\0\0")):
    refused("a new " + a, "PORT_SET", u32("index", idx) + raw(a, v), errno.EINVAL,
            "the address of a port cannot change", attr=a)
refused("an unknown index", "PORT_SET", u32("index", max_ports + 5) + raw("label", b"x\0"),
        errno.ENODEV, "no such port", attr="index")
refused("keepalive too long", "PORT_SET", u32("index", idx) + u32("keepalive", 40000),
        errno.ERANGE, "", attr="keepalive", policy=True)
err, _, r = call(fam, V["NPTTY_CMD_PORT_SET"], u32("index", idx) + raw("label", b"\0") +
                 u32("keepalive", 9))
check(err == 0 and A["label"] not in r[0] and r[0].get(A["keepalive"]) == struct.pack("=I", 9),
      "port_set: label \"\" removes the label; the reply has the new settings",
      "%s %s" % (err, r))

# PORT_GET, PORT_DEL
refused("no index", "PORT_GET", b"", errno.EINVAL, "the port index is required",
        missing="index")
refused("a setting", "PORT_GET", u32("index", idx) + raw("label", b"x\0"), errno.EINVAL,
        "", attr="label")
err, _, r = call(fam, V["NPTTY_CMD_PORT_GET"], u32("index", idx))
check(err == 0 and len(r) == 1 and struct.unpack("=I", r[0][A["index"]])[0] == idx and
      A["stats"] in r[0], "port_get: the port, with its counters", "%s %s" % (err, r))
refused("a setting", "PORT_DEL", u32("index", idx) + u32("keepalive", 1), errno.EINVAL,
        "", attr="keepalive")
err, _, _ = call(fam, V["NPTTY_CMD_PORT_DEL"], u32("index", idx))
check(err == 0, "port_del: deletes it", os.strerror(err))
refused("the same port again", "PORT_DEL", u32("index", idx), errno.ENODEV,
        "no such port", attr="index")
err, _, _ = call(fam, V["NPTTY_CMD_PORT_NTF"], b"")
check(err == errno.EOPNOTSUPP, "port_ntf is not a request: %s" % errno.errorcode.get(err, err))
err, _, _ = call(fam, 99, b"")
check(err == errno.EOPNOTSUPP, "an unknown command: %s" % errno.errorcode.get(err, err))

print("1..%d" % len(results))
sys.exit(0 if all(results) else 1)
EOF
