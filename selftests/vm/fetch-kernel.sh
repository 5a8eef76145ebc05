#!/bin/bash
# fetch-kernel.sh KREL - make sure a Debian kernel image and its modules are cached.
#
# Result (printed on stdout, one line): the cache directory
#   $NPTTY_CACHE/kernels/$KREL/
#     vmlinuz                   the kernel image
#     vmlinux                   the same, decompressed, when it can boot via PVH
#                               (unpack-vmlinux.sh; much faster under TCG)
#     root/lib/modules/$KREL/   the package's whole module tree, depmod'ed,
#                               with build -> /usr/src/linux-headers-$KREL
#     .complete                 written last; its presence means "cached"
#
# The package is fetched with `apt-get download` (no dpkg state is touched):
# linux-image-$KREL-unsigned, else the signed linux-image-$KREL, else the split
# 7.x packaging (linux-binary-unsigned-$KREL + linux-modules-$KREL). `apt-get
# update` is run only if the first round of downloads fails. APT_CONFIG is
# honoured, so a private apt configuration (e.g. bullseye sources) works.
# The .debs are deleted after unpacking; the unpacked tree is the cache.
# Concurrent callers serialise on a lock file.
set -euo pipefail

KREL=${1:?usage: fetch-kernel.sh KREL}
CACHE=${NPTTY_CACHE:-/var/cache/nptty}
dir=$CACHE/kernels/$KREL

log() { echo "vm: $*" >&2; }

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9

here=$(cd "$(dirname "$0")" && pwd)

# pvh: decompress the image once; .no-pvh remembers that it cannot be done.
pvh() {
	if [ ! -e "$dir/vmlinux" ] && [ ! -e "$dir/.no-pvh" ]; then
		"$here/unpack-vmlinux.sh" "$dir/vmlinuz" "$dir/vmlinux" || touch "$dir/.no-pvh"
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

# Download into a scratch dir; return non-zero when any package is missing.
download() {
	rm -rf "$dir/dl"
	mkdir -p "$dir/dl"
	# apt's _apt sandbox user must be able to write here when we are root.
	chmod 0777 "$dir/dl"
	(cd "$dir/dl" && apt-get download -q "$@") >>"$dir/fetch.log" 2>&1
}

try_all() {
	download "linux-image-$KREL-unsigned" ||
		download "linux-image-$KREL" ||
		download "linux-binary-unsigned-$KREL" "linux-modules-$KREL"
}

log "fetching kernel $KREL (apt-get download, log: $dir/fetch.log)"
: >"$dir/fetch.log"
if ! try_all; then
	log "download failed; running apt-get update and retrying"
	if [ "$(id -u)" = 0 ]; then
		apt-get update -q >>"$dir/fetch.log" 2>&1 || true
	else
		# shellcheck disable=SC2024 # the log is ours, not root's
		sudo apt-get update -q >>"$dir/fetch.log" 2>&1 || true
	fi
	if ! try_all; then
		log "no package provides kernel $KREL; tail of $dir/fetch.log:"
		tail -n 5 "$dir/fetch.log" >&2
		exit 1
	fi
fi

rm -rf "$dir/root" "$dir/vmlinuz" "$dir/vmlinux" "$dir/.no-pvh"
mkdir -p "$dir/root"
for deb in "$dir"/dl/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done

# /usr/lib/modules (7.x) and /lib/modules are the same place on merged-/usr.
if [ -d "$dir/root/usr/lib/modules" ]; then
	mkdir -p "$dir/root/lib/modules"
	mv "$dir/root/usr/lib/modules"/* "$dir/root/lib/modules/"
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

rm -rf "$dir/dl"
pvh
build_link
touch "$dir/.complete"
echo "$dir"
