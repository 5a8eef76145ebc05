#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install-vm.sh - a real "make install" (no DESTDIR) and what a boot does
# with it, inside the test VM.  Run from the host:
#
#   selftests/vm/run.sh -w /lib/modules -w /usr/local -w /etc -- scripts/install-vm.sh
#
# (make install-check does that.)  The -w overlays make the guest's view of
# those host dirs writable and throw the writes away.  Steps: make install
# with the module and tools already built (make -o module -o userspace);
# depmod has indexed updates/nptty.ko, so modprobe loads it; the installed
# nptty.service's own ExecStartPre/ExecStart lines (no systemd in the VM)
# bring up the ports of an /etc/nptty.conf; the installed udev rules, run by
# the real udevd, name them; make uninstall takes it all away again.
# Prints TAP; exit 0 when all passed.
set -u
cd "$(dirname "$0")/.." || exit 1

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 4; }

[ "${NPTTY_VM:-0}" = 1 ] || skip_all "run me in the VM (see the header)"
touch /lib/modules/.w /usr/local/.w /etc/.w 2>/dev/null ||
	skip_all "needs -w /lib/modules -w /usr/local -w /etc"
rm -f /lib/modules/.w /usr/local/.w /etc/.w
krel=$(uname -r)
udevd=/usr/lib/systemd/systemd-udevd
unit=/usr/local/lib/systemd/system/nptty.service
tmp=$(mktemp -d)
udevd_pid=""
cleanup() {
	/usr/local/sbin/npctl list 2>/dev/null | awk 'NR > 1 { print $1 }' |
		xargs -r -n1 /usr/local/sbin/npctl del 2>/dev/null
	[ -z "$udevd_pid" ] || { udevadm settle -t 5; kill "$udevd_pid"; wait "$udevd_pid"; }
	rm -rf "$tmp"
	umount "/lib/modules/$krel/kernel" 2>/dev/null
}
trap cleanup EXIT

echo "1..12"
grep -q '^nptty ' /proc/modules && rmmod nptty
# depmod reads every module of the tree: the distro's thousands, over 9p,
# under TCG, take minutes.  Hide them (nptty needs only built-in symbols).
mount -t tmpfs tmpfs "/lib/modules/$krel/kernel" || { nok "hide the distro modules"; exit 1; }
check "make install (module for $krel, tools, udev rules, unit)" \
	sh -c "make -s -o module -o userspace install KDIR=/lib/modules/$krel/build >$tmp/log 2>&1 ||
		{ tail -20 $tmp/log; exit 1; }"
check "modinfo finds nptty in updates/ (depmod ran)" \
	test "$(modinfo -F filename nptty 2>/dev/null)" = "/lib/modules/$krel/updates/nptty.ko"

# The unit's own commands, as systemd would run them.
pre=$(sed -n 's/^ExecStartPre=//p' "$unit")
start=$(sed -n 's/^ExecStart=//p' "$unit")
check "unit: ExecStartPre=$pre" test -n "$pre"
printf '# two ports\n127.0.0.1:4001 label vm-a no-cmd\n[::1]:4002 no-cmd\n' >/etc/nptty.conf
SYSTEMD_LOG_TARGET=console "$udevd" >"$tmp/udevd.log" 2>&1 &
udevd_pid=$!
# shellcheck disable=SC2086
check "ExecStartPre loads the installed module" sh -c "$pre && grep -q '^nptty ' /proc/modules"
# shellcheck disable=SC2086
check "ExecStart=$start" $start
udevadm settle -t 10
check "the ports of /etc/nptty.conf are there" \
	test "$(/usr/local/sbin/npctl list | awk 'NR > 1' | wc -l)" = 2
check "installed udev rules: /dev/serial/by-label/vm-a" test -L /dev/serial/by-label/vm-a
check "installed udev rules: /dev/serial/by-nport/::1:4002" test -L /dev/serial/by-nport/::1:4002
check "group dialout, mode 660" test "$(stat -L -c '%G %a' /dev/serial/by-label/vm-a)" = "dialout 660"
reload=$(sed -n 's/^ExecReload=//p' "$unit")
printf '127.0.0.1:4001 label vm-a no-cmd\n' >/etc/nptty.conf
# shellcheck disable=SC2086
$reload
check "ExecReload (--prune) drops the port no longer listed" \
	test "$(/usr/local/sbin/npctl list | awk 'NR > 1' | wc -l)" = 1

/usr/local/sbin/npctl del vm-a
udevadm settle -t 10
rmmod nptty
check "make uninstall" sh -c "make -s uninstall KDIR=/lib/modules/$krel/build >$tmp/log 2>&1 ||
		{ tail -20 $tmp/log; exit 1; }"
left=$(ls /lib/modules/"$krel"/updates/nptty.ko /usr/local/sbin/npctl \
	/etc/udev/rules.d/60-nptty.rules "$unit" 2>/dev/null)
modinfo nptty >/dev/null 2>&1 && left="$left modinfo-still-finds-nptty"
check "nothing left, and depmod forgot the module${left:+: $left}" test -z "$left"

echo "# $((n - fail)) passed, $fail failed"
[ $fail = 0 ]
