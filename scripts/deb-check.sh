#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deb-check.sh [DEBDIR] - check the Debian packages that make deb built.
#
# make deb-check runs make deb, then this.  On the host: lintian on the
# .changes (no errors; its warnings are printed), and what each package
# holds.  Then in the VM (scripts/deb-vm.sh): apt-get install of both .debs,
# dkms builds the module for the VM's kernel (the Debian kernel matching the
# host's headers), modprobe, npctl add against npsim on loopback, bytes
# through the tty, apt-get purge leaves nothing.
# DEBDIR defaults to deb/ in the tree; one that the guest cannot see (under
# /tmp, /root, ...) is copied into the tree for the VM run.
# Prints TAP; exits 0 when every check passed.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$(pwd -P)
debdir=${1:-deb}

n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }

ver=$(cat VERSION)
dkms_deb=$(ls "$debdir"/nptty-dkms_"$ver"_all.deb 2>/dev/null)
tools_deb=$(ls "$debdir"/nptty_"$ver"_*.deb 2>/dev/null)
changes=$(ls "$debdir"/nptty_"$ver"_*.changes 2>/dev/null)
if [ -z "$dkms_deb" ] || [ -z "$tools_deb" ]; then
	echo "1..0 # SKIP no nptty $ver packages in $debdir: make deb"
	exit 4
fi
tmp=$(mktemp -d /tmp/nptty-deb-check.XXXXXX)
vmdir=""
trap 'rm -rf "$tmp" ${vmdir:+"$vmdir"}' EXIT

echo "1..5"
if command -v lintian >/dev/null; then
	# As root lintian says it should not be; that line is no finding.
	lintian -I --pedantic ${changes:-"$dkms_deb" "$tools_deb"} 2>&1 |
		grep -v '^running with root privileges' >"$tmp/lintian"
	sed 's/^/# lintian: /' "$tmp/lintian"
	errors=$(grep -c '^E: ' "$tmp/lintian")
	check "lintian: no errors ($errors errors, $(grep -c '^W: ' "$tmp/lintian") warnings)" \
		test "$errors" = 0
else
	ok "lintian # SKIP no lintian (make deps)"
fi

has() { dpkg-deb -c "$1" | awk '{ print $6 }' | sed 's|^\.||' >"$tmp/list"; shift
	local f; for f; do grep -qx "$f" "$tmp/list" || { echo "# missing: $f"; return 1; }; done; }
check "nptty-dkms: sources and dkms.conf in /usr/src/nptty-$ver" has "$dkms_deb" \
	"/usr/src/nptty-$ver/dkms.conf" "/usr/src/nptty-$ver/Kbuild" \
	"/usr/src/nptty-$ver/VERSION" "/usr/src/nptty-$ver/kmod/main.c" \
	"/usr/src/nptty-$ver/include/uapi/linux/nptty.h"
check "nptty: npctl, npsim, udev rules, unit, man pages, completion, config" has "$tools_deb" \
	/usr/sbin/npctl /usr/bin/npsim /lib/udev/rules.d/60-nptty.rules \
	/lib/systemd/system/nptty.service /usr/share/man/man8/npctl.8.gz \
	/usr/share/man/man4/nptty.4.gz /usr/share/bash-completion/completions/npctl \
	/etc/nptty.conf /usr/share/doc/nptty/nptty.conf.example
check "nptty: /etc/nptty.conf is a conffile" \
	sh -c "dpkg-deb -I '$tools_deb' conffiles | grep -qx /etc/nptty.conf"

# The guest sees the tree; not a DEBDIR under one of its tmpfs dirs.
d=$(cd "$debdir" && pwd -P)
case $d/ in
"$top"/*) vmdebs=${d#"$top"/} ;;
*)
	mkdir -p "$top/deb" && vmdir=$(mktemp -d "$top/deb/vm.XXXXXX") &&
		cp "$dkms_deb" "$tools_deb" "$vmdir"/ || exit 1
	vmdebs=${vmdir#"$top"/}
	;;
esac
selftests/vm/run.sh -t "$((1800 * ${NPTTY_TIMEOUT_SCALE:-1}))" \
	-w /usr -w /lib/modules -w /etc -w /var/lib -w /var/cache -- \
	"$top/scripts/deb-vm.sh" "$vmdebs" 2>&1 | tee "$tmp/vm" | sed 's/^/# /'
vm_rc=${PIPESTATUS[0]}
check "install, use and purge in the VM (scripts/deb-vm.sh: $(grep -c '^ok' "$tmp/vm") ok, $(grep -c '^not ok' "$tmp/vm") not ok)" \
	test "$vm_rc" = 0

echo "# $((n - fail)) passed, $fail failed"
[ $fail = 0 ]
