#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The spec (docs/netlink/nptty.yaml), the uapi header and the running
# kernel agree, so that none of them can drift:
#  - the spec has only the keys the kernel's genetlink spec schema knows;
#  - the header's commands, attributes and enums have the spec's names, in
#    the spec's order, with its values; its constants match;
#  - the family the kernel registered (CTRL_CMD_GETFAMILY) has the spec's
#    name, version, commands and multicast groups;
#  - each command's policy (CTRL_CMD_GETPOLICY) accepts exactly the
#    attributes the spec lists for its request, with the spec's types and
#    checks (min, max, lengths).
. "$(dirname "$0")/lib.sh"
need_module
need_cmd python3
python3 -c 'import yaml' 2>/dev/null || skip_all "needs python3-yaml"

# NPTTY_SPEC: another spec to check (to see that a wrong one fails).
exec python3 - "${NPTTY_SPEC:-$TOP/docs/netlink/nptty.yaml}" "$TOP/include/uapi/linux/nptty.h" <<'EOF'
import os, re, socket, struct, sys
import yaml

spec_path, header_path = sys.argv[1:]
spec = yaml.safe_load(open(spec_path))
results = []

def check(ok, desc, why=""):
    results.append(ok)
    print("%sok %d %s%s" % ("" if ok else "not ", len(results), desc,
                            "" if ok or not why else ": " + why))
    sys.stdout.flush()

# --- C headers: enums and defines ---

def c_enums(path):
    """{enum name: [(entry, value)]} and {define: text} of a C header."""
    text = re.sub(r"/\*.*?\*/", "", open(path).read(), flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    enums, values = {}, {}
    for name, body in re.findall(r"enum\s*(\w*)\s*\{(.*?)\}", text, re.S):
        entries, v = [], -1
        for item in [i.strip() for i in body.split(",") if i.strip()]:
            if "=" in item:
                key, expr = [x.strip() for x in item.split("=", 1)]
                try:
                    v = eval(expr, {}, dict(values))
                except Exception:	# a macro we do not know: skip
                    continue
            else:
                key, v = item, v + 1
            values[key] = v
            entries.append((key, v))
        enums[name or entries[0][0]] = entries
    defines = dict(re.findall(r"#define\s+(\w+)\s+(.+)", text))
    return enums, values, defines

_, sysvals, _ = c_enums("/usr/include/linux/genetlink.h")
_, nlvals, _ = c_enums("/usr/include/linux/netlink.h")
C = dict(sysvals, **nlvals)
C["GENL_ID_CTRL"] = 0x10		# NLMSG_MIN_TYPE
enums, hvals, defines = c_enums(header_path)

def cname(*parts):
    return "_".join(p.upper().replace("-", "_") for p in parts)

# --- the spec's shape (the keys of the kernel's genetlink schema) ---

TOP = {"name", "doc", "protocol", "uapi-header", "definitions",
       "attribute-sets", "operations", "mcast-groups"}
DEF = {"name", "header", "type", "doc", "value", "value-start", "entries",
       "render-max"}
SET = {"name", "name-prefix", "enum-name", "doc", "subset-of", "attributes"}
ATTR = {"name", "type", "doc", "value", "type-value", "byte-order",
        "multi-attr", "nested-attributes", "enum", "enum-as-flags", "checks",
        "sub-type", "display-hint"}
CHECKS = {"flags-mask", "min", "max", "min-len", "max-len", "exact-len"}
TYPES = {"unused", "pad", "flag", "binary", "uint", "sint", "u8", "u16",
         "u32", "u64", "s32", "s64", "string", "nest", "array-nest",
         "nest-type-value"}
OPS = {"enum-model", "name-prefix", "enum-name", "async-prefix",
       "async-enum", "list"}
OP = {"name", "doc", "value", "attribute-set", "flags", "dont-validate",
      "config-cond", "do", "dump", "notify", "event", "mcgrp"}
SUBOP = {"request", "reply", "pre", "post"}
bad = []
def keys(what, d, allowed, required=()):
    bad.extend("%s: unknown key %s" % (what, k) for k in set(d) - allowed)
    bad.extend("%s: missing %s" % (what, k) for k in required if k not in d)
keys("top", spec, TOP, ("name", "doc", "attribute-sets", "operations"))
for d in spec.get("definitions", []):
    keys("definition " + d["name"], d, DEF, ("name", "type"))
sets = {}
for s in spec["attribute-sets"]:
    keys("set " + s["name"], s, SET, ("name", "attributes"))
    sets[s["name"]] = s
    for a in s["attributes"]:
        keys("attribute " + a["name"], a, ATTR, ("name", "type"))
        keys("checks of " + a["name"], a.get("checks", {}), CHECKS)
        if a["type"] not in TYPES:
            bad.append("attribute %s: type %s" % (a["name"], a["type"]))
        if "nested-attributes" in a and a["nested-attributes"] not in sets and \
           a["nested-attributes"] not in [x["name"] for x in spec["attribute-sets"]]:
            bad.append("attribute %s: no set %s" % (a["name"], a["nested-attributes"]))
keys("operations", spec["operations"], OPS, ("list",))
for op in spec["operations"]["list"]:
    keys("op " + op["name"], op, OP, ("name", "doc"))
    for sub in ("do", "dump"):
        if sub in op:
            keys("%s %s" % (op["name"], sub), op[sub], SUBOP)
            for part in ("request", "reply"):
                for a in op[sub].get(part, {}).get("attributes", []):
                    if a not in [x["name"] for x in sets[op["attribute-set"]]["attributes"]]:
                        bad.append("%s %s %s: no attribute %s" % (op["name"], sub, part, a))
for g in spec.get("mcast-groups", {}).get("list", []):
    keys("mcast group", g, {"name", "flags"}, ("name",))
check(not bad, "the spec uses only keys and types of the genetlink schema",
      "; ".join(bad))

# --- the header against the spec ---

fam = spec["name"]
def enum_diff(cenum, want):
    got = [(k, v) for k, v in enums.get(cenum, []) if not k.startswith("__")
           and not k.endswith("_MAX") and not k.endswith("_UNSPEC")]
    return got == want, "header %s, spec %s" % (got, want)

for s in spec["attribute-sets"]:
    prefix = s.get("name-prefix", "%s-a-%s-" % (fam, s["name"]))
    want = [(cname(prefix + a["name"]), i + 1) for i, a in enumerate(s["attributes"])]
    ok, why = enum_diff(s["enum-name"], want)
    check(ok, "header: enum %s is the spec's attribute set %s" % (s["enum-name"], s["name"]), why)
ops = spec["operations"]
want = [(cname(fam, "cmd", op["name"]), i + 1) for i, op in enumerate(ops["list"])]
ok, why = enum_diff(ops["enum-name"], want)
check(ok, "header: enum %s is the spec's operations" % ops["enum-name"], why)
for d in spec["definitions"]:
    if d["type"] == "enum":
        start = d.get("value-start", 0)
        names = [e if isinstance(e, str) else e["name"] for e in d["entries"]]
        want = [(cname(fam, d["name"], e), start + i) for i, e in enumerate(names)]
        got = [(k, hvals.get(k)) for k, _ in want]
        check(got == want, "header: enum values of %s" % d["name"], "%s" % got)
    elif d["type"] == "const":
        got = defines.get(cname(fam, d["name"]), "").strip()
        check(got == str(d["value"]), "header: %s is %s" % (cname(fam, d["name"]), d["value"]), got)
check(defines.get("NPTTY_FAMILY_NAME", "").strip() == '"%s"' % fam and
      defines.get("NPTTY_FAMILY_VERSION", "").strip() == str(spec.get("version", 1)),
      "header: family name and version")
groups = [g["name"] for g in spec["mcast-groups"]["list"]]
check(defines.get("NPTTY_MCGRP_MONITOR", "").strip() == '"%s"' % groups[0],
      "header: multicast group name")

# --- the kernel ---

NLMSG_ERROR, NLMSG_DONE = 2, 3
REQ, ACK, DUMP = 1, 4, 0x300

def attrs(data):
    out = {}
    while len(data) >= 4:
        n, t = struct.unpack_from("=HH", data)
        if n < 4:
            break
        out.setdefault(t & 0x3fff, []).append(data[4:n])
        data = data[(n + 3) & ~3:]
    return out

def one(a, t):
    return a[t][0] if t in a else None

def u(b):
    return int.from_bytes(b, sys.byteorder) if b is not None else None

def request(cmd, flags, payload):
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    sk.bind((0, 0))
    name = fam.encode() + b"\0"
    a = struct.pack("=HH", 4 + len(name), C["CTRL_ATTR_FAMILY_NAME"]) + name
    a += b"\0" * (-len(a) % 4) + payload
    msg = struct.pack("=BBH", cmd, 1, 0) + a
    sk.send(struct.pack("=IHHII", 16 + len(msg), C["GENL_ID_CTRL"],
                        REQ | flags, 1, 0) + msg)
    replies = []
    while True:
        data = sk.recv(1 << 20)
        while len(data) >= 16:
            n, t, f, seq, pid = struct.unpack_from("=IHHII", data)
            body = data[16:n]
            data = data[(n + 3) & ~3:]
            if t == NLMSG_DONE:
                return replies
            if t == NLMSG_ERROR:
                err = struct.unpack_from("=i", body)[0]
                if err:
                    raise OSError(-err, os.strerror(-err))
                return replies
            replies.append(attrs(body[4:]))
        if not flags & DUMP:
            return replies

family = request(C["CTRL_CMD_GETFAMILY"], 0, b"")[0]
check(u(one(family, C["CTRL_ATTR_VERSION"])) == spec.get("version", 1),
      "kernel: family version")
kops = {}
for op in attrs(one(family, C["CTRL_ATTR_OPS"])).values():
    o = attrs(op[0])
    kops[u(one(o, C["CTRL_ATTR_OP_ID"]))] = u(one(o, C["CTRL_ATTR_OP_FLAGS"]) or b"\0\0\0\0")
want_ops = {i + 1: op for i, op in enumerate(ops["list"]) if "do" in op or "dump" in op}
check(sorted(kops) == sorted(want_ops), "kernel: the commands are the spec's",
      "kernel %s, spec %s" % (sorted(kops), sorted(want_ops)))
kgroups = [one(attrs(g[0]), C["CTRL_ATTR_MCAST_GRP_NAME"]).rstrip(b"\0").decode()
           for g in attrs(one(family, C["CTRL_ATTR_MCAST_GROUPS"])).values()]
check(kgroups == groups, "kernel: multicast groups %s" % kgroups)

# Policies: CTRL_ATTR_POLICY {policy index: {attr: {NL_POLICY_TYPE_ATTR_*}}}
# and CTRL_ATTR_OP_POLICY {cmd: {DO: index, DUMP: index}}.
policies, op_policy = {}, {}
for r in request(C["CTRL_CMD_GETPOLICY"], DUMP, b""):
    for pidx, pol in attrs(one(r, C["CTRL_ATTR_POLICY"]) or b"").items():
        for attr, desc in attrs(pol[0]).items():
            policies.setdefault(pidx, {})[attr] = {
                k: v[0] for k, v in attrs(desc[0]).items()}
    for cmd, pol in attrs(one(r, C["CTRL_ATTR_OP_POLICY"]) or b"").items():
        p = attrs(pol[0])
        op_policy[cmd] = {w: u(one(p, C["CTRL_ATTR_POLICY_" + w.upper()]))
                          for w in ("do", "dump")}

NL = {"u8": "U8", "u16": "U16", "u32": "U32", "u64": "U64", "binary": "BINARY",
      "string": "NUL_STRING", "nest": "NESTED", "flag": "FLAG"}
LIMIT = {"u8": 255, "u16": 65535, "u32": 2**32 - 1, "u64": 2**64 - 1}

def expect(a):
    """What a policy dump says about spec attribute @a."""
    t, c = a["type"], a.get("checks", {})
    e = {"type": C["NL_ATTR_TYPE_" + NL[t]]}
    if t in LIMIT:
        e["min"], e["max"] = c.get("min", 0), c.get("max", LIMIT[t])
    if t == "binary" and "exact-len" in c:
        e["minlen"] = e["maxlen"] = c["exact-len"]
    if t == "string" and "max-len" in c:
        e["maxlen"] = c["max-len"]
    return e

def dumped(d):
    e = {"type": u(d.get(C["NL_POLICY_TYPE_ATTR_TYPE"]))}
    for k, t in (("min", "MIN_VALUE_U"), ("max", "MAX_VALUE_U"),
                 ("minlen", "MIN_LENGTH"), ("maxlen", "MAX_LENGTH")):
        if C["NL_POLICY_TYPE_ATTR_" + t] in d:
            e[k] = u(d[C["NL_POLICY_TYPE_ATTR_" + t]])
    return e

for cmd, op in want_ops.items():
    aset = {a["name"]: (i + 1, a) for i, a in
            enumerate(sets[op["attribute-set"]]["attributes"])}
    for sub in ("do", "dump"):
        if sub not in op:
            continue
        names = op[sub].get("request", {}).get("attributes", [])
        pol = policies.get(op_policy.get(cmd, {}).get(sub), {})
        want = {aset[n][0]: expect(aset[n][1]) for n in names}
        got = {k: dumped(v) for k, v in pol.items()}
        diff = ["%s: kernel %s, spec %s" % (
                    [n for n, (i, _) in aset.items() if i == k][0],
                    got.get(k), want.get(k))
                for k in sorted(set(want) | set(got)) if got.get(k) != want.get(k)]
        check(not diff, "kernel: %s %s accepts %d attributes, as the spec says"
              % (op["name"], sub, len(want)), "; ".join(diff))

print("1..%d" % len(results))
sys.exit(0 if all(results) else 1)
EOF
