#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# matrix.sh [SLOT...] - compile-test nptty.ko against several Debian kernels.
#
# SLOT is one of
#   5.10    newest linux-headers-5.10.0-N-amd64 of Debian 11 (bullseye and
#           bullseye-security, through a private apt configuration in
#           $cache/matrix/apt-5.10; built with the host's gcc, CC=gcc:
#           Debian built it with gcc-10, which bookworm lacks)
#   6.1     newest linux-headers-6.1.0-N-amd64 apt offers (bookworm)
#   6.12    newest linux-headers-6.12.N+deb12-amd64 (bookworm-security or
#           -backports; built with the host's gcc-12)
#   sid     the newest kernel Debian ships (unstable), in a chroot: the
#           newest release whose headers and image the archive both lists
#   trixie  trixie's kernel, in a chroot
#   KREL    an exact release, e.g. 6.12.95+deb12-amd64 (on the host)
# Default: $NPTTY_MATRIX, else "5.10 6.1 6.12 sid".
#
# Host slots: the three header packages (headers, headers-common, kbuild)
# are fetched with apt-get download and unpacked with dpkg-deb -x into
# $cache/matrix/hdr/KREL (installed headers under /usr/src are used as they
# are); the host's dpkg state is not touched.  Chroot slots: kernels built
# with a newer gcc than the host's, whose kbuild tools also need a newer
# glibc, build in a debootstrap chroot ($cache/matrix/chroot-SUITE) where apt
# installs linux-headers-KREL (no image is pulled in); the chroot is made
# once and refreshed on each run (NPTTY_MATRIX_OFFLINE=1: not refreshed).
# KREL is the newest release the suite has headers for whose image the
# archive lists too (vm/fetch-kernel.sh --listed, through a private apt
# configuration $cache/matrix/apt-SUITE/apt.conf refreshed with the chroot),
# so that the module built and the kernel make check-on SLOT=SUITE boots
# move together when the archive moves.  When no such release exists (the
# archive lists headers and no image), the newest headers are built against
# and $cache/matrix/out/SUITE.noimage says why check-on cannot run.
# The Debian mirror is $NPTTY_MIRROR, else the one this machine's apt
# sources use for its own release (apt-get indextargets).
# The cache is $NPTTY_CACHE, default /var/cache/nptty.
#
# Each build is W=1 and must be free of warnings and errors; the module's
# vermagic must name the kernel.  The modules are kept in
# $cache/matrix/out/KREL/nptty.ko, and $cache/matrix/out/SLOT.krel names
# the release a slot resolved to (make check-on SLOT=6.12 boots it).  Prints TAP
# with the time each slot took (prepare / build); exit 0 when all passed.
# Needs root for the chroot slots (debootstrap, chroot, mount).
set -u
cd "$(dirname "$0")/.." || exit 1
top=$PWD

cache=${NPTTY_CACHE:-/var/cache/nptty}
if ! mkdir -p "$cache" 2>/dev/null || [ ! -w "$cache" ]; then
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/nptty
fi
mcache=$cache/matrix
mkdir -p "$mcache/hdr" "$mcache/out" "$mcache/debs"
mirror=""

# One matrix run at a time per cache (the chroots are shared).
exec 9>"$mcache/.lock"
flock 9

APT_CONFIG_ORIG=${APT_CONFIG:-}
slots=("$@")
[ ${#slots[@]} -gt 0 ] || read -r -a slots <<<"${NPTTY_MATRIX:-5.10 6.1 6.12 sid}"

tmp=$(mktemp -d /tmp/nptty-matrix.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $*"; }
now() { date +%s.%N; }
dt() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.1f", e - s }'; }
log() { echo "# $*" >&2; }

# newest_host REGEX: the newest header package name apt knows matching REGEX
newest_host() {
	apt-cache search --names-only "$1" 2>/dev/null | awk '{ print $1 }' | sort -V | tail -1
}

# host_headers KREL: print the header tree for KREL, fetching it when needed
host_headers() {
	local krel=$1 dir=$mcache/hdr/$1 pkgs d
	if [ -e "/usr/src/linux-headers-$krel/include" ]; then
		echo "/usr/src/linux-headers-$krel"
		return 0
	fi
	if [ ! -e "$dir/usr/src/linux-headers-$krel/Makefile" ]; then
		pkgs="linux-headers-$krel $(apt-cache depends "linux-headers-$krel" 2>/dev/null |
			awk '/Depends: linux-(headers-.*-common|kbuild-)/ { print $2 }' | sort -u | tr '\n' ' ')"
		log "fetching $pkgs"
		rm -rf "$tmp/debs" "$dir.new"
		mkdir -p "$tmp/debs" "$dir.new"
		# shellcheck disable=SC2086
		(cd "$tmp/debs" && apt-get download $pkgs >"$tmp/apt.log" 2>&1) || {
			sed 's/^/# /' "$tmp/apt.log" >&2
			return 1
		}
		for d in "$tmp"/debs/*.deb; do dpkg-deb -x "$d" "$dir.new" || return 1; done
		# The flavour Makefile includes the common tree by absolute path.
		sed -i "s|^include /usr/src/|include $dir/usr/src/|; s|^KBUILD_OUTPUT=/usr/src/|KBUILD_OUTPUT=$dir/usr/src/|" \
			"$dir.new/usr/src/linux-headers-$krel/Makefile"
		rm -rf "$dir"
		mv "$dir.new" "$dir"
	fi
	echo "$dir/usr/src/linux-headers-$krel"
}

# host_compiler KREL: the gcc-N the headers ask for must exist on the host
host_compiler() {
	local cc
	cc=$(apt-cache depends "linux-headers-$1" 2>/dev/null |
		grep -oE 'gcc-[0-9]+' | head -1)
	[ -z "$cc" ] || command -v "$cc" >/dev/null || command -v "x86_64-linux-gnu-$cc" >/dev/null || {
		echo "# linux-headers-$1 is built with $cc, which the host lacks: use a chroot slot" >&2
		return 1
	}
}

# debian_mirror: $NPTTY_MIRROR, else the URI this machine's apt sources
# (one-line or deb822) give for the host's own Debian release
debian_mirror() {
	local rel m
	if [ -n "${NPTTY_MIRROR:-}" ]; then
		echo "$NPTTY_MIRROR"
		return 0
	fi
	# shellcheck disable=SC1091
	rel=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	# shellcheck disable=SC2016 # apt's $(SITE), not the shell's
	m=$(apt-get indextargets --format '$(SITE)' "Release: ${rel:-bookworm}" 'Identifier: Packages' 2>/dev/null | head -1)
	if [ -z "$m" ]; then
		echo "# no apt source for Debian ${rel:-bookworm} to take the mirror from: set NPTTY_MIRROR" >&2
		return 1
	fi
	echo "$m"
}

# debian_security_mirror: the URI this machine's apt sources give for the
# security archive ($NPTTY_SECURITY_MIRROR overrides)
debian_security_mirror() {
	local m
	if [ -n "${NPTTY_SECURITY_MIRROR:-}" ]; then
		echo "$NPTTY_SECURITY_MIRROR"
		return 0
	fi
	# shellcheck disable=SC2016 # apt's $(SITE), not the shell's
	m=$(apt-get indextargets --format '$(SITE) $(RELEASE)' 'Identifier: Packages' 2>/dev/null |
		awk '$2 ~ /-security$/ { print $1; exit }')
	if [ -z "$m" ]; then
		echo "# no security apt source to take the mirror from: set NPTTY_SECURITY_MIRROR" >&2
		return 1
	fi
	echo "$m"
}

# bullseye_apt: a private apt configuration for Debian 11 on the host
# ($mcache/apt-5.10/apt.conf, as apt_config below), updated; print its path
bullseye_apt() {
	local a=$mcache/apt-5.10 sec k=/usr/share/keyrings/debian-archive-keyring.gpg
	[ -n "$mirror" ] || mirror=$(debian_mirror) || return 1
	sec=$(debian_security_mirror) || return 1
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	printf 'deb [signed-by=%s] %s %s main\n' "$k" "$mirror" bullseye "$k" "$sec" bullseye-security \
		>"$a/sources.list"
	apt_conf "$a"
	if [ "${NPTTY_MATRIX_OFFLINE:-0}" != 1 ] || [ ! -e "$a/lists/lock" ]; then
		APT_CONFIG=$a/apt.conf apt-get update -q >"$tmp/apt-5.10.log" 2>&1 || {
			tail -5 "$tmp/apt-5.10.log" | sed 's/^/# /' >&2
			return 1
		}
	fi
	echo "$a/apt.conf"
}

# newest_with_image REGEX: the newest header package apt knows matching
# REGEX whose kernel image apt lists too (the VM boots it)
newest_with_image() {
	local p
	for p in $(apt-cache search --names-only "$1" 2>/dev/null | awk '{ print $1 }' | sort -rV); do
		if "$top/selftests/vm/fetch-kernel.sh" --listed "${p#linux-headers-}"; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# chroot_prepare SUITE: make or refresh the chroot; print its root
chroot_prepare() {
	local suite=$1 root=$mcache/chroot-$1 krel
	[ -n "$mirror" ] || mirror=$(debian_mirror) || return 1
	if [ ! -x "$root/usr/bin/make" ]; then
		command -v debootstrap >/dev/null || {
			echo "# needs debootstrap (apt-get install debootstrap)" >&2
			return 1
		}
		log "debootstrap $suite (once, ~0.6 GB)"
		rm -rf "$root.new"
		debootstrap --variant=minbase --include=make "$suite" "$root.new" "$mirror" \
			>"$tmp/debootstrap.log" 2>&1 || {
			tail -5 "$tmp/debootstrap.log" | sed 's/^/# /' >&2
			return 1
		}
		# A build chroot: accept a mirror whose Release file has passed its
		# Valid-Until (frozen or lagging mirrors); signatures are still checked.
		echo 'Acquire::Check-Valid-Until "false";' \
			>"$root.new/etc/apt/apt.conf.d/99nptty-matrix"
		rm -rf "$root"
		mv "$root.new" "$root"
	fi
	apt_config "$suite" "$root"
	if [ "${NPTTY_MATRIX_OFFLINE:-0}" != 1 ] || [ -z "$(chroot_krel "$root")" ]; then
		{
			chroot "$root" apt-get update -q &&
				APT_CONFIG=$mcache/apt-$suite/apt.conf apt-get update -q
		} >"$tmp/chroot-apt.log" 2>&1 || {
			tail -5 "$tmp/chroot-apt.log" | sed 's/^/# /' >&2
			return 1
		}
		krel=$(pick_krel "$suite" "$root") || return 1
		# those headers (and the gcc they depend on), no image; any other
		# headers go
		{
			# shellcheck disable=SC2016 # dpkg's ${Status}
			chroot "$root" dpkg-query -W -f='${Status} ${Package}\n' 'linux-headers-*' 'linux-kbuild-*' 2>/dev/null |
				sed -n 's/^install ok installed //p' | xargs -r chroot "$root" apt-mark auto &&
				DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -q \
					--no-install-recommends "linux-headers-$krel" &&
				DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get autoremove -y -q --purge &&
				chroot "$root" apt-get clean
		} >>"$tmp/chroot-apt.log" 2>&1 || {
			tail -5 "$tmp/chroot-apt.log" | sed 's/^/# /' >&2
			return 1
		}
	fi
	echo "$root"
}

# pick_krel SUITE ROOT: the newest release SUITE has amd64 headers for whose
# image the archive lists too (else the newest headers, and
# $mcache/out/SUITE.noimage says so)
pick_krel() {
	local suite=$1 root=$2 k all
	all=$(chroot "$root" apt-cache search --names-only '^linux-headers-[0-9]' |
		awk '{ print $1 }' | sed -nE 's/^linux-headers-([0-9][0-9.]*(-[0-9]+|\+deb[0-9.]+)?-amd64)$/\1/p' |
		sort -rV)
	if [ -z "$all" ]; then
		echo "# $suite lists no linux-headers-*-amd64" >&2
		return 1
	fi
	rm -f "$mcache/out/$suite.noimage"
	for k in $all; do
		if APT_CONFIG=$mcache/apt-$suite/apt.conf "$top/selftests/vm/fetch-kernel.sh" --listed "$k"; then
			echo "$k"
			return 0
		fi
		log "$suite: no kernel image listed for $k"
	done
	k=$(head -1 <<<"$all")
	echo "$suite lists headers for $(tr '\n' ' ' <<<"$all")and no kernel image for any of them" >"$mcache/out/$suite.noimage"
	log "$(cat "$mcache/out/$suite.noimage"): building against $k"
	echo "$k"
}

# apt_config SUITE ROOT: a private apt configuration for SUITE on the host
# ($mcache/apt-SUITE/apt.conf, the chroot's keyring), so that the VM runner
# can apt-get download that suite's kernel image: make check-on SLOT=sid.
apt_config() {
	local a=$mcache/apt-$1
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	echo "deb [signed-by=$2/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $1 main" \
		>"$a/sources.list"
	apt_conf "$a"
}

# apt_conf DIR: DIR/apt.conf, an apt configuration whose sources are
# DIR/sources.list and whose state and cache live in DIR
apt_conf() {
	local a=$1
	cat >"$a/apt.conf" <<-EOF
		Dir::Etc::SourceList "$a/sources.list";
		Dir::Etc::SourceParts "/dev/null";
		Dir::Etc::Preferences "/dev/null";
		Dir::Etc::PreferencesParts "/dev/null";
		Dir::State::Lists "$a/lists";
		Dir::Cache "$a/cache";
		Acquire::Check-Valid-Until "false";
		APT::Sandbox::User "root";
	EOF
}

# chroot_krel ROOT: the release of the newest amd64 headers installed there
# shellcheck disable=SC2016 # dpkg's ${Status}
chroot_krel() {
	chroot "$1" dpkg-query -W -f='${Status} ${Package}\n' 'linux-headers-*' 2>/dev/null |
		sed -nE 's/^install ok installed linux-headers-([0-9][0-9.]*(-[0-9]+|\+deb[0-9.]+)?-amd64)$/\1/p' |
		sort -V | tail -1
}

# build DIR KDIR [ROOT]: W=1 build of a copy of the sources in DIR
# ($mkargs: more make arguments, e.g. CC=gcc)
build() {
	local dir=$1 kdir=$2 root=${3:-} mdir
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r Kbuild VERSION kmod include "$dir/"
	find "$dir" \( -name '*.o' -o -name '.*.cmd' -o -name '*.ko' -o -name '*.mod*' \) -delete
	if [ -z "$root" ]; then
		# shellcheck disable=SC2086
		make -j"$(nproc)" -C "$kdir" M="$dir" W=1 $mkargs modules
	else
		mdir=${dir#"$root"}
		# 7.x objtool reads /proc; the mount dies with the namespace
		unshare -m --propagation private sh -c \
			'mount -t proc proc "$1/proc" && exec chroot "$1" make -j"$2" -C "$3" M="$4" W=1 modules' \
			sh "$root" "$(nproc)" "$kdir" "$mdir"
	fi
}

echo "1..${#slots[@]}"
echo "# nptty $(cat VERSION), $(git -C "$top" describe --always --dirty 2>/dev/null || echo '?'), cache $mcache"
for slot in "${slots[@]}"; do
	t0=$(now)
	root=""
	krel=""
	mkargs=""
	aptc=""
	# each slot starts from the caller's apt configuration
	if [ -n "$APT_CONFIG_ORIG" ]; then export APT_CONFIG=$APT_CONFIG_ORIG; else unset APT_CONFIG; fi
	case $slot in
	5.10 | bullseye)
		slot=5.10
		mkargs=CC=gcc
		aptc=$(bullseye_apt) || { nok "5.10: cannot read Debian 11's archive"; continue; }
		krel=$(APT_CONFIG=$aptc newest_with_image '^linux-headers-5\.10\.0-[0-9]+-amd64$')
		;;
	6.1) krel=$(newest_host '^linux-headers-6\.1\.0-[0-9]+-amd64$') ;;
	6.12) krel=$(newest_host '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$') ;;
	sid | unstable | trixie | forky | testing)
		root=$(chroot_prepare "$slot") || { nok "$slot: cannot prepare the chroot"; continue; }
		krel=$(chroot_krel "$root")
		;;
	*) krel=$slot ;;
	esac
	krel=${krel#linux-headers-}
	if [ -z "$krel" ]; then
		nok "$slot: no such kernel headers in apt"
		continue
	fi
	if [ -n "$root" ]; then
		kdir=/usr/src/linux-headers-$krel
		where="$slot chroot, $(find "$root/usr/bin/" -maxdepth 1 -regextype egrep \
			-regex '.*/(x86_64-linux-gnu-)?gcc-[0-9]+' -printf '%f\n' | sort -V | tail -1)"
	else
		[ -z "$aptc" ] || export APT_CONFIG=$aptc
		[ -n "$mkargs" ] || host_compiler "$krel" || { nok "$slot ($krel): no matching compiler"; continue; }
		kdir=$(host_headers "$krel") || { nok "$slot ($krel): cannot fetch the headers"; continue; }
		where="host, $(basename "$(readlink -f "$(command -v gcc)")")"
	fi
	t1=$(now)
	if [ -n "$root" ]; then bdir=$root/build/nptty-$krel; else bdir=$tmp/build-$krel; fi
	build "$bdir" "$kdir" "$root" >"$tmp/build-$krel.log" 2>&1
	rc=$?
	t2=$(now)
	grep -iE 'warning|error' "$tmp/build-$krel.log" | sed "s|$bdir/||g" >"$tmp/findings"
	vm=$(modinfo -F vermagic "$bdir/nptty.ko" 2>/dev/null)
	times="prepare $(dt "$t0" "$t1") s, build $(dt "$t1" "$t2") s"
	if [ $rc = 0 ] && [ ! -s "$tmp/findings" ] && [[ $vm == "$krel "* ]]; then
		mkdir -p "$mcache/out/$krel"
		cp "$bdir/nptty.ko" "$mcache/out/$krel/nptty.ko"
		echo "$krel" >"$mcache/out/$slot.krel"
		ok "$slot: $krel ($where): W=1 clean # $times"
	else
		nok "$slot: $krel ($where): exit $rc, $(wc -l <"$tmp/findings") warnings/errors, vermagic '${vm%% *}' # $times"
		if [ -s "$tmp/findings" ]; then head -30 "$tmp/findings"; else tail -20 "$tmp/build-$krel.log"; fi |
			sed 's/^/# /'
	fi
	[ -z "$root" ] || rm -rf "$bdir"
done
echo "# matrix: $((n - fail)) passed, $fail failed; modules in $mcache/out"
[ $fail = 0 ]
