#!/bin/bash
# fetch-kernel.sh KREL - make sure a Debian kernel image and its modules are cached.
# fetch-kernel.sh --listed KREL - exit 0 when apt's index lists a package that
#                                 can hold the image (nothing downloaded)
#
# Result (printed on stdout, one line): the cache directory
#   $NPTTY_CACHE/kernels/$KREL/
#     vmlinuz                   the kernel image
#     vmlinux                   the same, decompressed, when it can boot via PVH
#                               (unpack-vmlinux.sh; much faster under TCG)
#     root/lib/modules/$KREL/   the packages' whole module tree, depmod'ed,
#                               with build -> /usr/src/linux-headers-$KREL
#     .complete                 written last; its presence means "cached"
#
# Packages are fetched with `apt-get download` (no dpkg state is touched) and
# judged by what they hold, not by their names: the search needs a kernel
# image (boot/vmlinuz-$KREL or [usr/]lib/modules/$KREL/vmlinuz*) and a module
# tree ([usr/]lib/modules/$KREL/kernel/), read with `dpkg-deb -c`.  Every
# package fetched brings its dependencies that belong to the same release
# (`dpkg-deb -f Depends`, names containing $KREL; of alternatives, the first
# that downloads).  While a piece is missing the next starting point is
# tried: linux-image-$KREL-unsigned, linux-image-$KREL, linux-binary-unsigned-
# $KREL, linux-modules-$KREL.  So each packaging Debian uses is found:
#   - one image package holding both (bookworm: the unsigned or the signed one)
#   - 7.x: linux-image-$KREL is a metapackage depending on linux-base-$KREL
#     (config, modules.builtin...), linux-binary-$KREL (vmlinuz) and
#     linux-modules-$KREL (the modules)
#   - 7.x before the signed upload: linux-binary-unsigned-$KREL (which
#     depends on linux-base-$KREL) and linux-modules-$KREL
# `apt-get update` is run only when the first search fails (then it runs
# again from scratch).  APT_CONFIG is honoured, so a private apt
# configuration (e.g. sid's, from scripts/matrix.sh) works.  The .debs are
# deleted after unpacking; the unpacked tree is the cache.  Concurrent
# callers serialise on a lock file.  selftests/unit_fetch_kernel.sh runs it
# on fake packages of each layout through a stand-in apt-get on PATH.
set -euo pipefail
# depmod for a caller whose PATH lacks the sbin dirs
PATH=$PATH:/usr/sbin:/sbin

listed=0
if [ "${1:-}" = --listed ]; then
	listed=1
	shift
fi
KREL=${1:?usage: fetch-kernel.sh [--listed] KREL}
CACHE=${NPTTY_CACHE:-/var/cache/nptty}
dir=$CACHE/kernels/$KREL

log() { echo "vm: $*" >&2; }

# Where a search starts, in order of preference.
starts=("linux-image-$KREL-unsigned" "linux-image-$KREL" "linux-binary-unsigned-$KREL" "linux-modules-$KREL")

if [ $listed = 1 ]; then
	for p in "${starts[@]:0:3}"; do
		apt-get download --print-uris -q "$p" >/dev/null 2>&1 && exit 0
	done
	exit 1
fi

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9

here=$(cd "$(dirname "$0")" && pwd)

# pvh: decompress the image once; .no-pvh remembers that it cannot be done
# (a file under 1 MiB is no kernel: the unit test's fakes are not scanned).
pvh() {
	if [ ! -e "$dir/vmlinux" ] && [ ! -e "$dir/.no-pvh" ]; then
		if [ -z "$(find "$dir/vmlinuz" -size +1M)" ] ||
			! "$here/unpack-vmlinux.sh" "$dir/vmlinuz" "$dir/vmlinux"; then
			touch "$dir/.no-pvh"
		fi
	fi
}

# build: the symlink the headers package would add, so that builds in the
# guest against /lib/modules/$KREL/build find the host's headers (if any).
build_link() {
	local b=$dir/root/lib/modules/$KREL/build
	[ -L "$b" ] || ln -s "/usr/src/linux-headers-$KREL" "$b"
}

if [ -e "$dir/.complete" ]; then
	pvh
	build_link
	echo "$dir"
	exit 0
fi

dl=$dir/dl
flog=$dir/fetch.log
fetched=" "
img=""
mods=""

# fetch PKG: download PKG into $dl, note the pieces it holds, then fetch its
# dependencies of the same release.  Fails when PKG cannot be downloaded.
# (Few processes: under TCG each costs ~50 ms, and the unit test runs this
# in the VM.)
fetch() {
	local pkg=$1 deb held deps="" groups group alt
	case $fetched in *" $pkg "*) return 0 ;; esac
	(cd "$dl/new" && apt-get download -q "$pkg") >>"$flog" 2>&1 || return 1
	fetched="$fetched$pkg "
	for deb in "$dl"/new/*.deb; do
		[ -e "$deb" ] || continue
		# "i": it holds an image, "m": a module tree
		held=$(dpkg-deb -c "$deb" | awk -v k="$KREL" '
			{ p = $6; sub(/^\.\//, "", p) }
			p == "boot/vmlinuz-" k { i = "i" }
			{ sub(/^usr\//, "", p); m0 = "lib/modules/" k "/" }
			p == m0 "vmlinuz" || p == m0 "vmlinuz.unsigned" || p == m0 "vmlinuz.efi" { i = "i" }
			index(p, m0 "kernel/") == 1 { m = "m" }
			END { print i m }')
		[ -n "$img" ] || [[ $held != *i* ]] || img=$pkg
		[ -n "$mods" ] || [[ $held != *m* ]] || mods=$pkg
		echo "fetch-kernel: $pkg: holds '$held'; image ${img:-?}, modules ${mods:-?}" >>"$flog"
		deps="$deps,$(dpkg-deb -f "$deb" Depends)"
		mv "$deb" "$dl/"
	done
	# "a (>= 1) | b, c:any": groups split at commas, alternatives at bars
	IFS=, read -ra groups <<<"$deps"
	for group in ${groups[@]+"${groups[@]}"}; do
		while [[ $group == *"("*")"* ]]; do group=${group%%(*}${group#*)}; done
		for alt in ${group//|/ }; do
			alt=${alt%%:*}
			[[ $alt == *"$KREL"* ]] || continue
			fetch "$alt" && break
		done
	done
	return 0
}

# search: fetch from each starting point until an image and modules are found
search() {
	local p
	rm -rf "$dl"
	mkdir -p "$dl/new"
	# apt's _apt sandbox user must be able to write here when we are root.
	chmod 0777 "$dl/new"
	fetched=" "
	img=""
	mods=""
	for p in "${starts[@]}"; do
		[ -n "$img" ] && [ -n "$mods" ] && break
		fetch "$p" || true
	done
	[ -n "$img" ] && [ -n "$mods" ]
}

log "fetching kernel $KREL (apt-get download, log: $flog)"
: >"$flog"
if ! search; then
	log "no image and modules found (image: ${img:-none}, modules: ${mods:-none}); running apt-get update and retrying"
	if [ "$(id -u)" = 0 ]; then
		apt-get update -q >>"$flog" 2>&1 || true
	else
		# shellcheck disable=SC2024 # the log is ours, not root's
		sudo apt-get update -q >>"$flog" 2>&1 || true
	fi
	if ! search; then
		log "no packages hold kernel $KREL (image: ${img:-none}, modules: ${mods:-none}; tried:${fetched% }); tail of $flog:"
		tail -n 5 "$flog" >&2
		exit 1
	fi
fi
log "kernel $KREL: image from $img, modules from $mods (fetched:${fetched% })"

rm -rf "$dir/root" "$dir/vmlinuz" "$dir/vmlinux" "$dir/.no-pvh"
mkdir -p "$dir/root"
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done

# /usr/lib/modules (7.x) and /lib/modules are the same place on merged-/usr.
if [ -d "$dir/root/usr/lib/modules" ]; then
	mkdir -p "$dir/root/lib/modules"
	cp -a "$dir/root/usr/lib/modules/." "$dir/root/lib/modules/"
	rm -rf "$dir/root/usr"
fi

img=""
for f in "$dir/root/boot/vmlinuz-$KREL" "$dir/root/lib/modules/$KREL/vmlinuz" \
	"$dir/root/lib/modules/$KREL/vmlinuz.unsigned" "$dir/root/lib/modules/$KREL/vmlinuz.efi"; do
	if [ -f "$f" ]; then
		img=$f
		break
	fi
done
if [ -z "$img" ]; then
	log "no vmlinuz found in the downloaded packages"
	exit 1
fi
mv "$img" "$dir/vmlinuz"
# Keep only the module tree.
find "$dir/root" -mindepth 1 -maxdepth 1 ! -name lib -exec rm -rf {} +
find "$dir/root/lib" -mindepth 1 -maxdepth 1 ! -name modules -exec rm -rf {} +
rm -f "$dir/root/lib/modules/$KREL"/vmlinuz*

if [ ! -d "$dir/root/lib/modules/$KREL/kernel" ]; then
	log "no module tree lib/modules/$KREL in the downloaded packages"
	exit 1
fi
# The packages do not ship modules.dep (their postinst runs depmod).
depmod -b "$dir/root" "$KREL"

rm -rf "$dl"
pvh
build_link
touch "$dir/.complete"
echo "$dir"
