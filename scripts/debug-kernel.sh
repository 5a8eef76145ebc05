#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# debug-kernel.sh - the nptty debug kernel: build it (cached), build nptty.ko
# against it, and run the selftest suite on it in the VM.
#
#   scripts/debug-kernel.sh build       build what is missing; print the build dir
#   scripts/debug-kernel.sh check [-t SECS] [RUN.SH OPTIONS]
#                                       build, boot with 1 GiB, run the whole
#                                       suite, then a kmemleak scan; TAP out,
#                                       last line "check: N passed, N failed, N skipped"
#   scripts/debug-kernel.sh guest [CMD...]   (in the VM, run by check) baseline
#                                       kmemleak, run CMD (default: the suite),
#                                       scan kmemleak twice, report leaks
#
# The kernel is Debian's linux-source-6.12 (apt-get download, nothing
# installed) configured as tinyconfig + kernel/configs/kvm_guest.config +
# selftests/vm/debug.config: KASAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak,
# UBSAN, debug objects and lists, and everything selftests/vm/run.sh -K and the
# tests need, built in. Every option the fragment names is checked after
# olddefconfig; one that did not stick fails the build.
#
# Cache (never in the tree): $NPTTY_CACHE/debug-kernel (default
# /var/cache/nptty, or ~/.cache/nptty when that is not writable):
#   debs/                 the linux-source .deb
#   src/VERSION/          its unpacked source tree (read-only use)
#   build/KEY/            O= build dir; KEY = hash of the fragment, this
#                         recipe, the source version and the compiler.
#                         bzImage, build-time.txt, nptty/ (a copy of the module
#                         sources, built there by `build`: the top-level
#                         nptty.ko is for the distro kernel and is left alone)
#   run/XXXXXX/           check's own copy, built there, removed at the end
#                         (two checks at once do not share a module)
# The two most recent build dirs are kept. A cold build is about 6.5 min of
# wall time at -j2 on an idle 2-core host (~12 CPU-minutes); later runs only
# rebuild nptty.ko.
#
# Env: NPTTY_CACHE, JOBS (make -j, default: the number of CPUs),
#      DEBUG_KERNEL_TIMEOUT (seconds for the VM run of check, default 3600),
#      NPTTY_TIMEOUT_SCALE (each test's timeout multiplied, default 4 here).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/selftests/vm/debug.config
pkg=linux-source-6.12
# Bump when the recipe below changes in a way that changes the kernel.
recipe=1

log() { echo "debug-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

cache_dir() {
	local c=${NPTTY_CACHE:-/var/cache/nptty}
	if ! mkdir -p "$c" 2>/dev/null || [ ! -w "$c" ]; then
		c=${XDG_CACHE_HOME:-$HOME/.cache}/nptty
		mkdir -p "$c"
	fi
	echo "$c/debug-kernel"
}

need() {
	command -v "$1" >/dev/null 2>&1 || die "missing $1: apt-get install $2"
}

# fetch_source DIR: unpack linux-source-6.12 into DIR/src/VERSION once; print
# the source tree's path.
fetch_source() {
	local c=$1 ver deb tree tmp
	ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || die "apt knows no $pkg (apt-get update?)"
	tree=$c/src/$ver/$pkg
	if [ -f "$tree/Makefile" ]; then
		echo "$tree"
		return
	fi
	mkdir -p "$c/debs"
	deb=$c/debs/${pkg}_${ver}_all.deb
	if [ ! -s "$deb" ]; then
		log "apt-get download $pkg=$ver"
		find "$c/debs" -name '*.deb' -delete
		(cd "$c/debs" && apt-get download -q "$pkg=$ver" >&2) || die "cannot download $pkg"
		deb=$(find "$c/debs" -name "${pkg}_*_all.deb" | head -n 1)
		[ -n "$deb" ] || die "apt-get download left no .deb in $c/debs"
	fi
	log "unpacking $(basename "$deb")"
	tmp=$c/src/$ver.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.tar.xz'
	tar -xJf "$tmp"/usr/src/$pkg.tar.xz -C "$tmp"
	rm -rf "$tmp/usr"
	[ -f "$tmp/$pkg/Makefile" ] || die "no $pkg/Makefile in $deb"
	rm -rf "$c/src/$ver"
	mkdir -p "$c/src/$ver"
	mv "$tmp/$pkg" "$tree"
	rm -rf "$tmp"
	# Other versions' trees are of no more use.
	find "$c/src" -mindepth 1 -maxdepth 1 ! -name "$ver" -exec rm -rf {} +
	echo "$tree"
}

# check_config OBJ: every option of the fragment has its value in OBJ/.config.
check_config() {
	local obj=$1 line opt want got bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*} want=${line#*=} ;;
		"# CONFIG_"*" is not set") opt=${line#\# } opt=${opt%% *} want=n ;;
		*) continue ;;
		esac
		got=$(sed -n "s/^$opt=//p" "$obj/.config")
		[ -n "$got" ] || got=n
		if [ "$got" != "$want" ]; then
			log "$opt: wanted $want, got $got"
			bad=1
		fi
	done <"$frag"
	[ "$bad" = 0 ] || die "the fragment did not apply (see above); $obj/.config"
}

# build_kernel TREE OBJ: configure and build the kernel in OBJ.
build_kernel() {
	local tree=$1 obj=$2 jobs=${JOBS:-$(nproc)} t
	rm -rf "$obj"
	mkdir -p "$obj"
	log "configuring in $obj"
	make -s -C "$tree" O="$obj" tinyconfig >"$obj/config.log" 2>&1
	"$tree"/scripts/kconfig/merge_config.sh -m -O "$obj" "$obj/.config" \
		"$tree"/kernel/configs/kvm_guest.config "$frag" >>"$obj/config.log" 2>&1
	make -s -C "$tree" O="$obj" olddefconfig >>"$obj/config.log" 2>&1
	check_config "$obj"
	log "building bzImage at -j$jobs (log: $obj/build.log)"
	t=$obj/build-time.txt
	if ! { TIMEFORMAT="wall %R s, user %U s, sys %S s, %P%% CPU"
		time make -C "$tree" O="$obj" -j"$jobs" bzImage modules >"$obj/build.log" 2>&1; } 2>"$t"; then
		tail -n 20 "$obj/build.log" >&2
		die "kernel build failed: $obj/build.log"
	fi
	log "kernel built: $(cat "$t")"
	touch "$obj/.done"
}

# build_module OBJ DIR: copy the module sources to DIR and build them there
# against the kernel in OBJ.
build_module() {
	local obj=$1 m=$2
	mkdir -p "$m"
	# cp -p keeps mtimes, so make rebuilds only what changed.
	cp -p "$top/Kbuild" "$top/VERSION" "$m/"
	rm -rf "$m/include.new"
	cp -pR "$top/include" "$m/include.new"
	rm -rf "$m/include"
	mv "$m/include.new" "$m/include"
	mkdir -p "$m/kmod"
	find "$m/kmod" -name '*.[ch]' -exec rm -f {} +
	cp -p "$top"/kmod/*.[ch] "$m/kmod/"
	if ! make -C "$obj" M="$m" modules >"$m/build.log" 2>&1; then
		tail -n 20 "$m/build.log" >&2
		die "nptty.ko build failed: $m/build.log"
	fi
	# Warnings count: the debug flags (KASAN, UBSAN, FORTIFY) see more.
	if grep -q 'warning:' "$m/build.log"; then
		grep 'warning:' "$m/build.log" >&2
		die "nptty.ko built with warnings against the debug kernel"
	fi
}

# do_build [DIR]: the kernel (cached) and nptty.ko in DIR (default OBJ/nptty);
# prints OBJ.
do_build() {
	local c tree key obj
	need make build-essential
	need gcc build-essential
	need bison bison
	need flex flex
	need bc bc
	need apt-get apt
	need dpkg-deb dpkg
	[ -e /usr/include/libelf.h ] || die "missing libelf.h: apt-get install libelf-dev"
	[ -e /usr/include/openssl/ssl.h ] || die "missing openssl headers: apt-get install libssl-dev"
	c=$(cache_dir)
	mkdir -p "$c/build"
	exec 9>"$c/.lock"
	flock 9
	tree=$(fetch_source "$c")
	key=$({
		cat "$frag"
		echo "recipe $recipe"
		echo "$tree"
		gcc --version | head -n 1
	} | sha256sum | cut -c1-16)
	obj=$c/build/$key
	if [ -e "$obj/.done" ] && [ -e "$obj/arch/x86/boot/bzImage" ]; then
		log "kernel cached: $obj"
	else
		build_kernel "$tree" "$obj"
	fi
	touch "$obj"
	find "$c/build" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
		sort -rn | tail -n +3 | cut -d' ' -f2- | xargs -r rm -rf
	build_module "$obj" "${1:-$obj/nptty}"
	echo "$obj"
}

# Inside the VM: kmemleak baseline, CMD, two scans, the verdict.
do_guest() {
	local kml=/sys/kernel/debug/kmemleak rc=0 n out
	out=${NPTTY_VM_OUT:-/tmp}
	[ $# -gt 0 ] || set -- make -s -C "$top/selftests" run
	if [ -w "$kml" ]; then
		# Whatever boot left unreferenced is not ours: scan, then mark it
		# as never to be reported again.
		echo scan >"$kml"
		echo clear >"$kml"
	else
		echo "# debug-kernel: no $kml: no leak check"
	fi
	"$@" || rc=$?
	[ -w "$kml" ] || return "$rc"
	# An object is reported only once it is older than ~5 s and was
	# unreferenced in a scan; a second scan catches what the first one
	# was too young for.
	sleep 6
	echo scan >"$kml"
	sleep 6
	echo scan >"$kml"
	cat "$kml" >"$out/kmemleak-after-suite.txt"
	n=$(grep -c '^unreferenced object' "$out/kmemleak-after-suite.txt" || true)
	if [ "$n" -gt 0 ]; then
		echo "not ok - kmemleak: $n unreferenced objects"
		head -n 200 "$out/kmemleak-after-suite.txt" | sed 's/^/# /'
		[ "$rc" != 0 ] || rc=1
	else
		echo "# debug-kernel: kmemleak: no unreferenced objects"
	fi
	return "$rc"
}

# no_pvh BZIMAGE: make run.sh boot the bzImage itself.  This kernel does not
# come up through PVH (QEMU resets at the entry point, EIP=0; the same
# bzImage boots the classic way), and run.sh skips PVH for an image whose
# cache dir holds .no-pvh (selftests/vm/run.sh, -K).
no_pvh() {
	local c=${NPTTY_CACHE:-/var/cache/nptty} d
	if ! mkdir -p "$c" 2>/dev/null || [ ! -w "$c" ]; then
		c=${XDG_CACHE_HOME:-$HOME/.cache}/nptty
	fi
	d=$c/custom/$(sha256sum "$1" | cut -c1-16)
	mkdir -p "$d"
	rm -f "$d/vmlinux"
	touch "$d/.no-pvh"
}

logf="" mod=""
do_check() {
	local obj tmo=${DEBUG_KERNEL_TIMEOUT:-3600} vm_rc summary pass fail skip
	local extra=0 t0
	# a module of this run's own: a second run at the same time must not
	# rebuild the nptty.ko this one's tests insmod again and again
	mod=$(mkdir -p "$(cache_dir)/run" && mktemp -d "$(cache_dir)/run/XXXXXX")
	logf=$(mktemp)
	trap 'rm -rf "$logf" "$mod"' EXIT
	obj=$(do_build "$mod")
	no_pvh "$obj/arch/x86/boot/bzImage"
	t0=$(date +%s)
	NPTTY_TIMEOUT_SCALE=${NPTTY_TIMEOUT_SCALE:-4} \
	NPTTY_KO=$mod/nptty.ko "$top/selftests/vm/run.sh" -K "$obj/arch/x86/boot/bzImage" \
		-m 1024 -t "$tmo" "$@" -- "$top/scripts/debug-kernel.sh" guest 2>&1 | tee "$logf"
	vm_rc=${PIPESTATUS[0]}
	echo "# debug-kernel: boot + suite + kmemleak: $(($(date +%s) - t0)) s"
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$logf" | tail -n 1)
	pass=$(echo "$summary" | awk '{ print $1 + 0 }')
	fail=$(echo "$summary" | awk '{ print $3 + 0 }')
	skip=$(echo "$summary" | awk '{ print $5 + 0 }')
	grep -q '^not ok - kmemleak' "$logf" && extra=1
	fail=$((fail + extra))
	if [ -z "$summary" ]; then
		echo "not ok - the test run did not finish (vm exit $vm_rc)"
		fail=$((fail + 1))
	elif [ "$vm_rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		echo "not ok - guest kernel log or VM (vm exit $vm_rc)"
		fail=$((fail + 1))
	fi
	echo "check: ${pass:-0} passed, $fail failed, ${skip:-0} skipped"
	[ "$fail" -eq 0 ]
}

cmd=${1:-build}
[ $# -eq 0 ] || shift
case $cmd in
build) do_build ;;
check) do_check "$@" ;;
guest) do_guest "$@" ;;
-h | --help | help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//' ;;
*) die "unknown command $cmd (build, check, guest)" ;;
esac
