#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# install-check.sh - make install / make uninstall into temporary DESTDIRs.
#
# Checks where every file lands for PREFIX=/usr (packaging) and the default
# PREFIX=/usr/local, that the unit points at the installed npctl, that an
# edited /etc/nptty.conf survives install and uninstall, and that uninstall
# leaves nothing else.  Host only (it builds); no root needed.  Prints TAP.
set -u
cd "$(dirname "$0")/.." || exit 1

tmp=$(mktemp -d /tmp/nptty-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/log
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
files() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./|/|' | sort); }

ver=$(cat VERSION)
have_man=$(ls docs/man/*.[1-8] 2>/dev/null | wc -l)
have_conf=$([ -f etc/nptty.conf.example ] && echo 1 || echo 0)

echo "1..14"
# --- PREFIX=/usr, as a package would ---
d=$tmp/pkg
if make -s install DESTDIR="$d" PREFIX=/usr >"$log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	nok "make install PREFIX=/usr"; tail -20 "$log" | sed 's/^/# /'
fi
files "$d" | sed 's/^/# /'
ko=$(find "$d/lib/modules" -path '*/updates/nptty.ko' 2>/dev/null | head -1)
check "module in /lib/modules/KREL/updates, version $ver" \
	test -n "$ko" -a "$(modinfo -F version "$ko" 2>/dev/null)" = "$ver"
check "no depmod output staged under DESTDIR" \
	test -z "$(find "$d/lib/modules" -name 'modules.dep*' 2>/dev/null)"
check "npctl in /usr/sbin, npsim in /usr/bin" \
	test -x "$d/usr/sbin/npctl" -a -x "$d/usr/bin/npsim"
check "udev rules in /usr/lib/udev/rules.d" test -f "$d/usr/lib/udev/rules.d/60-nptty.rules"
check "unit in /usr/lib/systemd/system, ExecStart=/usr/sbin/npctl" \
	grep -q '^ExecStart=/usr/sbin/npctl apply /etc/nptty.conf$' "$d/usr/lib/systemd/system/nptty.service"
m=$(find "$d/usr/share/man" -type f 2>/dev/null | wc -l)
if [ "$have_man" -gt 0 ]; then
	check "$have_man man pages in /usr/share/man" test "$m" = "$have_man"
else
	ok "man pages: none in docs/man yet # SKIP"
fi
if [ "$have_conf" = 1 ]; then
	check "/etc/nptty.conf from the example" cmp -s etc/nptty.conf.example "$d/etc/nptty.conf"
else
	ok "/etc/nptty.conf: no etc/nptty.conf.example yet # SKIP"
fi

# --- default PREFIX=/usr/local ---
d=$tmp/local
make -s install DESTDIR="$d" >"$log" 2>&1 || { tail -20 "$log" | sed 's/^/# /'; }
check "PREFIX=/usr/local: npctl in /usr/local/sbin, rules in /etc/udev/rules.d" \
	test -x "$d/usr/local/sbin/npctl" -a -f "$d/etc/udev/rules.d/60-nptty.rules"
check "PREFIX=/usr/local: unit runs /usr/local/sbin/npctl" \
	grep -q '^ExecStart=/usr/local/sbin/npctl ' "$d/usr/local/lib/systemd/system/nptty.service"

if [ "$have_conf" = 1 ]; then
	echo "# edited by the admin" >>"$d/etc/nptty.conf"
	make -s install DESTDIR="$d" >"$log" 2>&1
	check "a second install keeps an edited /etc/nptty.conf" \
		grep -q '^# edited by the admin' "$d/etc/nptty.conf"
else
	ok "config kept on reinstall # SKIP no example config"
fi
make -s uninstall DESTDIR="$d" >"$log" 2>&1
left=$(files "$d")
if [ "$have_conf" = 1 ]; then
	check "uninstall removes all but the edited /etc/nptty.conf" test "$left" = /etc/nptty.conf
else
	check "uninstall removes everything" test -z "$left"
fi
make -s uninstall DESTDIR="$tmp/pkg" PREFIX=/usr >"$log" 2>&1
left=$(files "$tmp/pkg")
check "PREFIX=/usr: uninstall removes everything (unedited config too)" test -z "$left"
[ -n "$left" ] && echo "$left" | sed 's/^/# left: /'

# The unit as systemd reads it (unknown commands are fine: not installed here).
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify systemd/nptty.service 2>&1 |
		grep -v -e 'is not executable' -e "Command 'man ")
	check "systemd-analyze verify: no complaints${out:+: $out}" test -z "$out"
else
	ok "systemd-analyze verify # SKIP no systemd-analyze"
fi

echo "# $((n - fail)) passed, $fail failed"
[ $fail = 0 ]
