#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dkms-check.sh [KREL] - check dkms.conf with the real dkms, on the host.
#
# Runs dkms add, build, install, uninstall, autoinstall and remove for kernel
# KREL (default: the kernel of KDIR, else the newest installed
# /usr/src/linux-headers-*-amd64) in private dkms, source and install trees
# under a temporary directory (dkms --dkmstree/--sourcetree/--installtree),
# so the host's /var/lib/dkms, /usr/src and /lib/modules are left alone and
# two runs can share a machine.  Loading the module is not needed: the
# result is checked with modinfo and depmod -b on the private tree.
# Prints TAP; exits 0 when every check passed.
set -u
cd "$(dirname "$0")/.." || exit 1

ver=$(cat VERSION)
krel=${1:-}
if [ -z "$krel" ]; then
	kdir=${KDIR:-}
	[ -n "$kdir" ] || kdir=$(printf "%s\n" /usr/src/linux-headers-*-amd64 | sort -V | tail -1)
	krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h" 2>/dev/null)
fi
ksrc=/lib/modules/$krel/build
[ -e "$ksrc/include" ] || ksrc=/usr/src/linux-headers-$krel
if [ -z "$krel" ] || [ ! -e "$ksrc/include" ]; then
	echo "1..0 # SKIP no kernel headers (${krel:-none}): apt-get install linux-headers-amd64"
	exit 4
fi
command -v dkms >/dev/null || { echo "1..0 # SKIP needs dkms (apt-get install dkms)"; exit 4; }
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP dkms needs root"; exit 4; }

tmp=$(mktemp -d /tmp/nptty-dkms.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
mkdir -p "$tmp/dkms" "$tmp/src" "$tmp/root/lib/modules/$krel"
dkms_() {
	echo "+ dkms $*" >>"$log"
	dkms --dkmstree "$tmp/dkms" --sourcetree "$tmp/src" \
		--installtree "$tmp/root/lib/modules" --kernelsourcedir "$ksrc" \
		--no-depmod "$@" >>"$log" 2>&1
}
status() { dkms --dkmstree "$tmp/dkms" --sourcetree "$tmp/src" status nptty 2>/dev/null; }
dest=$tmp/root/lib/modules/$krel/updates/dkms/nptty.ko

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $*"; tail -15 "$log" | sed 's/^/# /'; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

echo "1..12"
echo "# dkms $(dkms --version 2>/dev/null | awk '{print $NF}'), nptty $ver, kernel $krel ($ksrc)"

# The tree a user would add: only what make dkms-src exports.
check "make dkms-src exports the module sources" \
	make -s dkms-src DESTDIR="$tmp/stage" DKMS_SRCDIR=/nptty-"$ver"
check "dkms add (version $ver from the VERSION file)" dkms_ add "$tmp/stage/nptty-$ver"
added() { status | grep -q "^nptty/$ver: added"; }
check "dkms status: added" added

t0=$(date +%s.%N)
check "dkms build -k $krel" dkms_ build -m nptty -v "$ver" -k "$krel"
t1=$(date +%s.%N)
echo "# dkms build took $(awk -v s="$t0" -v e="$t1" 'BEGIN { printf "%.1f", e - s }') s"
built=$tmp/dkms/nptty/$ver/$krel/x86_64/module/nptty.ko
built_ok() {
	modinfo -F vermagic "$built" | grep -q "^$krel " &&
		[ "$(modinfo -F version "$built")" = "$ver" ]
}
check "built nptty.ko: vermagic $krel, version $ver" built_ok

installed() { dkms_ install -m nptty -v "$ver" -k "$krel" && [ -f "$dest" ]; }
check "dkms install puts it in /lib/modules/$krel/updates/dkms" installed
depmod_ok() {
	depmod -b "$tmp/root" "$krel" 2>>"$log" &&
		grep -q '^updates/dkms/nptty.ko:' "$tmp/root/lib/modules/$krel/modules.dep"
}
check "depmod finds it: modules.dep has updates/dkms/nptty.ko" depmod_ok
if modinfo -F sig_id "$dest" 2>/dev/null | grep -q .; then
	ok "installed module is signed (dkms key, signer: $(modinfo -F signer "$dest"))"
else
	ok "installed module is not signed (no sign-file or key here) # SKIP"
fi

uninstalled() { dkms_ uninstall -m nptty -v "$ver" -k "$krel" && [ ! -e "$dest" ]; }
check "dkms uninstall removes it" uninstalled

# AUTOINSTALL: what the kernel postinst hook runs for a new kernel.
autoinstalled() {
	dkms_ unbuild -m nptty -v "$ver" -k "$krel" &&
		dkms_ autoinstall -k "$krel" && [ -f "$dest" ]
}
check "dkms autoinstall builds and installs it (AUTOINSTALL=yes)" autoinstalled

# BUILD_EXCLUSIVE_KERNEL: a pre-5.10 kernel is skipped (dkms exit 77), not failed.
dkms_ build -m nptty -v "$ver" -k 4.19.0-99-amd64
rc=$?
if [ $rc = 77 ]; then ok "a 4.19 kernel is excluded (exit 77)"; else
	nok "a 4.19 kernel: dkms exit $rc, want 77"; fi

removed() {
	dkms_ remove -m nptty -v "$ver" --all && [ ! -e "$dest" ] &&
		[ ! -e "$tmp/dkms/nptty/$ver" ]
}
check "dkms remove --all leaves nothing" removed

echo "# $((n - fail)) passed, $fail failed"
[ $fail = 0 ]
