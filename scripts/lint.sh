#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# lint.sh - the static checks "make lint" runs; all must be clean.
#
#   1. nptty.ko built with W=1 (extra compiler warnings) and C=2 (sparse on
#      every file), in a scratch copy so the tree's objects stay as they are;
#      any warning or error fails.
#   2. checkpatch.pl on kmod/ (ERROR and WARNING level).  checkpatch is not
#      in Debian's header packages: it is taken from the kernel source package
#      (NPTTY_CHECKPATCH_PKG, default linux-source-6.12, else linux-source-6.1)
#      with apt-get download, and only checkpatch.pl and its two data files
#      are kept, in $NPTTY_CACHE/checkpatch/<version>/ (default cache
#      /var/cache/nptty, or ~/.cache/nptty when that is not writable).
#      Nothing is committed or installed.  kmod/compat.h is where the version
#      tests belong, so LINUX_VERSION_CODE warnings are off for that file.
#   3. cppcheck on userspace/ (warning, portability, performance).
#
# Env: KDIR (the headers to build against; default as the Makefile picks),
#      NPTTY_CACHE, NPTTY_CHECKPATCH_PKG, V=1 (show whole logs).
# Prints one TAP line per check and the time it took; exit 0 when all pass.
set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD

if [ -z "${KDIR:-}" ]; then
	KDIR=/lib/modules/$(uname -r)/build
	[ -d "$KDIR" ] || KDIR=$(printf '%s\n' /usr/src/linux-headers-*-amd64 | sort -V | tail -1)
fi
cache=${NPTTY_CACHE:-/var/cache/nptty}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/nptty
	mkdir -p "$cache"
fi

tmp=$(mktemp -d /tmp/nptty-lint.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
t0=0
begin() { t0=$(date +%s.%N); }
secs() { awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }
ok() { n=$((n + 1)); echo "ok $n $* # $(secs)s"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $* # $(secs)s"; }
# show FILE: the findings (everything with V=1)
show() { if [ "${V:-0}" = 1 ]; then cat "$1"; else head -40 "$1"; fi | sed 's/^/# /'; }

echo "1..3"

# --- 1. W=1 + sparse build ---
begin
if ! command -v sparse >/dev/null; then
	nok "W=1 + sparse build: sparse is not installed (apt-get install sparse)"
elif [ ! -d "$KDIR" ]; then
	nok "W=1 + sparse build: no kernel headers at '$KDIR'"
else
	b=$tmp/build
	mkdir -p "$b"
	cp -r Kbuild VERSION kmod include "$b/"
	find "$b" \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' \) -delete
	make -j"$(nproc)" -C "$KDIR" M="$b" W=1 C=2 modules >"$tmp/build.log" 2>&1
	rc=$?
	grep -E 'warning:|error:' "$tmp/build.log" | sed "s|$b/||g" >"$tmp/build.findings"
	if [ $rc = 0 ] && [ ! -s "$tmp/build.findings" ]; then
		ok "W=1 + sparse (C=2) build against $(basename "$KDIR"): clean"
	else
		nok "W=1 + sparse (C=2) build against $(basename "$KDIR"): exit $rc, $(wc -l <"$tmp/build.findings") findings"
		if [ -s "$tmp/build.findings" ]; then show "$tmp/build.findings"; else show "$tmp/build.log"; fi
	fi
fi

# --- 2. checkpatch ---
# fetch_checkpatch: print the directory holding checkpatch.pl, fetching it once.
fetch_checkpatch() {
	local pkg ver dir deb src
	for pkg in ${NPTTY_CHECKPATCH_PKG:-linux-source-6.12 linux-source-6.1}; do
		ver=$(apt-cache policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] && break
		ver=""
	done
	if [ -z "$ver" ]; then
		# offline or no such package: the newest cached copy, if any
		dir=$(printf '%s\n' "$cache"/checkpatch/*/checkpatch.pl 2>/dev/null |
			sort -V | tail -1)
		[ -f "$dir" ] && dirname "$dir" && return 0
		echo "lint: no $pkg in apt and nothing cached" >&2
		return 1
	fi
	dir=$cache/checkpatch/$pkg-$ver
	[ -f "$dir/checkpatch.pl" ] && echo "$dir" && return 0
	echo "lint: fetching checkpatch.pl from $pkg $ver (once)" >&2
	(cd "$tmp" && apt-get download "$pkg=$ver" >"$tmp/apt.log" 2>&1) || {
		cat "$tmp/apt.log" >&2
		return 1
	}
	deb=$(ls "$tmp"/"$pkg"_*.deb)
	src=${pkg#linux-source-}
	mkdir -p "$tmp/src"
	# the .deb holds /usr/src/linux-source-X.tar.xz; take three files from it
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/linux-source-$src.tar.xz" |
		xz -dc | tar -x -C "$tmp/src" --wildcards \
			"linux-source-$src/scripts/checkpatch.pl" \
			"linux-source-$src/scripts/spelling.txt" \
			"linux-source-$src/scripts/const_structs.checkpatch" || return 1
	rm -f "$deb"
	mkdir -p "$dir.new"
	mv "$tmp/src/linux-source-$src/scripts/"* "$dir.new/"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
	echo "$dir"
}

begin
if cp_dir=$(fetch_checkpatch); then
	cp_ver=$(basename "$cp_dir")
	cp_args=(--no-tree --terse --show-types --max-line-length=100 -f)
	others=()
	for f in kmod/*.[ch]; do [ "$f" = kmod/compat.h ] || others+=("$f"); done
	{
		perl "$cp_dir/checkpatch.pl" "${cp_args[@]}" "${others[@]}"
		perl "$cp_dir/checkpatch.pl" "${cp_args[@]}" \
			--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON kmod/compat.h
	} >"$tmp/checkpatch.log" 2>&1
	grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING):' "$tmp/checkpatch.log" >"$tmp/checkpatch.findings"
	nfiles=$((${#others[@]} + 1))
	if [ ! -s "$tmp/checkpatch.findings" ] &&
		! grep -qE '^total: ([1-9]|0 errors, [1-9])' "$tmp/checkpatch.log"; then
		ok "checkpatch ($cp_ver) on $nfiles kmod/ files: clean"
	else
		nok "checkpatch ($cp_ver) on $nfiles kmod/ files: $(wc -l <"$tmp/checkpatch.findings") findings"
		show "$tmp/checkpatch.findings"
	fi
else
	nok "checkpatch: cannot fetch it (apt-get download linux-source-6.12 failed)"
fi

# --- 3. cppcheck on userspace ---
begin
if ! command -v cppcheck >/dev/null; then
	nok "cppcheck: not installed (apt-get install cppcheck)"
else
	cppcheck -q --std=c11 -D_GNU_SOURCE --enable=warning,portability,performance \
		--error-exitcode=1 --inline-suppr \
		-I include -I include/uapi -I kmod userspace/ >"$tmp/cppcheck.log" 2>&1
	rc=$?
	nsrc=$(find userspace -name '*.c' | wc -l)
	if [ $rc = 0 ] && [ ! -s "$tmp/cppcheck.log" ]; then
		ok "cppcheck on $nsrc userspace/ files: clean"
	else
		nok "cppcheck on $nsrc userspace/ files: exit $rc"
		show "$tmp/cppcheck.log"
	fi
fi

echo "# lint: $((n - fail)) passed, $fail failed ($top)"
[ $fail = 0 ]
