#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deb-vm.sh DEBDIR - install, use and purge the Debian packages in the VM.
# Run from the host (make deb-check does, through scripts/deb-check.sh):
#
#   selftests/vm/run.sh -w /usr -w /lib/modules -w /etc -w /var/lib -w /var/cache \
#       -- scripts/deb-vm.sh deb
#
# The -w overlays make the guest's view of the dirs dpkg, apt and dkms write
# (the package files, /var/lib/dpkg, /var/lib/dkms, the module tree, apt's
# caches) writable and throw the writes away; /var/log is a tmpfs anyway.
# DEBDIR must be visible in the guest (under the tree, not under /tmp).
#
# Steps: apt-get install ./nptty-dkms_*.deb ./nptty_*.deb, offline: the
# guest has no network, and apt needs none when every dependency (dkms,
# libnl) is installed on the host, as make deps does.  nptty-dkms's postinst
# has dkms build the module for the running kernel (the VM boots the Debian
# kernel matching the host's headers); modprobe loads it; the installed
# npctl adds a port to npsim on loopback, the installed udev rules (run by
# the real udevd) name it, bytes go through the tty and back; apt-get purge takes it all away, and no nptty file is left that was not
# there before.  Prints TAP; exit 0 when all passed.
set -u
cd "$(dirname "$0")/.." || exit 1

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
skip_all() { echo "1..0 # SKIP $*"; exit 4; }
# Long steps log to a file, and say how long they took; on failure the
# log's tail goes to the TAP output.
logged() {
	local t0=$SECONDS r=0
	"$@" >"$tmp/log" 2>&1 || r=$?
	echo "# $1 ${2:-}: $((SECONDS - t0)) s"
	[ $r = 0 ] || tail -25 "$tmp/log" | sed 's/^/# /'
	return $r
}

debdir=${1:-deb}
[ "${NPTTY_VM:-0}" = 1 ] || skip_all "run me in the VM (see the header)"
for d in /usr/src /lib/modules /etc /var/lib/dpkg /var/cache; do
	touch "$d/.w" 2>/dev/null || skip_all "$d is read-only: see the header for the -w overlays"
	rm -f "$d/.w"
done
dkms_deb=$(realpath -e "$debdir"/nptty-dkms_*_all.deb 2>/dev/null | tail -1)
tools_deb=$(realpath -e "$debdir"/nptty_*_*.deb 2>/dev/null | tail -1)
[ -n "$dkms_deb" ] && [ -n "$tools_deb" ] || skip_all "no packages in $debdir: make deb"

krel=$(uname -r)
ver=$(cat VERSION)
udevd=/usr/lib/systemd/systemd-udevd
tmp=$(mktemp -d)
udevd_pid=""
npsim_pid=""
cleanup() {
	[ ! -x /usr/sbin/npctl ] || /usr/sbin/npctl list 2>/dev/null |
		awk 'NR > 1 { print $1 }' | xargs -r -n1 /usr/sbin/npctl del 2>/dev/null
	[ -z "$npsim_pid" ] || { kill "$npsim_pid"; wait "$npsim_pid"; } 2>/dev/null
	[ -z "$udevd_pid" ] || { udevadm settle -t 5; kill "$udevd_pid"; wait "$udevd_pid"; } 2>/dev/null
	rm -rf "$tmp"
	umount "/lib/modules/$krel/kernel" 2>/dev/null
}
trap cleanup EXIT

# Every file with nptty in its name where the packages, dkms and depmod put
# things (the host may hold some, from a make install or its cache).  Only
# the dirs themselves where a walk would be long: a find over /usr/share
# takes over a minute through 9p under TCG.
nptty_files() {
	find /usr/src /usr/sbin /usr/bin /usr/share/doc /etc /lib/udev/rules.d \
		/lib/systemd/system /usr/share/man/man4 /usr/share/man/man8 \
		/usr/share/bash-completion/completions /var/lib/dpkg/info \
		-maxdepth 1 -name '*nptty*' 2>/dev/null
	find /etc/udev /etc/systemd "/lib/modules/$krel" /var/lib/dkms \
		/var/lib/systemd/deb-systemd-helper-enabled \
		/var/lib/systemd/deb-systemd-helper-masked \
		-name '*nptty*' 2>/dev/null
	grep -l nptty "/lib/modules/$krel"/modules.dep "/lib/modules/$krel"/modules.alias 2>/dev/null
	return 0
}

echo "1..16"
echo "# kernel $krel, nptty $ver: $dkms_deb $tools_deb"
grep -q '^nptty ' /proc/modules && rmmod nptty
# depmod (run by dkms install and remove) reads every module of the tree:
# the distro's thousands, over 9p, under TCG, take minutes.  Hide them
# (nptty needs only built-in symbols).
mount -t tmpfs tmpfs "/lib/modules/$krel/kernel" || { nok "hide the distro modules"; exit 1; }
logged nptty_files
sort "$tmp/log" >"$tmp/before"
check "not installed before" sh -c "! dpkg -s nptty nptty-dkms >/dev/null 2>&1"

# apt, not dpkg -i: what the README tells users.  It works offline here
# because every dependency is already installed: apt has nothing to fetch.
# (Not --no-download: apt 2.6 then fails on local .debs, "Pathname to
# install is not absolute".)
export DEBIAN_FRONTEND=noninteractive
check "apt-get install ./$(basename "$dkms_deb") ./$(basename "$tools_deb") (offline)" \
	logged apt-get install -y --no-install-recommends \
	"$dkms_deb" "$tools_deb"
cp "$tmp/log" "$tmp/install.log"
sed -n '/^Building for\|^Building initial\|^Done\|^nptty.ko\|Installing to/p' "$tmp/install.log" |
	sed 's/^/# /'
check "dpkg: both installed" sh -c \
	"dpkg-query -W -f='\${Status}\n' nptty nptty-dkms | grep -c '^install ok installed$' | grep -qx 2"
check "dkms status: nptty/$ver installed for $krel" \
	sh -c "dkms status nptty | grep -q '^nptty/$ver, $krel, x86_64: installed'"
check "modinfo: the dkms module, version $ver" sh -c \
	"[ \"\$(modinfo -F filename nptty)\" = /lib/modules/$krel/updates/dkms/nptty.ko ] &&
	 [ \"\$(modinfo -F version nptty)\" = $ver ]"

SYSTEMD_LOG_TARGET=console "$udevd" >"$tmp/udevd.log" 2>&1 &
udevd_pid=$!
check "modprobe nptty" sh -c "modprobe nptty && grep -q '^nptty ' /proc/modules"

/usr/bin/npsim >"$tmp/npsim.log" 2>&1 &
npsim_pid=$!
for _ in $(seq 200); do
	ss -Htln 'sport = :4001' | grep -q . && break
	sleep 0.05
done
tty=$(/usr/sbin/npctl add 127.0.0.1:4001 label deb-check 2>"$tmp/err")
check "npctl add 127.0.0.1:4001 (npsim on loopback): ${tty:-$(cat "$tmp/err")}" \
	test "$tty" = ttyNP0
udevadm settle -t 10
check "udev rules of the package: /dev/serial/by-nport/127.0.0.1:4001 -> $tty" \
	test "$(readlink -f /dev/serial/by-nport/127.0.0.1:4001)" = "/dev/$tty"
check "udev rules of the package: /dev/serial/by-label/deb-check, dialout 660" \
	test "$(stat -L -c '%G %a' /dev/serial/by-label/deb-check 2>/dev/null)" = "dialout 660"
line=""
if stty -F "/dev/$tty" 115200 raw -echo 2>"$tmp/err"; then
	exec 3<>"/dev/$tty"
	echo "bytes through the deb" >&3
	IFS= read -r -t 10 line <&3
	exec 3>&-
fi
check "bytes through /dev/$tty and npsim's loopback plug: '$line'" \
	test "$line" = "bytes through the deb"
/usr/sbin/npctl del "$tty" && udevadm settle -t 10
rmmod nptty

check "apt-get purge nptty nptty-dkms" logged apt-get purge -y nptty nptty-dkms
check "dpkg: both gone, no config left" sh -c "! dpkg -s nptty nptty-dkms >/dev/null 2>&1"
check "no dkms tree: dkms status is empty, no /var/lib/dkms/nptty" \
	sh -c "[ -z \"\$(dkms status nptty)\" ] && [ ! -e /var/lib/dkms/nptty ]"
check "no module: modprobe cannot find nptty" sh -c "! modinfo nptty >/dev/null 2>&1"
logged nptty_files
sort "$tmp/log" >"$tmp/after"
left=$(comm -13 "$tmp/before" "$tmp/after" | tr '\n' ' ')
check "no nptty file left that was not there before${left:+: $left}" test -z "$left"
gone=$(comm -23 "$tmp/before" "$tmp/after" | tr '\n' ' ')
check "nothing removed that was there before${gone:+: $gone}" test -z "$gone"

echo "# $((n - fail)) passed, $fail failed (${SECONDS} s)"
[ $fail = 0 ]
