#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# udev/60-nptty.rules with the real systemd-udevd, and the tty's place in
# sysfs: the attributes the rules read, the parent device, and what a
# libudev serial port enumerator (Qt's QSerialPortInfo way) sees.
#
# Three steps, each with its own ports:
#  0. no udevd: the node devtmpfs makes is root's, mode 0600 (so the
#     permissions checked later come from the rules, not from the kernel);
#  1. a udevd that reads nothing but our rules file (private mount
#     namespace with empty system rules dirs): coldplug (udevadm trigger)
#     and hotplug (npctl add), links by address and label, a label change,
#     IPv6, removal;
#  2. a udevd with the system's whole rules set plus ours: nothing later
#     undoes them.
# Needs a machine where no udevd runs (the test VM); skips otherwise.
# timeout=300
. "$(dirname "$0")/lib.sh"
need_root
need_cmd udevadm unshare python3
UDEVD=""
for u in /usr/lib/systemd/systemd-udevd /lib/systemd/systemd-udevd; do
	[ -x "$u" ] && UDEVD=$u && break
done
[ -n "$UDEVD" ] || skip_all "needs systemd-udevd (apt-get install udev)"
pgrep -x systemd-udevd >/dev/null && skip_all "a udevd runs already (this test starts its own)"
RULES=$TOP/udev/60-nptty.rules
[ -r "$RULES" ] || skip_all "no $RULES"
need_module

t_plan 34

udevd_pid=""
udevd_log=$(mktemp /tmp/udevd.XXXXXX)
cleanup_add "rm -f '$udevd_log'"
# udevd logs to stderr (not to the kernel log, which the VM scans).
udevd_start() { # [private]: read only our rules
	if [ "${1:-}" = private ]; then
		SYSTEMD_LOG_TARGET=console unshare -m --propagation private sh -c '
			for d in /usr/lib/udev/rules.d /etc/udev/rules.d; do
				mount -t tmpfs -o mode=0755 tmpfs "$d" || exit 1
			done
			exec "$0"' "$UDEVD" >>"$udevd_log" 2>&1 &
	else
		SYSTEMD_LOG_TARGET=console "$UDEVD" >>"$udevd_log" 2>&1 &
	fi
	udevd_pid=$!
	busywait 5000 test -S /run/udev/control
}
udevd_stop() {
	[ -n "$udevd_pid" ] || return 0
	udevadm settle -t 10
	kill "$udevd_pid" 2>/dev/null
	wait "$udevd_pid" 2>/dev/null
	udevd_pid=""
	rm -f /run/udev/control
}
cleanup_add 'udevd_stop'
mkdir -p /run/udev/rules.d
cp "$RULES" /run/udev/rules.d/60-nptty.rules
cleanup_add "rm -f /run/udev/rules.d/60-nptty.rules"

cleanup_add 'udevadm settle -t 5; rm -rf /dev/serial/by-nport /dev/serial/by-label'
a="" b="" c="" d=""
# add VAR ARGS...: npctl add ARGS, the tty name in VAR, deleted at exit
add() {
	local -n _t=$1
	shift
	_t=$("$NPCTL" add "$@") || return 1
	cleanup_add "'$NPCTL' del $_t"
}

# perm NODE: "group mode" of a device node
perm() { stat -L -c '%G %a' "$1"; }
# links_to LINK TTY: LINK resolves to /dev/TTY
links_to() { [ -L "$1" ] && [ "$(readlink -f "$1")" = "/dev/$2" ]; }
settle() { udevadm settle -t 10; }

p1=$(free_port)
p2=$((p1 + 1))
p3=$((p1 + 2))
p4=$((p1 + 3))

# --- sysfs: attributes and parent (no udev needed) ---
add a 127.0.0.1:"$p1" cmd-port "$p2" label udev-a || { t_fail "npctl add"; t_done; }
sys=/sys/class/tty/$a
for f in address data_port cmd_port label link_state; do
	t_check "sysfs $a/$f: $(cat "$sys/$f" 2>&1)" test -r "$sys/$f"
done
[ "$(cat "$sys/address")" = 127.0.0.1 ] && [ "$(cat "$sys/data_port")" = "$p1" ] &&
	[ "$(cat "$sys/cmd_port")" = "$p2" ] && [ "$(cat "$sys/label")" = udev-a ] &&
	t_ok "sysfs values are the port's settings" || t_fail "sysfs values"

t_check "$sys/device exists" test -e "$sys/device"
parent=$(readlink -f "$sys/device" 2>/dev/null)
[ "$parent" = /sys/devices/platform/nptty ] && t_ok "parent is $parent" ||
	t_fail "parent is '$parent', want /sys/devices/platform/nptty"
drv=$(readlink -f "$sys/device/driver" 2>/dev/null)
[ "$(basename "$drv")" = nptty ] && t_ok "parent bound to driver nptty" ||
	t_fail "parent driver '$drv'"
# libserialport skips ttys whose class link points into devices/virtual.
[[ $(readlink -f "$sys") != */devices/virtual/* ]] && t_ok "not a virtual device: $(readlink -f "$sys")" ||
	t_fail "$a is under /sys/devices/virtual"
# The libudev way (Qt's QSerialPortInfo): enumerate subsystem tty, keep the
# ones whose parent device has a driver.
enum=$(python3 - <<'EOF'
import ctypes as C
u = C.CDLL("libudev.so.1")
for f, r, a in [("udev_new", C.c_void_p, []),
                ("udev_enumerate_new", C.c_void_p, [C.c_void_p]),
                ("udev_enumerate_add_match_subsystem", C.c_int, [C.c_void_p, C.c_char_p]),
                ("udev_enumerate_scan_devices", C.c_int, [C.c_void_p]),
                ("udev_enumerate_get_list_entry", C.c_void_p, [C.c_void_p]),
                ("udev_list_entry_get_next", C.c_void_p, [C.c_void_p]),
                ("udev_list_entry_get_name", C.c_char_p, [C.c_void_p]),
                ("udev_device_new_from_syspath", C.c_void_p, [C.c_void_p, C.c_char_p]),
                ("udev_device_get_sysname", C.c_char_p, [C.c_void_p]),
                ("udev_device_get_parent", C.c_void_p, [C.c_void_p]),
                ("udev_device_get_driver", C.c_char_p, [C.c_void_p]),
                ("udev_device_get_subsystem", C.c_char_p, [C.c_void_p])]:
    getattr(u, f).restype = r
    getattr(u, f).argtypes = a
ud = u.udev_new()
e = u.udev_enumerate_new(ud)
u.udev_enumerate_add_match_subsystem(e, b"tty")
u.udev_enumerate_scan_devices(e)
ent = u.udev_enumerate_get_list_entry(e)
while ent:
    d = u.udev_device_new_from_syspath(ud, u.udev_list_entry_get_name(ent))
    name = u.udev_device_get_sysname(d).decode()
    p = u.udev_device_get_parent(d)
    if name.startswith("ttyNP") and p and u.udev_device_get_driver(p):
        print(name, u.udev_device_get_subsystem(p).decode(),
              u.udev_device_get_driver(p).decode())
    ent = u.udev_list_entry_get_next(ent)
EOF
)
echo "$enum" | grep -qx "$a platform nptty" && t_ok "libudev enumeration lists $a (parent platform/nptty)" ||
	t_fail "libudev enumeration: '$enum'"

# --- 0: no udevd ---
t_check "no udevd: /dev/$a is root 600 (devtmpfs)" test "$(perm /dev/"$a")" = "root 600"
t_check "no udevd: no by-nport link" test ! -e /dev/serial/by-nport/127.0.0.1:"$p1"

# --- 1: our rules alone ---
t_check "udevd with only 60-nptty.rules starts" udevd_start private
udevadm trigger --action=add --subsystem-match=tty --sysname-match='ttyNP*'
settle
t_check "coldplug: /dev/$a is dialout 660" test "$(perm /dev/"$a")" = "dialout 660"
t_check "coldplug: /dev/serial/by-nport/127.0.0.1:$p1 -> $a" \
	links_to /dev/serial/by-nport/127.0.0.1:"$p1" "$a"
t_check "coldplug: /dev/serial/by-label/udev-a -> $a" links_to /dev/serial/by-label/udev-a "$a"
props=$(udevadm info -q property /dev/"$a")
echo "$props" | grep -qx ID_MM_DEVICE_IGNORE=1 && t_ok "ModemManager told to ignore it" ||
	t_fail "no ID_MM_DEVICE_IGNORE=1"
echo "$props" | grep -qx NPTTY_ADDRESS=127.0.0.1 && echo "$props" | grep -qx NPTTY_DATA_PORT="$p1" &&
	t_ok "udev properties NPTTY_ADDRESS, NPTTY_DATA_PORT" || t_fail "properties: $props"

add b 127.0.0.1:"$p3" no-cmd || t_fail "npctl add (hotplug)"
settle
t_check "hotplug: /dev/$b is dialout 660" test "$(perm /dev/"$b")" = "dialout 660"
t_check "hotplug: /dev/serial/by-nport/127.0.0.1:$p3 -> $b" \
	links_to /dev/serial/by-nport/127.0.0.1:"$p3" "$b"
n=$(find /dev/serial/by-label -type l -exec readlink -f {} + 2>/dev/null | grep -cx "/dev/$b")
t_check "no label, no by-label link for $b" test "$n" = 0

"$NPCTL" set "$a" label udev-renamed
settle
t_check "label change: by-label/udev-renamed -> $a" links_to /dev/serial/by-label/udev-renamed "$a"
t_check "label change: by-label/udev-a is gone" test ! -e /dev/serial/by-label/udev-a

add c "[::1]:$p4" no-cmd || t_fail "npctl add [::1]"
settle
t_check "IPv6: /dev/serial/by-nport/::1:$p4 -> $c" links_to /dev/serial/by-nport/::1:"$p4" "$c"

"$NPCTL" del "$b"
settle
t_check "del: by-nport/127.0.0.1:$p3 is gone" test ! -e /dev/serial/by-nport/127.0.0.1:"$p3"
t_check "udevd stops" udevd_stop

# --- 2: the system's rules plus ours ---
t_check "udevd with the system rules starts" udevd_start
add d 127.0.0.2:"$p1" no-cmd label udev-d || t_fail "npctl add"
settle
t_check "all rules: /dev/$d is dialout 660" test "$(perm /dev/"$d")" = "dialout 660"
t_check "all rules: by-nport/127.0.0.2:$p1 -> $d" links_to /dev/serial/by-nport/127.0.0.2:"$p1" "$d"
t_check "all rules: by-label/udev-d -> $d" links_to /dev/serial/by-label/udev-d "$d"
"$NPCTL" del "$d"
settle
t_check "del: by-label/udev-d is gone" test ! -e /dev/serial/by-label/udev-d
# udevd names the file and line of any rule it rejects or cannot apply.
if grep -q '60-nptty\.rules' "$udevd_log"; then
	grep '60-nptty\.rules' "$udevd_log" | head -5
	t_fail "udevd complained about 60-nptty.rules"
else
	t_ok "udevd has no complaint about 60-nptty.rules"
fi
t_check "udevd stops" udevd_stop
t_done
